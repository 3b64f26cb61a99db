"""Retention of personal data (UU 27/2022): how long each kind of record keeps its consultee's identity, and what
may be erased when.

A record keeps the person's name, phone and e-mail for its kind's number of years, counted from the later of the
end of the election stage the desk serves and the record's last activity: a consultation still being worked on is
never expired, and nothing is expired before the stage it served is over. A person's data goes only whole (every
record of a subject at once), so a subject expires when every record it holds has expired.

On request the office erases at any time, except while a consultation of that person still owes them an answer:
the desk has not answered yet, or the commissioner or an office above is preparing the answer. Erasing then would
leave an answer on its way with no one to give it to.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from enum import StrEnum
from typing import Literal

import msgspec

from domain.errors import DomainError, InvalidInput
from domain.script import AWAY, BEFORE_CONFIRMATION, Status
from domain.values import normalise_email, normalise_phone

# The statuses in which the consultee is still owed an answer (by the desk, the commissioner or an office above).
ANSWER_OWED = BEFORE_CONFIRMATION | AWAY | {Status.PROBLEM_CONFIRMED, Status.WITH_COMMISSIONER}
MAX_YEARS = 30


class RecordKind(StrEnum):
    """The kinds of record that hold a consultee's identity."""

    CONSULTATION = "consultation"  # konsultasi: name, party, phone and e-mail in the consultation record
    GUEST_BOOK = "guest_book"  # daftar hadir: name, phone, e-mail and the drawn signature of a walk-in


# The errors of a request to erase.
class ErasureRefused(DomainError):
    """A consultation of that person still owes them an answer (`pending`: its ids)."""

    code = "erasure_refused"
    kind = "conflict"


class NothingHeld(DomainError):
    """The office holds no readable record of that phone number or e-mail address."""

    code = "nothing_held"
    kind = "not_found"


class InvalidContact(InvalidInput):
    """Neither a phone number nor an e-mail address."""

    code = "invalid_contact"


class Contact(msgspec.Struct, frozen=True):
    """How a person is found: their phone (E.164) or their e-mail address (normal form)."""

    phone: str | None = None
    email: str | None = None


def parse_contact(raw: str) -> Contact:
    """A phone number in any common writing (0812…, +62812…, 62812…) or an e-mail address."""
    text = raw.strip()
    if not text:
        raise InvalidContact(field="contact")
    if "@" in text:
        return Contact(email=normalise_email(text))
    return Contact(phone=normalise_phone(text))


class HeldRecord(msgspec.Struct, frozen=True):
    """One record holding a person's identity: its kind, the subject whose key opens it, and where it stands."""

    kind: RecordKind
    record_id: str  # the consultation's id (a guest-book line is filed under the consultation it opened)
    subject: str  # the key's subject: erasing it makes every record of that subject unreadable
    last_activity: date  # the office's day of the record's last event
    status: Status | None = None  # a consultation's status (None for other kinds)


# How a retention rule counts its time (RetentionPolicy.rule): the codes the edge words.
RuleCode = Literal["retention_from_activity", "retention_from_stage_end"]


class RetentionPolicy(msgspec.Struct, frozen=True):
    """Years kept per kind, after the end of the election stage (None: counted from each record's activity)."""

    years: dict[RecordKind, int]
    stage_end: date | None = None

    def __post_init__(self) -> None:
        for kind in RecordKind:
            if not 0 < self.years.get(kind, 0) <= MAX_YEARS:
                raise InvalidInput(field=kind.value, limit=MAX_YEARS)

    def expires_on(self, record: HeldRecord) -> date:
        """The first day on which the record may no longer be kept."""
        start = max(record.last_activity, self.stage_end) if self.stage_end else record.last_activity
        return add_years(start, self.years[record.kind])

    def rule(self) -> tuple[RuleCode, dict[str, str]]:
        """The rule as a code and its values, e.g. ("retention_from_stage_end", {"kept": "consultation=2y,
        guest_book=1y", "stage_end": "2024-10-20"}); the edge words it."""
        kept = ", ".join(f"{kind.value}={self.years[kind]}y" for kind in RecordKind)
        if self.stage_end is None:
            return "retention_from_activity", {"kept": kept}
        return "retention_from_stage_end", {"kept": kept, "stage_end": self.stage_end.isoformat()}

    def describe(self, word: Callable[..., str] | None = None) -> str:
        """The rule as the audit trail records it, worded by `word(code, **values)` (the edge's catalogue); without
        it, the code and its values as they are."""
        code, values = self.rule()
        if word is not None:
            return word(code, **values)
        rest = [f"{name}={value}" for name, value in values.items() if name != "kept"]
        return "; ".join([values["kept"], code, *rest])


def add_years(day: date, years: int) -> date:
    """The same day `years` later (29 February becomes 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def expired_subjects(
    records: Iterable[HeldRecord], policy: RetentionPolicy, today: date
) -> dict[str, list[HeldRecord]]:
    """The subjects every record of which has passed its retention on `today`, with those records."""
    by_subject: dict[str, list[HeldRecord]] = {}
    for record in records:
        by_subject.setdefault(record.subject, []).append(record)
    return {
        subject: held for subject, held in sorted(by_subject.items())
        if all(policy.expires_on(record) <= today for record in held)
    }


def expired_records(records: Iterable[HeldRecord], policy: RetentionPolicy, today: date, kind: RecordKind
                    ) -> list[HeldRecord]:
    """The records of one kind whose own retention has passed (a guest-book line's signature may go before the key
    of its subject does, when the guest book's period is the shorter)."""
    return [r for r in records if r.kind is kind and policy.expires_on(r) <= today]


def created_before(policy: RetentionPolicy, today: date) -> date:
    """Only subjects created before this day can have expired on `today`: a record's activity is never older than
    its subject, and the shortest period has to have passed since."""
    return add_years(today, -min(policy.years.values())) + timedelta(days=1)


def check_erasable(records: Iterable[HeldRecord]) -> list[HeldRecord]:
    """The records to erase on a person's request; refused while one of their consultations owes them an answer."""
    held = list(records)
    if not held:
        raise NothingHeld(field="contact")
    pending = sorted({r.record_id for r in held if r.kind is RecordKind.CONSULTATION and r.status in ANSWER_OWED})
    if pending:
        raise ErasureRefused(field="contact", pending=pending)
    return held


def counts(records: Iterable[HeldRecord]) -> dict[RecordKind, int]:
    """How many records of each kind (every kind named, zero where none)."""
    found = {kind: 0 for kind in RecordKind}
    for record in records:
        found[record.kind] += 1
    return found
