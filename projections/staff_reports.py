"""The staff's daily reports, one row per office, staff member and day, with the figures as submitted, the notes,
the state and who checked it when: the Koordinator Harian's list and each author's own report read from here."""

from __future__ import annotations

from typing import Any, ClassVar

import msgspec

from domain.staff_report import StaffReport
from domain.staff_report_values import ReportState
from projections.base import ReadModel, Writer, iso

NAME = "staff_reports"
R = StaffReport
COLUMNS = """
    report_id TEXT PRIMARY KEY, office_id TEXT NOT NULL, user_id TEXT NOT NULL, username TEXT NOT NULL,
    day TEXT NOT NULL, state TEXT NOT NULL, figures TEXT NOT NULL, notes TEXT NOT NULL, submitted_at TEXT NOT NULL,
    submissions INTEGER NOT NULL, checked_by TEXT, checked_at TEXT, return_reason TEXT
"""


class StaffReportsProjection(ReadModel):
    name = NAME
    version = 1
    tables: ClassVar[dict[str, str]] = {"rm_staff_reports": COLUMNS}
    indexes = ("CREATE INDEX IF NOT EXISTS rm_staff_reports_day ON rm_staff_reports (office_id, day)",)
    topics = (R.Submitted, R.Resubmitted, R.Returned, R.Accepted)

    def process(self, event: Any, position: int, tx: Writer) -> None:
        HANDLERS[type(event)](event, str(event.originator_id), tx)


def _figures(event: Any) -> str:
    return msgspec.json.encode(event.figures).decode()


def _submitted(event: Any, key: str, tx: Writer) -> None:
    tx.execute(
        "INSERT INTO rm_staff_reports (report_id, office_id, user_id, username, day, state, figures, notes,"
        " submitted_at, submissions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT (report_id) DO NOTHING",
        (key, event.office_id, event.user_id, event.actor, event.day.isoformat(), ReportState.SUBMITTED.value,
         _figures(event), event.notes, iso(event.timestamp)),
    )


def _resubmitted(event: Any, key: str, tx: Writer) -> None:
    # The check of the earlier submission stays in the log; the row shows the submission waiting now.
    tx.execute(
        "UPDATE rm_staff_reports SET state = ?, figures = ?, notes = ?, submitted_at = ?,"
        " submissions = submissions + 1, checked_by = NULL, checked_at = NULL WHERE report_id = ?",
        (ReportState.SUBMITTED.value, _figures(event), event.notes, iso(event.timestamp), key),
    )


def _returned(event: Any, key: str, tx: Writer) -> None:
    tx.execute("UPDATE rm_staff_reports SET state = ?, checked_by = ?, checked_at = ?, return_reason = ?"
               " WHERE report_id = ?", (ReportState.RETURNED.value, event.actor, iso(event.timestamp), event.reason,
                                        key))


def _accepted(event: Any, key: str, tx: Writer) -> None:
    tx.execute("UPDATE rm_staff_reports SET state = ?, checked_by = ?, checked_at = ? WHERE report_id = ?",
               (ReportState.ACCEPTED.value, event.actor, iso(event.timestamp), key))


HANDLERS = {R.Submitted: _submitted, R.Resubmitted: _resubmitted, R.Returned: _returned, R.Accepted: _accepted}
