"""Queries of the evaluations' read model (the list, a staff member's open follow-ups) and the figures an evaluation
is made of, read from the read models the dashboard and the reports already keep: the SOP clocks' step figures and
compliance by staff (projections/clock_queries.py), the consultations of the period (projections/report_queries.py).
No request scans the log."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, datetime

import msgspec

from domain.evaluation_values import EvaluationFigures, StaffLine, StepLine
from domain.monitoring import monitors
from domain.monitoring_values import SlotState
from domain.offices import OfficeId
from projections.base import from_iso
from projections.clock_queries import ClockQueries, ComplianceBy
from projections.evaluations import NAME
from projections.monitoring_queries import MonitoringQueries
from projections.report_queries import consultations_between
from projections.runner import ReadModelRunner


class EvaluationRow(msgspec.Struct, frozen=True):
    id: str
    period_start: date
    period_end: date
    drafted_by: str
    drafted_at: datetime
    notes: int
    follow_ups: int
    open_follow_ups: int
    finalised_by: str | None
    finalised_at: datetime | None
    content_hash: str | None


class FollowUpRow(msgspec.Struct, frozen=True):
    id: str
    evaluation_id: str
    what: str
    owner: str
    due: date
    done_at: datetime | None
    period_start: date
    period_end: date


class EvaluationQueries:
    def __init__(self, runner: ReadModelRunner, clocks: ClockQueries, monitoring: MonitoringQueries | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.runner = runner
        self.clocks = clocks
        self.monitoring = monitoring  # part D's reports, at a regency or city (None: not counted)
        self.clock = clock

    def list(self, office_id: str) -> list[EvaluationRow]:
        """The office's evaluations, the latest period first, each with its count of follow-ups still open."""
        self.runner.catch_up(NAME)
        rows = self.runner.store.query(
            "SELECT e.evaluation_id, e.period_start, e.period_end, e.drafted_by, e.drafted_at, e.notes, e.follow_ups,"
            " (SELECT COUNT(*) FROM rm_evaluation_follow_ups f WHERE f.evaluation_id = e.evaluation_id"
            "  AND f.done_at IS NULL), e.finalised_by, e.finalised_at, e.content_hash"
            " FROM rm_evaluations e WHERE e.office_id = ? ORDER BY e.period_start DESC, e.period_end DESC",
            (office_id,),
        )
        return [EvaluationRow(r[0], date.fromisoformat(r[1]), date.fromisoformat(r[2]), r[3],
                              from_iso(r[4]), int(r[5]), int(r[6]), int(r[7]), r[8], from_iso(r[9]), r[10])  # type: ignore[arg-type]
                for r in rows]

    def open_follow_ups(self, office_id: str, owner: str | None = None) -> list[FollowUpRow]:
        """Follow-ups not done yet, the one due first at the top; only `owner`'s when given."""
        self.runner.catch_up(NAME)
        mine = " AND f.owner = ?" if owner else ""
        rows = self.runner.store.query(
            "SELECT f.follow_up_id, f.evaluation_id, f.what, f.owner, f.due, f.done_at, e.period_start, e.period_end"
            " FROM rm_evaluation_follow_ups f JOIN rm_evaluations e ON e.evaluation_id = f.evaluation_id"
            f" WHERE f.office_id = ? AND f.done_at IS NULL{mine} ORDER BY f.due, f.position",
            (office_id, owner) if owner else (office_id,),
        )
        return [FollowUpRow(r[0], r[1], r[2], r[3], date.fromisoformat(r[4]), from_iso(r[5]),
                            date.fromisoformat(r[6]), date.fromisoformat(r[7])) for r in rows]

    def figures(self, office_id: str, first: date, last: date) -> EvaluationFigures:
        """What the read models say of the office's days first..last: the same step figures as the dashboard and the
        compliance report, compliance per staff member, and the consultations' counts the periodic report freezes
        (gateways/reports/content.py make_content: handed over, escalated, repeated)."""
        steps = [StepLine(f.step, f.label, f.standard_minutes, f.measured, f.met, f.warned, f.breached,
                          f.average_seconds) for f in self.clocks.step_figures(office_id, first, last)]
        per_staff: dict[str, list[int]] = {}
        for row in self.clocks.compliance(office_id, first, last, ComplianceBy.STAFF):
            totals = per_staff.setdefault(row.key, [0, 0, 0])
            totals[0] += row.measured
            totals[1] += row.met
            totals[2] += row.breached
        rows = consultations_between(self.runner, office_id, first, last)
        return EvaluationFigures(
            consultations=len(rows),
            by_channel=dict(sorted(Counter(r.channel for r in rows).items())),
            repeated=sum(1 for r in rows if r.repeats),
            handed_over=sum(1 for r in rows if r.handed_over_by),
            forwarded=sum(1 for r in rows if r.escalated_to),
            escalations_answered=sum(1 for r in rows if r.handed_over_by and r.answer),
            steps=steps,
            staff=[StaffLine(name, *totals) for name, totals in sorted(per_staff.items())],
            **self._monitoring(office_id, first, last),
        )

    def _monitoring(self, office_id: str, first: date, last: date) -> dict[str, int]:
        """The SIPOL monitoring reports (part D) over the period: the slots that fell due (none before the office
        began on the node) and those submitted on time. Nothing at a province or the centre ("belum diukur")."""
        if self.monitoring is None or self.clock is None or not monitors(OfficeId(office_id)):
            return {}
        now = self.clock()
        views = [v for v in self.monitoring.days(office_id, first, last, now, since_began=True) if v.due_at <= now]
        return {"monitoring_due": len(views),
                "monitoring_on_time": sum(1 for v in views if v.state is SlotState.ON_TIME)}
