"""The SIPOL data-fill monitoring reports as the pages read them: one row per office, day and slot (missed, submitted,
its latest version), and each party's figures of the latest version (the chart over days)."""

from __future__ import annotations

from typing import Any, ClassVar

from domain.monitoring import MonitoringReport
from domain.monitoring_values import decode_content
from projections.base import ReadModel, Writer, iso

NAME = "monitoring"
M = MonitoringReport
REPORTS = """
    report_id TEXT PRIMARY KEY, office_id TEXT NOT NULL, day TEXT NOT NULL, slot TEXT NOT NULL, due_at TEXT NOT NULL,
    missed_at TEXT, submitted_at TEXT, late INTEGER NOT NULL, version INTEGER NOT NULL, content_hash TEXT,
    submitter TEXT, screenshot_key TEXT, updated_at TEXT NOT NULL
"""
FIGURES = """
    report_id TEXT NOT NULL, office_id TEXT NOT NULL, day TEXT NOT NULL, slot TEXT NOT NULL, position INTEGER NOT NULL,
    party TEXT NOT NULL, party_number INTEGER, pengurus INTEGER NOT NULL, anggota INTEGER NOT NULL,
    kantor INTEGER NOT NULL, PRIMARY KEY (report_id, party)
"""


class MonitoringProjection(ReadModel):
    name = NAME
    version = 1
    tables: ClassVar[dict[str, str]] = {"rm_monitoring_reports": REPORTS, "rm_monitoring_figures": FIGURES}
    indexes = (
        "CREATE INDEX IF NOT EXISTS rm_monitoring_reports_day ON rm_monitoring_reports (office_id, day, slot)",
        "CREATE INDEX IF NOT EXISTS rm_monitoring_figures_day ON rm_monitoring_figures (office_id, day, slot)",
    )
    topics = (M.Missed, M.Submitted, M.SubmittedAfterMiss, M.Corrected)

    def process(self, event: Any, position: int, tx: Writer) -> None:
        HANDLERS[type(event)](event, str(event.originator_id), tx)


def _missed(event: Any, key: str, tx: Writer) -> None:
    tx.execute(
        "INSERT INTO rm_monitoring_reports (report_id, office_id, day, slot, due_at, missed_at, late, version,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?) ON CONFLICT (report_id) DO NOTHING",
        (key, event.office_id, event.day.isoformat(), event.slot.value, iso(event.due_at), iso(event.timestamp),
         iso(event.timestamp)),
    )


def _submitted(event: Any, key: str, tx: Writer) -> None:
    content = decode_content(event.content)
    tx.execute(
        "INSERT INTO rm_monitoring_reports (report_id, office_id, day, slot, due_at, late, version, updated_at)"
        " VALUES (?, ?, ?, ?, ?, 0, 0, ?) ON CONFLICT (report_id) DO NOTHING",
        (key, content.office_id, content.day.isoformat(), content.slot.value,
         iso(getattr(event, "due_at", None) or event.timestamp), iso(event.timestamp)),
    )
    tx.execute("UPDATE rm_monitoring_reports SET submitted_at = ?, late = ? WHERE report_id = ?",
               (iso(event.timestamp), int(event.late), key))
    _version(event, key, tx)


def _version(event: Any, key: str, tx: Writer) -> None:
    """The latest version's hash, submitter and screenshot on the row, and its figures in place of the earlier ones."""
    content = decode_content(event.content)
    tx.execute("UPDATE rm_monitoring_reports SET version = ?, content_hash = ?, submitter = ?, screenshot_key = ?,"
               " updated_at = ? WHERE report_id = ?",
               (event.version, event.content_hash, event.submitter, content.screenshot.storage_key,
                iso(event.timestamp), key))
    tx.execute("DELETE FROM rm_monitoring_figures WHERE report_id = ?", (key,))
    day, slot = content.day.isoformat(), content.slot.value
    tx.executemany(
        "INSERT INTO rm_monitoring_figures (report_id, office_id, day, slot, position, party, party_number, pengurus,"
        " anggota, kantor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(key, content.office_id, day, slot, i, f.party, f.number, f.pengurus, f.anggota, f.kantor)
         for i, f in enumerate(content.figures)],
    )


HANDLERS = {M.Missed: _missed, M.Submitted: _submitted, M.SubmittedAfterMiss: _submitted, M.Corrected: _version}
