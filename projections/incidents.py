"""The office's special incidents (kejadian khusus), one row each with its state and who took each step when: the
incidents page and the API list them from here."""

from __future__ import annotations

from typing import Any, ClassVar

from domain.incident_values import IncidentState
from domain.incidents import Incident
from projections.base import ReadModel, Writer, iso

NAME = "incidents"
I = Incident  # noqa: E741 - the aggregate's short name, as the other read models write theirs
COLUMNS = """
    incident_id TEXT PRIMARY KEY, office_id TEXT NOT NULL, category TEXT NOT NULL, description TEXT NOT NULL,
    location TEXT NOT NULL, occurred_at TEXT NOT NULL, state TEXT NOT NULL, reported_by TEXT NOT NULL,
    reported_at TEXT NOT NULL, received_by TEXT, received_at TEXT, passed_by TEXT, passed_at TEXT, pass_note TEXT,
    closed_by TEXT, closed_at TEXT, resolution TEXT, position INTEGER NOT NULL
"""


class IncidentsProjection(ReadModel):
    name = NAME
    version = 1
    tables: ClassVar[dict[str, str]] = {"rm_incidents": COLUMNS}
    indexes = ("CREATE INDEX IF NOT EXISTS rm_incidents_office ON rm_incidents (office_id, state, reported_at)",)
    topics = (I.Reported, I.Received, I.Passed, I.Closed)

    def process(self, event: Any, position: int, tx: Writer) -> None:
        HANDLERS[type(event)](event, str(event.originator_id), position, tx)


def _reported(event: Any, key: str, position: int, tx: Writer) -> None:
    tx.execute(
        "INSERT INTO rm_incidents (incident_id, office_id, category, description, location, occurred_at, state,"
        " reported_by, reported_at, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (incident_id) DO NOTHING",
        (key, event.office_id, event.category.value, event.description, event.location, iso(event.occurred_at),
         IncidentState.REPORTED.value, event.actor, iso(event.timestamp), position),
    )


def _received(event: Any, key: str, position: int, tx: Writer) -> None:
    tx.execute("UPDATE rm_incidents SET state = ?, received_by = ?, received_at = ? WHERE incident_id = ?",
               (IncidentState.RECEIVED.value, event.actor, iso(event.timestamp), key))


def _passed(event: Any, key: str, position: int, tx: Writer) -> None:
    tx.execute("UPDATE rm_incidents SET state = ?, passed_by = ?, passed_at = ?, pass_note = ? WHERE incident_id = ?",
               (IncidentState.PASSED.value, event.actor, iso(event.timestamp), event.note, key))


def _closed(event: Any, key: str, position: int, tx: Writer) -> None:
    tx.execute("UPDATE rm_incidents SET state = ?, closed_by = ?, closed_at = ?, resolution = ? WHERE incident_id = ?",
               (IncidentState.CLOSED.value, event.actor, iso(event.timestamp), event.resolution, key))


HANDLERS = {I.Reported: _reported, I.Received: _received, I.Passed: _passed, I.Closed: _closed}
