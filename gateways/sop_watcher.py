"""Notices SOP thresholds as they come due and has the Helpdesk record them; run by the projection follower."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

import structlog

from domain.sop_clock import DueThreshold
from gateways.throttled import Throttled
from services.ports import Clock

log = structlog.get_logger("sop_watcher")


class DueQueries(Protocol):
    def due(self, now: datetime) -> list[DueThreshold]: ...


class ThresholdRecorder(Protocol):
    def record_due_thresholds(self, due: list[DueThreshold], now: datetime | None = None) -> int: ...


class SopWatcher(Throttled):
    def __init__(
        self, queries: DueQueries, helpdesk: ThresholdRecorder, clock: Clock, every_seconds: float = 15
    ) -> None:
        super().__init__(clock, every_seconds)
        self.queries = queries
        self.helpdesk = helpdesk

    def look(self, now: datetime) -> int:
        due = self.queries.due(now)
        if not due:
            return 0
        recorded = self.helpdesk.record_due_thresholds(due, now)
        if recorded:
            log.info("sop_thresholds_recorded", count=recorded)
        return recorded
