"""The words and rules of a staff member's daily report (laporan harian Helpdesk, SOP A.4b.4 and A.4c.3;
domain/staff_report.py): what the day's figures hold, the report's states, who submits and who checks it."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

import msgspec

from domain.errors import DomainError, InvalidInput, StepOutOfOrder
from domain.roles import Permission, Role, check_permitted
from domain.service_days import check_service_day
from domain.values import clean_text

MAX_NOTES = 2000
MAX_REASON = 500
# Who fills a daily report: whoever serves consultations (the Anggota Helpdesk, and the Koordinator Harian on the
# desk). Who checks it: whoever runs the day (the Koordinator Harian; the Koordinator above them too).
SUBMIT = Permission.SERVE_CONSULTATIONS
CHECK = Permission.MANAGE_ROSTER


class ReportState(StrEnum):
    SUBMITTED = "submitted"
    RETURNED = "returned"  # sent back with a reason; submitted again
    ACCEPTED = "accepted"


class ChannelCount(msgspec.Struct, frozen=True):
    channel: str  # domain/values.py Channel
    consultations: int


class StepCount(msgspec.Struct, frozen=True):
    step: str  # domain/sop.py Step
    done: int
    met: int  # within the SOP's standard
    breached: int


class DayFigures(msgspec.Struct, frozen=True):
    """What the read models know of one staff member's day: the consultations they opened by channel, the SOP steps
    they ended, and the consultations they handed over to the commissioner (by number, never by name)."""

    consultations: tuple[ChannelCount, ...] = ()
    steps: tuple[StepCount, ...] = ()
    handovers: tuple[str, ...] = ()

    @property
    def consultation_total(self) -> int:
        return sum(c.consultations for c in self.consultations)

    @property
    def step_total(self) -> int:
        return sum(s.done for s in self.steps)


class UnknownStaffReport(DomainError):
    code = "unknown_staff_report"
    kind = "not_found"


class StaffReportDayInvalid(InvalidInput):
    """A report of a day still to come."""

    code = "staff_report_day_invalid"


class StaffReportAlreadySubmitted(StepOutOfOrder):
    code = "staff_report_already_submitted"


class StaffReportAlreadyAccepted(StepOutOfOrder):
    code = "staff_report_already_accepted"


class StaffReportNotSubmitted(StepOutOfOrder):
    """Checking a report that waits for its author (returned) or is checked already."""

    code = "staff_report_not_submitted"


class OwnStaffReport(DomainError):
    """Nobody checks their own daily report."""

    code = "staff_report_own"
    kind = "forbidden"


def check_submitter(role: Role, day: date, today: date) -> None:
    check_permitted(role, SUBMIT)
    check_service_day(day)
    if day > today:
        raise StaffReportDayInvalid(field="day")


def check_checker(role: Role, *, own: bool) -> None:
    check_permitted(role, CHECK)
    if own:
        raise OwnStaffReport()


def clean_notes(text: str) -> str:
    """The author's own notes: may be empty (the figures speak), never overlong or full of control characters."""
    return clean_text(text, "notes", MAX_NOTES) if text and text.strip() else ""


def clean_reason(text: str) -> str:
    return clean_text(text, "reason", MAX_REASON)
