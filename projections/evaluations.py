"""The Koordinator's evaluations as lists read them: one row per evaluation (its period, state and counts) and one
per follow-up (what, who, by when, open or done), so a staff member's open follow-ups are one query."""

from __future__ import annotations

from typing import Any, ClassVar

from domain.evaluation import Evaluation
from projections.base import ReadModel, Writer, iso

NAME = "evaluations"
E = Evaluation
EVALUATIONS = """
    evaluation_id TEXT PRIMARY KEY, office_id TEXT NOT NULL, period_start TEXT NOT NULL, period_end TEXT NOT NULL,
    drafted_by TEXT NOT NULL, drafted_at TEXT NOT NULL, notes INTEGER NOT NULL, follow_ups INTEGER NOT NULL,
    finalised_by TEXT, finalised_at TEXT, content_hash TEXT, updated_at TEXT NOT NULL
"""
FOLLOW_UPS = """
    follow_up_id TEXT PRIMARY KEY, evaluation_id TEXT NOT NULL, office_id TEXT NOT NULL, what TEXT NOT NULL,
    owner TEXT NOT NULL, due TEXT NOT NULL, added_by TEXT NOT NULL, done_at TEXT, done_by TEXT,
    position INTEGER NOT NULL
"""


class EvaluationsProjection(ReadModel):
    name = NAME
    version = 1
    tables: ClassVar[dict[str, str]] = {"rm_evaluations": EVALUATIONS, "rm_evaluation_follow_ups": FOLLOW_UPS}
    indexes = (
        "CREATE INDEX IF NOT EXISTS rm_evaluations_office ON rm_evaluations (office_id, period_start)",
        "CREATE INDEX IF NOT EXISTS rm_evaluation_follow_ups_of ON rm_evaluation_follow_ups (evaluation_id, position)",
        "CREATE INDEX IF NOT EXISTS rm_evaluation_follow_ups_owner ON rm_evaluation_follow_ups (office_id, owner)",
    )
    topics = (E.Drafted, E.NoteAdded, E.FollowUpAdded, E.FollowUpDone, E.Finalised)

    def process(self, event: Any, position: int, tx: Writer) -> None:
        key = str(event.originator_id)
        HANDLERS[type(event)](event, key, position, tx)
        tx.execute("UPDATE rm_evaluations SET updated_at = ? WHERE evaluation_id = ?", (iso(event.timestamp), key))


def _drafted(event: Any, key: str, position: int, tx: Writer) -> None:
    at = iso(event.timestamp)
    tx.execute(
        "INSERT INTO rm_evaluations (evaluation_id, office_id, period_start, period_end, drafted_by, drafted_at,"
        " notes, follow_ups, updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?) ON CONFLICT (evaluation_id) DO NOTHING",
        (key, event.office_id, event.period_start.isoformat(), event.period_end.isoformat(), event.actor, at, at),
    )


def _note_added(event: Any, key: str, position: int, tx: Writer) -> None:
    tx.execute("UPDATE rm_evaluations SET notes = notes + 1 WHERE evaluation_id = ?", (key,))


def _follow_up_added(event: Any, key: str, position: int, tx: Writer) -> None:
    rows = tx.execute("SELECT office_id FROM rm_evaluations WHERE evaluation_id = ?", (key,))
    tx.execute("UPDATE rm_evaluations SET follow_ups = follow_ups + 1 WHERE evaluation_id = ?", (key,))
    tx.execute(
        "INSERT INTO rm_evaluation_follow_ups (follow_up_id, evaluation_id, office_id, what, owner, due, added_by,"
        " position) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (follow_up_id) DO NOTHING",
        (str(event.follow_up_id), key, rows[0][0] if rows else "", event.what, event.owner, event.due.isoformat(),
         event.actor, position),
    )


def _follow_up_done(event: Any, key: str, position: int, tx: Writer) -> None:
    tx.execute("UPDATE rm_evaluation_follow_ups SET done_at = ?, done_by = ? WHERE follow_up_id = ?",
               (iso(event.timestamp), event.actor, str(event.follow_up_id)))


def _finalised(event: Any, key: str, position: int, tx: Writer) -> None:
    tx.execute("UPDATE rm_evaluations SET finalised_by = ?, finalised_at = ?, content_hash = ? WHERE evaluation_id = ?",
               (event.actor, iso(event.timestamp), event.content_hash, key))


HANDLERS = {E.Drafted: _drafted, E.NoteAdded: _note_added, E.FollowUpAdded: _follow_up_added,
            E.FollowUpDone: _follow_up_done, E.Finalised: _finalised}
