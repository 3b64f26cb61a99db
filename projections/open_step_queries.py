"""The SOP steps running now at an office, each with what names it on the dashboard: the consultee and their party
(or, for a case received from below, its party and origin office), and the staff member holding the step by full
name: the clocks, consultations and cases read models in one query, the users read model for the names; the most
overdue first."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

from domain.parties import Party
from domain.sop import Level, Step, step_label
from domain.values import Channel
from projections.base import from_json
from projections.cases import CaseState
from projections.clocks import decode_timeline
from projections.runner import ReadModelRunner

READ_MODELS = ("sop_clocks", "consultations", "cases", "users")

# The staff member holding a consultation's step is the one whose act started it; before any act of theirs (a step
# started by an answer from above), the one who opened the consultation. A case received from below is held by whoever
# accepted it here (kept in the case's state), nobody before that.
OPEN_STEPS = (
    "SELECT t.consultation_id, t.kind, t.channel, t.timeline, c.consultee,"
    " COALESCE(c.party_record, k.party_record), COALESCE(k.origin_office, t.office_id),"
    " COALESCE(t.on_duty, c.opened_by), k.state"
    " FROM rm_sop_timelines t"
    " LEFT JOIN rm_consultations c ON t.kind = 'consultation' AND c.id = t.consultation_id"
    " LEFT JOIN rm_cases k ON t.kind = 'case' AND k.id = t.consultation_id"
    " WHERE t.office_id = ? AND t.current_step IS NOT NULL"
    " ORDER BY t.current_due_at, t.consultation_id"
)
STAFF_NAMES = "SELECT username, full_name FROM rm_users WHERE office_id = ?"


class OpenStep(msgspec.Struct, frozen=True, kw_only=True):
    """One running step, named for a person reading the dashboard."""

    record_id: UUID  # the consultation's id, or the case's when `kind` is "case"
    kind: str  # "consultation" | "case"
    channel: str
    step: Step
    step_label: str
    started_at: datetime
    due_at: datetime
    left_s: int  # negative once the standard is exceeded
    level: Level | None
    consultee: str | None  # the consultee's name at the origin office; None for a case (it stays at the origin)
    party: Party | None
    origin_office: str
    staff: str | None  # the username holding the step; None: nobody here yet
    staff_name: str | None  # their full name, from the users read model


class OpenStepQueries:
    def __init__(self, runner: ReadModelRunner) -> None:
        self.runner = runner

    def open_now(self, office_id: str, now: datetime) -> list[OpenStep]:
        """The office's running steps, the most overdue (the one due first) at the top."""
        self.runner.catch_up(READ_MODELS)
        store = self.runner.store
        names = dict(store.query(STAFF_NAMES, (office_id,)))
        found: list[OpenStep] = []
        rows = store.query(OPEN_STEPS, (office_id,))
        for cid, kind, channel, timeline, consultee, party, origin, staff, case in rows:
            span = decode_timeline(timeline).current
            if span is None:
                continue
            if case is not None:
                staff = from_json(case, CaseState).accepted_by
            found.append(OpenStep(
                record_id=UUID(cid), kind=kind, channel=channel, step=span.step,
                step_label=step_label(span.step, Channel(channel)), started_at=span.started_at, due_at=span.due_at,
                left_s=span.left_s(now), level=span.level_at(now), consultee=consultee,
                party=from_json(party, Party) if party else None, origin_office=origin, staff=staff,
                staff_name=names.get(staff) if staff else None,
            ))
        return found
