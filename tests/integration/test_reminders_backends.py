"""Reminders on the real stores: the day-ahead gap reminded once on SQLite and PostgreSQL, and not again after the
node restarts (the reminder's id is its office's, kind's, day's and slot's), nor after the notifications' read model
is rebuilt from the log."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from domain.notification_values import Kind
from gateways.bootstrap import Node
from gateways.config import Settings
from tests.conftest import FakeClock
from tests.support.settings import settings_per_param
from tests.unit.test_reminders_service import notices, reminder_story


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def stored_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """A node's settings on a backend that outlives the node (a restart finds what was saved)."""
    yield from settings_per_param(request, tmp_path)


def test_a_reminder_is_sent_once_across_a_restart(stored_settings: Settings, open_node: Callable[[Settings], Node],
                                                   clock: FakeClock) -> None:
    first = open_node(stored_settings)
    keeper, _ = reminder_story(first, clock)
    first.close()

    # 14.20 WIB: the node starts again with a fresh watcher; the reminder is on record, nothing is sent twice.
    clock.now = datetime(2026, 12, 3, 7, 20, tzinfo=UTC)
    again = open_node(stored_settings)
    assert again.reminder_watcher.tick(force=True) == 0
    assert [n[0] for n in notices(again, keeper)] == [Kind.COVERAGE_GAP]
    again.projections.rebuild("notifications")
    assert [n[0] for n in notices(again, keeper)] == [Kind.COVERAGE_GAP]
