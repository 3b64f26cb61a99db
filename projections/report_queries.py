"""What the SOP's reports read: the consultations of an office over local days, as typed rows."""

from __future__ import annotations

import json
from datetime import date, datetime

import msgspec

from projections.base import from_iso
from projections.runner import ReadModelRunner


class ConsultationRow(msgspec.Struct, frozen=True):
    id: str
    channel: str
    status: str
    consultee: str
    party: str
    phone: str | None
    email: str | None
    opened_by: str
    opened_at: datetime
    local_day: str
    problem: str | None
    restatement: str | None
    answer: str | None
    bases: list[tuple[str, str, str | None, int | None]]  # (kind, reference, FAQ entry id, its version)
    answered_by: str | None
    answer_source: str | None
    handed_over_by: str | None
    escalated_to: str | None
    repeats: int
    logged_by: str | None
    documentation: int
    closed_at: datetime | None


_COLUMNS = (
    "id, channel, status, consultee, party, phone, email, opened_by, opened_at, local_day, problem, restatement,"
    " answer, bases, answered_by, answer_source, handed_over_by, escalated_to, repeats, logged_by, documentation,"
    " closed_at"
)


def consultations_between(runner: ReadModelRunner, office_id: str, first: date, last: date) -> list[ConsultationRow]:
    """Consultations opened on the office's local days first..last (inclusive), in order of opening."""
    runner.catch_up("consultations")
    rows = runner.store.query(
        f"SELECT {_COLUMNS} FROM rm_consultations WHERE office_id = ? AND local_day >= ? AND local_day <= ?"
        " ORDER BY opened_at, id",
        (office_id, first.isoformat(), last.isoformat()),
    )
    return [_row(r) for r in rows]


def _row(r: tuple) -> ConsultationRow:  # type: ignore[type-arg]
    # A cited FAQ Sipol entry keeps its id and version (the basis column names them: gateways/reports/labels.py).
    stored = json.loads(r[13]) if r[13] else []
    bases = [(b["kind"], b["reference"], b.get("entry_id"), b.get("version")) for b in stored]
    return ConsultationRow(
        id=r[0], channel=r[1], status=r[2], consultee=r[3], party=r[4], phone=r[5], email=r[6], opened_by=r[7],
        opened_at=from_iso(r[8]), local_day=r[9], problem=r[10], restatement=r[11], answer=r[12],  # type: ignore[arg-type]
        bases=bases, answered_by=r[14], answer_source=r[15], handed_over_by=r[16], escalated_to=r[17],
        repeats=int(r[18]), logged_by=r[19], documentation=int(r[20]), closed_at=from_iso(r[21]),
    )
