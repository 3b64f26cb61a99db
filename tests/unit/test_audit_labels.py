"""The audit viewer's words for what the chain stores in code (gateways/web/audit_labels.py): every event type the
domain has and every field its events carry has a label in both languages, so a new event cannot show raw; a key is
worded part by part, a list item by its number from 1; a moment is shown in the reader office's zone."""

from __future__ import annotations

import dataclasses
import importlib
import types
import typing
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import msgspec
from eventsourcing.domain import Aggregate

from domain.offices import OfficeId
from gateways.messages import catalogue
from gateways.web.audit_labels import event_label, key_label, value_text

ROOT = Path(__file__).resolve().parents[2]
# The envelope every stored event has: the entry's own fields (id, version, time), never in a summary.
ENVELOPE = {"originator_id", "originator_version", "timestamp", "originator_topic"}


def domain_aggregates() -> list[type[Aggregate]]:
    for path in sorted((ROOT / "domain").glob("*.py")):
        importlib.import_module(f"domain.{path.stem}")
    found, pending = [], list(Aggregate.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("domain."):
            found.append(cls)
    return found


def domain_event_types() -> list[type]:
    """Every event an aggregate of the domain records (its nested event classes, not eventsourcing's bases)."""
    return [event for aggregate in domain_aggregates() for name, event in vars(aggregate).items()
            if isinstance(event, type) and issubclass(event, Aggregate.Event) and name not in ("Event", "Created")]


def _hints(kind: type) -> dict[str, typing.Any]:
    return {name: hint for name, hint in typing.get_type_hints(kind).items()
            if typing.get_origin(hint) is not typing.ClassVar and not name.startswith("_")}


def _fields(hint: typing.Any, seen: set[type]) -> Iterator[str]:
    if typing.get_origin(hint) is not None or isinstance(hint, types.UnionType):
        for argument in typing.get_args(hint):
            yield from _fields(argument, seen)
    elif isinstance(hint, type) and (issubclass(hint, msgspec.Struct) or dataclasses.is_dataclass(hint)) \
            and hint not in seen:
        seen.add(hint)
        for name, inner in _hints(hint).items():
            yield name
            yield from _fields(inner, seen)


def event_fields(event: type) -> set[str]:
    """Every field name a summary of `event` can hold: its own and, nested, those of the values it carries."""
    names: set[str] = set()
    for name, hint in _hints(event).items():
        if name not in ENVELOPE:
            names.add(name)
            names |= set(_fields(hint, set()))
    return names


def test_the_walk_finds_the_events_of_every_aggregate() -> None:
    found = {type_name_of(event) for event in domain_event_types()}
    assert {"User.Registered", "Consultation.Opened", "EscalationCase.Received", "NodeLog.Restored"} <= found
    assert len(found) > 100
    assert {"notes", "at", "sender_name", "lower_office"} <= set().union(*map(event_fields, domain_event_types()))


def type_name_of(event: type) -> str:
    return event.__qualname__


def test_every_event_type_the_domain_has_is_worded_in_both_languages() -> None:
    raw = sorted(name for name in map(type_name_of, domain_event_types())
                 if event_label(name, "id") == name or event_label(name, "en") == name)
    assert raw == [], f"add `audit_event.<Type>` entries to gateways/web/locale/en.po for: {raw}"
    assert event_label("User.Registered", "id") == "Akun didaftarkan"
    assert event_label("User.Registered", "en") == "Account registered"
    # The consultation's events keep the words of its history in the workspace (one entry each, `event.<Name>`).
    assert event_label("Consultation.Opened", "id") == "Konsultasi dibuka"


def test_every_field_an_event_carries_is_worded_in_both_languages() -> None:
    names = set().union(*map(event_fields, domain_event_types()))
    coded = catalogue().coded
    raw = sorted(name for name in names if not all(coded.get(f"audit_field.{name}", ("", ""))))
    assert raw == [], f"add `audit_field.<name>` entries to gateways/web/locale/en.po for: {raw}"


def test_a_key_is_worded_part_by_part_and_a_list_item_by_its_number() -> None:
    assert key_label("case.notes[0].at", "id") == "Catatan 1 · waktu"
    assert key_label("case.notes[0].at", "en") == "Note 1 · time"
    assert key_label("identity.name", "id") == "Identitas · nama"
    assert key_label("hop.sent_at", "id") == "Eskalasi · waktu dikirim"
    assert key_label("bases[…]", "id") == "Dasar jawaban …"
    assert key_label("something_new", "id") == "Something_new"  # unknown: shown as sealed, never hidden


def test_a_value_is_shown_as_the_reader_reads_it() -> None:
    moment = datetime(2024, 7, 29, 1, 30, tzinfo=UTC).isoformat()
    assert value_text("case.notes[0].at", moment, OfficeId("kab-16.13"), "id") == "29-07-2024 08.30 WIB"
    assert value_text("at", "2024-07-29T01:30:00Z", OfficeId("kab-73.71"), "id") == "29-07-2024 09.30 WITA"
    assert value_text("late", "true", OfficeId("kab-16.13"), "id") == "ya"
    assert value_text("late", "false", OfficeId("kab-16.13"), "en") == "no"
    assert value_text("role", "koordinator", OfficeId("kab-16.13"), "id") == "Koordinator"
    assert value_text("channel", "walk_in", OfficeId("kab-16.13"), "en") == "Walk-in"
    assert value_text("content.bases[1].kind", "pkpu", OfficeId("kab-16.13"), "id") == "PKPU"
    assert value_text("content.topics[0]", "registration", OfficeId("kab-16.13"), "id") == "Pendaftaran"
    assert value_text("evidence[0].kind", "pkpu", OfficeId("kab-16.13"), "id") == "pkpu"  # not a basis: as sealed
    assert value_text("text", "Lupa kata sandi SIPOL.", OfficeId("kab-16.13"), "id") == "Lupa kata sandi SIPOL."
    staff = {"petugas": "Ani Petugas"}
    assert value_text("case.notes[0].author", "petugas", OfficeId("kab-16.13"), "id", staff) == "Ani Petugas"
    assert value_text("username", "petugas", OfficeId("kab-16.13"), "id", staff) == "petugas"  # the account itself
    assert value_text("actor", "orang-lain", OfficeId("kab-16.13"), "id", staff) == "orang-lain"
