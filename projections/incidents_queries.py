"""Queries over the incidents' read model: the office's incidents (the open ones first, newest first), one
incident with who took each step when, and how many wait for a step."""

from __future__ import annotations

from datetime import datetime

import msgspec

from domain.incident_values import IncidentState
from projections.base import from_iso
from projections.incidents import NAME
from projections.runner import ReadModelRunner


class IncidentRow(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    category: str
    description: str
    location: str
    occurred_at: datetime
    state: IncidentState
    reported_by: str
    reported_at: datetime
    received_by: str | None = None
    received_at: datetime | None = None
    passed_by: str | None = None
    passed_at: datetime | None = None
    pass_note: str | None = None
    closed_by: str | None = None
    closed_at: datetime | None = None
    resolution: str | None = None


_SELECT = ("SELECT incident_id, category, description, location, occurred_at, state, reported_by, reported_at,"
           " received_by, received_at, passed_by, passed_at, pass_note, closed_by, closed_at, resolution"
           " FROM rm_incidents")


class IncidentQueries:
    def __init__(self, runner: ReadModelRunner) -> None:
        self.runner = runner

    def list(self, office_id: str, *, closed: bool = True, limit: int = 100) -> list[IncidentRow]:
        """The office's incidents: the open ones first, each group newest first (the closed ones only when asked)."""
        self.runner.catch_up(NAME)
        where = "" if closed else " AND state <> 'closed'"
        rows = self.runner.store.query(
            f"{_SELECT} WHERE office_id = ?{where}"
            " ORDER BY CASE WHEN state = 'closed' THEN 1 ELSE 0 END, reported_at DESC, incident_id LIMIT ?",
            (office_id, limit))
        return [_row(r) for r in rows]

    def get(self, office_id: str, incident_id: str) -> IncidentRow | None:
        self.runner.catch_up(NAME)
        rows = self.runner.store.query(f"{_SELECT} WHERE office_id = ? AND incident_id = ?", (office_id, incident_id))
        return _row(rows[0]) if rows else None


def _row(r: tuple) -> IncidentRow:  # type: ignore[type-arg]
    return IncidentRow(
        id=r[0], category=r[1], description=r[2], location=r[3], occurred_at=from_iso(r[4]),  # type: ignore[arg-type]
        state=IncidentState(r[5]), reported_by=r[6], reported_at=from_iso(r[7]),  # type: ignore[arg-type]
        received_by=r[8], received_at=from_iso(r[9]), passed_by=r[10], passed_at=from_iso(r[11]), pass_note=r[12],
        closed_by=r[13], closed_at=from_iso(r[14]), resolution=r[15],
    )
