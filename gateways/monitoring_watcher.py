"""Notices monitoring slots whose half hour of grace passed without a report and has the Helpdesk record each as
missed, once (the report's id is the office's, day's and slot's: a second record, here or after a restart, finds the
first). Run by the projection follower after each catch-up, like the SOP watcher (gateways/sop_watcher.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Protocol

import structlog

from domain.monitoring_values import Slot
from gateways.throttled import Throttled
from services.ports import Clock

log = structlog.get_logger("monitoring_watcher")


class MissedQueries(Protocol):
    def to_record_missed(self, now: datetime, since: datetime | None = None) -> list[tuple[date, Slot]]: ...


class MissedRecorder(Protocol):
    def record_missed_monitoring(self, slots: list[tuple[date, Slot]], now: datetime | None = None) -> int: ...


class MonitoringWatcher(Throttled):
    """A miss is recorded well within a minute of its moment (08.30 or 17.30 office time)."""

    def __init__(self, queries: MissedQueries, helpdesk: MissedRecorder, clock: Clock, every_seconds: float = 15,
                 began: Callable[[], datetime | None] = lambda: None) -> None:
        super().__init__(clock, every_seconds)
        self.queries = queries
        self.helpdesk = helpdesk
        # When the office began working on the node (its first account, from the users' read model): a slot due
        # before it raises no alert on a new node, while a node that was down overnight still records the evening.
        self.began = began

    def look(self, now: datetime) -> int:
        # No account yet is a new node: nothing due before now was its to report.
        missed = self.queries.to_record_missed(now, self.began() or now)
        if not missed:
            return 0
        recorded = self.helpdesk.record_missed_monitoring(missed, now)
        if recorded:
            log.info("monitoring_missed_recorded", count=recorded, alert=True)
        return recorded
