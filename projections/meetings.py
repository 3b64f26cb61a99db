"""The online meetings' read model: one row per meeting (its consultation, slot, host, link, state, the invitation's
sequence and the attendance), with the office's local day of its start, so "today's meetings" is one indexed query."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from domain.meeting import Meeting, MeetingState, meeting_day, state_after_attendance
from projections.base import BatchRows, RowsProjection, Writer, column_names, iso

M = Meeting
NAME = "meetings"

COLUMNS = """
    meeting_id TEXT PRIMARY KEY, office_id TEXT NOT NULL, consultation_id TEXT NOT NULL, day TEXT NOT NULL,
    starts_at TEXT NOT NULL, ends_at TEXT NOT NULL, host TEXT NOT NULL, link TEXT NOT NULL, state TEXT NOT NULL,
    sequence INTEGER NOT NULL, scheduled_by TEXT NOT NULL, scheduled_at TEXT NOT NULL, attended INTEGER,
    attendance_by TEXT, cancel_reason TEXT, updated_at TEXT NOT NULL
"""


class MeetingsProjection(RowsProjection):
    name = NAME
    version = 1
    tables: ClassVar[dict[str, str]] = {"rm_meetings": COLUMNS}
    indexes = (
        "CREATE INDEX IF NOT EXISTS rm_meetings_day ON rm_meetings (office_id, day, starts_at)",
        "CREATE INDEX IF NOT EXISTS rm_meetings_consultation ON rm_meetings (consultation_id, starts_at)",
    )
    topics = (M.Scheduled, M.Rescheduled, M.Cancelled, M.AttendanceRecorded)
    row_table = "rm_meetings"
    row_columns = column_names(COLUMNS)

    def _apply(self, event: Any, rows: BatchRows, tx: Writer) -> None:
        HANDLERS[type(event)](event, rows, tx)


def _scheduled(event: Any, rows: BatchRows, tx: Writer) -> None:
    key = str(event.originator_id)
    if rows.get(tx, key) is not None:
        return  # a meeting is scheduled once
    at = iso(event.timestamp)
    rows.add({
        "meeting_id": key, "office_id": event.office_id, "consultation_id": str(event.consultation_id),
        "day": meeting_day(event.starts_at, event.office_id).isoformat(), "starts_at": iso(event.starts_at),
        "ends_at": iso(event.ends_at), "host": event.host, "link": event.link, "state": MeetingState.SCHEDULED.value,
        "sequence": 0, "scheduled_by": event.actor, "scheduled_at": at, "updated_at": at,
    })


def _change(event: Any, rows: BatchRows, tx: Writer, change: Callable[[dict[str, Any]], None]) -> None:
    key = str(event.originator_id)
    row = rows.get(tx, key)
    if row is None:
        return
    change(row)
    row["updated_at"] = iso(event.timestamp)
    rows.changed(key)


def _rescheduled(event: Any, rows: BatchRows, tx: Writer) -> None:
    _change(event, rows, tx, lambda row: row.update(
        day=meeting_day(event.starts_at, row["office_id"]).isoformat(), starts_at=iso(event.starts_at),
        ends_at=iso(event.ends_at), host=event.host, sequence=event.sequence, state=MeetingState.RESCHEDULED.value,
        attended=None, attendance_by=None,
    ))


def _cancelled(event: Any, rows: BatchRows, tx: Writer) -> None:
    _change(event, rows, tx, lambda row: row.update(
        state=MeetingState.CANCELLED.value, cancel_reason=event.reason, sequence=event.sequence,
    ))


def _attendance(event: Any, rows: BatchRows, tx: Writer) -> None:
    _change(event, rows, tx, lambda row: row.update(
        attended=int(event.joined), attendance_by=event.actor,
        state=state_after_attendance(event.joined, row["sequence"]).value,
    ))


HANDLERS: dict[type, Callable[[Any, BatchRows, Writer], None]] = {
    M.Scheduled: _scheduled,
    M.Rescheduled: _rescheduled,
    M.Cancelled: _cancelled,
    M.AttendanceRecorded: _attendance,
}
