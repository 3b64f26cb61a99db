"""Has the Helpdesk record the reminders of the team's day come due (a coverage gap a day ahead at 14.00 and on the day
at 07.00, a monitoring report 30 minutes before 08.00 and 17.00, office time), each once: a reminder's id is its
office's, kind's, day's and slot's, so a second record, here or after a restart, finds the first. Run by the
projection follower after each catch-up, beside the monitoring watcher (gateways/monitoring_watcher.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

import structlog

from gateways.throttled import Throttled
from services.ports import Clock

log = structlog.get_logger("reminder_watcher")


class ReminderRecorder(Protocol):
    def record_reminders(self, now: datetime | None = None, since: datetime | None = None) -> int: ...


class ReminderWatcher(Throttled):
    """A reminder is recorded well within a minute of its moment."""

    def __init__(self, helpdesk: ReminderRecorder, clock: Clock, every_seconds: float = 15,
                 began: Callable[[], datetime | None] = lambda: None) -> None:
        super().__init__(clock, every_seconds)
        self.helpdesk = helpdesk
        # When the office began working on the node (its first account): a reminder whose moment came before it is
        # not sent by a new node.
        self.began = began

    def look(self, now: datetime) -> int:
        # No account yet is a new node: nothing whose moment came before now is its to send.
        recorded = self.helpdesk.record_reminders(now, self.began() or now)
        if recorded:
            log.info("reminders_recorded", count=recorded)
        return recorded
