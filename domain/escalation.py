"""The EscalationCase aggregate: a question another office sent up, held by the office that received it.

received → accepted (a named person) → answered here, or forwarded to the office above, or sent back
down with a question (clarification) → the answer returns down; the hop is returned when the office
below confirms it applied the answer. Its id derives from the origin consultation (casefile.case_id).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import msgspec
from eventsourcing.domain import Aggregate

from domain import errors
from domain.casefile import Answer, CaseFile, Note, case_id
from domain.hops import Hop
from domain.outgoing import mask_contacts
from domain.values import Basis, clean_text


class CaseStatus(StrEnum):
    RECEIVED = "received"
    ACCEPTED = "accepted"
    CLARIFICATION_REQUESTED = "clarification_requested"  # asked the office below
    FORWARDED = "forwarded"  # sent to the office above, waiting
    CLARIFICATION_FROM_ABOVE = "clarification_from_above"  # the office above asked us
    QUESTION_PASSED_DOWN = "question_passed_down"  # we asked the office below what the one above asked us
    ANSWERED = "answered"  # an answer went down, waiting for the office below to confirm it
    RETURNED = "returned"  # the office below applied the answer: done here


class EscalationCase(Aggregate):
    class Received(Aggregate.Created):
        office_id: str
        case: CaseFile
        down: Hop

    class Accepted(Aggregate.Event):
        actor: str

        def apply(self, aggregate: EscalationCase) -> None:
            aggregate.down = aggregate.down.accepted(self.actor, self.timestamp)
            aggregate.accepted_by = self.actor
            aggregate.status = CaseStatus.ACCEPTED

    class ClarificationAsked(Aggregate.Event):
        """`question` as it leaves (contact data masked); `own_question` as typed, when masking changed it."""

        question: str
        actor: str
        own_question: str | None = None

        def apply(self, aggregate: EscalationCase) -> None:
            aggregate.question = self.own_question or self.question
            aggregate.status = CaseStatus.CLARIFICATION_REQUESTED

    class ClarificationReceived(Aggregate.Event):
        text: str

        def apply(self, aggregate: EscalationCase) -> None:
            aggregate.clarifications = (*aggregate.clarifications, self.text)
            aggregate.question = None
            # An answer to a question passed down goes back to the officer, who passes it up.
            passed_down = aggregate.status is CaseStatus.QUESTION_PASSED_DOWN
            aggregate.status = CaseStatus.CLARIFICATION_FROM_ABOVE if passed_down else CaseStatus.ACCEPTED

    class QuestionPassedDown(Aggregate.Event):
        question: str
        actor: str

        def apply(self, aggregate: EscalationCase) -> None:
            aggregate.question = self.question
            aggregate.status = CaseStatus.QUESTION_PASSED_DOWN

    class Forwarded(Aggregate.Event):
        """`case` exactly as it leaves (contact data masked); this office's note as typed in `own_note`, when masking
        changed it."""

        hop: Hop
        case: CaseFile
        actor: str
        own_note: str | None = None

        def apply(self, aggregate: EscalationCase) -> None:
            aggregate.up = self.hop
            aggregate.case = self.case
            aggregate.status = CaseStatus.FORWARDED

    class UpHopProgressed(Aggregate.Event):
        hop: Hop

        def apply(self, aggregate: EscalationCase) -> None:
            aggregate.up = self.hop

    class ClarificationAskedFromAbove(Aggregate.Event):
        question: str
        asked_by: str

        def apply(self, aggregate: EscalationCase) -> None:
            aggregate.question_from_above = self.question
            aggregate.status = CaseStatus.CLARIFICATION_FROM_ABOVE

    class ClarifiedUpward(Aggregate.Event):
        """`text` as it leaves (contact data masked); `own_text` as typed, when masking changed it."""

        text: str
        actor: str
        own_text: str | None = None

        def apply(self, aggregate: EscalationCase) -> None:
            aggregate.question_from_above = None
            aggregate.clarifications_given = (*aggregate.clarifications_given, self.own_text or self.text)
            aggregate.status = CaseStatus.FORWARDED

    class Answered(Aggregate.Event):
        """Answered here, or the answer from above passed on: either way it goes down now, contact data masked;
        `own_text` is the answer as typed here, when masking changed it."""

        answer: Answer
        up: Hop | None
        own_text: str | None = None

        def apply(self, aggregate: EscalationCase) -> None:
            own = self.own_text
            aggregate.answer = self.answer if own is None else msgspec.structs.replace(self.answer, text=own)
            aggregate.up = self.up
            aggregate.down = aggregate.down.answered(f"{self.answer.author} ({self.answer.office})", self.answer.at)
            aggregate.status = CaseStatus.ANSWERED

    class ReturnConfirmed(Aggregate.Event):
        returned_at: datetime

        def apply(self, aggregate: EscalationCase) -> None:
            aggregate.down = aggregate.down.returned(self.returned_at)
            aggregate.status = CaseStatus.RETURNED

    def __init__(self, office_id: str, case: CaseFile, down: Hop) -> None:
        self.office_id = office_id
        self.case = case
        self.down = down
        self.up: Hop | None = None
        self.status = CaseStatus.RECEIVED
        self.accepted_by: str | None = None
        self.question: str | None = None
        self.question_from_above: str | None = None
        self.clarifications: tuple[str, ...] = ()  # received from the office below
        self.clarifications_given: tuple[str, ...] = ()  # given to the office above
        self.answer: Answer | None = None

    @property
    def from_office(self) -> str:
        return self.down.lower_office

    @classmethod
    def receive(cls, *, office_id: str, case: CaseFile, from_office: str, sent_at: datetime, at: datetime
                ) -> EscalationCase:
        down = Hop(lower_office=from_office, upper_office=office_id, sent_at=sent_at, received_at=at)
        return cls._create(cls.Received, id=case_id(case.origin_office, case.origin_id), timestamp=at,
                           office_id=office_id, case=case, down=down)

    def accept(self, actor: str, at: datetime) -> None:
        self._check_not_done()
        if self.status is not CaseStatus.RECEIVED:
            raise errors.CaseAlreadyAccepted()
        self.trigger_event(self.Accepted, timestamp=at, actor=actor)

    def ask_clarification(self, question: str, actor: str, at: datetime) -> None:
        self._check_accepted()
        question = clean_text(question, "question")
        sent = mask_contacts(question)
        self.trigger_event(self.ClarificationAsked, timestamp=at, question=sent, actor=actor,
                           own_question=_unless_same(question, sent))

    def receive_clarification(self, text: str, at: datetime) -> None:
        if self.status not in (CaseStatus.CLARIFICATION_REQUESTED, CaseStatus.QUESTION_PASSED_DOWN):
            raise errors.NoClarificationRequested()
        self.trigger_event(self.ClarificationReceived, timestamp=at, text=text)

    def answer_here(self, text: str, bases: tuple[Basis, ...], actor: str, at: datetime) -> None:
        self._check_accepted()
        if not bases:
            raise errors.BasisRequired(field="bases")
        answer = Answer(clean_text(text, "text"), bases, self.office_id, actor, at)
        sent = answer.masked()
        self.trigger_event(self.Answered, timestamp=at, answer=sent, up=self.up,
                           own_text=_unless_same(answer.text, sent.text))

    def forward_up(self, parent_office: str | None, note: str, actor: str, at: datetime) -> None:
        self._check_accepted()
        if parent_office is None:
            raise errors.NoOfficeAbove()
        note = clean_text(note, "note")
        # Masked whole, not only the new note: a case from a node that did not mask yet is masked here.
        sent = self.case.with_note(Note(self.office_id, actor, note, at)).masked()
        hop = Hop(lower_office=self.office_id, upper_office=parent_office, sent_at=at)
        self.trigger_event(self.Forwarded, timestamp=at, hop=hop, case=sent, actor=actor,
                           own_note=_unless_same(note, sent.notes[-1].text))

    def note_up_hop(self, hop: Hop, at: datetime) -> None:
        if not hop.is_ahead_of(self.up):
            return
        self.trigger_event(self.UpHopProgressed, timestamp=at, hop=hop)

    def clarification_from_above(self, question: str, asked_by: str, at: datetime) -> None:
        if self.status is not CaseStatus.FORWARDED:
            raise errors.NotEscalated()
        self.trigger_event(self.ClarificationAskedFromAbove, timestamp=at, question=question, asked_by=asked_by)

    def pass_question_down(self, actor: str, at: datetime) -> None:
        """Only the origin can say: the question from above goes on to the office below, as it was asked."""
        if self.status is not CaseStatus.CLARIFICATION_FROM_ABOVE or self.question_from_above is None:
            raise errors.NoClarificationRequested()
        self.trigger_event(self.QuestionPassedDown, timestamp=at, question=mask_contacts(self.question_from_above),
                           actor=actor)

    def clarify_upward(self, text: str, actor: str, at: datetime) -> None:
        if self.status is not CaseStatus.CLARIFICATION_FROM_ABOVE:
            raise errors.NoClarificationRequested()
        text = clean_text(text, "text")
        sent = mask_contacts(text)
        self.trigger_event(self.ClarifiedUpward, timestamp=at, text=sent, actor=actor,
                           own_text=_unless_same(text, sent))

    def receive_answer_from_above(self, answer: Answer, at: datetime) -> None:
        """The office above answered: the answer is passed straight down (the hop above is returned now)."""
        if self.status not in _AWAY or self.up is None:
            raise errors.NotEscalated()
        up = self.up.answered(f"{answer.author} ({answer.office})", answer.at).returned(at)
        self.trigger_event(self.Answered, timestamp=at, answer=answer.masked(), up=up)

    def confirm_returned(self, returned_at: datetime, at: datetime) -> None:
        if self.status is not CaseStatus.ANSWERED:
            return  # a repeated confirmation changes nothing
        self.trigger_event(self.ReturnConfirmed, timestamp=at, returned_at=returned_at)

    def next_steps(self, has_office_above: bool) -> tuple[str, ...]:
        """The commands the case allows now, for a screen to offer (every one needs Permission.HANDLE_CASES)."""
        steps = CASE_STEPS[self.status]
        if not has_office_above:
            steps = tuple(step for step in steps if step != "forward_up")  # the centre answers itself
        if self.question_from_above is None:
            steps = tuple(step for step in steps if step != "pass_question_down")
        return steps

    def _check_not_done(self) -> None:
        if self.status in (CaseStatus.ANSWERED, CaseStatus.RETURNED):
            raise errors.CaseClosed()

    def _check_accepted(self) -> None:
        self._check_not_done()
        if self.status is CaseStatus.RECEIVED:
            raise errors.CaseNotAccepted()
        if self.status is CaseStatus.CLARIFICATION_REQUESTED:
            raise errors.AwaitingClarification()
        if self.status is not CaseStatus.ACCEPTED:
            raise errors.AlreadyEscalated()


def _unless_same(typed: str, sent: str) -> str | None:
    """What the office keeps beside the text that left: the typed text, or None when masking changed nothing."""
    return typed if typed != sent else None


# Sent to the office above and not yet answered from there.
_AWAY = (CaseStatus.FORWARDED, CaseStatus.CLARIFICATION_FROM_ABOVE, CaseStatus.QUESTION_PASSED_DOWN)

# What each status of a case allows, in the order a screen shows them.
CASE_STEPS: dict[CaseStatus, tuple[str, ...]] = {
    CaseStatus.RECEIVED: ("accept",),
    CaseStatus.ACCEPTED: ("answer_here", "ask_clarification", "forward_up"),
    CaseStatus.CLARIFICATION_REQUESTED: (),
    CaseStatus.FORWARDED: (),
    CaseStatus.CLARIFICATION_FROM_ABOVE: ("clarify_upward", "pass_question_down"),
    CaseStatus.QUESTION_PASSED_DOWN: (),
    CaseStatus.ANSWERED: (),
    CaseStatus.RETURNED: (),
}
