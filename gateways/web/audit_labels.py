"""The words the audit viewer shows for what the chain stores in code: an event's type (`User.Registered` → "Akun
didaftarkan"), a summary's key (`case.notes[0].at` → "Catatan 1 · waktu") and a value (a UTC moment in the reader
office's zone, a role or channel by its name), all from the one catalogue (gateways/messages.py).

The chain itself keeps the codes: it is sealed, verified at the centre and read by programs; only the page words them.
A type or key the catalogue lacks is shown as stored, never hidden (tests/unit/test_audit_labels.py keeps every event
type and every field the domain's events carry in the catalogue).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

from domain.offices import OfficeId
from gateways.messages import label
from gateways.reports.dates import stamp

# The consultation's events are worded once, for its history in the workspace (`event.<Name>`,
# gateways/web/workspace_view.py); every other aggregate's as `audit_event.<Aggregate>.<Name>`.
SHARED_EVENT_KINDS = {"Consultation": "event"}
# A summary's first key that holds the whole record the event is about (the escalated case, the mail read, the message
# received, the copy released, the FAQ's content): the event's own label already names it, so its fields stand alone.
WRAPPERS = frozenset({"case", "mail", "message", "release", "content"})
# Values named by a label of their own, by the key's last two fields (`bases.kind`), else its last (`role`).
VALUE_KINDS = {"role": "role", "submitter_role": "role", "actor_role": "role", "channel": "channel", "duty": "duty",
               "topics": "faq_topic", "bases.kind": "basis", "documentation.kind": "documentation"}
# Fields that hold a staff member's username: shown by their full name where the office knows them.
PEOPLE_FIELDS = frozenset({"actor", "asked_by", "accepted_by", "answered_by", "author", "by", "restored_by",
                           "submitter", "from_user", "to_user", "actor_on_duty"})
SEPARATOR = " · "
_INDEX = re.compile(r"\[([^\]]*)\]")
_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def event_label(type_name: str, lang: str) -> str:
    """`User.Registered` → "Akun didaftarkan" ("Account registered" in English)."""
    aggregate, _, name = type_name.partition(".")
    kind = SHARED_EVENT_KINDS.get(aggregate)
    return label(kind, name, lang) if kind else label("audit_event", type_name, lang)


def key_label(path: str, lang: str) -> str:
    """`case.notes[0].at` → "Catatan 1 · waktu": each field by its label, a list's item by its number from 1."""
    parts = path.split(".")
    if len(parts) > 1 and parts[0] in WRAPPERS:
        parts = parts[1:]
    words = []
    for part in parts:
        name = part.split("[", 1)[0]
        items = [str(int(i) + 1) if i.isdecimal() else i for i in _INDEX.findall(part)]
        words.append(" ".join([label("audit_field", name, lang) if name else "", *items]).strip())
    text = SEPARATOR.join(words)
    return text[:1].upper() + text[1:]


def value_text(path: str, value: str, office: OfficeId, lang: str, people: Mapping[str, str] | None = None) -> str:
    """A value as the reader reads it: a moment in the office's zone (`02-12-2026 08.30 WIB`), yes or no, a role or a
    channel by its name, a staff member by their full name (`people`: username → full name); else as sealed."""
    if _MOMENT.match(value):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        return stamp(moment, office, lang) if moment.tzinfo is not None else value
    if value in ("true", "false"):
        return label("audit_value", value, lang)
    names = [part.split("[", 1)[0] for part in path.split(".")]
    if names[-1] in PEOPLE_FIELDS and people and value in people:
        return people[value]
    kind = VALUE_KINDS.get(".".join(names[-2:])) or VALUE_KINDS.get(names[-1])
    return label(kind, value, lang) if kind else value
