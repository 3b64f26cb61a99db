"""The step runner: each step of the SOP script and of an escalated case, taken as the caller at the caller's office.
The API and the pages call the same step; the API answers with the record each step returns as it saved it (no
second load), a page renders or redirects."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.faq_values import Citation
from domain.values import Channel
from services.consultations import IdentityInput
from services.helpdesk import Helpdesk
from services.views import CaseView, ConsultationView, UserView


@dataclass(frozen=True)
class ConsultationSteps:
    """The consultation script (domain/script.py), one method per step, for one caller."""

    helpdesk: Helpdesk
    caller: UserView

    def consultation(self, consultation_id: UUID) -> ConsultationView:
        return self.helpdesk.get_consultation(self.caller.office_id, consultation_id)

    def open(self, channel: Channel, who: IdentityInput, arrived_at: datetime | None) -> UUID:
        return self.open_view(channel, who, arrived_at).id

    def open_view(self, channel: Channel, who: IdentityInput, arrived_at: datetime | None) -> ConsultationView:
        return self.helpdesk.open_consultation_view(self.caller.office_id, channel, who, self.caller.username,
                                                    arrived_at)

    def correct_identity(self, consultation_id: UUID, who: IdentityInput) -> ConsultationView:
        return self.helpdesk.correct_identity(self.caller.office_id, consultation_id, who, self.caller.username)

    def record_problem(self, consultation_id: UUID, text: str) -> ConsultationView:
        return self.helpdesk.record_problem(self.caller.office_id, consultation_id, text, self.caller.username)

    def restate_problem(self, consultation_id: UUID, text: str) -> ConsultationView:
        return self.helpdesk.restate_problem(self.caller.office_id, consultation_id, text, self.caller.username)

    def confirm_problem(self, consultation_id: UUID) -> ConsultationView:
        return self.helpdesk.confirm_problem(self.caller.office_id, consultation_id, self.caller.username)

    def correct_problem(self, consultation_id: UUID, text: str) -> ConsultationView:
        return self.helpdesk.correct_problem(self.caller.office_id, consultation_id, text, self.caller.username)

    def answer_problem(self, consultation_id: UUID, text: str, bases: list[tuple[str, str]],
                       faq: Sequence[UUID] = ()) -> ConsultationView:
        return self.helpdesk.answer_problem(self.caller.office_id, consultation_id, text, bases,
                                            self.caller.username, role=self.caller.role, faq=faq)

    def hand_to_commissioner(self, consultation_id: UUID, reason: str,
                             faq_shown: Sequence[Citation] = ()) -> ConsultationView:
        return self.helpdesk.hand_to_commissioner(self.caller.office_id, consultation_id, reason,
                                                  self.caller.username, faq_shown)

    def forward_up(self, consultation_id: UUID, note: str) -> None:
        self.helpdesk.forward_up(self.caller.office_id, consultation_id, note, self.caller.username)

    def clarify(self, consultation_id: UUID, text: str) -> None:
        self.helpdesk.clarify_consultation(self.caller.office_id, consultation_id, text, self.caller.username)

    def check_understanding(self, consultation_id: UUID, understood: bool) -> ConsultationView:
        return self.helpdesk.check_understanding(self.caller.office_id, consultation_id, understood,
                                                 self.caller.username)

    def repeat_answer(self, consultation_id: UUID, text: str | None) -> ConsultationView:
        return self.helpdesk.repeat_answer(self.caller.office_id, consultation_id, text, self.caller.username)

    def log_in_report(self, consultation_id: UUID) -> ConsultationView:
        return self.helpdesk.log_in_report(self.caller.office_id, consultation_id, self.caller.username)

    def attach_documentation(self, consultation_id: UUID, kind: str, storage_key: str, sha256: str
                             ) -> ConsultationView:
        return self.helpdesk.attach_documentation(self.caller.office_id, consultation_id, kind, storage_key, sha256,
                                                  self.caller.username)

    def close_consultation(self, consultation_id: UUID) -> ConsultationView:
        return self.helpdesk.close_consultation(self.caller.office_id, consultation_id, self.caller.username)


@dataclass(frozen=True)
class CaseSteps:
    """An escalated case's steps at this office (domain/escalation.py), for one caller."""

    helpdesk: Helpdesk
    caller: UserView

    def case(self, case_id: UUID) -> CaseView:
        return self.helpdesk.get_case(self.caller.office_id, case_id)

    def accept(self, case_id: UUID) -> None:
        self.helpdesk.accept_case(self.caller.office_id, case_id, self.caller.username)

    def answer(self, case_id: UUID, text: str, bases: list[tuple[str, str]], faq: Sequence[UUID] = ()) -> None:
        self.helpdesk.answer_case(self.caller.office_id, case_id, text, bases, self.caller.username, faq)

    def ask_clarification(self, case_id: UUID, question: str) -> None:
        self.helpdesk.ask_case_clarification(self.caller.office_id, case_id, question, self.caller.username)

    def forward(self, case_id: UUID, note: str) -> None:
        self.helpdesk.forward_case(self.caller.office_id, case_id, note, self.caller.username)

    def clarify_upward(self, case_id: UUID, text: str) -> None:
        self.helpdesk.clarify_case_upward(self.caller.office_id, case_id, text, self.caller.username)

    def pass_question_down(self, case_id: UUID) -> None:
        self.helpdesk.pass_question_down(self.caller.office_id, case_id, self.caller.username)
