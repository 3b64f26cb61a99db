"""Notices SOP thresholds as they come due and has the Helpdesk record them; run by the projection follower."""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Protocol

import structlog

from domain.sop_clock import DueThreshold
from services.ports import Clock

log = structlog.get_logger("sop_watcher")


class DueQueries(Protocol):
    def due(self, now: datetime) -> list[DueThreshold]: ...


class ThresholdRecorder(Protocol):
    def record_due_thresholds(self, due: list[DueThreshold], now: datetime | None = None) -> int: ...


class SopWatcher:
    """Looks at most every `every_seconds` of the node's clock: a threshold is recorded well within a minute
    of its moment, while the follower's frequent wake-ups (every save, every poll) cost nothing."""

    def __init__(
        self, queries: DueQueries, helpdesk: ThresholdRecorder, clock: Clock, every_seconds: float = 15
    ) -> None:
        self.queries = queries
        self.helpdesk = helpdesk
        self.clock = clock
        self.every_seconds = every_seconds
        self._last: datetime | None = None
        self._lock = threading.Lock()

    def tick(self, force: bool = False) -> int:
        """Records the thresholds due now; returns how many were recorded (0 when it was not yet time to look)."""
        # The follower's thread and a caller (a test, a CLI) may tick at once: one looks, the other skips
        # (a forced tick waits its turn instead).
        if not self._lock.acquire(blocking=force):
            return 0
        try:
            now = self.clock()
            if not force and self._last is not None and 0 <= (now - self._last).total_seconds() < self.every_seconds:
                return 0
            self._last = now
            due = self.queries.due(now)
            if not due:
                return 0
            recorded = self.helpdesk.record_due_thresholds(due, now)
            if recorded:
                log.info("sop_thresholds_recorded", count=recorded)
            return recorded
        finally:
            self._lock.release()
