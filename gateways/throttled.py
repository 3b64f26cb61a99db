"""What the follower's watchers share (SOP thresholds, missed monitoring reports, reminders): they look at most every
`every_seconds` of the node's clock — whatever is due is recorded well within a minute of its moment, while the
follower's frequent wake-ups (every save, every poll) cost nothing — and one looks at a time: the follower's thread
and a caller (a test, a CLI) may tick at once; one looks, the other skips (a forced tick waits its turn instead)."""

from __future__ import annotations

import threading
from datetime import datetime

from services.ports import Clock


class Throttled:
    def __init__(self, clock: Clock, every_seconds: float = 15) -> None:
        self.clock = clock
        self.every_seconds = every_seconds
        self._last: datetime | None = None
        self._lock = threading.Lock()

    def tick(self, force: bool = False) -> int:
        """Records what is due now; returns how many were recorded (0 when it was not yet time to look)."""
        if not self._lock.acquire(blocking=force):
            return 0
        try:
            now = self.clock()
            if not force and self._last is not None and 0 <= (now - self._last).total_seconds() < self.every_seconds:
                return 0
            self._last = now
            return self.look(now)
        finally:
            self._lock.release()

    def look(self, now: datetime) -> int:
        raise NotImplementedError
