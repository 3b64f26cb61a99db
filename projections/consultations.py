"""The office's consultations, one row each: the desk's lists and the SOP's reports read this table."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import cache
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import msgspec

from domain.consultation import Consultation
from domain.offices import parse_office_id
from domain.script import Status
from projections.base import BatchRows, RowsProjection, Writer, column_names, iso, to_json
from projections.search import TextIndex

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
    closed_by TEXT, closed_at TEXT, updated_at TEXT NOT NULL, version INTEGER NOT NULL,
    party_name TEXT NOT NULL, party_record TEXT NOT NULL, handed_over_at TEXT, question TEXT,
    up_hop TEXT, up_sent_at TEXT
"""
COLUMN_NAMES = column_names(COLUMNS)
# How many consultations each office has at each status on each channel, kept with the rows: the desk's list shows the
# total of what it pages through, and counting the rows each time would cost as much as the office's whole history.
COUNTS = ("office_id TEXT NOT NULL, status TEXT NOT NULL, channel TEXT NOT NULL, n INTEGER NOT NULL,"
          " PRIMARY KEY (office_id, status, channel)")
ADD_COUNTS = (
    "INSERT INTO rm_consultation_counts (office_id, status, channel, n) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (office_id, status, channel) DO UPDATE SET n = rm_consultation_counts.n + excluded.n"
)
# What the desk's search looks in: who came, for which party, what they asked and what they were told.
SEARCHED = TextIndex("rm_consultations", ("consultee", "party", "party_name", "problem", "restatement", "answer"))


def local_day(moment: datetime, office_id: str) -> str:
    """The office's calendar day of a moment (WIB, WITA or WIT), as YYYY-MM-DD."""
    return moment.astimezone(_zone(office_id)).date().isoformat()


@cache
def _zone(office_id: str) -> ZoneInfo:
    # A node's events name a handful of offices; each one's zone is worked out once.
    return ZoneInfo(parse_office_id(office_id).timezone)


class ConsultationsProjection(RowsProjection):
    name = "consultations"
    # 2: search, and what the escalation inbox and outgoing list read (party, handover, hop above); 3: the counts
    version = 3
    tables: ClassVar[dict[str, str]] = {"rm_consultations": COLUMNS, "rm_consultation_counts": COUNTS}
    row_table = "rm_consultations"
    row_columns = COLUMN_NAMES
    text_index = SEARCHED
    indexes = (
        "CREATE INDEX IF NOT EXISTS rm_consultations_day ON rm_consultations (office_id, local_day)",
        "CREATE INDEX IF NOT EXISTS rm_consultations_status ON rm_consultations (office_id, status, opened_at)",
        # The desk's list pages through this order.
        "CREATE INDEX IF NOT EXISTS rm_consultations_newest ON rm_consultations (office_id, opened_at DESC, id)",
        "CREATE INDEX IF NOT EXISTS rm_consultations_sent_up ON rm_consultations (office_id, up_sent_at)",
    )
    topics = tuple(STATUS_AFTER) + (C.IdentityCorrected, C.DocumentationAttached, C.UpHopProgressed)

    _counts: Counter[tuple[str, str, str]]  # the batch's changes to rm_consultation_counts

    def begin_batch(self, tx: Writer, events: Sequence[Any] = ()) -> None:
        super().begin_batch(tx, events)
        self._counts = Counter()

    def end_batch(self, tx: Writer) -> None:
        super().end_batch(tx)
        # Every count the batch touched, a change of 0 included: each status a consultation ever had keeps its row,
        # so the table is the same however the log was cut into batches (a live read model equals a rebuild).
        changed = [(*key, n) for key, n in self._counts.items()]
        self._counts = Counter()
        if changed:
            tx.executemany(ADD_COUNTS, changed)

    def _count(self, row: dict[str, Any], change: int) -> None:
        self._counts[(row["office_id"], row["status"], row["channel"])] += change

    def _apply(self, event: Any, rows: BatchRows, tx: Writer) -> None:
        cid = str(event.originator_id)
        row = rows.get(tx, cid)
        kind = type(event)
        if kind is C.Opened:
            if row is None:  # a consultation is opened once; a second Opened changes nothing
                self._count(rows.add(_opened(event)), 1)
            return
        if row is None:
            return  # not a consultation this read model holds (cannot happen in one log; kept harmless)
        at = iso(event.timestamp)
        changes: dict[str, Any] = {"updated_at": at, "version": event.originator_version}
        if kind in STATUS_AFTER:
            changes["status"] = STATUS_AFTER[kind].value
        changes.update(_changes(event, at, row))
        self._count(row, -1)
        row.update(changes)
        self._count(row, 1)
        rows.changed(cid)


def _opened(event: Any) -> dict[str, Any]:
    identity = event.identity
    return {
        "id": str(event.originator_id), "office_id": event.office_id, "channel": event.channel.value,
        "status": Status.OPENED.value, "consultee": identity.name, "party": _party(identity), "phone": identity.phone,
        "email": identity.email, "party_name": identity.party.name, "party_record": to_json(identity.party),
        "opened_by": event.actor, "opened_at": iso(event.timestamp),
        "local_day": local_day(event.timestamp, event.office_id), "corrections": 0, "repeats": 0, "documentation": 0,
        "updated_at": iso(event.timestamp), "version": event.originator_version,
    }


def _changes(event: Any, at: str | None, row: dict[str, Any]) -> dict[str, Any]:
    """The columns an event sets (`at`: its time as stored), worked out from the row as it stands before it."""
    change = CHANGES.get(type(event))
    return change(event, at, row) if change else {}


def _identity(event: Any, at: str | None, row: dict[str, Any]) -> dict[str, Any]:
    i = event.identity
    return {"consultee": i.name, "party": _party(i), "phone": i.phone, "email": i.email,
            "party_name": i.party.name, "party_record": to_json(i.party)}


def _answered(event: Any, at: str | None, row: dict[str, Any]) -> dict[str, Any]:
    source = "commissioner" if row["status"] == Status.WITH_COMMISSIONER.value else "desk"
    return {"answer": event.text, "bases": _bases(event.bases), "answered_by": event.actor, "answered_at": at,
            "answer_source": source}


def _answer_arrived(event: Any, at: str | None, row: dict[str, Any]) -> dict[str, Any]:
    a = event.answer
    return {"answer": a.text, "bases": _bases(a.bases), "answered_by": a.author, "answered_at": iso(a.at),
            "answer_source": a.office, **_up(event.hop)}


# The columns each event sets: (event, its time as stored, the row before it) -> columns.
CHANGES: dict[type, Callable[[Any, str | None, dict[str, Any]], dict[str, Any]]] = {
    C.IdentityCorrected: _identity,
    C.ProblemRecorded: lambda e, at, row: {"problem": e.text},
    C.ProblemRestated: lambda e, at, row: {"restatement": e.text},
    C.ProblemCorrected: lambda e, at, row: {"problem": e.text, "restatement": None,
                                            "corrections": row["corrections"] + 1},
    C.Answered: _answered,
    C.HandedToCommissioner: lambda e, at, row: {"handed_over_by": e.actor, "handover_reason": e.reason,
                                                "handed_over_at": at},
    C.ForwardedUp: lambda e, at, row: {"escalated_to": e.hop.upper_office, **_up(e.hop)},
    C.UpHopProgressed: lambda e, at, row: _up(e.hop),
    C.ClarificationRequested: lambda e, at, row: {"question": e.question},
    C.ClarificationGiven: lambda e, at, row: {"question": None},
    C.AnswerArrived: _answer_arrived,
    C.AnswerRepeated: lambda e, at, row: {"repeats": row["repeats"] + 1, "answer": e.text},
    C.UnderstandingConfirmed: lambda e, at, row: {"understood_at": at},
    C.LoggedInReport: lambda e, at, row: {"logged_by": e.actor, "logged_at": at},
    C.DocumentationAttached: lambda e, at, row: {"documentation": row["documentation"] + 1},
    C.Closed: lambda e, at, row: {"closed_by": e.actor, "closed_at": at},
}


def _up(hop: Any) -> dict[str, Any]:
    """The hop to the office above as it now stands: the outgoing list shows its state and moments."""
    return {"up_hop": to_json(hop), "up_sent_at": iso(hop.sent_at)}


def _party(identity: Any) -> str:
    return identity.party.abbreviation or identity.party.name


def _bases(bases: Any) -> str:
    return json.dumps(msgspec.to_builtins(list(bases)), ensure_ascii=False)
