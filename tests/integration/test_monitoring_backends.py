"""SOP part D on the real read stores: the monitoring story of the unit tests on SQLite and PostgreSQL (only the
backend changes), and a miss recorded once across a node's restart and a rebuild of the read model."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from domain.monitoring import MonitoringReport, monitoring_report_id
from domain.monitoring_values import Slot, SlotState
from domain.roles import Role
from gateways.bootstrap import Node
from gateways.config import Settings
from tests.conftest import FakeClock
from tests.support.settings import settings_per_param
from tests.unit.test_monitoring_service import monitoring_story

OFFICE = "kab-16.13"
DAY = date(2026, 12, 4)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def stored_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """A node's settings on a backend that outlives the node (a restart finds what was saved)."""
    yield from settings_per_param(request, tmp_path)


def test_the_days_reports_on_every_backend(stored_settings: Settings, open_node: Callable[[Settings], Node],
                                           clock: FakeClock) -> None:
    monitoring_story(open_node(stored_settings), clock)


def test_a_miss_is_recorded_once_across_a_restart_and_a_rebuilt_read_model(
        stored_settings: Settings, open_node: Callable[[Settings], Node], clock: FakeClock) -> None:
    # The node's log began on the 2nd (its first account): the 3rd and the 4th were its to report.
    clock.now = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
    first = open_node(stored_settings)
    first.accounts.register_user("ketua.awal", "Ketua", Role.KETUA_HELPDESK, OFFICE, "sandi-panjang-sekali-42", "cli")
    # 17.31 WIB: the first node records the day's two misses (and yesterday's two) and stops.
    clock.now = datetime(2026, 12, 4, 10, 31, tzinfo=UTC)
    assert first.monitoring_watcher.tick(force=True) == 4
    first.close()

    # The node starts again at 17.40: the misses are on record, nothing is recorded twice.
    clock.now = datetime(2026, 12, 4, 10, 40, tzinfo=UTC)
    again = open_node(stored_settings)
    assert again.monitoring_watcher.tick(force=True) == 0
    # Even a watcher that reads an empty read model (rebuilt from zero, not caught up) records nothing twice: the
    # report's id is its office's, day's and slot's.
    assert again.helpdesk.record_missed_monitoring([(DAY, Slot.MORNING), (DAY, Slot.EVENING)]) == 0
    events = list(again.helpdesk.events.get(monitoring_report_id(OFFICE, DAY, Slot.EVENING)))
    assert [type(e) for e in events] == [MonitoringReport.Missed]
    assert [v.state for v in again.monitoring.day(OFFICE, DAY, clock())] == [SlotState.MISSED, SlotState.MISSED]
    again.projections.rebuild("monitoring")
    assert [v.missed_recorded for v in again.monitoring.day(OFFICE, DAY, clock())] == [True, True]
