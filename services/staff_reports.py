"""Staff daily reports (laporan harian Helpdesk; part of the Helpdesk application): a staff member submits their
report of a day with the figures the read models know of it (asked of `day_facts`, never of the log) and their notes;
the Koordinator Harian accepts it or sends it back with a reason. Each command is load, one domain step, save."""

from __future__ import annotations

from datetime import date
from typing import Protocol
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.errors import NotFound
from domain.offices import parse_office_id
from domain.staff_report import StaffReport, staff_report_id
from domain.staff_report_values import DayFigures, UnknownStaffReport
from domain.views import UserView
from services.base import NodeApplication


class DayFacts(Protocol):
    """What the read models know of one staff member's day at an office (projections/staff_report_queries.py)."""

    def figures(self, office_id: str, username: str, day: date) -> DayFigures: ...


class StaffReportCommands(NodeApplication):
    day_facts: DayFacts  # provided by the composition root

    def office_today(self, office_id: str) -> date:
        """The office's calendar day now (WIB, WITA or WIT)."""
        return self.clock().astimezone(ZoneInfo(parse_office_id(office_id).timezone)).date()

    def submit_staff_report(self, caller: UserView, notes: str, day: date | None = None) -> UUID:
        """Submits (or, once returned, submits again) the caller's own report of `day` (today by default)."""
        today = self.office_today(caller.office_id)
        day = day or today
        figures = self.day_facts.figures(caller.office_id, caller.username, day)
        try:
            report = self._load(staff_report_id(caller.office_id, str(caller.id), day))
        except NotFound:
            report = StaffReport.submit(office_id=caller.office_id, user_id=str(caller.id), day=day, today=today,
                                        figures=figures, notes=notes, role=caller.role, actor=caller.username,
                                        at=self.clock())
        else:
            report.resubmit(figures=figures, notes=notes, role=caller.role, today=today, actor=caller.username,
                            at=self.clock())
        self._save(report)
        return report.id

    def accept_staff_report(self, caller: UserView, report_id: UUID) -> None:
        report = self.staff_report_of(caller.office_id, report_id)
        report.accept(role=caller.role, checker_id=str(caller.id), actor=caller.username, at=self.clock())
        self._save(report)

    def return_staff_report(self, caller: UserView, report_id: UUID, reason: str) -> None:
        report = self.staff_report_of(caller.office_id, report_id)
        report.send_back(reason=reason, role=caller.role, checker_id=str(caller.id), actor=caller.username,
                         at=self.clock())
        self._save(report)

    def staff_report_of(self, office_id: str, report_id: UUID) -> StaffReport:
        try:
            report = self._load(report_id)
        except NotFound:
            raise UnknownStaffReport() from None
        if not isinstance(report, StaffReport) or report.office_id != office_id:
            raise UnknownStaffReport()
        return report
