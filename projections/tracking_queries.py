"""What a party's liaison may read of their consultation through its tracking link, from the consultations read model:
its number, channel, opening and party, where it stands in plain words, and the answer with its basis. Never the
consultee's name or contacts, the problem as told, a staff member's name or a note (projections/consultations.py holds
them; this query does not return them)."""

from __future__ import annotations

import re
from datetime import datetime
from uuid import UUID

import msgspec

from domain.outgoing import mask_contacts
from domain.personal_data import PLACEHOLDER
from domain.script import Status
from domain.tracking import STAGE_OF, Stage
from domain.values import Basis, Channel
from projections.base import from_iso
from projections.runner import ReadModelRunner

# The answer's source as projections/consultations.py records it: these two are this office; else an office's id.
OWN_SOURCES = frozenset({"desk", "commissioner"})
NAME_PLACEHOLDER = "[nama]"
_COLUMNS = ("id, channel, status, party_name, opened_at, answer, bases, answered_at, answer_source, escalated_to,"
            " consultee")


class TrackedConsultation(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    channel: Channel
    stage: Stage
    opened_at: datetime
    party: str  # the party's name: parties are public
    forwarded_to: str | None  # the office above it went to (a node id), when it was forwarded
    answer: str | None  # contact data and the consultee's name masked
    bases: tuple[Basis, ...]
    answered_at: datetime | None
    answered_above: str | None  # the office above whose answer it is (a node id); None: this office answered


class TrackingQueries:
    def __init__(self, runner: ReadModelRunner) -> None:
        self.runner = runner

    def tracked(self, office_id: str, consultation_id: UUID) -> TrackedConsultation | None:
        """The consultation as its liaison may see it; None when this office holds no such consultation."""
        self.runner.catch_up("consultations")
        rows = self.runner.store.query(f"SELECT {_COLUMNS} FROM rm_consultations WHERE id = ? AND office_id = ?",
                                       (str(consultation_id), office_id))
        return _tracked(rows[0]) if rows else None


def _tracked(row: tuple) -> TrackedConsultation:  # type: ignore[type-arg]
    cid, channel, status, party, opened_at, answer, bases, answered_at, source, escalated_to, consultee = row
    stage = STAGE_OF[Status(status)]
    answered = stage is Stage.ANSWERED and answer is not None
    return TrackedConsultation(
        id=UUID(cid), channel=Channel(channel), stage=stage, opened_at=from_iso(opened_at),  # type: ignore[arg-type]
        party=party, forwarded_to=escalated_to,
        answer=public_text(answer, consultee) if answered else None,
        bases=msgspec.json.decode(bases, type=tuple[Basis, ...]) if answered and bases else (),
        answered_at=from_iso(answered_at) if answered else None,
        answered_above=source if answered and source and source not in OWN_SOURCES else None,
    )


def public_text(text: str, name: str | None) -> str:
    """`text` without phone numbers, e-mail addresses, national ids (domain/outgoing.py) or the consultee's name: a
    desk writes "Yth. Bapak Budi Santoso, …" into an answer, and a link can be passed on. The whole name and each of
    its words of three letters or more are masked where they stand as words."""
    masked = mask_contacts(text)
    if not (name or "").strip() or name == PLACEHOLDER:  # no name, or an erased consultee's name is gone already
        return masked
    words = sorted({part for part in re.split(r"\W+", name) if len(part) >= 3}, key=len, reverse=True)
    for each in [name.strip(), *words]:
        masked = re.sub(rf"(?<!\w){re.escape(each)}(?!\w)", NAME_PLACEHOLDER, masked, flags=re.IGNORECASE)
    return masked
