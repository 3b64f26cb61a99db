"""Notices monitoring slots whose half hour of grace passed without a report and has the Helpdesk record each as
missed, once (the report's id is the office's, day's and slot's: a second record, here or after a restart, finds the
first). Run by the projection follower after each catch-up, like the SOP watcher (gateways/sop_watcher.py)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime
from typing import Protocol

import structlog

from domain.monitoring_values import Slot
from services.ports import Clock

log = structlog.get_logger("monitoring_watcher")


class MissedQueries(Protocol):
    def to_record_missed(self, now: datetime, since: datetime | None = None) -> list[tuple[date, Slot]]: ...


class MissedRecorder(Protocol):
    def record_missed_monitoring(self, slots: list[tuple[date, Slot]], now: datetime | None = None) -> int: ...


class MonitoringWatcher:
    """Looks at most every `every_seconds` of the node's clock: a miss is recorded well within a minute of its
    moment (08.30 or 17.30 office time), while the follower's frequent wake-ups cost nothing."""

    def __init__(self, queries: MissedQueries, helpdesk: MissedRecorder, clock: Clock, every_seconds: float = 15,
                 began: Callable[[], datetime | None] = lambda: None) -> None:
        self.queries = queries
        # When the office began working on the node (its first account, from the users' read model): a slot due
        # before it raises no alert on a new node, while a node that was down overnight still records the evening.
        self.began = began
        self.helpdesk = helpdesk
        self.clock = clock
        self.every_seconds = every_seconds
        self._last: datetime | None = None
        self._lock = threading.Lock()

    def tick(self, force: bool = False) -> int:
        """Records the slots missed by now; returns how many were recorded (0 when it was not yet time to look)."""
        if not self._lock.acquire(blocking=force):
            return 0
        try:
            now = self.clock()
            if not force and self._last is not None and 0 <= (now - self._last).total_seconds() < self.every_seconds:
                return 0
            self._last = now
            # No account yet is a new node: nothing due before now was its to report.
            missed = self.queries.to_record_missed(now, self.began() or now)
            if not missed:
                return 0
            recorded = self.helpdesk.record_missed_monitoring(missed, now)
            if recorded:
                log.info("monitoring_missed_recorded", count=recorded, alert=True)
            return recorded
        finally:
            self._lock.release()

