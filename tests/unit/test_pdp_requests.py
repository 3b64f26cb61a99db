"""The personal-data requests service (services/retention.py) on in-memory fakes: the record comes before the
shredding, a retried erasure finishes what a stopped one began, and a refusal changes nothing."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError

from domain.erasure import Erasure
from domain.retention import Contact, ErasureRefused, HeldRecord, RecordKind, RetentionPolicy
from domain.script import Status
from services.retention import PersonalDataRequests

NOW = datetime(2026, 9, 1, 2, 0, tzinfo=UTC)
POLICY = RetentionPolicy(years={RecordKind.CONSULTATION: 2, RecordKind.GUEST_BOOK: 2})


class FakeRecords:
    def __init__(self, held: list[HeldRecord], phone: str) -> None:
        self.held_records, self.phone = held, phone

    def consultations_with(self, contact: Contact) -> list[str]:
        return sorted({r.record_id for r in self.held_records}) if contact.phone == self.phone else []

    def records(self, consultation_ids: Iterable[str]) -> Any:
        wanted = set(consultation_ids)
        held = [r for r in self.held_records if r.subject in wanted]
        guests = [SimpleNamespace(consultation_id=r.record_id, signature_key=f"sig-{r.record_id}")
                  for r in held if r.kind is RecordKind.GUEST_BOOK]
        return SimpleNamespace(consultations=[r for r in held if r.kind is RecordKind.CONSULTATION],
                               guest_book=guests, held=lambda: held)


class FakeSubjects:
    def __init__(self) -> None:
        self.destroyed: list[str] = []

    def find_subjects(self, contact: str) -> list[Any]:
        return []

    def subjects_created_before(self, before: datetime, include_erased: bool = False) -> list[Any]:
        return []

    def erase_subjects(self, subject_ids: Iterable[str], rebuild: bool = True) -> Any:
        ids = [s for s in subject_ids if s not in self.destroyed]
        self.destroyed += ids
        return SimpleNamespace(erased=tuple(ids), unknown=())


class FakeLog:
    def __init__(self, fail_first: bool = False) -> None:
        self.saved: list[Erasure] = []
        self.fail_first = fail_first

    def save(self, *aggregates: Any) -> None:
        if self.fail_first:
            self.fail_first = False
            raise IntegrityError("recorded by an earlier run")
        self.saved += aggregates


class FakeSignatures:
    def __init__(self, keys: Iterable[str]) -> None:
        self.kept = set(keys)

    def holds(self, storage_key: str) -> bool:
        return storage_key in self.kept

    def delete(self, storage_key: str) -> bool:
        found = storage_key in self.kept
        self.kept.discard(storage_key)
        return found


def requests(held: list[HeldRecord], log: FakeLog, subjects: FakeSubjects, signatures: FakeSignatures
             ) -> PersonalDataRequests:
    return PersonalDataRequests(office_id="kab-16.13", subjects=subjects, records=FakeRecords(held, "+6281234567890"),
                                log=log, signatures=signatures, policy=POLICY, clock=lambda: NOW)


def held(subject: str, status: Status) -> list[HeldRecord]:
    day = date(2024, 7, 29)
    return [HeldRecord(kind=RecordKind.CONSULTATION, record_id=subject, subject=subject, last_activity=day,
                       status=status),
            HeldRecord(kind=RecordKind.GUEST_BOOK, record_id=subject, subject=subject, last_activity=day)]


def test_an_erasure_is_recorded_then_shredded_with_its_signatures() -> None:
    log, subjects, signatures = FakeLog(), FakeSubjects(), FakeSignatures(["sig-c1", "sig-other"])
    report = requests(held("c1", Status.CLOSED), log, subjects, signatures).erase(
        "0812-3456-7890", "Permintaan pemilik data", "ketua.ani")
    [erasure] = log.saved
    assert (erasure.reason, erasure.by, erasure.subjects) == ("Permintaan pemilik data", "ketua.ani", ("c1",))
    assert subjects.destroyed == ["c1"] and signatures.kept == {"sig-other"}
    assert (report.keys_destroyed, report.signatures_deleted) == (1, 1)
    assert report.counts == {"consultation": 1, "guest_book": 1}


def test_a_retry_after_a_stop_between_record_and_shredding_finishes_it() -> None:
    # The first run saved its record, then stopped: the second finds the same record and goes on.
    log, subjects = FakeLog(fail_first=True), FakeSubjects()
    report = requests(held("c1", Status.LOGGED), log, subjects, FakeSignatures([])).erase(
        "+6281234567890", "Permintaan", "ketua.ani")
    assert subjects.destroyed == ["c1"] and report.keys_destroyed == 1


def test_a_refusal_records_and_shreds_nothing() -> None:
    log, subjects, signatures = FakeLog(), FakeSubjects(), FakeSignatures(["sig-c1"])
    with pytest.raises(ErasureRefused):
        requests(held("c1", Status.ESCALATED), log, subjects, signatures).erase("081234567890", "x", "ketua.ani")
    assert (log.saved, subjects.destroyed, signatures.kept) == ([], [], {"sig-c1"})
