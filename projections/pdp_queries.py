"""What the read models hold of a person (UU 27/2022 access and erasure requests, retention): their consultations and
guest-book lines, found by phone, e-mail or the consultations (subjects) the key store names.

Read by the `helpdesk pdp` command and the retention job, never by a page: each query reads only the rows asked for
(or, for a phone or address, the two tables' contact columns).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime

import msgspec

from domain.retention import Contact, HeldRecord, RecordKind
from domain.script import Status
from projections.base import KEYS_PER_QUERY, from_iso
from projections.consultations import local_day
from projections.runner import ReadModelRunner

READ_MODELS = ("consultations", "frontdesk")


class ConsultationRecord(msgspec.Struct, frozen=True, kw_only=True):
    """One consultation as the office holds it: who came, what they asked, what they were told, and when."""

    id: str
    office_id: str
    channel: str
    status: str
    name: str
    party: str
    phone: str | None
    email: str | None
    opened_by: str
    opened_at: datetime
    local_day: str
    problem: str | None
    restatement: str | None
    answer: str | None
    bases: list[dict[str, str]]
    answered_by: str | None
    answered_at: datetime | None
    handover_reason: str | None
    escalated_to: str | None
    closed_at: datetime | None
    updated_at: datetime


class GuestBookRecord(msgspec.Struct, frozen=True, kw_only=True):
    """One line of the guest book (Daftar Hadir): as the consultation now names the guest, and as they signed."""

    consultation_id: str
    office_id: str
    day: str
    number: int
    name: str
    phone: str | None
    email: str | None
    signed_name: str
    signed_phone: str | None
    signed_email: str | None
    signature_key: str
    signature_sha256: str
    recorded_by: str
    recorded_at: datetime
    corrected_at: datetime | None


class PersonRecords(msgspec.Struct, frozen=True):
    consultations: list[ConsultationRecord]
    guest_book: list[GuestBookRecord]

    def held(self) -> list[HeldRecord]:
        """The records as the retention rules see them: kind, subject, last activity, status."""
        found = [
            HeldRecord(kind=RecordKind.CONSULTATION, record_id=c.id, subject=c.id, status=Status(c.status),
                       last_activity=_day(c.updated_at, c.office_id))
            for c in self.consultations
        ]
        return found + [
            HeldRecord(kind=RecordKind.GUEST_BOOK, record_id=g.consultation_id, subject=g.consultation_id,
                       last_activity=_day(g.corrected_at or g.recorded_at, g.office_id))
            for g in self.guest_book
        ]


_CONSULTATION = (
    "id, office_id, channel, status, consultee, party, phone, email, opened_by, opened_at, local_day, problem,"
    " restatement, answer, bases, answered_by, answered_at, handover_reason, escalated_to, closed_at, updated_at"
)
_GUEST = (
    "consultation_id, office_id, day, number, name, phone, email, signed_name, signed_phone, signed_email,"
    " signature_key, signature_sha256, recorded_by, recorded_at, corrected_at"
)


class PersonalDataQueries:
    def __init__(self, runner: ReadModelRunner) -> None:
        self.runner = runner

    def consultations_with(self, contact: Contact) -> list[str]:
        """The consultations whose consultee (now, or as they signed the guest book) has this phone or e-mail."""
        self.runner.catch_up(READ_MODELS)
        column, value = ("phone", contact.phone) if contact.phone else ("email", contact.email)
        found = self.runner.store.query(f"SELECT id FROM rm_consultations WHERE {column} = ?", (value,))
        found += self.runner.store.query(
            f"SELECT consultation_id FROM rm_guest_book WHERE {column} = ? OR signed_{column} = ?", (value, value)
        )
        return sorted({row[0] for row in found})

    def records(self, consultation_ids: Iterable[str]) -> PersonRecords:
        """The consultations named and the guest-book lines they were opened by, oldest first."""
        self.runner.catch_up(READ_MODELS)
        ids = sorted(set(consultation_ids))
        consultations = self._rows(f"SELECT {_CONSULTATION} FROM rm_consultations WHERE id IN", ids)
        guests = self._rows(f"SELECT {_GUEST} FROM rm_guest_book WHERE consultation_id IN", ids)
        return PersonRecords(
            consultations=sorted((_consultation(r) for r in consultations), key=lambda c: (c.opened_at, c.id)),
            guest_book=sorted((_guest(r) for r in guests), key=lambda g: (g.recorded_at, g.consultation_id)),
        )

    def _rows(self, statement: str, ids: Sequence[str]) -> list[tuple]:  # type: ignore[type-arg]
        rows: list[tuple] = []  # type: ignore[type-arg]
        for start in range(0, len(ids), KEYS_PER_QUERY):
            chunk = ids[start:start + KEYS_PER_QUERY]
            rows += self.runner.store.query(f"{statement} ({', '.join('?' * len(chunk))})", chunk)
        return rows


def _day(moment: datetime, office_id: str) -> date:
    return date.fromisoformat(local_day(moment, office_id))


def _consultation(r: tuple) -> ConsultationRecord:  # type: ignore[type-arg]
    return ConsultationRecord(
        id=r[0], office_id=r[1], channel=r[2], status=r[3], name=r[4], party=r[5], phone=r[6], email=r[7],
        opened_by=r[8], opened_at=from_iso(r[9]), local_day=r[10], problem=r[11], restatement=r[12],  # type: ignore[arg-type]
        answer=r[13], bases=json.loads(r[14]) if r[14] else [], answered_by=r[15], answered_at=from_iso(r[16]),
        handover_reason=r[17], escalated_to=r[18], closed_at=from_iso(r[19]), updated_at=from_iso(r[20]),  # type: ignore[arg-type]
    )


def _guest(r: tuple) -> GuestBookRecord:  # type: ignore[type-arg]
    return GuestBookRecord(
        consultation_id=r[0], office_id=r[1], day=r[2], number=int(r[3]), name=r[4], phone=r[5], email=r[6],
        signed_name=r[7], signed_phone=r[8], signed_email=r[9], signature_key=r[10], signature_sha256=r[11],
        recorded_by=r[12], recorded_at=from_iso(r[13]), corrected_at=from_iso(r[14]),  # type: ignore[arg-type]
    )
