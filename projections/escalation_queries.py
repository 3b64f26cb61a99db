"""Queries over the escalations an office holds: what waits in its inbox, what it sent up, and the case history
(every case received from below, open or answered) with its filters. Each is one indexed query on the read
models, never a read of the log: the inbox is refreshed every 15 s on every open page."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import msgspec

from domain.casefile import case_id
from domain.escalation import CaseStatus
from domain.hops import Hop
from domain.inbox import DONE_HERE, WAITING_AT_ORIGIN, shown_to
from domain.parties import Party
from domain.roles import Role
from domain.values import Channel
from domain.views import hop_view
from projections.base import from_iso, from_json
from projections.cases import SEARCHED
from projections.paging import Where, page
from projections.runner import ReadModelRunner
from projections.views import CasePage, CaseSummary, InboxItem, OutgoingItem

READ_MODELS = ("consultations", "cases")
_OPEN_CASE = tuple(status.value for status in CaseStatus if status is not DONE_HERE)
_WAITING = tuple(status.value for status in WAITING_AT_ORIGIN)

# Both sides of the inbox in one statement: the office's own consultations waiting for it, and the cases received
# from below not yet returned; each side an index range (office, status). Oldest first.
INBOX = (
    "SELECT 'consultation', id, status, office_id, party_record, coalesce(problem, ''), question,"
    " coalesce(handed_over_at, opened_at) AS since, up_hop FROM rm_consultations"
    f" WHERE office_id = ? AND status IN ({', '.join('?' * len(_WAITING))})"
    " UNION ALL"
    " SELECT 'case', id, status, origin_office, party_record, problem,"
    " CASE WHEN status = ? THEN question_from_above END, received_at, down_hop FROM rm_cases"
    f" WHERE office_id = ? AND status IN ({', '.join('?' * len(_OPEN_CASE))})"
    " ORDER BY since, id"
)
OUTGOING = (
    "SELECT 'consultation', id, status, office_id, party_record, coalesce(problem, ''), up_hop, up_sent_at"
    " FROM rm_consultations WHERE office_id = ? AND up_sent_at IS NOT NULL"
    " UNION ALL"
    " SELECT 'case', id, status, origin_office, party_record, problem, up_hop, up_sent_at"
    " FROM rm_cases WHERE office_id = ? AND up_sent_at IS NOT NULL"
    " ORDER BY up_sent_at, id"
)
CASE_COLUMNS = ("id, status, origin_office, from_office, channel, party_record, problem, received_at, answer,"
                " answer_office, answered_at, down_hop, up_hop")


class CaseFilter(msgspec.Struct, frozen=True, kw_only=True):
    """What narrows the case history; every filter given must hold."""

    text: str | None = None  # words looked for in the party, problem, restatement, notes and answer
    status: CaseStatus | None = None
    office: str | None = None  # the origin office, or the office below that sent it here
    party: str | None = None  # its abbreviation or its name
    since: date | None = None  # received on these local days of this office, both included
    until: date | None = None


class EscalationQueries:
    def __init__(self, runner: ReadModelRunner) -> None:
        self.runner = runner

    def inbox(self, office_id: str, role: Role | None = None) -> list[InboxItem]:
        """What waits for someone at this office, oldest first. With a role, only what that role acts on; a role
        that acts on none of it (Ketua, Sekretaris, Koordinator) sees it all, to follow the desk."""
        self.runner.catch_up(READ_MODELS)
        rows = self.runner.store.query(
            INBOX, (office_id, *_WAITING, CaseStatus.CLARIFICATION_FROM_ABOVE.value, office_id, *_OPEN_CASE))
        items = [_inbox_item(r) for r in rows]
        return items if role is None else [item for item in items if shown_to(role, item.kind, item.status)]

    def outgoing(self, office_id: str) -> list[OutgoingItem]:
        """The consultations and cases this office sent up, oldest first, with the hop's state and moments."""
        self.runner.catch_up(READ_MODELS)
        return [_outgoing_item(r) for r in self.runner.store.query(OUTGOING, (office_id, office_id))]

    def history(self, office_id: str, found: CaseFilter | None = None, offset: int = 0, limit: int = 50
                ) -> CasePage:
        """Every case received from below, answered and returned ones too, newest received first."""
        self.runner.catch_up("cases")
        found = found or CaseFilter()
        where = Where("office_id = ?", office_id).equals("status", found.status.value if found.status else None)
        if found.office is not None:
            where.one_of(("origin_office", "from_office"), found.office)
        where.one_of(("party", "party_name"), found.party).days("received_day", found.since, found.until)
        where.text(SEARCHED, self.runner.store.dialect, found.text)
        rows, total = page(self.runner.store, CASE_COLUMNS, "rm_cases", where, "received_at DESC, id", offset, limit)
        return CasePage(items=[_case_summary(r) for r in rows], total=total, offset=offset, limit=limit)


def _inbox_item(r: tuple[Any, ...]) -> InboxItem:
    return InboxItem(
        kind=r[0], id=UUID(r[1]), status=r[2], origin_office=r[3], party=from_json(r[4], Party), problem=r[5],
        question=r[6], waiting_since=from_iso(r[7]),  # type: ignore[arg-type]
        hop=hop_view(from_json(r[8], Hop)) if r[8] else None,
    )


def _outgoing_item(r: tuple[Any, ...]) -> OutgoingItem:
    kind, item_id, origin = r[0], UUID(r[1]), r[3]
    return OutgoingItem(
        kind=kind, id=item_id, case_id=case_id(origin, item_id) if kind == "consultation" else item_id, status=r[2],
        origin_office=origin, party=from_json(r[4], Party), problem=r[5], up=hop_view(from_json(r[6], Hop)),
    )


def _case_summary(r: tuple[Any, ...]) -> CaseSummary:
    return CaseSummary(
        id=UUID(r[0]), status=CaseStatus(r[1]), origin_office=r[2], from_office=r[3], channel=Channel(r[4]),
        party=from_json(r[5], Party), problem=r[6], received_at=from_iso(r[7]),  # type: ignore[arg-type]
        answer=r[8], answer_office=r[9], answered_at=from_iso(r[10]), down=hop_view(from_json(r[11], Hop)),
        up=hop_view(from_json(r[12], Hop)) if r[12] else None,
    )
