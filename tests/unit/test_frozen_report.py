"""Frozen reports: a submitted recap or periodic report never changes; a correction is a new version."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime

import pytest

from domain import errors
from domain.errors import all_error_classes
from domain.frozen_report import (
    MAX_PERIOD_DAYS,
    CorrectionUnchanged,
    FrozenReport,
    InvalidPeriod,
    PeriodNotBegun,
    PeriodTooLong,
    ReasonRequired,
    ReportAlreadySubmitted,
    ReportKind,
    check_days,
    check_period,
    content_hash,
    frozen_report_id,
)
from domain.roles import Permission, Role, roles_with
from gateways.messages import MESSAGES
from services.frozen_reports import FrozenReportCommands, ReportVersionView
from tests.conftest import FakeClock

OFFICE = "kab-16.13"
DAY = date(2024, 7, 29)
WEEK = (date(2024, 7, 22), date(2024, 7, 28))
SEKRETARIS = "sekretaris.dewi"
KETUA = "ketua.sari"


def canonical(data: object) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


RECAP = canonical({"tanggal": "2024-07-29", "konsultasi": 7, "catatan": "Akun terkunci — 3 kasus"})
RECAP_FIXED = canonical({"tanggal": "2024-07-29", "konsultasi": 8, "catatan": "Akun terkunci — 3 kasus"})


class Reports(FrozenReportCommands):
    """Just the mixin on the library's default (POPO) store, with the project's msgspec mapper."""

    name = "reports"


@pytest.fixture
def app(clock: FakeClock) -> Reports:
    return Reports(clock=clock)


def submit_recap(app: Reports, content: bytes = RECAP, role: Role = Role.SEKRETARIS_HELPDESK) -> ReportVersionView:
    return app.submit_report(OFFICE, ReportKind.DAILY_RECAP, DAY, DAY, content, SEKRETARIS, role)


def correct_recap(
    app: Reports, content: bytes = RECAP_FIXED, reason: str = "Satu konsultasi belum tercatat."
) -> ReportVersionView:
    return app.correct_report(
        OFFICE, ReportKind.DAILY_RECAP, DAY, DAY, content, reason, SEKRETARIS, Role.SEKRETARIS_HELPDESK
    )


def test_submitting_freezes_version_one_with_the_content_hash(app: Reports, clock: FakeClock) -> None:
    view = submit_recap(app)
    assert view.version == 1
    assert view.content == RECAP
    assert view.content_hash == hashlib.sha256(RECAP).hexdigest() == content_hash(RECAP)
    assert (view.submitter, view.submitter_role) == (SEKRETARIS, "sekretaris_helpdesk")
    assert view.submitted_at == clock.now
    assert (view.corrects, view.reason) == (None, None)
    assert (view.kind, view.office_id, view.period_start, view.period_end) == (ReportKind.DAILY_RECAP, OFFICE, DAY, DAY)
    assert app.report_versions(OFFICE, ReportKind.DAILY_RECAP, DAY, DAY) == [view]


def test_a_report_is_submitted_once_and_corrected_after(app: Reports) -> None:
    submit_recap(app)
    with pytest.raises(ReportAlreadySubmitted) as refused:
        submit_recap(app, RECAP_FIXED)
    assert refused.value.kind == "conflict"
    assert [v.content for v in app.report_versions(OFFICE, ReportKind.DAILY_RECAP, DAY, DAY)] == [RECAP]


def test_a_correction_is_a_new_version_and_the_first_stays_as_it_was(app: Reports, clock: FakeClock) -> None:
    first = submit_recap(app)
    clock.advance(minutes=90)
    second = correct_recap(app)
    assert (second.version, second.corrects) == (2, 1)
    assert second.reason == "Satu konsultasi belum tercatat."
    assert second.content_hash == hashlib.sha256(RECAP_FIXED).hexdigest() != first.content_hash
    assert second.submitted_at == clock.now

    assert app.report_version(OFFICE, ReportKind.DAILY_RECAP, DAY, DAY, 1) == first
    assert app.report_version(OFFICE, ReportKind.DAILY_RECAP, DAY, DAY, 2) == second
    assert app.report_versions(OFFICE, ReportKind.DAILY_RECAP, DAY, DAY) == [first, second]

    third = correct_recap(app, RECAP, "Koreksi sebelumnya keliru.")
    assert (third.version, third.corrects, third.content_hash) == (3, 2, first.content_hash)


def test_a_correction_that_changes_nothing_is_refused(app: Reports) -> None:
    submit_recap(app)
    with pytest.raises(CorrectionUnchanged) as refused:
        correct_recap(app, RECAP)
    assert refused.value.kind == "conflict"
    correct_recap(app)
    with pytest.raises(CorrectionUnchanged):
        correct_recap(app, RECAP_FIXED, "Sekali lagi.")
    assert len(app.report_versions(OFFICE, ReportKind.DAILY_RECAP, DAY, DAY)) == 2


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_correction_needs_a_reason(app: Reports, reason: str) -> None:
    submit_recap(app)
    with pytest.raises(ReasonRequired) as refused:
        correct_recap(app, reason=reason)
    assert (refused.value.kind, refused.value.field) == ("invalid", "reason")
    assert len(app.report_versions(OFFICE, ReportKind.DAILY_RECAP, DAY, DAY)) == 1


def test_empty_content_is_refused(app: Reports) -> None:
    with pytest.raises(errors.TextRequired) as refused:
        submit_recap(app, b"")
    assert refused.value.field == "content"


def test_correcting_a_report_never_submitted_is_not_found(app: Reports) -> None:
    with pytest.raises(errors.NotFound):
        correct_recap(app)
    with pytest.raises(errors.NotFound):
        app.report_version(OFFICE, ReportKind.DAILY_RECAP, DAY, DAY, 1)
    assert app.report_versions(OFFICE, ReportKind.DAILY_RECAP, DAY, DAY) == []


def test_a_version_that_does_not_exist_is_not_found(app: Reports) -> None:
    submit_recap(app)
    with pytest.raises(errors.NotFound):
        app.report_version(OFFICE, ReportKind.DAILY_RECAP, DAY, DAY, 2)


def test_reports_of_other_offices_kinds_and_periods_are_apart(app: Reports) -> None:
    submit_recap(app)
    assert app.report_versions("kab-16.14", ReportKind.DAILY_RECAP, DAY, DAY) == []
    next_day = date(2024, 7, 30)
    assert app.report_versions(OFFICE, ReportKind.DAILY_RECAP, next_day, next_day) == []
    ids = {
        frozen_report_id(OFFICE, ReportKind.DAILY_RECAP, DAY, DAY),
        frozen_report_id("kab-16.14", ReportKind.DAILY_RECAP, DAY, DAY),
        frozen_report_id(OFFICE, ReportKind.PERIODIC, DAY, DAY),
        frozen_report_id(OFFICE, ReportKind.DAILY_RECAP, next_day, next_day),
    }
    assert len(ids) == 4
    assert frozen_report_id(OFFICE, ReportKind.DAILY_RECAP, DAY, DAY) == frozen_report_id(
        OFFICE, ReportKind("rekapitulasi_harian"), date(2024, 7, 29), date(2024, 7, 29)
    )


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.SEKRETARIS_HELPDESK])
def test_only_the_sekretaris_submits_the_daily_recap(app: Reports, role: Role) -> None:
    assert roles_with(Permission.SUBMIT_RECAP) == [Role.SEKRETARIS_HELPDESK]
    with pytest.raises(errors.NotPermitted):
        submit_recap(app, role=role)
    assert app.report_versions(OFFICE, ReportKind.DAILY_RECAP, DAY, DAY) == []


def test_a_correction_needs_the_same_permission(app: Reports) -> None:
    submit_recap(app)
    with pytest.raises(errors.NotPermitted):
        app.correct_report(OFFICE, ReportKind.DAILY_RECAP, DAY, DAY, RECAP_FIXED, "Alasan.", KETUA,
                           Role.KETUA_HELPDESK)


def test_the_periodic_report_needs_report_periodic(app: Reports) -> None:
    with pytest.raises(errors.NotPermitted):
        app.submit_report(OFFICE, ReportKind.PERIODIC, *WEEK, RECAP, SEKRETARIS, Role.SEKRETARIS_HELPDESK)
    view = app.submit_report(OFFICE, ReportKind.PERIODIC, *WEEK, RECAP, KETUA, Role.KETUA_HELPDESK)
    assert (view.kind, view.period_start, view.period_end, view.submitter_role) == (
        ReportKind.PERIODIC, *WEEK, "ketua_helpdesk"
    )


def test_a_period_never_ends_before_it_starts_and_a_recap_covers_one_day(app: Reports) -> None:
    with pytest.raises(InvalidPeriod):
        app.submit_report(OFFICE, ReportKind.PERIODIC, WEEK[1], WEEK[0], RECAP, KETUA, Role.KETUA_HELPDESK)
    with pytest.raises(InvalidPeriod):
        app.submit_report(OFFICE, ReportKind.DAILY_RECAP, *WEEK, RECAP, SEKRETARIS, Role.SEKRETARIS_HELPDESK)


def test_a_range_covers_at_most_366_days_and_none_after_the_offices_today() -> None:
    today = date(2024, 7, 29)
    check_days(date(2024, 1, 1), date(2024, 12, 31), date(2025, 1, 1))  # a leap year: 366 days
    check_days(today, today, today)  # today itself: the recap is made at the end of service hours
    assert MAX_PERIOD_DAYS == 366
    with pytest.raises(PeriodTooLong) as too_long:
        check_days(date(2023, 12, 31), date(2024, 12, 31), date(2025, 1, 1))  # 367 days
    assert (too_long.value.kind, too_long.value.field, too_long.value.params) == ("invalid", "period_end",
                                                                                  {"limit": 366})
    with pytest.raises(PeriodTooLong):
        check_days(date(1, 1, 1), date(9999, 12, 31), today)
    with pytest.raises(PeriodNotBegun) as future:
        check_days(today, date(2024, 7, 30), today)
    assert future.value.field == "period_end"
    with pytest.raises(InvalidPeriod):
        check_days(date(2024, 7, 30), today, today)
    # Both new refusals are invalid periods, so whatever refuses one period refuses them too.
    assert issubclass(PeriodTooLong, InvalidPeriod) and issubclass(PeriodNotBegun, InvalidPeriod)
    with pytest.raises(InvalidPeriod):
        check_period(ReportKind.DAILY_RECAP, date(2024, 7, 28), today, today)


def test_a_report_of_days_to_come_or_of_ten_thousand_years_is_refused_and_nothing_is_written(
    app: Reports, clock: FakeClock
) -> None:
    before = app.recorder.max_notification_id()
    with pytest.raises(PeriodNotBegun):
        app.submit_report(OFFICE, ReportKind.DAILY_RECAP, date(2099, 1, 1), date(2099, 1, 1), RECAP, SEKRETARIS,
                          Role.SEKRETARIS_HELPDESK)
    with pytest.raises(PeriodTooLong):
        app.submit_report(OFFICE, ReportKind.PERIODIC, date(1, 1, 1), date(9999, 12, 31), RECAP, KETUA,
                          Role.KETUA_HELPDESK)
    assert app.recorder.max_notification_id() == before


def test_today_is_the_offices_own_day() -> None:
    def submit_at(moment: datetime, day: date, office: str = OFFICE) -> FrozenReport:
        return FrozenReport.submit(office_id=office, kind=ReportKind.DAILY_RECAP, period_start=day, period_end=day,
                                   content=RECAP, submitter=SEKRETARIS, submitter_role="sekretaris_helpdesk",
                                   at=moment)

    # 23.30 WIB on 29 July: the 29th may be recapped, the 30th has not come.
    late = datetime(2024, 7, 29, 16, 30, tzinfo=UTC)
    assert submit_at(late, date(2024, 7, 29)).latest.version == 1
    with pytest.raises(PeriodNotBegun):
        submit_at(late, date(2024, 7, 30))
    # 00.30 WIB on 30 July is still the 29th in UTC, but the office's day is the 30th.
    assert submit_at(datetime(2024, 7, 29, 17, 30, tzinfo=UTC), date(2024, 7, 30)).latest.version == 1
    # At 23.30 WIB it is already 00.30 WITA on the 30th in Denpasar: there the 30th has begun.
    assert submit_at(datetime(2024, 7, 29, 16, 30, tzinfo=UTC), date(2024, 7, 30), "kota-51.71").latest.version == 1


def test_content_and_dates_survive_the_store(app: Reports, clock: FakeClock) -> None:
    """Through the msgspec mapper and back: bytes (base64 in JSON), dates, the kind, every version."""
    binary = bytes(range(256))  # not even UTF-8
    app.submit_report(OFFICE, ReportKind.PERIODIC, *WEEK, binary, KETUA, Role.KETUA_HELPDESK)
    clock.advance(minutes=5)
    app.correct_report(OFFICE, ReportKind.PERIODIC, *WEEK, RECAP, "Format salah.", KETUA, Role.KETUA_HELPDESK)

    report_id = frozen_report_id(OFFICE, ReportKind.PERIODIC, *WEEK)
    stored = app.recorder.select_events(report_id)
    assert len(stored) == 2
    assert b"laporan_berkala" in stored[0].state and b"2024-07-22" in stored[0].state

    reloaded: FrozenReport = app.repository.get(report_id)
    assert reloaded is not app.repository.get(report_id)  # rebuilt from the stored events each time
    assert type(reloaded.kind) is ReportKind and reloaded.kind is ReportKind.PERIODIC
    assert (reloaded.period_start, reloaded.period_end) == WEEK
    assert type(reloaded.period_start) is date
    first, second = reloaded.versions
    assert type(first.content) is bytes and first.content == binary
    assert first.content_hash == hashlib.sha256(binary).hexdigest()
    assert (second.content, second.version, second.corrects, second.reason) == (RECAP, 2, 1, "Format salah.")
    assert second.submitted_at == clock.now
    assert reloaded.latest == second


def test_every_report_error_has_a_message_in_both_languages() -> None:
    codes = {cls.code for cls in all_error_classes()}
    for cls in (ReportAlreadySubmitted, CorrectionUnchanged, ReasonRequired, InvalidPeriod, PeriodTooLong,
                PeriodNotBegun):
        assert cls.code in codes
        indonesian, english = MESSAGES[cls.code]
        assert indonesian and english and indonesian != english
    assert codes <= MESSAGES.keys()
    # The refusals name their limit; a day to come says that today itself may be recapped, before midnight.
    assert "366 hari" in MESSAGES["period_too_long"][0] and "366 days" in MESSAGES["period_too_long"][1]
    assert "hari ini" in MESSAGES["period_not_begun"][0] and "sebelum tengah malam" in MESSAGES["period_not_begun"][0]
