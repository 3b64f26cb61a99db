"""The regencies' SIPOL monitoring reports as their province holds them (issue 16, domain/monitoring_copy.py): one row
per regency, day and slot with its latest version's state, and each party's figures of that version."""

from __future__ import annotations

from typing import Any, ClassVar

from domain.monitoring_copy import MonitoringCopy, MonitoringRelease
from projections.base import ReadModel, Writer, iso

NAME = "monitoring_received"
C = MonitoringCopy
REPORTS = """
    copy_id TEXT PRIMARY KEY, office_id TEXT NOT NULL, day TEXT NOT NULL, slot TEXT NOT NULL, due_at TEXT NOT NULL,
    missed INTEGER NOT NULL, late INTEGER NOT NULL, version INTEGER NOT NULL, submitted_at TEXT,
    changed_at TEXT NOT NULL, content_hash TEXT, screenshot_sha256 TEXT, received_at TEXT NOT NULL
"""
FIGURES = """
    copy_id TEXT NOT NULL, office_id TEXT NOT NULL, day TEXT NOT NULL, slot TEXT NOT NULL, position INTEGER NOT NULL,
    party TEXT NOT NULL, party_number INTEGER, pengurus INTEGER NOT NULL, anggota INTEGER NOT NULL,
    kantor INTEGER NOT NULL, PRIMARY KEY (copy_id, party)
"""


class MonitoringReceivedProjection(ReadModel):
    name = NAME
    version = 1
    tables: ClassVar[dict[str, str]] = {"rm_monitoring_received": REPORTS,
                                        "rm_monitoring_received_figures": FIGURES}
    indexes = (
        "CREATE INDEX IF NOT EXISTS rm_monitoring_received_day ON rm_monitoring_received (day, slot)",
        "CREATE INDEX IF NOT EXISTS rm_monitoring_received_figures_day"
        " ON rm_monitoring_received_figures (day, slot)",
    )
    topics = (C.Received, C.Updated)

    def process(self, event: Any, position: int, tx: Writer) -> None:
        """Each event carries the whole release: the row and the figures become the release's."""
        _held(event.release, str(event.originator_id), iso(event.timestamp), tx)


def _held(release: MonitoringRelease, key: str, at: str, tx: Writer) -> None:
    day, slot = release.day.isoformat(), release.slot.value
    tx.execute("DELETE FROM rm_monitoring_received WHERE copy_id = ?", (key,))
    tx.execute(
        "INSERT INTO rm_monitoring_received (copy_id, office_id, day, slot, due_at, missed, late, version,"
        " submitted_at, changed_at, content_hash, screenshot_sha256, received_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (key, release.office_id, day, slot, iso(release.due_at), int(release.missed), int(release.late),
         release.version, iso(release.submitted_at) if release.submitted_at else None, iso(release.changed_at),
         release.content_hash, release.screenshot_sha256, at),
    )
    tx.execute("DELETE FROM rm_monitoring_received_figures WHERE copy_id = ?", (key,))
    if not release.figures:
        return  # a miss: no figures
    tx.executemany(
        "INSERT INTO rm_monitoring_received_figures (copy_id, office_id, day, slot, position, party, party_number,"
        " pengurus, anggota, kantor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(key, release.office_id, day, slot, i, f.party, f.number, f.pengurus, f.anggota, f.kantor)
         for i, f in enumerate(release.figures)],
    )
