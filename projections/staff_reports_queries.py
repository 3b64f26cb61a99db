"""Queries for the staff's daily reports: the reports of an office's day, one staff member's report, and the figures
of a staff member's day as the consultations' and the SOP clocks' read models know them (what a report is prefilled
with; never read from the log)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

import msgspec

from domain.mail import number_of
from domain.offices import parse_office_id
from domain.service_days import check_service_day
from domain.sop import Step
from domain.staff_report_values import ChannelCount, DayFigures, ReportState, StepCount
from domain.values import Channel
from projections.base import from_iso, iso
from projections.clock_queries import NAME as CLOCKS
from projections.runner import ReadModelRunner
from projections.staff_reports import NAME

CONSULTATIONS = "consultations"


class StaffReportRow(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    user_id: str
    username: str
    day: date
    state: ReportState
    figures: DayFigures
    notes: str
    submitted_at: datetime
    submissions: int
    checked_by: str | None = None
    checked_at: datetime | None = None
    return_reason: str | None = None


_SELECT = ("SELECT report_id, user_id, username, day, state, figures, notes, submitted_at, submissions, checked_by,"
           " checked_at, return_reason FROM rm_staff_reports")


class StaffReportQueries:
    def __init__(self, runner: ReadModelRunner) -> None:
        self.runner = runner

    def of_day(self, office_id: str, day: date) -> list[StaffReportRow]:
        """The reports of the office's day, by author."""
        check_service_day(day)
        self.runner.catch_up(NAME)
        rows = self.runner.store.query(f"{_SELECT} WHERE office_id = ? AND day = ? ORDER BY username",
                                       (office_id, day.isoformat()))
        return [_row(r) for r in rows]

    def get(self, office_id: str, report_id: UUID | str) -> StaffReportRow | None:
        self.runner.catch_up(NAME)
        rows = self.runner.store.query(f"{_SELECT} WHERE office_id = ? AND report_id = ?", (office_id, str(report_id)))
        return _row(rows[0]) if rows else None

    def figures(self, office_id: str, username: str, day: date) -> DayFigures:
        """What `username` did on the office's `day`: the consultations they opened or answered by channel, the SOP
        steps they ended (met, breached), the consultations they handed over to the commissioner (by number)."""
        check_service_day(day)
        self.runner.catch_up([CONSULTATIONS, CLOCKS])
        first, last = _bounds(office_id, day)
        query = self.runner.store.query
        served = query(
            "SELECT channel, COUNT(*) FROM rm_consultations WHERE office_id = ? AND ((opened_by = ? AND local_day = ?)"
            " OR (answered_by = ? AND answered_at >= ? AND answered_at < ?)) GROUP BY channel",
            (office_id, username, day.isoformat(), username, first, last))
        counted = {str(channel): int(count) for channel, count in served}
        channels = tuple(ChannelCount(c.value, counted[c.value]) for c in Channel if counted.get(c.value))
        steps = query(
            "SELECT step, COUNT(*), SUM(met), SUM(breached) FROM rm_sop_spans WHERE office_id = ? AND actor = ?"
            " AND ended_at >= ? AND ended_at < ? GROUP BY step", (office_id, username, first, last))
        ended = tuple(sorted((StepCount(str(s), int(n), int(m), int(b)) for s, n, m, b in steps),
                             key=lambda s: Step(s.step).index))
        handed = query(
            "SELECT id FROM rm_consultations WHERE office_id = ? AND handed_over_by = ? AND handed_over_at >= ?"
            " AND handed_over_at < ? ORDER BY handed_over_at", (office_id, username, first, last))
        return DayFigures(channels, ended, tuple(number_of(UUID(r[0])) for r in handed))


def _bounds(office_id: str, day: date) -> tuple[str, str]:
    """The office's local day as UTC texts of the read models (start included, end excluded)."""
    zone = ZoneInfo(parse_office_id(office_id).timezone)
    start = datetime.combine(day, time(), tzinfo=zone)
    return iso(start) or "", iso(start + timedelta(days=1)) or ""


def _row(r: tuple) -> StaffReportRow:  # type: ignore[type-arg]
    return StaffReportRow(
        id=r[0], user_id=r[1], username=r[2], day=date.fromisoformat(r[3]), state=ReportState(r[4]),
        figures=msgspec.json.decode(r[5], type=DayFigures), notes=r[6], submitted_at=from_iso(r[7]),  # type: ignore[arg-type]
        submissions=int(r[8]), checked_by=r[9], checked_at=from_iso(r[10]), return_reason=r[11],
    )
