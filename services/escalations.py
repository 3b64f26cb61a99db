"""Escalations: the commissioner forwards, the office above accepts, answers, asks or forwards. (What waits at an
office and what it sent up are read models: projections/escalation_queries.py.)"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.consultation import Consultation
from domain.errors import NoOfficeAbove, NotFound
from domain.escalation import EscalationCase
from domain.offices import OfficeId
from domain.values import Basis, make_bases
from services.evidence import EvidenceCommands
from services.views import CaseFileView, CaseView, hop_view


class EscalationCommands(EvidenceCommands):
    """Part of the Helpdesk application: everything a person does to an escalation."""

    office: OfficeId
    faq_citations: Callable[[str, Sequence[UUID]], tuple[Basis, ...]]  # services/faq.py, same application

    # At the origin office (the commissioner, and whoever answers a clarification request).

    def forward_up(self, office_id: str, consultation_id: UUID, note: str, actor: str) -> None:
        parent = self._parent_of(office_id)

        def forward(c: Consultation, at: datetime) -> list[Aggregate]:
            if parent is None:
                # Consultation.forward_up would store a hop to no office: an event that can never be read back.
                raise NoOfficeAbove()
            c.forward_up(parent, note, actor, at, self.travelling_evidence(c))
            # The documents the case file names are now owed there (services/evidence.py), saved with it.
            return [*self.documents_owed(c.case, parent, at, c)] if c.case is not None else []

        self._change_consultation(office_id, consultation_id, forward)

    def clarify_consultation(self, office_id: str, consultation_id: UUID, text: str, actor: str) -> None:
        self._change_consultation(office_id, consultation_id, lambda c, at: c.clarify(text, actor, at))

    # At the office above.

    def accept_case(self, office_id: str, case_id: UUID, actor: str) -> None:
        self._change_case(office_id, case_id, lambda c, at: c.accept(actor, at))

    def answer_case(self, office_id: str, case_id: UUID, text: str, bases: list[tuple[str, str]], actor: str,
                    faq: Sequence[UUID] = ()) -> None:
        checked = self.faq_citations(office_id, faq) + (make_bases(bases) if bases or not faq else ())
        self._change_case(office_id, case_id, lambda c, at: c.answer_here(text, checked, actor, at))

    def ask_case_clarification(self, office_id: str, case_id: UUID, question: str, actor: str) -> None:
        self._change_case(office_id, case_id, lambda c, at: c.ask_clarification(question, actor, at))

    def forward_case(self, office_id: str, case_id: UUID, note: str, actor: str) -> None:
        parent = self._parent_of(office_id)

        def forward(c: EscalationCase, at: datetime) -> list[Aggregate]:
            c.forward_up(parent, note, actor, at)
            return [*self.documents_owed(c.case, parent, at)] if parent is not None else []

        self._change_case(office_id, case_id, forward)

    def pass_question_down(self, office_id: str, case_id: UUID, actor: str) -> None:
        self._change_case(office_id, case_id, lambda c, at: c.pass_question_down(actor, at))

    def clarify_case_upward(self, office_id: str, case_id: UUID, text: str, actor: str) -> None:
        self._change_case(office_id, case_id, lambda c, at: c.clarify_upward(text, actor, at))

    # Queries (one aggregate; the lists are read models).

    def get_case(self, office_id: str, case_id: UUID) -> CaseView:
        return _case_view(self.get_case_aggregate(office_id, case_id), self._parent_of(office_id) is not None)

    def get_case_aggregate(self, office_id: str, case_id: UUID) -> EscalationCase:
        case = self._load(case_id)
        if not isinstance(case, EscalationCase) or case.office_id != office_id:
            raise NotFound()
        return case

    def _parent_of(self, office_id: str) -> str | None:
        parent = OfficeId(office_id).parent
        return parent.value if parent else None

    def _change_consultation(
        self, office_id: str, consultation_id: UUID, change: Callable[[Consultation, datetime], list[Aggregate] | None]
    ) -> None:
        consultation = self._load(consultation_id)
        if not isinstance(consultation, Consultation) or consultation.office_id != office_id:
            raise NotFound()
        also = change(consultation, self.clock())  # records saved with it (the documents a forward makes owed)
        self._save(consultation, *(also or ()))

    def _change_case(self, office_id: str, case_id: UUID,
                     change: Callable[[EscalationCase, datetime], list[Aggregate] | None]) -> None:
        case = self.get_case_aggregate(office_id, case_id)
        also = change(case, self.clock())
        self._save(case, *(also or ()))


def _case_view(c: EscalationCase, has_office_above: bool) -> CaseView:
    f = c.case
    return CaseView(
        id=c.id, office_id=c.office_id, status=c.status, from_office=c.from_office,
        case=CaseFileView(f.origin_office, f.origin_id, f.channel, f.party, f.problem, f.restatement, f.opened_at,
                          list(f.notes), f.documents),
        down=hop_view(c.down), up=hop_view(c.up), accepted_by=c.accepted_by, question=c.question,
        question_from_above=c.question_from_above, clarifications=list(c.clarifications), answer=c.answer,
        clarifications_given=list(c.clarifications_given),
        received_at=c.created_on, updated_at=c.modified_on, version=c.version,
        next_steps=list(c.next_steps(has_office_above)),
    )
