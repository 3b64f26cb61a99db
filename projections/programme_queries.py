"""Queries of the programme's read model: a year's items in order of their planned date."""

from __future__ import annotations

from datetime import date, datetime

import msgspec

from projections.base import from_iso
from projections.programme import NAME
from projections.runner import ReadModelRunner


class ProgrammeItemRow(msgspec.Struct, frozen=True):
    id: str
    activity: str
    planned_on: date
    responsible: str
    state: str
    note: str
    updated_by: str
    updated_at: datetime


class ProgrammeQueries:
    def __init__(self, runner: ReadModelRunner) -> None:
        self.runner = runner

    def items(self, office_id: str, year: int) -> list[ProgrammeItemRow]:
        self.runner.catch_up(NAME)
        rows = self.runner.store.query(
            "SELECT item_id, activity, planned_on, responsible, state, note, updated_by, updated_at"
            " FROM rm_programme_items WHERE office_id = ? AND year = ? ORDER BY planned_on, position",
            (office_id, year),
        )
        return [ProgrammeItemRow(r[0], r[1], date.fromisoformat(r[2]), r[3], r[4], r[5], r[6], from_iso(r[7]))  # type: ignore[arg-type]
                for r in rows]

    def years(self, office_id: str) -> list[int]:
        """The years the office has a programme for, the latest first."""
        self.runner.catch_up(NAME)
        rows = self.runner.store.query("SELECT year FROM rm_programmes WHERE office_id = ? ORDER BY year DESC",
                                       (office_id,))
        return [int(r[0]) for r in rows]
