"""Personal data at rest on SQLite and PostgreSQL: the event rows hold ciphertext only, the keys live outside the
event store, and destroying a consultee's key makes their name unreadable in the log and in a copy taken before,
while the audit chain still verifies and a rebuild seals the very same entries (issue 12, finding 1)."""

from __future__ import annotations

import sqlite3
import stat
from collections.abc import Callable
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from psycopg import sql as pgsql

from domain.personal_data import PLACEHOLDER
from domain.values import Channel
from gateways.bootstrap import Node
from gateways.config import Settings
from gateways.persistence import connect_postgres, sqlite_dir
from gateways.subject_keys import PSEUDONYM_KEY_FILE, SQLITE_FILE
from projections.audit_queries import OWN, AuditFilter, search, verify_all
from services.consultations import IdentityInput
from tests.support.consultations import guest_book_signed
from tests.support.leaks import leaked

OFFICE = "kab-16.13"
SITI = IdentityInput(name="Siti Nurhaliza", party_number=1, phone="0812-7777-1234", email="siti.nur@contoh.id")
# Every piece of her that must not be readable: name parts, the number as typed and stored, the address.
HER = (b"Siti", b"Nurhaliza", b"7777", b"81277771234", b"siti.nur", b"contoh.id")


def rows(settings: Settings, table: str | None = None) -> list[tuple[Any, ...]]:
    """(originator_id, originator_version, topic, state) of every stored event, read behind the application's back."""
    if settings.backend == "postgresql":
        with connect_postgres(settings.database) as connection:
            statement = pgsql.SQL("SELECT originator_id, originator_version, topic, state FROM {}.{}").format(
                pgsql.Identifier(settings.postgres_schema), pgsql.Identifier(table or "helpdesk_events"))
            return [tuple(r) for r in connection.execute(statement).fetchall()]
    database = sqlite_dir(settings) / "helpdesk.sqlite" if table is None else table
    with sqlite3.connect(database) as connection:
        found = connection.execute("SELECT originator_id, originator_version, topic, state FROM stored_events")
        return [tuple(r) for r in found.fetchall()]


def copy_event_store(settings: Settings, folder: Any) -> str:
    """A copy of the event store as a backup would take it: SQLite's online backup, or the event table copied."""
    if settings.backend == "postgresql":
        with connect_postgres(settings.database) as connection:
            connection.execute(pgsql.SQL("CREATE TABLE {}.backup_events AS SELECT * FROM {}.helpdesk_events").format(
                pgsql.Identifier(settings.postgres_schema), pgsql.Identifier(settings.postgres_schema)))
        return "backup_events"
    target = str(folder / "backup.sqlite")
    with sqlite3.connect(sqlite_dir(settings) / "helpdesk.sqlite") as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    return target


def decoded_names(node: Node, stored: list[tuple[Any, ...]]) -> list[str]:
    """The consultee names the node's own mapper reads out of these rows (identity or guest-book line)."""
    names = []
    for originator, version, topic, state in stored:
        if topic.endswith(("Consultation.Opened", "Consultation.IdentityCorrected", "QueueDay.GuestRecorded")):
            event = node.helpdesk.mapper.to_domain_event(
                StoredEvent(UUID(str(originator)), int(version), topic, bytes(state)))
            names.append(event.identity.name if hasattr(event, "identity") else event.name)
    return names


def test_an_erased_consultee_is_unreadable_in_the_log_and_in_a_copy_taken_before(
    backend_settings: Settings, open_node: Callable[[Settings], Node], clock: Any, tmp_path: Any
) -> None:
    node = open_node(backend_settings)
    h = node.helpdesk
    # Siti comes in person: she takes a number, is called and signs the guest book; her e-mail is corrected later.
    cid = guest_book_signed(node, OFFICE, SITI, "desk.ani")
    clock.advance(minutes=5)
    h.correct_identity(OFFICE, cid, IdentityInput(name="Siti Nurhaliza", party_number=1, phone="081277771234",
                                                  email="siti.nur@contoh.id"), "desk.ani")
    # Someone else comes by e-mail.
    other = h.open_consultation(OFFICE, Channel.EMAIL, IdentityInput(name="Joko Widodo", party_number=2,
                                                                     email="joko@contoh.id"), "desk.budi")
    node.projections.catch_up()

    # The raw event rows hold no part of her name, number or address.
    # (Random tokens left out: a sealed name's base64 ciphertext may hold "Joko" by chance; CI met one.)
    raw = b"".join(bytes(r[3]) for r in rows(backend_settings))
    assert leaked(raw.decode(), [part.decode() for part in HER] + ["Joko", "joko@"]) == []
    assert b"psn:" in raw
    # The keys are not in the event store: their own file (0600) or their own schema.
    if backend_settings.backend == "sqlite":
        key_file = backend_settings.data_path / SQLITE_FILE
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        assert stat.S_IMODE((backend_settings.data_path / PSEUDONYM_KEY_FILE).stat().st_mode) == 0o600
        with sqlite3.connect(sqlite_dir(backend_settings) / "helpdesk.sqlite") as events:
            tables = {r[0] for r in events.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert not {"subject_keys", "subject_lookups"} & tables
    else:
        with connect_postgres(backend_settings.database) as connection:
            found = connection.execute(
                "SELECT table_schema FROM information_schema.tables WHERE table_name = 'subject_keys'"
                " AND table_schema IN (%s, %s)",
                (backend_settings.postgres_schema, f"{backend_settings.postgres_schema}_keys")).fetchall()
        assert [r[0] for r in found] == [f"{backend_settings.postgres_schema}_keys"]
    # While her key lives, the office reads her name everywhere it keeps it.
    assert set(decoded_names(node, rows(backend_settings))) == {"Siti Nurhaliza", "Joko Widodo"}
    sealed = [e.entry_hash for e in search(node.store, OWN, AuditFilter(limit=1000))]

    # A backup is taken; then she asks to be erased.
    backup = copy_event_store(backend_settings, tmp_path)
    [subject] = node.personal_data.find_subjects("+62 812-7777-1234")
    assert subject.subject_id == str(cid)
    erasure = node.personal_data.erase_subjects([subject.subject_id])
    assert erasure.erased == (str(cid),)

    # Neither the log nor the copy taken before can be read back to her name; the other consultee still reads.
    for stored in (rows(backend_settings), rows(backend_settings, backup)):
        names = decoded_names(node, stored)
        assert names.count(PLACEHOLDER) == 3 and "Joko Widodo" in names and "Siti Nurhaliza" not in names
    # A node opened afresh on the same data (a restart, or the CLI beside it) reads the same.
    node.close()
    again = open_node(backend_settings)
    assert again.helpdesk.repository.get(cid).identity.name == PLACEHOLDER
    assert again.helpdesk.repository.get(other).identity.name == "Joko Widodo"
    names = {r[0] for r in again.store.query("SELECT consultee FROM rm_consultations")}
    assert names == {PLACEHOLDER, "Joko Widodo"}

    # The audit chain verifies, and a rebuild from zero seals the very same entries.
    assert all(c.result.ok for c in verify_all(again.projections, OFFICE, again.keyring.verify, again.keyring.knows))
    again.projections.rebuild("audit")
    assert [e.entry_hash for e in search(again.store, OWN, AuditFilter(limit=1000))] == sealed
    assert all(c.result.ok for c in verify_all(again.projections, OFFICE, again.keyring.verify, again.keyring.knows))
