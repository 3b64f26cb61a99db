"""The cases this office received from the offices below, one row each, open or long answered: the case side of
the escalation inbox and outgoing list, and the case history with its search."""

from __future__ import annotations

from typing import Any, ClassVar

import msgspec

from domain.casefile import Answer, CaseFile
from domain.escalation import CaseStatus, EscalationCase
from domain.hops import Hop
from projections.base import BatchRows, RowsProjection, Writer, column_names, from_json, iso, to_json
from projections.consultations import local_day
from projections.search import TextIndex

E = EscalationCase


class CaseState(msgspec.Struct):
    """The case as the aggregate holds it, kept in its row: each event's own `apply` (the domain's rule) changes it,
    so the read model never restates how a case moves from status to status."""

    office_id: str
    case: CaseFile
    down: Hop
    up: Hop | None = None
    status: CaseStatus = CaseStatus.RECEIVED
    accepted_by: str | None = None
    question: str | None = None
    question_from_above: str | None = None
    clarifications: tuple[str, ...] = ()
    clarifications_given: tuple[str, ...] = ()
    answer: Answer | None = None


COLUMNS = """
    id TEXT PRIMARY KEY, office_id TEXT NOT NULL, status TEXT NOT NULL, origin_office TEXT NOT NULL,
    from_office TEXT NOT NULL, channel TEXT NOT NULL, party TEXT NOT NULL, party_name TEXT NOT NULL,
    party_record TEXT NOT NULL, problem TEXT NOT NULL, restatement TEXT NOT NULL, notes TEXT NOT NULL,
    question_from_above TEXT, answer TEXT, answer_office TEXT, answered_at TEXT,
    received_at TEXT NOT NULL, received_day TEXT NOT NULL, down_hop TEXT NOT NULL, up_hop TEXT, up_sent_at TEXT,
    state TEXT NOT NULL, updated_at TEXT NOT NULL, version INTEGER NOT NULL
"""
COLUMN_NAMES = column_names(COLUMNS)
# What the case history's search looks in: the question as it came up, the notes added on the way, the answer.
SEARCHED = TextIndex("rm_cases", ("party", "party_name", "problem", "restatement", "notes", "answer"))


class CasesProjection(RowsProjection):
    name = "cases"
    version = 1
    tables: ClassVar[dict[str, str]] = {"rm_cases": COLUMNS}
    row_table = "rm_cases"
    row_columns = COLUMN_NAMES
    text_index = SEARCHED
    indexes = (
        "CREATE INDEX IF NOT EXISTS rm_cases_status ON rm_cases (office_id, status, received_at)",
        "CREATE INDEX IF NOT EXISTS rm_cases_newest ON rm_cases (office_id, received_at DESC, id)",
        "CREATE INDEX IF NOT EXISTS rm_cases_sent_up ON rm_cases (office_id, up_sent_at)",
    )
    topics = (
        E.Received, E.Accepted, E.ClarificationAsked, E.ClarificationReceived, E.QuestionPassedDown, E.Forwarded,
        E.UpHopProgressed, E.ClarificationAskedFromAbove, E.ClarifiedUpward, E.Answered, E.ReturnConfirmed,
    )


    def _apply(self, event: Any, rows: BatchRows, tx: Writer) -> None:
        key = str(event.originator_id)
        row = rows.get(tx, key)
        at = iso(event.timestamp)
        if type(event) is E.Received:
            if row is None:  # a case is received once; a second Received changes nothing
                state = CaseState(office_id=event.office_id, case=event.case, down=event.down)
                rows.add({"id": key, "received_at": at, "received_day": local_day(event.timestamp, event.office_id),
                          **_columns(state, at, event.originator_version)})
            return
        if row is None:
            return  # not a case this read model holds (cannot happen in one log; kept harmless)
        state = from_json(row["state"], CaseState)
        event.apply(state)
        row.update(_columns(state, at, event.originator_version))
        rows.changed(key)


def _columns(state: CaseState, at: str | None, version: int) -> dict[str, Any]:
    """Every column that follows from the case's state (all but its id and when it was received)."""
    case, answer, party = state.case, state.answer, state.case.party
    return {
        "office_id": state.office_id, "status": state.status.value, "origin_office": case.origin_office,
        "from_office": state.down.lower_office, "channel": case.channel.value,
        "party": party.abbreviation or party.name, "party_name": party.name, "party_record": to_json(party),
        "problem": case.problem, "restatement": case.restatement, "notes": "\n".join(n.text for n in case.notes),
        "question_from_above": state.question_from_above,
        "answer": answer.text if answer else None, "answer_office": answer.office if answer else None,
        "answered_at": iso(answer.at) if answer else None,
        "down_hop": to_json(state.down), "up_hop": to_json(state.up) if state.up else None,
        "up_sent_at": iso(state.up.sent_at) if state.up else None,
        "state": to_json(state), "updated_at": at, "version": version,
    }
