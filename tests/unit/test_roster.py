"""The duty roster (SOP B.1–B.2; issue 16): who divides duties, the day's shifts, coverage gaps per shift and per day,
swaps and absences, and check-ins late or on time at the office's own local time (WIB, WITA, WIT)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from domain.roles import Role
from domain.roster import DutyDay, duty_day_id
from domain.roster_values import (
    AlreadyCheckedIn,
    Duty,
    Gap,
    NotOnDuty,
    NotRosterKeeper,
    Shift,
    ShiftsInvalid,
    UnknownShift,
)
from services.codec import MsgspecMapper

DAY = date(2027, 8, 2)
T0 = datetime(2027, 8, 1, 10, 0, tzinfo=UTC)  # planned the day before
MORNING, AFTERNOON = Shift("pagi", time(8), time(12)), Shift("siang", time(12), time(16))
KEEPER = Role.KOORDINATOR_HARIAN


def planned(office: str = "kab-16.13", shifts: tuple[Shift, ...] = (MORNING, AFTERNOON)) -> DutyDay:
    return DutyDay.plan(office, DAY, time(8), time(16), shifts, KEEPER, "harian", T0)


def staffed(day: DutyDay, *, report: bool = True) -> DutyDay:
    for shift, who in (("pagi", "ani"), ("siang", "budi")):
        for duty in (Duty.FRONT_DESK, Duty.EMAIL_WATCH, Duty.GROUP_WATCH):
            day.assign(shift, duty, who, KEEPER, "harian", T0)
    if report:
        day.assign("pagi", Duty.MONITORING_REPORT, "ani", KEEPER, "harian", T0)
    return day


def test_only_the_roster_keepers_plan_and_divide_duties() -> None:
    for role in (Role.ANGGOTA_HELPDESK, Role.SEKRETARIS_HELPDESK, Role.ANGGOTA_KPU, Role.KETUA_HELPDESK):
        with pytest.raises(NotRosterKeeper):
            DutyDay.plan("kab-16.13", DAY, time(8), time(16), (MORNING,), role, "x", T0)
    day = DutyDay.plan("kab-16.13", DAY, time(8), time(16), (MORNING,), Role.KOORDINATOR, "koord", T0)
    assert day.id == duty_day_id("kab-16.13", DAY)
    with pytest.raises(NotRosterKeeper):
        day.assign("pagi", Duty.FRONT_DESK, "ani", Role.ANGGOTA_HELPDESK, "ani", T0)


@pytest.mark.parametrize("shifts", [
    (),  # none
    (Shift("pagi", time(8), time(13)), Shift("siang", time(12), time(16))),  # overlapping
    (Shift("pagi", time(7), time(12)),),  # before the service opens
    (Shift("pagi", time(12), time(8)),),  # reversed
    (MORNING, Shift("pagi", time(12), time(16))),  # the same name twice
])
def test_shifts_fit_the_service_hours_without_overlapping(shifts: tuple[Shift, ...]) -> None:
    with pytest.raises(ShiftsInvalid):
        planned(shifts=shifts)


def test_an_empty_day_lacks_every_duty_and_a_staffed_one_nothing() -> None:
    day = planned()
    assert len(day.gaps()) == 2 * 3 + 1
    assert Gap(Duty.MONITORING_REPORT, None) in day.gaps()
    assert staffed(day).gaps() == []
    assert staffed(planned(), report=False).gaps() == [Gap(Duty.MONITORING_REPORT, None)]


def test_an_absence_opens_a_gap_and_a_swap_closes_it() -> None:
    day = staffed(planned())
    day.record_absence("budi", "Sakit", KEEPER, "harian", T0)
    assert day.gaps() == [Gap(duty, "siang") for duty in (Duty.FRONT_DESK, Duty.EMAIL_WATCH, Duty.GROUP_WATCH)]
    day.swap("siang", Duty.FRONT_DESK, "budi", "citra", KEEPER, "harian", T0)
    assert Gap(Duty.FRONT_DESK, "siang") not in day.gaps() and len(day.gaps()) == 2
    with pytest.raises(NotOnDuty):
        day.swap("siang", Duty.FRONT_DESK, "budi", "dedi", KEEPER, "harian", T0)  # budi no longer holds it
    with pytest.raises(UnknownShift):
        day.assign("malam", Duty.FRONT_DESK, "ani", KEEPER, "harian", T0)


def test_assigning_twice_or_unassigning_nobody_records_nothing() -> None:
    day = planned()
    day.assign("pagi", Duty.FRONT_DESK, "ani", KEEPER, "harian", T0)
    day.assign("pagi", Duty.FRONT_DESK, "ani", KEEPER, "harian", T0)
    day.unassign("pagi", Duty.EMAIL_WATCH, "ani", KEEPER, "harian", T0)
    assert [type(e).__name__ for e in day.collect_events()] == ["Planned", "DutyAssigned"]


@pytest.mark.parametrize(("office", "utc_offset"), [("kab-16.13", 7), ("kab-73.01", 8), ("kab-94.01", 9)])
def test_a_check_in_later_than_ten_minutes_before_opening_is_late_in_the_offices_own_time(office: str,
                                                                                         utc_offset: int) -> None:
    day = staffed(planned(office))
    day.assign("pagi", Duty.MEETING_HOST, "dedi", KEEPER, "harian", T0)
    opens = datetime(2027, 8, 2, 8, 0, tzinfo=UTC) - timedelta(hours=utc_offset)  # 08.00 local
    assert day.check_in("ani", opens - timedelta(minutes=10)) is False  # 07.50: on time
    assert day.check_in("dedi", opens - timedelta(minutes=9)) is True  # 07.51: late
    # The afternoon shift starts at 12.00: its people are due at 11.50, not at the morning's opening.
    assert day.check_in("budi", opens + timedelta(hours=3, minutes=51)) is True  # 11.51: late
    with pytest.raises(AlreadyCheckedIn):
        day.check_in("ani", opens)
    with pytest.raises(NotOnDuty):
        day.check_in("citra", opens)  # not on the roster that day
    fresh = staffed(planned(office))
    assert fresh.check_in("budi", opens + timedelta(hours=3, minutes=50)) is False  # 11.50: on time for the afternoon


def test_an_absent_person_does_not_check_in() -> None:
    day = staffed(planned())
    day.record_absence("ani", "Cuti", KEEPER, "harian", T0)
    with pytest.raises(NotOnDuty):
        day.check_in("ani", datetime(2027, 8, 2, 0, 30, tzinfo=UTC))


def test_the_day_replays_from_its_stored_events() -> None:
    day = staffed(planned())
    day.record_absence("budi", "Sakit", KEEPER, "harian", T0)
    day.check_in("ani", datetime(2027, 8, 2, 0, 45, tzinfo=UTC))
    mapper = MsgspecMapper(transcoder=None)  # type: ignore[arg-type]
    replayed = None
    for event in day.collect_events():
        replayed = mapper.to_domain_event(mapper.to_stored_event(event)).mutate(replayed)
    assert replayed is not None
    assert (replayed.shifts, replayed.held, replayed.absent, replayed.gaps()) == (
        day.shifts, day.held, day.absent, day.gaps())
    assert replayed.checked_in["ani"][1] is False
