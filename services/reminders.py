"""Reminders of the team's day (part of the Helpdesk application): a coverage gap in the roster, a day ahead and on
the day, and a SIPOL monitoring report coming due, each recorded once by the watcher when it is still needed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from domain.errors import ConcurrentChange, NotFound
from domain.notification_values import Kind
from domain.offices import OfficeId
from domain.reminders import Due, Reminder, reminder_id, reminders_due
from services.base import NodeApplication


class ReminderCommands(NodeApplication):
    """Part of the Helpdesk application. The ports are set by the composition root from the read models."""

    office: OfficeId
    # How many duties of a day lack someone (the roster's read model: planned or not).
    coverage_gaps: Callable[[str, date], int]
    # Whether a day's monitoring slot ("0800", "1700") has a report (the monitoring read model).
    monitoring_submitted: Callable[[str, date, str], bool]
    # Who holds the monitoring duty on a day, by username (provided with MonitoringCommands).
    monitoring_reporters: Callable[[str, date], tuple[str, ...]]

    def record_reminders(self, now: datetime | None = None, since: datetime | None = None) -> int:
        """Records each reminder due at `now` (none whose moment is before `since`, when the office began on the
        node) that is still needed and not yet recorded (here, by another watcher, or before a restart). Returns how
        many were new."""
        at = now or self.clock()
        office_id, recorded = self.office.value, 0
        for due in reminders_due(office_id, at, since):
            if self._reminded(office_id, due):
                continue
            reminder = self._reminder_needed(office_id, due, at)
            if reminder is None:
                continue
            try:
                self._save(reminder)
            except ConcurrentChange:
                continue  # recorded meanwhile: the reminder has its record
            recorded += 1
        return recorded

    def _reminder_needed(self, office_id: str, due: Due, at: datetime) -> Reminder | None:
        """The reminder to record, or None while nothing needs it (the day is covered, the report submitted)."""
        if due.kind is Kind.COVERAGE_GAP:
            gaps = self.coverage_gaps(office_id, due.day)
            return Reminder.remind(office_id=office_id, due=due, at=at, gaps=gaps) if gaps else None
        if self.monitoring_submitted(office_id, due.day, due.slot):
            return None
        return Reminder.remind(office_id=office_id, due=due, at=at,
                               recipients=self.monitoring_reporters(office_id, due.day))

    def _reminded(self, office_id: str, due: Due) -> bool:
        try:
            self._load(reminder_id(office_id, due.kind, due.day, due.slot, due.ahead))
        except NotFound:
            return False
        return True
