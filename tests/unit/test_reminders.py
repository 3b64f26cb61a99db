"""When the reminders of the team's day are due (domain/reminders.py): a coverage gap a day ahead at 14.00 and on the
day at 07.00, a monitoring report 30 minutes before 08.00 and 17.00, each at the office's own local time (WIB, WITA,
WIT), due until the end of that local day (a monitoring one until its report is missed), none before the office
began on the node. Explicit moments in UTC, across day boundaries."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.notification_values import Kind
from domain.reminders import Due, NotDueYet, Reminder, reminder_id, reminders_due

WIB, WITA, WIT = "kab-16.13", "kab-73.01", "kab-94.01"  # UTC+7, UTC+8, UTC+9
PROVINCE = "prov-16"
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)


def due(office: str, now: datetime, since: datetime | None = LONG_AGO) -> list[tuple[Kind, date, str, bool]]:
    return [(d.kind, d.day, d.slot, d.ahead) for d in reminders_due(office, now, since)]


def gap(day: date, ahead: bool = False) -> tuple[Kind, date, str, bool]:
    return (Kind.COVERAGE_GAP, day, "", ahead)


def report(day: date, slot: str) -> tuple[Kind, date, str, bool]:
    return (Kind.MONITORING_DUE, day, slot, False)


def test_a_wit_office_is_reminded_at_its_own_seven_oclock_which_is_the_evening_before_in_utc() -> None:
    # 21.59 UTC on the 3rd is 06.59 WIT on the 4th: the 3rd's reminders ended at midnight WIT, the 4th's not begun.
    assert due(WIT, datetime(2026, 12, 3, 21, 59, tzinfo=UTC)) == []
    # 22.00 UTC is 07.00 WIT on the 4th: today's gaps.
    assert due(WIT, datetime(2026, 12, 3, 22, 0, tzinfo=UTC)) == [gap(date(2026, 12, 4))]
    # 22.30 UTC is 07.30 WIT: and the 08.00 report comes due.
    assert due(WIT, datetime(2026, 12, 3, 22, 30, tzinfo=UTC)) == [gap(date(2026, 12, 4)),
                                                                  report(date(2026, 12, 4), "0800")]
    # 05.00 UTC is 14.00 WIT: tomorrow's gaps, a day ahead, beside today's.
    assert due(WIT, datetime(2026, 12, 4, 5, 0, tzinfo=UTC)) == [gap(date(2026, 12, 4)),
                                                                gap(date(2026, 12, 5), ahead=True)]


def test_a_wib_office_is_reminded_until_its_midnight_and_not_after() -> None:
    # 06.59 UTC is 13.59 WIB: only today's gaps (the morning's report was missed by now, its reminder over).
    assert due(WIB, datetime(2026, 12, 4, 6, 59, tzinfo=UTC)) == [gap(date(2026, 12, 4))]
    # 16.59 UTC is 23.59 WIB: the day ahead still reminds (a node down in the afternoon catches up in the evening).
    assert due(WIB, datetime(2026, 12, 4, 16, 59, tzinfo=UTC)) == [gap(date(2026, 12, 4)),
                                                                  gap(date(2026, 12, 5), ahead=True)]
    # 17.00 UTC is 00.00 WIB on the 5th: yesterday's reminders are not sent the next day, today's not yet due.
    assert due(WIB, datetime(2026, 12, 4, 17, 0, tzinfo=UTC)) == []
    # 09.30 UTC is 16.30 WIB: the 17.00 report comes due.
    assert report(date(2026, 12, 4), "1700") in due(WIB, datetime(2026, 12, 4, 9, 30, tzinfo=UTC))
    assert report(date(2026, 12, 4), "1700") not in due(WIB, datetime(2026, 12, 4, 9, 29, tzinfo=UTC))


def test_a_wita_node_down_at_half_past_seven_still_reminds_at_ten_past_eight_but_not_once_missed() -> None:
    # 00.10 UTC is 08.10 WITA: the 08.00 report is still to come (its grace runs to 08.30).
    assert due(WITA, datetime(2026, 12, 4, 0, 10, tzinfo=UTC)) == [gap(date(2026, 12, 4)),
                                                                  report(date(2026, 12, 4), "0800")]
    # 00.30 UTC is 08.30 WITA: missed; the miss is the alert now, not a reminder.
    assert due(WITA, datetime(2026, 12, 4, 0, 30, tzinfo=UTC)) == [gap(date(2026, 12, 4))]
    # 23.30 UTC on the 3rd is 07.30 WITA on the 4th, while in WIB it is still the evening of the 3rd.
    assert due(WITA, datetime(2026, 12, 3, 23, 30, tzinfo=UTC)) == [gap(date(2026, 12, 4)),
                                                                   report(date(2026, 12, 4), "0800")]
    assert due(WIB, datetime(2026, 12, 3, 23, 30, tzinfo=UTC)) == []


def test_nothing_is_due_before_the_office_began_and_a_province_reports_no_monitoring() -> None:
    now = datetime(2026, 12, 4, 0, 45, tzinfo=UTC)  # 07.45 WIB
    assert due(WIB, now) == [gap(date(2026, 12, 4)), report(date(2026, 12, 4), "0800")]
    # The office began at 07.40 WIB: the 07.00 and 07.30 moments were before it.
    assert due(WIB, now, since=datetime(2026, 12, 4, 0, 40, tzinfo=UTC)) == []
    # No first account yet: nothing before now.
    assert due(WIB, now, since=None) == []
    assert due(WIB, datetime(2026, 12, 4, 0, 30, tzinfo=UTC), since=None) == [report(date(2026, 12, 4), "0800")]
    # A province divides its duties but does not report the parties' fill.
    assert due(PROVINCE, now) == [gap(date(2026, 12, 4))]


def test_a_reminder_has_one_id_per_office_kind_day_slot_and_moment_and_is_not_recorded_early() -> None:
    day = date(2026, 12, 4)
    assert reminder_id(WIB, Kind.COVERAGE_GAP, day) == reminder_id(WIB, Kind.COVERAGE_GAP, day)
    # The day's gaps are reminded twice: the afternoon before and the morning itself.
    assert reminder_id(WIB, Kind.COVERAGE_GAP, day, ahead=True) != reminder_id(WIB, Kind.COVERAGE_GAP, day)
    assert reminder_id(WIB, Kind.MONITORING_DUE, day, "0800") != reminder_id(WIB, Kind.MONITORING_DUE, day, "1700")
    assert reminder_id(WIB, Kind.COVERAGE_GAP, day) != reminder_id(WITA, Kind.COVERAGE_GAP, day)
    moment = datetime(2026, 12, 4, 0, 30, tzinfo=UTC)
    coming = Due(kind=Kind.MONITORING_DUE, day=day, slot="0800", at=moment)
    with pytest.raises(NotDueYet):
        Reminder.remind(office_id=WIB, due=coming, at=datetime(2026, 12, 4, 0, 29, tzinfo=UTC))
    reminder = Reminder.remind(office_id=WIB, due=coming, at=moment, recipients=("ani",))
    assert reminder.id == reminder_id(WIB, Kind.MONITORING_DUE, day, "0800")
    assert (reminder.kind, reminder.slot, reminder.recipients, reminder.gaps) == (Kind.MONITORING_DUE, "0800",
                                                                                  ("ani",), 0)
