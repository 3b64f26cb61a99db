"""A staff member's daily report (laporan harian Helpdesk; issue 16): one aggregate per office, user and day
(`staff_report_id`). The figures are what the read models knew when it was submitted (kept as submitted), the notes
the author's own; the Koordinator Harian accepts it or returns it with a reason, and a returned report is submitted
again. The rules are in domain/staff_report_values.py."""

from __future__ import annotations

from datetime import date, datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.roles import Role
from domain.staff_report_values import (
    DayFigures,
    ReportState,
    StaffReportAlreadyAccepted,
    StaffReportAlreadySubmitted,
    StaffReportNotSubmitted,
    check_checker,
    check_submitter,
    clean_notes,
    clean_reason,
)


def staff_report_id(office_id: str, user_id: str, day: date) -> UUID:
    return uuid5(NAMESPACE_URL, f"helpdesk-sipol:staff-report:{office_id}:{user_id}:{day.isoformat()}")


class StaffReport(Aggregate):
    class Submitted(Aggregate.Created):
        office_id: str
        user_id: str
        day: date
        figures: DayFigures
        notes: str
        actor: str  # the author's username

    class Resubmitted(Aggregate.Event):
        office_id: str
        user_id: str
        day: date
        figures: DayFigures
        notes: str
        actor: str

        def apply(self, aggregate: StaffReport) -> None:
            aggregate.figures, aggregate.notes = self.figures, self.notes
            aggregate.state = ReportState.SUBMITTED

    class Returned(Aggregate.Event):
        """Sent back to its author (`user_id`) with a reason; office, author and day named so a notification needs
        nothing else."""

        office_id: str
        user_id: str
        day: date
        reason: str
        actor: str
        author: str = ""  # the author's username

        def apply(self, aggregate: StaffReport) -> None:
            aggregate.state = ReportState.RETURNED

    class Accepted(Aggregate.Event):
        office_id: str
        user_id: str
        day: date
        actor: str

        def apply(self, aggregate: StaffReport) -> None:
            aggregate.state = ReportState.ACCEPTED

    def __init__(self, office_id: str, user_id: str, day: date, figures: DayFigures, notes: str, actor: str) -> None:
        self.office_id = office_id
        self.user_id = user_id
        self.day = day
        self.figures = figures
        self.notes = notes
        self.author = actor  # the author's username (whom a returned report goes back to)
        self.state = ReportState.SUBMITTED

    @classmethod
    def submit(cls, *, office_id: str, user_id: str, day: date, today: date, figures: DayFigures, notes: str,
               role: Role, actor: str, at: datetime) -> StaffReport:
        check_submitter(role, day, today)
        return cls._create(cls.Submitted, id=staff_report_id(office_id, user_id, day), timestamp=at,
                           office_id=office_id, user_id=user_id, day=day, figures=figures, notes=clean_notes(notes),
                           actor=actor)

    def resubmit(self, *, figures: DayFigures, notes: str, role: Role, today: date, actor: str, at: datetime
                 ) -> None:
        check_submitter(role, self.day, today)
        if self.state is ReportState.SUBMITTED:
            raise StaffReportAlreadySubmitted()
        if self.state is ReportState.ACCEPTED:
            raise StaffReportAlreadyAccepted()
        self.trigger_event(self.Resubmitted, timestamp=at, **self._whose(), figures=figures, notes=clean_notes(notes),
                           actor=actor)

    def send_back(self, *, reason: str, role: Role, checker_id: str, actor: str, at: datetime) -> None:
        self._check_checkable(role, checker_id)
        self.trigger_event(self.Returned, timestamp=at, **self._whose(), reason=clean_reason(reason), actor=actor,
                           author=self.author)

    def accept(self, *, role: Role, checker_id: str, actor: str, at: datetime) -> None:
        self._check_checkable(role, checker_id)
        self.trigger_event(self.Accepted, timestamp=at, **self._whose(), actor=actor)

    def _whose(self) -> dict[str, object]:
        return {"office_id": self.office_id, "user_id": self.user_id, "day": self.day}

    def _check_checkable(self, role: Role, checker_id: str) -> None:
        check_checker(role, own=checker_id == self.user_id)
        if self.state is not ReportState.SUBMITTED:
            raise StaffReportNotSubmitted()
