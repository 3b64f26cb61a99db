"""The retention rules (domain/retention.py) and the erasure's record (domain/erasure.py): what may go, and when."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.erasure import Erasure
from domain.errors import InvalidEmail, InvalidInput, InvalidPhone
from domain.retention import (
    Contact,
    ErasureRefused,
    HeldRecord,
    InvalidContact,
    NothingHeld,
    RecordKind,
    RetentionPolicy,
    add_years,
    check_erasable,
    created_before,
    expired_records,
    expired_subjects,
    parse_contact,
)
from domain.script import Status

AT = datetime(2026, 9, 1, 3, 0, tzinfo=UTC)
POLICY = RetentionPolicy(years={RecordKind.CONSULTATION: 2, RecordKind.GUEST_BOOK: 1}, stage_end=date(2024, 8, 31))


def consultation(subject: str, day: date, status: Status = Status.CLOSED) -> HeldRecord:
    return HeldRecord(kind=RecordKind.CONSULTATION, record_id=subject, subject=subject, last_activity=day,
                      status=status)


def guest_line(subject: str, day: date) -> HeldRecord:
    return HeldRecord(kind=RecordKind.GUEST_BOOK, record_id=subject, subject=subject, last_activity=day)


def test_every_writing_of_one_number_is_one_contact() -> None:
    assert {parse_contact(raw) for raw in ("0812-3456-7890", "+62 812 3456 7890", "6281234567890")} == {
        Contact(phone="+6281234567890")
    }
    assert parse_contact(" Siti.R@Partai.example ") == Contact(email="Siti.R@partai.example")
    with pytest.raises(InvalidContact):
        parse_contact("  ")
    with pytest.raises(InvalidPhone):
        parse_contact("bukan nomor")
    with pytest.raises(InvalidEmail):
        parse_contact("siti@")


def test_a_record_is_kept_its_years_after_the_later_of_the_stage_end_and_its_last_activity() -> None:
    # Last touched before the stage ended: the stage's end counts.
    assert POLICY.expires_on(consultation("a", date(2024, 7, 29))) == date(2026, 8, 31)
    # Still worked on after it: its own activity counts.
    assert POLICY.expires_on(consultation("b", date(2025, 6, 1))) == date(2027, 6, 1)
    assert POLICY.expires_on(guest_line("a", date(2024, 7, 29))) == date(2025, 8, 31)
    # Without a stage end, only the record's activity counts.
    no_stage = RetentionPolicy(years=POLICY.years)
    assert no_stage.expires_on(consultation("a", date(2024, 7, 29))) == date(2026, 7, 29)
    assert add_years(date(2024, 2, 29), 2) == date(2026, 2, 28)


def test_a_subject_expires_only_when_every_record_of_it_has() -> None:
    records = [
        consultation("old", date(2024, 7, 29)), guest_line("old", date(2024, 7, 29)),
        consultation("recent", date(2025, 6, 1)), guest_line("recent", date(2025, 6, 1)),
    ]
    assert expired_subjects(records, POLICY, date(2026, 8, 30)) == {}
    assert list(expired_subjects(records, POLICY, date(2026, 8, 31))) == ["old"]
    # The guest book's shorter period lets both signatures go while both keys stay.
    assert [r.subject for r in expired_records(records, POLICY, date(2026, 6, 2), RecordKind.GUEST_BOOK)] == [
        "old", "recent"]
    # Only subjects made before this day can have expired (the shortest period has passed since).
    assert created_before(POLICY, date(2026, 9, 1)) == date(2025, 9, 2)


def test_erasure_is_refused_while_an_answer_is_owed() -> None:
    for status in (Status.OPENED, Status.PROBLEM_CONFIRMED, Status.WITH_COMMISSIONER, Status.ESCALATED,
                   Status.CLARIFICATION_REQUESTED):
        with pytest.raises(ErasureRefused) as refused:
            check_erasable([consultation("done", date(2024, 7, 29)), consultation("open", date(2024, 7, 29), status)])
        assert refused.value.params["pending"] == ["open"]
    for status in (Status.ANSWERED, Status.UNDERSTOOD, Status.LOGGED, Status.CLOSED):
        assert len(check_erasable([consultation("a", date(2024, 7, 29), status), guest_line("a", date(2024, 7, 29))]
                                  )) == 2
    with pytest.raises(NothingHeld):
        check_erasable([])


def test_a_policy_keeps_every_kind_a_sensible_number_of_years() -> None:
    with pytest.raises(InvalidInput):
        RetentionPolicy(years={RecordKind.CONSULTATION: 2})
    with pytest.raises(InvalidInput):
        RetentionPolicy(years={RecordKind.CONSULTATION: 0, RecordKind.GUEST_BOOK: 1})


def test_the_erasure_records_kinds_counts_and_subjects_never_the_data() -> None:
    records = [consultation("s1", date(2024, 7, 29)), guest_line("s1", date(2024, 7, 29)),
               consultation("s2", date(2024, 7, 29))]
    erasure = Erasure.on_request(office_id="kab-16.13", records=records, reason="  Permintaan pemilik data ",
                                 by="ketua.ani", at=AT)
    [event] = erasure.collect_events()
    assert type(event) is Erasure.PersonalDataErased
    assert (event.reason, event.by, event.subjects) == ("Permintaan pemilik data", "ketua.ani", ("s1", "s2"))
    assert event.counts == {"consultation": 2, "guest_book": 1}
    assert event.kinds == (RecordKind.CONSULTATION, RecordKind.GUEST_BOOK)
    # The same subjects give the same record: a retried run finds its own.
    again = Erasure.on_request(office_id="kab-16.13", records=records[::-1], reason="x", by="y", at=AT)
    assert again.id == erasure.id
    expiry = Erasure.on_expiry(office_id="kab-16.13", records=records, rule=POLICY.describe(), by="sistem", at=AT)
    [expired] = expiry.collect_events()
    assert type(expired) is Erasure.RetentionExpired and "consultation=2y" in expired.rule
    assert expiry.id != erasure.id


def test_the_retention_settings_are_checked_naming_the_key() -> None:
    from gateways.config import ConfigError, load_settings
    from gateways.retention_job import retention_policy

    settings = load_settings({"HELPDESK_ELECTION_STAGE_END": "2024-10-20", "HELPDESK_RETENTION_GUEST_BOOK_YEARS": "1"},
                             node_id="kab-16.13", database="memory")
    assert retention_policy(settings) == RetentionPolicy(
        years={RecordKind.CONSULTATION: 2, RecordKind.GUEST_BOOK: 1}, stage_end=date(2024, 10, 20))
    assert retention_policy(load_settings({}, node_id="kab-16.13", database="memory")).stage_end is None
    for key, value in (("ELECTION_STAGE_END", "20 Oktober 2024"), ("RETENTION_CONSULTATION_YEARS", "0"),
                       ("RETENTION_GUEST_BOOK_YEARS", "31")):
        with pytest.raises(ConfigError, match=f"HELPDESK_{key}"):
            load_settings({f"HELPDESK_{key}": value}, node_id="kab-16.13", database="memory")
