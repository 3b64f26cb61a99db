"""The office's consultations, one row each: the desk's lists and the SOP's reports read this table."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import msgspec

from domain.consultation import Consultation
from domain.offices import parse_office_id
from domain.script import Status
from projections.base import Projection, Writer, iso

C = Consultation

# The status each event leaves behind (the aggregate's own rule, restated for the read side).
STATUS_AFTER: dict[type, Status] = {
    C.Opened: Status.OPENED,
    C.ProblemRecorded: Status.PROBLEM_RECORDED,
    C.ProblemRestated: Status.PROBLEM_RESTATED,
    C.ProblemCorrected: Status.PROBLEM_RECORDED,
    C.ProblemConfirmed: Status.PROBLEM_CONFIRMED,
    C.Answered: Status.ANSWERED,
    C.HandedToCommissioner: Status.WITH_COMMISSIONER,
    C.ForwardedUp: Status.ESCALATED,
    C.ClarificationRequested: Status.CLARIFICATION_REQUESTED,
    C.ClarificationGiven: Status.ESCALATED,
    C.AnswerArrived: Status.ANSWERED,
    C.UnderstandingConfirmed: Status.UNDERSTOOD,
    C.NotUnderstood: Status.NOT_UNDERSTOOD,
    C.AnswerRepeated: Status.ANSWERED,
    C.LoggedInReport: Status.LOGGED,
    C.Closed: Status.CLOSED,
}

COLUMNS = """
    id TEXT PRIMARY KEY, office_id TEXT NOT NULL, channel TEXT NOT NULL, status TEXT NOT NULL,
    consultee TEXT NOT NULL, party TEXT NOT NULL, phone TEXT, email TEXT,
    opened_by TEXT NOT NULL, opened_at TEXT NOT NULL, local_day TEXT NOT NULL,
    problem TEXT, restatement TEXT, corrections INTEGER NOT NULL DEFAULT 0,
    answer TEXT, bases TEXT, answered_by TEXT, answered_at TEXT, answer_source TEXT,
    handed_over_by TEXT, handover_reason TEXT, escalated_to TEXT, repeats INTEGER NOT NULL DEFAULT 0,
    understood_at TEXT, logged_by TEXT, logged_at TEXT, documentation INTEGER NOT NULL DEFAULT 0,
    closed_by TEXT, closed_at TEXT, updated_at TEXT NOT NULL, version INTEGER NOT NULL
"""


def local_day(moment: datetime, office_id: str) -> str:
    """The office's calendar day of a moment (WIB, WITA or WIT), as YYYY-MM-DD."""
    return moment.astimezone(ZoneInfo(parse_office_id(office_id).timezone)).date().isoformat()


class ConsultationsProjection(Projection):
    name = "consultations"
    version = 1
    tables: ClassVar[dict[str, str]] = {"rm_consultations": COLUMNS}
    indexes = (
        "CREATE INDEX IF NOT EXISTS rm_consultations_day ON rm_consultations (office_id, local_day)",
        "CREATE INDEX IF NOT EXISTS rm_consultations_status ON rm_consultations (office_id, status, opened_at)",
    )
    topics = tuple(STATUS_AFTER) + (C.IdentityCorrected, C.DocumentationAttached)

    def process(self, event: Any, position: int, tx: Writer) -> None:
        kind = type(event)
        if kind is C.Opened:
            self._opened(event, tx)
            return
        changes: dict[str, Any] = {"updated_at": iso(event.timestamp), "version": event.originator_version}
        if kind in STATUS_AFTER:
            changes["status"] = STATUS_AFTER[kind].value
        changes.update(self._changes(event, tx))
        assignments = ", ".join(f"{column} = ?" for column in changes)
        tx.execute(
            f"UPDATE rm_consultations SET {assignments} WHERE id = ?", (*changes.values(), str(event.originator_id))
        )

    def _opened(self, event: Any, tx: Writer) -> None:
        identity = event.identity
        tx.execute(
            "INSERT INTO rm_consultations (id, office_id, channel, status, consultee, party, phone, email, opened_by,"
            " opened_at, local_day, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO NOTHING",
            (
                str(event.originator_id), event.office_id, event.channel.value, Status.OPENED.value, identity.name,
                _party(identity), identity.phone, identity.email, event.actor, iso(event.timestamp),
                local_day(event.timestamp, event.office_id), iso(event.timestamp), event.originator_version,
            ),
        )

    def _changes(self, event: Any, tx: Writer) -> dict[str, Any]:
        kind = type(event)
        at = iso(event.timestamp)
        if kind is C.IdentityCorrected:
            i = event.identity
            return {"consultee": i.name, "party": _party(i), "phone": i.phone, "email": i.email}
        if kind is C.ProblemRecorded:
            return {"problem": event.text}
        if kind is C.ProblemRestated:
            return {"restatement": event.text}
        if kind is C.ProblemCorrected:
            return {"problem": event.text, "restatement": None, "corrections": _add(tx, event, "corrections")}
        if kind is C.Answered:
            source = "commissioner" if _status(tx, event) == Status.WITH_COMMISSIONER.value else "desk"
            return {"answer": event.text, "bases": _bases(event.bases), "answered_by": event.actor,
                    "answered_at": at, "answer_source": source}
        if kind is C.HandedToCommissioner:
            return {"handed_over_by": event.actor, "handover_reason": event.reason}
        if kind is C.ForwardedUp:
            return {"escalated_to": event.hop.upper_office}
        if kind is C.AnswerArrived:
            a = event.answer
            return {"answer": a.text, "bases": _bases(a.bases), "answered_by": a.author, "answered_at": iso(a.at),
                    "answer_source": a.office}
        if kind is C.AnswerRepeated:
            return {"repeats": _add(tx, event, "repeats"), "answer": event.text}
        if kind is C.UnderstandingConfirmed:
            return {"understood_at": at}
        if kind is C.LoggedInReport:
            return {"logged_by": event.actor, "logged_at": at}
        if kind is C.DocumentationAttached:
            return {"documentation": _add(tx, event, "documentation")}
        if kind is C.Closed:
            return {"closed_by": event.actor, "closed_at": at}
        return {}


def _party(identity: Any) -> str:
    return identity.party.abbreviation or identity.party.name


def _bases(bases: Any) -> str:
    return json.dumps(msgspec.to_builtins(list(bases)), ensure_ascii=False)


def _status(tx: Writer, event: Any) -> str | None:
    rows = tx.execute("SELECT status FROM rm_consultations WHERE id = ?", (str(event.originator_id),))
    return rows[0][0] if rows else None


def _add(tx: Writer, event: Any, column: str) -> int:
    rows = tx.execute(f"SELECT {column} FROM rm_consultations WHERE id = ?", (str(event.originator_id),))
    return (int(rows[0][0]) if rows else 0) + 1
