"""The duty roster's read model on every backend (issue 16): the Koordinator Harian plans tomorrow from the office's
usual hours, divides the duties, an absence opens gaps and a swap closes one, the person on duty checks in late and
ticks the checklist with an item missing, the office marks a long day and changes its checklist; the day read back
with full names, and the same rows after `helpdesk projections rebuild`."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest

from domain.roles import Role
from domain.roster_hours import DayClosed, Hours
from domain.roster_values import DayAlreadyPlanned, Duty, Gap, NotRosterKeeper
from gateways.bootstrap import Node
from projections.runner import ReadModelRunner
from services.roster import DayPlan
from services.views import UserView
from tests.conftest import FakeClock

OFFICE = "kab-16.13"
MONDAY, TUESDAY = date(2024, 7, 29), date(2024, 7, 30)  # the fake clock starts on Monday 08.30 WIB
WHOLE_DAY = [Gap(d, None) for d in (Duty.FRONT_DESK, Duty.EMAIL_WATCH, Duty.GROUP_WATCH, Duty.MONITORING_REPORT)]


def staff(node: Node, role: Role, username: str, full_name: str) -> UserView:
    user_id = node.accounts.register_user(username, full_name, role, node.office.value, "kata-sandi-uji-123", "test")
    return node.accounts.get_user(user_id)


def roster_rows(runner: ReadModelRunner) -> dict[str, list[tuple[Any, ...]]]:
    return {table: sorted(runner.store.query(f"SELECT * FROM {table}"))
            for table in runner.projections["roster"].tables}


def test_a_day_planned_staffed_checked_in_and_checked_is_read_back_and_rebuilt(node: Node, clock: FakeClock) -> None:
    helpdesk, roster = node.helpdesk, node.roster
    keeper = staff(node, Role.KOORDINATOR_HARIAN, "harian", "Hana Harian")
    ani = staff(node, Role.ANGGOTA_HELPDESK, "ani", "Ani Lestari")
    budi = staff(node, Role.ANGGOTA_HELPDESK, "budi", "Budi Santoso")

    # Nobody planned today or tomorrow: both open days lack every duty, a day ahead and on the day.
    assert [(c.day, c.planned, c.gaps) for c in roster.coverage(OFFICE, MONDAY)] == [
        (MONDAY, False, WHOLE_DAY), (TUESDAY, False, WHOLE_DAY)]
    # The desk does not plan; the keeper plans tomorrow from the usual hours, once; Saturday is closed.
    with pytest.raises(NotRosterKeeper):
        helpdesk.plan_duty_day(ani, DayPlan(TUESDAY))
    helpdesk.plan_duty_day(keeper, DayPlan(TUESDAY))
    with pytest.raises(DayAlreadyPlanned):
        helpdesk.plan_duty_day(keeper, DayPlan(TUESDAY))
    with pytest.raises(DayClosed):
        helpdesk.plan_duty_day(keeper, DayPlan(date(2024, 8, 3)))
    day = roster.day(OFFICE, TUESDAY)
    assert day is not None and (day.opens, day.closes) == (time(8), time(16))
    assert [s.name for s in day.shifts] == ["Pagi", "Siang"] and len(day.gaps) == 2 * 3 + 1

    # The duties divided: Ani in the morning (and the monitoring report), Budi in the afternoon.
    for shift, who in (("Pagi", ani), ("Siang", budi)):
        for duty in ("front_desk", "email_watch", "group_watch"):
            helpdesk.assign_duty(keeper, TUESDAY, shift, duty, who.id)
    helpdesk.assign_duty(keeper, TUESDAY, "Pagi", "monitoring_report", ani.id)
    assert roster.gaps(OFFICE, TUESDAY) == []
    # Budi is ill: the afternoon lacks all three; Ani takes the afternoon's front desk.
    helpdesk.record_duty_absence(keeper, TUESDAY, budi.id, "Sakit")
    assert roster.gaps(OFFICE, TUESDAY) == [Gap(d, "Siang") for d in (Duty.FRONT_DESK, Duty.EMAIL_WATCH,
                                                                       Duty.GROUP_WATCH)]
    helpdesk.swap_duty(keeper, TUESDAY, "Siang", "front_desk", budi.id, ani.id)
    assert roster.gaps(OFFICE, TUESDAY) == [Gap(Duty.EMAIL_WATCH, "Siang"), Gap(Duty.GROUP_WATCH, "Siang")]

    # Tuesday 07.55 WIB: Ani checks in five minutes after she was due, and finds the recorder missing.
    clock.advance(minutes=23 * 60 + 25)
    assert helpdesk.check_in_duty(ani) is True
    assert helpdesk.tick_duty_checklist(ani, "Pagi", ("Daftar hadir tamu", "Perlengkapan tulis menulis",
                                                       "PC/laptop dan jaringan internet",
                                                       "Area Helpdesk bersih dan rapi"), "Dibawa ke rapat") == (
        "Alat rekam",)
    day = roster.day(OFFICE, TUESDAY)
    assert day is not None
    assert [(c.name, c.late) for c in day.check_ins] == [("Ani Lestari", True)]
    assert [(a.name, a.reason) for a in day.absences] == [("Budi Santoso", "Sakit")]
    morning, afternoon = day.shifts
    desk = next(slot for slot in afternoon.duties if slot.duty is Duty.FRONT_DESK)
    assert [(h.name, h.late) for h in desk.holders] == [("Ani Lestari", True)] and not desk.gap
    email = next(slot for slot in afternoon.duties if slot.duty is Duty.EMAIL_WATCH)
    assert [(h.name, h.absent) for h in email.holders] == [("Budi Santoso", True)] and email.gap
    assert [(shift, state.name, state.missing, state.note) for shift, state in day.missing] == [
        ("Pagi", "Ani Lestari", ["Alat rekam"], "Dibawa ke rapat")]
    assert morning.check is not None and afternoon.check is None

    # The office's set-up: a long Saturday in the registration period, and its own checklist for the days after.
    helpdesk.mark_service_days(keeper, date(2024, 8, 3), date(2024, 8, 3), Hours(time(8), time(20)),
                               "Masa pendaftaran")
    helpdesk.set_duty_checklist(keeper, ("Buku tamu", "Perekam suara"))
    assert roster.hours_on(OFFICE, date(2024, 8, 3)).hours == Hours(time(8), time(20))
    assert roster.setup(OFFICE).checklist == ["Buku tamu", "Perekam suara"]
    helpdesk.plan_duty_day(keeper, DayPlan(date(2024, 8, 3)))
    saturday = roster.day(OFFICE, date(2024, 8, 3))
    assert saturday is not None and saturday.checklist == ["Buku tamu", "Perekam suara"]
    assert saturday.closes == time(20)

    # `helpdesk projections rebuild`: the same rows from the log alone.
    before = roster_rows(node.projections)
    node.projections.rebuild("roster")
    assert roster_rows(node.projections) == before
