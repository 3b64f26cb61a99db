"""Queries over the SOP clocks: thresholds now due, the steps running now, and compliance with the standards."""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

import msgspec

from domain.offices import OfficeId
from domain.sop import Level, Standards, Step, step_label, thresholds_due
from domain.sop_clock import DueThreshold
from domain.timeline import Timeline
from domain.values import Channel
from projections.base import iso
from projections.clocks import decode_timeline, levels_recorded
from projections.runner import ReadModelRunner

NAME = "sop_clocks"



class StepFigure(msgspec.Struct, frozen=True):
    """One SOP step over the period: how many were timed, met the standard, reached 75 %, breached it."""

    step: str
    label: str
    standard_minutes: int
    measured: int
    met: int
    warned: int
    breached: int
    average_seconds: int

class OpenClock(msgspec.Struct, frozen=True, kw_only=True):
    """A consultation (or an escalated case, at an office above) whose step is running now: how long it has run and
    how much of its standard is left."""

    consultation_id: UUID  # the consultation's id, or the case's when `kind` is "case"
    kind: str  # "consultation" | "case"
    channel: str
    step: Step
    step_label: str
    started_at: datetime
    due_at: datetime
    elapsed_s: int
    left_s: int  # negative once the standard is exceeded
    level: Level | None


class ComplianceBy(StrEnum):
    STAFF = "staff"  # who ended the step
    DAY = "day"  # the office's day the step started
    CHANNEL = "channel"
    STEP = "step"


class ComplianceRow(msgspec.Struct, frozen=True, kw_only=True):
    """Ended steps of one group (a staff member, a day, a channel; or all) for one step."""

    key: str
    step: Step
    measured: int
    met: int
    warned: int  # reached 75 % of the standard (breached ones included)
    breached: int
    share: float  # met / measured


GROUP_COLUMN = {
    ComplianceBy.STAFF: "COALESCE(actor, '-')",
    ComplianceBy.DAY: "local_day",
    ComplianceBy.CHANNEL: "channel",
    ComplianceBy.STEP: "step",
}


class ClockQueries:
    def __init__(self, runner: ReadModelRunner, standards: Standards, office: OfficeId) -> None:
        self.runner = runner
        self.standards = standards
        self.office = office

    def due(self, now: datetime) -> list[DueThreshold]:
        """Every level a running step has reached by `now` that no event records yet, in order of moment."""
        self.runner.catch_up(NAME)
        rows = self.runner.store.query(
            "SELECT consultation_id, office_id, timeline, reached, on_duty FROM rm_sop_timelines"
            " WHERE next_due IS NOT NULL AND next_due <= ? ORDER BY next_due, consultation_id",
            (iso(now),),
        )
        found: list[DueThreshold] = []
        for cid, office_id, timeline, reached, on_duty in rows:
            span = decode_timeline(timeline).current
            if span is None:
                continue
            recorded = levels_recorded(set(json.loads(reached)), span)
            found.extend(
                DueThreshold(
                    consultation_id=UUID(cid), office_id=office_id, step=span.step, level=level, moment=moment,
                    started_at=span.started_at, standard_s=span.standard_s, actor_on_duty=on_duty,
                )
                for level, moment in thresholds_due(span, now, recorded)
            )
        return found

    def open_now(self, office_id: str, now: datetime) -> list[OpenClock]:
        """The office's running steps, the one due first at the top."""
        self.runner.catch_up(NAME)
        rows = self.runner.store.query(
            "SELECT consultation_id, kind, channel, timeline FROM rm_sop_timelines"
            " WHERE office_id = ? AND current_step IS NOT NULL ORDER BY current_due_at, consultation_id",
            (office_id,),
        )
        clocks: list[OpenClock] = []
        for cid, kind, channel, timeline in rows:
            span = decode_timeline(timeline).current
            if span is None:
                continue
            clocks.append(OpenClock(
                consultation_id=UUID(cid), kind=kind, channel=channel, step=span.step,
                step_label=step_label(span.step, Channel(channel)),
                started_at=span.started_at, due_at=span.due_at, elapsed_s=span.elapsed_s(now),
                left_s=span.left_s(now), level=span.level_at(now),
            ))
        return clocks

    def timeline(self, record_id: UUID) -> Timeline | None:
        """The timeline of one consultation, or of one escalated case at this office; None before it exists."""
        self.runner.catch_up(NAME)
        rows = self.runner.store.query(
            "SELECT timeline FROM rm_sop_timelines WHERE consultation_id = ?", (str(record_id),)
        )
        return decode_timeline(rows[0][0]) if rows else None

    def step_figures(self, office_id: str, first: date, last: date) -> list[StepFigure]:
        """One figure per SOP step, in order, over the steps that ended and started on the office's days
        `first`..`last` (a step still running is not measured yet)."""
        self.runner.catch_up(NAME)
        rows = self.runner.store.query(
            "SELECT step, COUNT(*), SUM(met), SUM(warned), SUM(breached), SUM(elapsed_s) FROM rm_sop_spans"
            " WHERE office_id = ? AND local_day BETWEEN ? AND ? GROUP BY step",
            (office_id, first.isoformat(), last.isoformat()),
        )
        by_step = {Step(r[0]): [int(v) for v in r[1:]] for r in rows}
        figures = []
        for step in Step:
            measured, met, warned, breached, total = by_step.get(step, [0, 0, 0, 0, 0])
            figures.append(StepFigure(
                step=step.value, label=step.label, standard_minutes=self.standards.minutes(step), measured=measured,
                met=met, warned=warned, breached=breached, average_seconds=round(total / measured) if measured else 0,
            ))
        return figures

    def compliance(self, office_id: str, first: date, last: date, by: ComplianceBy | str) -> list[ComplianceRow]:
        """Ended steps per group and step, ordered by group then by the step's place in the flow chart."""
        self.runner.catch_up(NAME)
        column = GROUP_COLUMN[ComplianceBy(by)]
        rows = self.runner.store.query(
            f"SELECT {column}, step, COUNT(*), SUM(met), SUM(warned), SUM(breached) FROM rm_sop_spans"
            f" WHERE office_id = ? AND local_day BETWEEN ? AND ? GROUP BY {column}, step",
            (office_id, first.isoformat(), last.isoformat()),
        )
        groups: dict[tuple[str, Step], list[int]] = {}
        for key, step, *counts in rows:
            groups[(str(key), Step(step))] = [int(c) for c in counts]
        return [
            ComplianceRow(key=key, step=step, measured=measured, met=met, warned=warned, breached=breached,
                          share=round(met / measured, 4) if measured else 0.0)
            for (key, step), (measured, met, warned, breached) in sorted(
                groups.items(), key=lambda item: (item[0][0], item[0][1].index)
            )
        ]

