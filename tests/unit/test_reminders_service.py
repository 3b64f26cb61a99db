"""Reminders on a node with a fake clock (services/reminders.py, gateways/reminder_watcher.py): the afternoon before,
tomorrow's gap in the roster reaches the Koordinator Harian once; on the morning itself, the gaps filled, only the
08.00 report coming due reaches the reporter on duty, and her report settles it; a report submitted early is not
reminded; with nobody on duty the Koordinator Harian is told. The first story runs on SQLite and PostgreSQL across a
restart in tests/integration/test_reminders_backends.py."""

from __future__ import annotations

from datetime import UTC, date, datetime

from domain.monitoring_values import Slot
from domain.notification_values import Kind, Subject
from domain.reminders import Reminder, reminder_id
from domain.roles import Role
from gateways.bootstrap import Node
from services.clips import Screenshot
from services.roster import DayPlan
from services.views import UserView
from tests.conftest import FakeClock
from tests.support.samples import png
from tests.unit.test_monitoring_service import figures

OFFICE = "kab-16.13"  # WIB
THURSDAY, FRIDAY = date(2026, 12, 3), date(2026, 12, 4)


def staff(node: Node, role: Role, username: str, full_name: str) -> UserView:
    user_id = node.accounts.register_user(username, full_name, role, OFFICE, "kata-sandi-uji-123", "test")
    return node.accounts.get_user(user_id)


def notices(node: Node, person: UserView) -> list[tuple[Kind, dict[str, str], bool]]:
    """A person's notifications of the reminders' kinds, oldest first: kind, words' values, settled."""
    items = node.notify.queries.mine(person.id).items
    return [(n.kind, n.values, n.settled) for n in reversed(items)
            if n.kind in (Kind.COVERAGE_GAP, Kind.MONITORING_DUE)]


def reminder_story(node: Node, clock: FakeClock) -> tuple[UserView, UserView]:
    """Thursday afternoon: the roster of Friday has gaps; one reminder, once. Returns the keeper and the reporter."""
    # 13.00 WIB on Thursday: the office begins on the node with its Koordinator Harian and one desk member.
    clock.now = datetime(2026, 12, 3, 6, 0, tzinfo=UTC)
    keeper = staff(node, Role.KOORDINATOR_HARIAN, "harian", "Hana Harian")
    ani = staff(node, Role.ANGGOTA_HELPDESK, "ani", "Ani Lestari")
    # The keeper plans Friday: Ani holds the morning and the monitoring report; the afternoon has nobody.
    node.helpdesk.plan_duty_day(keeper, DayPlan(FRIDAY))
    for duty in ("front_desk", "email_watch", "group_watch", "monitoring_report"):
        node.helpdesk.assign_duty(keeper, FRIDAY, "Pagi", duty, ani.id)
    # 13.59 WIB: nothing is due yet (Thursday's 07.00 came before the office began on the node).
    clock.now = datetime(2026, 12, 3, 6, 59, tzinfo=UTC)
    assert node.reminder_watcher.tick(force=True) == 0
    # 14.00 WIB: Friday's three empty duties, a day ahead, to the Koordinator Harian only.
    clock.now = datetime(2026, 12, 3, 7, 0, tzinfo=UTC)
    assert node.reminder_watcher.tick(force=True) == 1
    assert notices(node, keeper) == [(Kind.COVERAGE_GAP, {"number": "", "day": "2026-12-04", "gaps": "3"}, False)]
    assert notices(node, ani) == []
    # Looked at again, nothing is reminded twice.
    clock.now = datetime(2026, 12, 3, 7, 5, tzinfo=UTC)
    assert node.reminder_watcher.tick(force=True) == 0
    assert node.helpdesk.record_reminders(clock(), datetime(2026, 12, 3, 6, 0, tzinfo=UTC)) == 0
    events = list(node.helpdesk.events.get(reminder_id(OFFICE, Kind.COVERAGE_GAP, FRIDAY, ahead=True)))
    assert [type(e) for e in events] == [Reminder.Reminded]
    return keeper, ani


def test_a_gap_is_reminded_once_a_day_ahead_and_a_submitted_report_settles_its_reminder(
        memory_node: Node, clock: FakeClock) -> None:
    node = memory_node
    keeper, ani = reminder_story(node, clock)
    mine = node.notify.queries.mine(keeper.id).items
    assert mine[0].subject is Subject.ROSTER

    # Thursday evening, the keeper fills Friday's afternoon: on the morning itself no gap is reminded.
    clock.now = datetime(2026, 12, 3, 11, 0, tzinfo=UTC)
    for duty in ("front_desk", "email_watch", "group_watch"):
        node.helpdesk.assign_duty(keeper, FRIDAY, "Siang", duty, ani.id)
    # 07.30 WIB on Friday: the 08.00 report comes due, to Ani who holds the duty.
    clock.now = datetime(2026, 12, 4, 0, 30, tzinfo=UTC)
    assert node.reminder_watcher.tick(force=True) == 1
    due = (Kind.MONITORING_DUE, {"number": "", "day": "2026-12-04", "slot": "08.00"})
    assert [n[:2] for n in notices(node, ani)] == [due]
    assert len(notices(node, keeper)) == 1  # still only Thursday's gap
    assert node.notify.queries.waiting(ani.id).waiting_by_kind == {Kind.MONITORING_DUE: 1}

    # 07.50 WIB: Ani submits the report; the reminder no longer waits.
    clock.now = datetime(2026, 12, 4, 0, 50, tzinfo=UTC)
    node.helpdesk.submit_monitoring(OFFICE, FRIDAY, Slot.MORNING, figures(node), Screenshot(png(1), "image/png"), "",
                                    "ani", Role.ANGGOTA_HELPDESK)
    assert notices(node, ani) == [(*due, True)]
    assert node.notify.queries.waiting(ani.id).waiting_by_kind == {}

    # 16.10 WIB: the evening report is in early; at 16.30 there is nothing to remind.
    clock.now = datetime(2026, 12, 4, 9, 10, tzinfo=UTC)
    node.helpdesk.submit_monitoring(OFFICE, FRIDAY, Slot.EVENING, figures(node), Screenshot(png(2), "image/png"), "",
                                    "ani", Role.ANGGOTA_HELPDESK)
    clock.now = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)
    assert node.reminder_watcher.tick(force=True) == 0
    assert len(notices(node, ani)) == 1


def test_with_nobody_on_duty_the_koordinator_harian_is_told_the_report_comes_due(
        memory_node: Node, clock: FakeClock) -> None:
    node = memory_node
    # 16.00 WIB on Friday: the office begins on the node; nobody planned the day.
    clock.now = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
    keeper = staff(node, Role.KOORDINATOR_HARIAN, "harian", "Hana Harian")
    commissioner = staff(node, Role.ANGGOTA_KPU, "kpu.sari", "Sari")
    # 16.40 WIB (the node was down at 16.30): the 17.00 report still to come, to the Koordinator Harian.
    clock.now = datetime(2026, 12, 4, 9, 40, tzinfo=UTC)
    assert node.reminder_watcher.tick(force=True) == 1
    assert notices(node, keeper) == [(Kind.MONITORING_DUE, {"number": "", "day": "2026-12-04", "slot": "17.00"},
                                      False)]
    assert notices(node, commissioner) == []
    # 17.30 WIB: missed; the miss settles the reminder (the miss is what waits now).
    clock.now = datetime(2026, 12, 4, 10, 30, tzinfo=UTC)
    assert node.monitoring_watcher.tick(force=True) == 1
    assert notices(node, keeper)[0][2] is True
    assert node.reminder_watcher.tick(force=True) == 0
