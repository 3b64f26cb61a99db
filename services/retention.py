"""A person's data on request (see it, erase it) and the expiry of what has been kept long enough (UU 27/2022).

Each use case: find the person's records in the read models, ask the domain what may go (domain/retention.py),
record the erasure on the log (domain/erasure.py: on the audit trail like every event), then destroy the subjects'
keys through the personal-data service (crypto-shredding) and delete their drawn signatures. The record comes
first: a run stopped half-way is done again by the next one, which finds the same subjects and the same record
(its id is derived from them), and nothing is ever erased without its record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, time
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import msgspec
from eventsourcing.persistence import IntegrityError

from domain.erasure import Erasure
from domain.offices import OfficeId
from domain.retention import (
    Contact,
    HeldRecord,
    RecordKind,
    RetentionPolicy,
    check_erasable,
    counts,
    created_before,
    expired_records,
    expired_subjects,
    parse_contact,
)
from services.ports import Clock

RETENTION_ACTOR = "sistem.retensi"  # who the audit trail names for the daily job


class PersonRecords(Protocol):
    """A person's records as the read models hold them (projections/pdp_queries.py)."""

    consultations: Sequence[Any]
    guest_book: Sequence[Any]

    def held(self) -> list[HeldRecord]: ...


class RecordQueries(Protocol):
    def consultations_with(self, contact: Contact) -> list[str]: ...

    def records(self, consultation_ids: Iterable[str]) -> PersonRecords: ...


class Subjects(Protocol):
    """The personal-data service (services/personal_data.py PersonalData): keys and blind indexes."""

    def find_subjects(self, contact: str) -> list[Any]: ...

    def subjects_created_before(self, before: datetime, include_erased: bool = False) -> list[Any]: ...

    def erase_subjects(self, subject_ids: Iterable[str], rebuild: bool = True) -> Any: ...


class SignatureFiles(Protocol):
    """The stored drawn signatures of the guest book (the node's file store)."""

    def holds(self, storage_key: str) -> bool: ...

    def delete(self, storage_key: str) -> bool:
        """Deletes the file; False when there was none."""
        ...


class MailFiles(Protocol):
    """The mails as received (their bytes: headers naming the sender, attachments), kept in the node's files."""

    def of_subjects(self, subject_ids: Sequence[str]) -> list[str]:
        """The storage keys of the mails whose sender is one of these subjects."""
        ...

    def delete(self, storage_key: str) -> bool: ...


class NoMailFiles:
    """An office without the e-mail channel keeps no mail."""

    def of_subjects(self, subject_ids: Sequence[str]) -> list[str]:
        return []

    def delete(self, storage_key: str) -> bool:
        return False


class EventLog(Protocol):
    def save(self, *aggregates: Any) -> Any: ...


class ErasureReport(msgspec.Struct, frozen=True):
    """What one erasure did: the kinds and counts of records, the subjects whose keys were destroyed (ids only)."""

    erasure_id: str
    counts: dict[str, int]
    subjects: tuple[str, ...]
    keys_destroyed: int
    signatures_deleted: int
    # Subjects the key store never knew: recorded before fields were sealed, so nothing could be shredded for them.
    without_key: tuple[str, ...] = ()
    mails_deleted: int = 0  # the mails as received from these subjects (their bytes), deleted


class ExpiryReport(msgspec.Struct, frozen=True):
    """One run of the retention job: what it erased (None: nothing had expired) and when it ran."""

    ran_at: datetime
    rule: str
    subjects: ErasureReport | None = None
    signatures: ErasureReport | None = None


class PersonalDataRequests:
    def __init__(self, *, office_id: str, subjects: Subjects, records: RecordQueries, log: EventLog,
                 signatures: SignatureFiles, policy: RetentionPolicy, clock: Clock,
                 word: Callable[..., str] | None = None, mails: MailFiles | None = None) -> None:
        self.office_id = office_id
        self.subjects = subjects
        self.queries = records
        self.log = log
        self.signatures = signatures
        self.mails = mails or NoMailFiles()
        self.policy = policy
        self.clock = clock
        self.word = word  # words the rule the audit trail records (the edge's catalogue)

    def find(self, contact: str) -> PersonRecords:
        """Everything the office holds of the person with this phone (any common writing) or e-mail address."""
        parsed = parse_contact(contact)
        found = {str(subject.subject_id) for subject in self.subjects.find_subjects(contact)}
        # A consultation recorded before its fields were sealed has no blind index: the read model still finds it.
        found.update(self.queries.consultations_with(parsed))
        return self.queries.records(found)

    def erase(self, contact: str, reason: str, by: str) -> ErasureReport:
        """Erases the person's data on their request; refused while one of their consultations owes them an
        answer (domain.retention.ErasureRefused), or when nothing of them is held (NothingHeld)."""
        person = self.find(contact)
        held = check_erasable(person.held())
        erasure = Erasure.on_request(office_id=self.office_id, records=held, reason=reason, by=by, at=self.clock())
        return self._erase(erasure, held, person.guest_book)

    def expire(self, by: str = RETENTION_ACTOR) -> ExpiryReport:
        """Erases every subject whose records have all passed their retention, and the signatures whose guest-book
        period passed first. Idempotent: a second run finds nothing."""
        now = self.clock()
        today = now.astimezone(ZoneInfo(OfficeId(self.office_id).timezone)).date()
        before = datetime.combine(created_before(self.policy, today), time(), tzinfo=UTC)
        live = [str(s.subject.subject_id) for s in self.subjects.subjects_created_before(before)]
        person = self.queries.records(live)
        held = person.held()
        rule = self.policy.describe(self.word)
        report = ExpiryReport(ran_at=now, rule=rule)
        expired = [r for records in expired_subjects(held, self.policy, today).values() for r in records]
        if expired:
            erasure = Erasure.on_expiry(office_id=self.office_id, records=expired, rule=rule, by=by, at=now)
            report = msgspec.structs.replace(report, subjects=self._erase(erasure, expired, person.guest_book))
        gone = {r.subject for r in expired}
        lines = {g.consultation_id: g for g in person.guest_book}
        signed = [r for r in expired_records(held, self.policy, today, RecordKind.GUEST_BOOK)
                  if r.subject not in gone and self.signatures.holds(lines[r.record_id].signature_key)]
        if signed:
            erasure = Erasure.on_expiry(office_id=self.office_id, records=signed, rule=rule, by=by, at=now,
                                        purpose="signatures")
            self._record(erasure)
            deleted = sum(self.signatures.delete(lines[r.record_id].signature_key) for r in signed)
            report = msgspec.structs.replace(report, signatures=ErasureReport(
                erasure_id=str(erasure.id), counts={RecordKind.GUEST_BOOK.value: len(signed)}, subjects=(),
                keys_destroyed=0, signatures_deleted=deleted))
        return report

    def _erase(self, erasure: Erasure, held: list[HeldRecord], guest_book: Sequence[Any]) -> ErasureReport:
        self._record(erasure)
        subjects = sorted({record.subject for record in held})
        keys = {record.subject for record in held}
        deleted = sum(self.signatures.delete(g.signature_key) for g in guest_book if g.consultation_id in keys)
        mails = sum(self.mails.delete(key) for key in self.mails.of_subjects(subjects))
        done = self.subjects.erase_subjects(subjects)
        return ErasureReport(
            erasure_id=str(erasure.id), counts={kind.value: n for kind, n in counts(held).items()},
            subjects=tuple(subjects), keys_destroyed=len(done.erased), signatures_deleted=deleted,
            without_key=tuple(done.unknown), mails_deleted=mails,
        )

    def _record(self, erasure: Erasure) -> None:
        try:
            self.log.save(erasure)
        except IntegrityError:
            pass  # recorded by an earlier run that stopped before it finished: this run finishes it
