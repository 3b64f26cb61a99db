"""The Ketua's programme of activities as its page lists it: one row per item, with its state and note now."""

from __future__ import annotations

from typing import Any, ClassVar

from domain.programme import Programme
from projections.base import ReadModel, Writer, iso

NAME = "programme"
P = Programme
PROGRAMMES = """
    programme_id TEXT PRIMARY KEY, office_id TEXT NOT NULL, year INTEGER NOT NULL, kept_by TEXT NOT NULL,
    version INTEGER NOT NULL, updated_at TEXT NOT NULL
"""
ITEMS = """
    item_id TEXT PRIMARY KEY, programme_id TEXT NOT NULL, office_id TEXT NOT NULL, year INTEGER NOT NULL,
    activity TEXT NOT NULL, planned_on TEXT NOT NULL, responsible TEXT NOT NULL, state TEXT NOT NULL,
    note TEXT NOT NULL, updated_by TEXT NOT NULL, updated_at TEXT NOT NULL, position INTEGER NOT NULL
"""


class ProgrammeProjection(ReadModel):
    name = NAME
    version = 1
    tables: ClassVar[dict[str, str]] = {"rm_programmes": PROGRAMMES, "rm_programme_items": ITEMS}
    indexes = (
        "CREATE INDEX IF NOT EXISTS rm_programmes_office ON rm_programmes (office_id, year)",
        "CREATE INDEX IF NOT EXISTS rm_programme_items_of ON rm_programme_items (programme_id, planned_on)",
    )
    topics = (P.Started, P.ItemPlanned, P.ItemMoved)

    def process(self, event: Any, position: int, tx: Writer) -> None:
        key, at = str(event.originator_id), iso(event.timestamp)
        if type(event) is P.Started:
            tx.execute("INSERT INTO rm_programmes (programme_id, office_id, year, kept_by, version, updated_at)"
                       " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (programme_id) DO NOTHING",
                       (key, event.office_id, event.year, event.actor, event.originator_version, at))
            return
        tx.execute("UPDATE rm_programmes SET version = ?, updated_at = ? WHERE programme_id = ?",
                   (event.originator_version, at, key))
        if type(event) is P.ItemPlanned:
            tx.execute("UPDATE rm_programmes SET kept_by = ? WHERE programme_id = ?", (event.actor, key))
            [(office_id, year)] = tx.execute("SELECT office_id, year FROM rm_programmes WHERE programme_id = ?",
                                             (key,))
            tx.execute(
                "INSERT INTO rm_programme_items (item_id, programme_id, office_id, year, activity, planned_on,"
                " responsible, state, note, updated_by, updated_at, position) VALUES (?, ?, ?, ?, ?, ?, ?, 'planned',"
                " '', ?, ?, ?) ON CONFLICT (item_id) DO NOTHING",
                (str(event.item_id), key, office_id, year, event.activity, event.planned_on.isoformat(),
                 event.responsible, event.actor, at, position),
            )
        else:
            tx.execute("UPDATE rm_programme_items SET state = ?, note = ?, updated_by = ?, updated_at = ?"
                       " WHERE item_id = ?", (event.state.value, event.note, event.actor, at, str(event.item_id)))
