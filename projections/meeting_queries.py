"""Queries over the online meetings' read model: an office's meetings on one of its local days (the dashboard's
"today"), and a consultation's meetings (its workspace and the API's list)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.meeting import MeetingState, MeetingView
from projections.base import from_iso
from projections.meetings import NAME
from projections.runner import ReadModelRunner

_COLUMNS = (
    "meeting_id, office_id, consultation_id, starts_at, ends_at, host, link, state, sequence, scheduled_by,"
    " scheduled_at, attended, attendance_by, cancel_reason, updated_at"
)


class MeetingQueries:
    def __init__(self, runner: ReadModelRunner) -> None:
        self.runner = runner

    def on_day(self, office_id: str, day: date, *, cancelled: bool = False) -> list[MeetingView]:
        """The office's meetings starting on its local `day` (WIB, WITA or WIT), earliest first; cancelled ones only
        when asked for."""
        rows = self._query(
            f"SELECT {_COLUMNS} FROM rm_meetings WHERE office_id = ? AND day = ? ORDER BY starts_at, meeting_id",
            (office_id, day.isoformat()),
        )
        found = [_view(row) for row in rows]
        return found if cancelled else [m for m in found if m.state is not MeetingState.CANCELLED]

    def of_consultation(self, office_id: str, consultation_id: UUID) -> list[MeetingView]:
        """Every meeting of a consultation, cancelled ones included, earliest first."""
        return [_view(row) for row in self._query(
            f"SELECT {_COLUMNS} FROM rm_meetings WHERE office_id = ? AND consultation_id = ?"
            " ORDER BY starts_at, meeting_id", (office_id, str(consultation_id)))]

    def _query(self, statement: str, params: tuple[str, ...]) -> list[tuple]:  # type: ignore[type-arg]
        # Catching up first gives read-your-writes: the meeting just scheduled is listed.
        self.runner.catch_up(NAME)
        return self.runner.store.query(statement, params)


def _view(row: tuple) -> MeetingView:  # type: ignore[type-arg]
    return MeetingView(
        id=UUID(row[0]), office_id=row[1], consultation_id=UUID(row[2]),
        starts_at=from_iso(row[3]), ends_at=from_iso(row[4]),  # type: ignore[arg-type]
        host=row[5], link=row[6], state=MeetingState(row[7]), sequence=int(row[8]), scheduled_by=row[9],
        scheduled_at=from_iso(row[10]),  # type: ignore[arg-type]
        attended=None if row[11] is None else bool(row[11]), attendance_by=row[12], cancel_reason=row[13],
        updated_at=from_iso(row[14]),
    )
