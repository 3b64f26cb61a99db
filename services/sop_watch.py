"""Recording the SOP time thresholds a watcher found due, each once, as SopClock events (so they are audited)."""

from __future__ import annotations

from datetime import datetime
from itertools import groupby
from uuid import UUID

from domain.errors import ConcurrentChange, NotFound
from domain.sop_clock import DueThreshold, SopClock, sop_clock_id
from services.base import NodeApplication


class SopWatchCommands(NodeApplication):
    """Part of the Helpdesk application: the SOP watcher's one command."""

    def record_due_thresholds(self, due: list[DueThreshold], now: datetime | None = None) -> int:
        """Records each due threshold, stamped `now` (when it was noticed); returns how many were new."""
        at = now or self.clock()
        recorded = 0
        for _, items in groupby(sorted(due, key=_by_consultation), key=_by_consultation):
            batch = list(items)
            consultation_id = batch[0].consultation_id
            try:
                recorded += self._record_thresholds(consultation_id, batch, at)
            except ConcurrentChange:
                # Another watcher saved this clock first; recording is idempotent, so reload and go again.
                recorded += self._record_thresholds(consultation_id, batch, at)
        return recorded

    def _record_thresholds(self, consultation_id: UUID, due: list[DueThreshold], at: datetime) -> int:
        clock = self._sop_clock(consultation_id)
        before = 0 if clock is None else clock.version
        for d in due:
            if clock is None:
                clock = SopClock.record_first(
                    consultation_id=d.consultation_id, office_id=d.office_id, step=d.step, level=d.level,
                    moment=d.moment, started_at=d.started_at, standard_s=d.standard_s,
                    actor_on_duty=d.actor_on_duty, at=at,
                )
            else:
                clock.record_threshold(d.step, d.level, d.moment, d.started_at, d.standard_s, d.actor_on_duty, at)
        if clock is None:
            return 0
        new = clock.version - before - (1 if before == 0 else 0)  # the Started event is not a threshold
        if new:
            self._save(clock)
        return new

    def _sop_clock(self, consultation_id: UUID) -> SopClock | None:
        try:
            clock = self._load(sop_clock_id(consultation_id))
        except NotFound:
            return None
        return clock if isinstance(clock, SopClock) else None


def _by_consultation(d: DueThreshold) -> str:
    return str(d.consultation_id)
