"""Escalations: the commissioner forwards, the office above accepts, answers, asks or forwards; and the
queries that show each office what waits for it and what it sent up."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import TypeVar
from uuid import UUID

from eventsourcing.utils import get_topic

from domain.casefile import case_id
from domain.consultation import Consultation, Status
from domain.errors import NoOfficeAbove, NotFound
from domain.escalation import CaseStatus, EscalationCase
from domain.hops import Hop
from domain.offices import OfficeId
from domain.roles import Permission, Role, may
from domain.values import make_bases
from services.base import NodeApplication
from services.views import CaseFileView, CaseView, InboxItem, OutgoingItem, hop_view

# What waits for the commissioner or the desk at the origin office.
_WAITING_AT_ORIGIN = (Status.WITH_COMMISSIONER, Status.CLARIFICATION_REQUESTED)
_SCAN_BATCH = 500
Record = TypeVar("Record", Consultation, EscalationCase)


class EscalationCommands(NodeApplication):
    """Part of the Helpdesk application: everything a person does to an escalation."""

    office: OfficeId

    # At the origin office (the commissioner, and whoever answers a clarification request).

    def forward_up(self, office_id: str, consultation_id: UUID, note: str, actor: str) -> None:
        parent = self._parent_of(office_id)

        def forward(c: Consultation, at: datetime) -> None:
            if parent is None:
                # Consultation.forward_up would store a hop to no office: an event that can never be read back.
                raise NoOfficeAbove()
            c.forward_up(parent, note, actor, at)

        self._change_consultation(office_id, consultation_id, forward)

    def clarify_consultation(self, office_id: str, consultation_id: UUID, text: str, actor: str) -> None:
        self._change_consultation(office_id, consultation_id, lambda c, at: c.clarify(text, actor, at))

    # At the office above.

    def accept_case(self, office_id: str, case_id: UUID, actor: str) -> None:
        self._change_case(office_id, case_id, lambda c, at: c.accept(actor, at))

    def answer_case(self, office_id: str, case_id: UUID, text: str, bases: list[tuple[str, str]], actor: str) -> None:
        checked = make_bases(bases)
        self._change_case(office_id, case_id, lambda c, at: c.answer_here(text, checked, actor, at))

    def ask_case_clarification(self, office_id: str, case_id: UUID, question: str, actor: str) -> None:
        self._change_case(office_id, case_id, lambda c, at: c.ask_clarification(question, actor, at))

    def forward_case(self, office_id: str, case_id: UUID, note: str, actor: str) -> None:
        parent = self._parent_of(office_id)
        self._change_case(office_id, case_id, lambda c, at: c.forward_up(parent, note, actor, at))

    def pass_question_down(self, office_id: str, case_id: UUID, actor: str) -> None:
        self._change_case(office_id, case_id, lambda c, at: c.pass_question_down(actor, at))

    def clarify_case_upward(self, office_id: str, case_id: UUID, text: str, actor: str) -> None:
        self._change_case(office_id, case_id, lambda c, at: c.clarify_upward(text, actor, at))

    # Queries. Each scans the log's notifications of one or two topics, as list_consultations does; the
    # read models of the projections issue replace these scans with indexed tables.

    def get_case(self, office_id: str, case_id: UUID) -> CaseView:
        return _case_view(self.get_case_aggregate(office_id, case_id))

    def escalation_inbox(self, office_id: str, role: Role | None = None) -> list[InboxItem]:
        """What waits for someone at this office, oldest first: its consultations with the commissioner or
        asked about from above, and the cases received from below that are not yet returned. With a role,
        only what that role acts on; a role that acts on none of it (Ketua, Sekretaris, Koordinator) sees it
        all, to follow the desk."""
        items = [_consultation_item(c) for c in self._scan(office_id, Consultation, Consultation.HandedToCommissioner)
                 if c.status in _WAITING_AT_ORIGIN]
        items += [_case_item(c) for c in self._scan(office_id, EscalationCase, EscalationCase.Received)
                  if c.status is not CaseStatus.RETURNED]
        if role is not None and any(may(role, p) for p in _ACTING):
            items = [item for item in items if any(may(role, p) for p in _acting_permissions(item))]
        return sorted(items, key=lambda item: item.waiting_since)

    def escalation_outgoing(self, office_id: str) -> list[OutgoingItem]:
        """The consultations and cases this office sent up, oldest first, with the hop's state and times.
        (Not `outgoing`: that name is the relay's, in Outbox.)"""
        items = [_sent_consultation(c, c.up) for c in self._scan(office_id, Consultation, Consultation.ForwardedUp)
                 if c.up]
        items += [_sent_case(c, c.up) for c in self._scan(office_id, EscalationCase, EscalationCase.Forwarded) if c.up]
        return sorted(items, key=lambda item: item.up.sent_at)

    def _scan(self, office_id: str, kind: type[Record], event: type) -> Iterator[Record]:
        """Each aggregate of `kind` at `office_id` that ever recorded `event`, once, as it now is."""
        topics, seen, start = [get_topic(event)], set(), 1
        while True:
            batch = self.recorder.select_notifications(start, _SCAN_BATCH, topics=topics)
            for notification in batch:
                if notification.originator_id in seen:
                    continue
                seen.add(notification.originator_id)
                found = self.repository.get(notification.originator_id)
                if isinstance(found, kind) and found.office_id == office_id:
                    yield found
            if len(batch) < _SCAN_BATCH:
                return
            start = batch[-1].id + 1

    def get_case_aggregate(self, office_id: str, case_id: UUID) -> EscalationCase:
        case = self._load(case_id)
        if not isinstance(case, EscalationCase) or case.office_id != office_id:
            raise NotFound()
        return case

    def _parent_of(self, office_id: str) -> str | None:
        parent = OfficeId(office_id).parent
        return parent.value if parent else None

    def _change_consultation(
        self, office_id: str, consultation_id: UUID, change: Callable[[Consultation, datetime], None]
    ) -> None:
        consultation = self._load(consultation_id)
        if not isinstance(consultation, Consultation) or consultation.office_id != office_id:
            raise NotFound()
        change(consultation, self.clock())
        self._save(consultation)

    def _change_case(self, office_id: str, case_id: UUID, change: Callable[[EscalationCase, datetime], None]) -> None:
        case = self.get_case_aggregate(office_id, case_id)
        change(case, self.clock())
        self._save(case)


def _case_view(c: EscalationCase) -> CaseView:
    f = c.case
    return CaseView(
        id=c.id, office_id=c.office_id, status=c.status, from_office=c.from_office,
        case=CaseFileView(f.origin_office, f.origin_id, f.channel, f.party, f.problem, f.restatement, f.opened_at,
                          list(f.notes)),
        down=hop_view(c.down), up=hop_view(c.up), accepted_by=c.accepted_by, question=c.question,
        question_from_above=c.question_from_above, clarifications=list(c.clarifications), answer=c.answer,
        clarifications_given=list(c.clarifications_given),
        received_at=c.created_on, updated_at=c.modified_on, version=c.version,
    )


def _consultation_item(c: Consultation) -> InboxItem:
    return InboxItem("consultation", c.id, c.status.value, c.office_id, c.identity.party, c.problem or "",
                     c.clarification_question, c.handed_over_at or c.created_on, hop_view(c.up))


def _case_item(c: EscalationCase) -> InboxItem:
    question = c.question_from_above if c.status is CaseStatus.CLARIFICATION_FROM_ABOVE else None
    return InboxItem("case", c.id, c.status.value, c.case.origin_office, c.case.party, c.case.problem, question,
                     c.created_on, hop_view(c.down))


def _sent_consultation(c: Consultation, up: Hop) -> OutgoingItem:
    return OutgoingItem("consultation", c.id, case_id(c.office_id, c.id), c.status.value, c.office_id,
                        c.identity.party, c.problem or "", hop_view(up))


def _sent_case(c: EscalationCase, up: Hop) -> OutgoingItem:
    return OutgoingItem("case", c.id, c.id, c.status.value, c.case.origin_office, c.case.party, c.case.problem,
                        hop_view(up))


_ACTING = (Permission.DECIDE_ESCALATIONS, Permission.SERVE_CONSULTATIONS, Permission.HANDLE_CASES)


def _acting_permissions(item: InboxItem) -> tuple[Permission, ...]:
    """Who acts on an inbox item: the commissioner decides what the desk handed over; a question from above
    is answered by the desk or the commissioner; cases from below are handled by the case team."""
    if item.kind == "case":
        return (Permission.HANDLE_CASES,)
    if item.status == Status.WITH_COMMISSIONER.value:
        return (Permission.DECIDE_ESCALATIONS,)
    return (Permission.SERVE_CONSULTATIONS, Permission.DECIDE_ESCALATIONS)
