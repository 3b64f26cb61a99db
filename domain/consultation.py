"""The Consultation aggregate: the SOP's consultation record, scripted per channel (domain/script.py).

identity → problem as heard → restated → confirmed (or corrected and restated again) → answered
with a cited basis (or handed to the commissioner) → understood? (repeat while not) → logged in the
helpdesk report → documentation → closed. E-mail and messaging may go from the problem to the answer and from
the answer to the report: the decree does not ask them to restate or to check understanding.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec
from eventsourcing.domain import Aggregate

from domain import errors
from domain.casefile import Answer, CaseFile, Note
from domain.evidence import Evidence
from domain.faq_values import FaqSearch
from domain.hops import Hop
from domain.outgoing import mask_contacts
from domain.script import AWAY, BEFORE_CONFIRMATION, BEFORE_RECORDING, Status, next_steps, script_of
from domain.values import Basis, Channel, Documentation, Identity, clean_text


class Consultation(Aggregate):
    """One consultation of a party's representative at one office."""

    class Opened(Aggregate.Created):
        office_id: str
        channel: Channel
        identity: Identity
        actor: str
        # When the consultee arrived (a walk-in's queue ticket, an e-mail's receipt); None: at the opening.
        arrived_at: datetime | None = None

    class IdentityCorrected(Aggregate.Event):
        identity: Identity
        actor: str

        def apply(self, aggregate: Consultation) -> None:
            aggregate.identity = self.identity

    class ProblemRecorded(Aggregate.Event):
        text: str
        actor: str

        def apply(self, aggregate: Consultation) -> None:
            aggregate.problem = self.text
            aggregate.status = Status.PROBLEM_RECORDED

    class ProblemRestated(Aggregate.Event):
        text: str
        actor: str

        def apply(self, aggregate: Consultation) -> None:
            aggregate.restatement = self.text
            aggregate.status = Status.PROBLEM_RESTATED

    class ProblemCorrected(Aggregate.Event):
        """The consultee said the restatement was not what they meant, and said it again."""

        text: str
        actor: str

        def apply(self, aggregate: Consultation) -> None:
            aggregate.problem = self.text
            aggregate.restatement = None
            aggregate.corrections += 1
            aggregate.status = Status.PROBLEM_RECORDED

    class ProblemConfirmed(Aggregate.Event):
        actor: str

        def apply(self, aggregate: Consultation) -> None:
            aggregate.status = Status.PROBLEM_CONFIRMED

    class Answered(Aggregate.Event):
        text: str
        bases: tuple[Basis, ...]
        actor: str

        def apply(self, aggregate: Consultation) -> None:
            aggregate.answer = self.text
            aggregate.bases = self.bases
            aggregate.answered_by = self.actor
            aggregate.status = Status.ANSWERED

    class HandedToCommissioner(Aggregate.Event):
        """The FAQ does not cover it: the desk reports it to the office's Anggota KPU."""

        reason: str
        actor: str
        faq: FaqSearch | None = None  # what the FAQ showed for the problem (None: recorded before issue 15)

        def apply(self, aggregate: Consultation) -> None:
            aggregate.handover_reason = self.reason
            aggregate.handover_faq = self.faq
            aggregate.handed_over_by = self.actor
            aggregate.handed_over_at = self.timestamp
            aggregate.status = Status.WITH_COMMISSIONER

    class ForwardedUp(Aggregate.Event):
        """The commissioner could not settle it: sent to the provincial helpdesk with a note.

        `case` is the case file exactly as it leaves (contact data masked); the office keeps its full texts in the
        events that recorded them, and the commissioner's note as typed in `own_note` (None: masking changed nothing).
        """

        hop: Hop
        case: CaseFile
        actor: str
        own_note: str | None = None

        def apply(self, aggregate: Consultation) -> None:
            aggregate.up = self.hop
            aggregate.case = self.case
            aggregate.status = Status.ESCALATED

    class UpHopProgressed(Aggregate.Event):
        """The office above received or accepted the case (its own times, carried in a message)."""

        hop: Hop

        def apply(self, aggregate: Consultation) -> None:
            aggregate.up = self.hop

    class ClarificationRequested(Aggregate.Event):
        question: str
        asked_by: str

        def apply(self, aggregate: Consultation) -> None:
            aggregate.clarification_question = self.question
            aggregate.status = Status.CLARIFICATION_REQUESTED

    class ClarificationGiven(Aggregate.Event):
        """`text` as it leaves (contact data masked); `own_text` as the desk typed it, when masking changed it."""

        text: str
        actor: str
        own_text: str | None = None

        def apply(self, aggregate: Consultation) -> None:
            aggregate.clarifications = (*aggregate.clarifications, self.own_text or self.text)
            aggregate.clarification_question = None
            aggregate.status = Status.ESCALATED

    class AnswerArrived(Aggregate.Event):
        """The answer of an office above reached the origin; the desk goes on with the script."""

        answer: Answer
        hop: Hop

        def apply(self, aggregate: Consultation) -> None:
            aggregate.up = self.hop
            aggregate.answer = self.answer.text
            aggregate.bases = self.answer.bases
            aggregate.answered_by = f"{self.answer.author} ({self.answer.office})"
            aggregate.status = Status.ANSWERED

    class UnderstandingConfirmed(Aggregate.Event):
        actor: str

        def apply(self, aggregate: Consultation) -> None:
            aggregate.status = Status.UNDERSTOOD

    class NotUnderstood(Aggregate.Event):
        actor: str

        def apply(self, aggregate: Consultation) -> None:
            aggregate.status = Status.NOT_UNDERSTOOD

    class AnswerRepeated(Aggregate.Event):
        text: str
        actor: str

        def apply(self, aggregate: Consultation) -> None:
            aggregate.repeats += 1
            aggregate.status = Status.ANSWERED

    class LoggedInReport(Aggregate.Event):
        actor: str

        def apply(self, aggregate: Consultation) -> None:
            aggregate.logged_by = self.actor
            aggregate.status = Status.LOGGED

    class DocumentationAttached(Aggregate.Event):
        documentation: Documentation
        actor: str

        def apply(self, aggregate: Consultation) -> None:
            aggregate.documentation = (*aggregate.documentation, self.documentation)

    class Closed(Aggregate.Event):
        actor: str

        def apply(self, aggregate: Consultation) -> None:
            aggregate.status = Status.CLOSED

    def __init__(
        self, office_id: str, channel: Channel, identity: Identity, actor: str, arrived_at: datetime | None = None
    ) -> None:
        self.office_id = office_id
        self.arrived_at = arrived_at
        self.channel = channel
        self.identity = identity
        self.opened_by = actor
        self.status = Status.OPENED
        self.problem: str | None = None
        self.restatement: str | None = None
        self.corrections = 0
        self.answer: str | None = None
        self.bases: tuple[Basis, ...] = ()
        self.answered_by: str | None = None
        self.handover_reason: str | None = None
        self.handover_faq: FaqSearch | None = None
        self.handed_over_by: str | None = None
        self.handed_over_at: datetime | None = None
        self.repeats = 0
        self.logged_by: str | None = None
        self.documentation: tuple[Documentation, ...] = ()
        self.up: Hop | None = None
        self.case: CaseFile | None = None
        self.clarification_question: str | None = None
        self.clarifications: tuple[str, ...] = ()

    @classmethod
    def open(
        cls, *, id: UUID, office_id: str, channel: Channel, identity: Identity, actor: str, at: datetime,
        arrived_at: datetime | None = None,
    ) -> Consultation:
        # An arrival "after" the opening is a skewed clock: the consultee arrived when the desk opened it.
        arrived = arrived_at if arrived_at is not None and arrived_at < at else None
        return cls._create(
            cls.Opened, id=id, timestamp=at, office_id=office_id, channel=channel, identity=identity, actor=actor,
            arrived_at=arrived,
        )

    # Commands, in the order of the script.

    def correct_identity(self, identity: Identity, actor: str, at: datetime) -> None:
        self._check_open()
        self.trigger_event(self.IdentityCorrected, timestamp=at, identity=identity, actor=actor)

    def record_problem(self, text: str, actor: str, at: datetime) -> None:
        self._check_open()
        if self.status is not Status.OPENED:
            raise errors.ProblemAlreadyRecorded()
        self.trigger_event(self.ProblemRecorded, timestamp=at, text=clean_text(text, "text"), actor=actor)

    def restate_problem(self, text: str, actor: str, at: datetime) -> None:
        self._check_open()
        self._check_problem_stage()
        if self.status is Status.OPENED:
            raise errors.ProblemNotRecorded()
        self.trigger_event(self.ProblemRestated, timestamp=at, text=clean_text(text, "text"), actor=actor)

    def confirm_problem(self, actor: str, at: datetime) -> None:
        self._check_open()
        self._check_problem_stage()
        if self.status is not Status.PROBLEM_RESTATED:
            raise errors.RestatementMissing()
        self.trigger_event(self.ProblemConfirmed, timestamp=at, actor=actor)

    def correct_problem(self, text: str, actor: str, at: datetime) -> None:
        self._check_open()
        self._check_problem_stage()
        if self.status is not Status.PROBLEM_RESTATED:
            raise errors.RestatementMissing()
        self.trigger_event(self.ProblemCorrected, timestamp=at, text=clean_text(text, "text"), actor=actor)

    def answer_problem(self, text: str, bases: tuple[Basis, ...], actor: str, at: datetime) -> None:
        self._check_open()
        self._check_answerable()
        if not bases:
            raise errors.BasisRequired(field="bases")
        self.trigger_event(self.Answered, timestamp=at, text=clean_text(text, "text"), bases=bases, actor=actor)

    def hand_to_commissioner(self, reason: str, actor: str, at: datetime, faq: FaqSearch | None = None) -> None:
        self._check_open()
        if self.status is Status.WITH_COMMISSIONER or self.status in AWAY:
            raise errors.AlreadyEscalated()
        if self.status in BEFORE_RECORDING:
            raise errors.ProblemNotRecorded()
        if self.status in self._before_answerable:
            raise errors.EscalationBeforeConfirmation()
        if self.status not in BEFORE_CONFIRMATION | {Status.PROBLEM_CONFIRMED}:
            raise errors.AlreadyAnswered()
        self.trigger_event(
            self.HandedToCommissioner, timestamp=at, reason=clean_text(reason, "reason"), actor=actor,
            faq=faq or FaqSearch(),
        )

    def forward_up(self, parent_office: str | None, note: str, actor: str, at: datetime,
                   evidence: tuple[Evidence, ...] = ()) -> None:
        """The commissioner sends what the desk handed over to the office above (the province), with the documents
        that may travel (`evidence`, domain/evidence.py)."""
        self._check_open()
        if parent_office is None:
            raise errors.NoOfficeAbove()
        if self.status in (Status.ESCALATED, Status.CLARIFICATION_REQUESTED):
            raise errors.AlreadyEscalated()
        if self.status is not Status.WITH_COMMISSIONER:
            raise errors.NotWithCommissioner()
        note = clean_text(note, "note")
        handover = Note(self.office_id, self.handed_over_by or actor, self.handover_reason or "",
                        self.handed_over_at or at)
        case = CaseFile(
            origin_office=self.office_id,
            origin_id=self.id,
            channel=self.channel,
            party=self.identity.party,
            problem=self.problem or "",
            restatement=self.restatement or "",
            opened_at=self.created_on,
            notes=(handover, Note(self.office_id, actor, note, at)),
            evidence=evidence or msgspec.UNSET,
        )
        hop = Hop(lower_office=self.office_id, upper_office=parent_office, sent_at=at)
        # Contact data written into any of its texts stays here (domain/outgoing.py).
        sent = case.masked()
        own_note = note if sent.notes[-1].text != note else None
        self.trigger_event(self.ForwardedUp, timestamp=at, hop=hop, case=sent, actor=actor, own_note=own_note)

    def note_up_hop(self, hop: Hop, at: datetime) -> None:
        """Records the office above's progress; a message arriving late never moves the hop back."""
        if not hop.is_ahead_of(self.up):
            return
        self.trigger_event(self.UpHopProgressed, timestamp=at, hop=hop)

    def request_clarification(self, question: str, asked_by: str, at: datetime) -> None:
        self._check_open()
        if self.status is not Status.ESCALATED:
            raise errors.NotEscalated()
        self.trigger_event(self.ClarificationRequested, timestamp=at, question=question, asked_by=asked_by)

    def clarify(self, text: str, actor: str, at: datetime) -> None:
        self._check_open()
        if self.status is not Status.CLARIFICATION_REQUESTED:
            raise errors.NoClarificationRequested()
        text = clean_text(text, "text")
        sent = mask_contacts(text)
        self.trigger_event(self.ClarificationGiven, timestamp=at, text=sent, actor=actor,
                           own_text=text if sent != text else None)

    def receive_answer(self, answer: Answer, at: datetime) -> None:
        """The answer from above arrives; the hop is returned at this moment."""
        if self.status not in (Status.ESCALATED, Status.CLARIFICATION_REQUESTED) or self.up is None:
            raise errors.NotEscalated()
        hop = self.up.answered(f"{answer.author} ({answer.office})", answer.at).returned(at)
        self.trigger_event(self.AnswerArrived, timestamp=at, answer=answer, hop=hop)

    def check_understanding(self, understood: bool, actor: str, at: datetime) -> None:
        self._check_open()
        if self.status is Status.NOT_UNDERSTOOD:
            raise errors.AwaitingRepeat()
        if self.status is not Status.ANSWERED:
            raise errors.NotAnswered()
        event = self.UnderstandingConfirmed if understood else self.NotUnderstood
        self.trigger_event(event, timestamp=at, actor=actor)

    def repeat_answer(self, text: str | None, actor: str, at: datetime) -> None:
        """Repeats the answer (as given, or explained anew) after the consultee did not understand."""
        self._check_open()
        if self.status is not Status.NOT_UNDERSTOOD:
            raise errors.RepeatNotNeeded()
        repeated = clean_text(text, "text") if text and text.strip() else (self.answer or "")
        self.trigger_event(self.AnswerRepeated, timestamp=at, text=repeated, actor=actor)

    def log_in_report(self, actor: str, at: datetime) -> None:
        self._check_open()
        if self.status is Status.LOGGED:
            raise errors.AlreadyLogged()
        understood = self.status is Status.UNDERSTOOD
        answered = self.status is Status.ANSWERED and not script_of(self.channel).understanding_required
        if not (understood or answered):
            raise errors.NotUnderstoodYet()
        self.trigger_event(self.LoggedInReport, timestamp=at, actor=actor)

    def attach_documentation(self, documentation: Documentation, actor: str, at: datetime) -> None:
        self._check_open()
        self.trigger_event(self.DocumentationAttached, timestamp=at, documentation=documentation, actor=actor)

    def close_consultation(self, actor: str, at: datetime) -> None:
        self._check_open()
        if self.status is not Status.LOGGED:
            raise errors.NotLogged()
        if self.needs_documentation:
            raise errors.DocumentationRequired(channel=self.channel.value)
        self.trigger_event(self.Closed, timestamp=at, actor=actor)

    @property
    def next_steps(self) -> tuple[str, ...]:
        """The commands the script allows now, for a screen to offer (documentation: any time before closing)."""
        return self.steps_open(has_office_above=True)

    def steps_open(self, has_office_above: bool) -> tuple[str, ...]:
        """The commands the script allows now at an office with (or, the centre, without) an office above."""
        if self.status is Status.CLOSED:
            return ()
        steps = next_steps(self.status, self.channel)
        if not has_office_above:
            steps = tuple(step for step in steps if step != "forward_up")
        if self.status is Status.LOGGED and self.needs_documentation:
            steps = ()  # closing waits for the photo or the recording
        return (*steps, "attach_documentation")

    @property
    def needs_documentation(self) -> bool:
        """The channel asks for a stored recording, screenshot or photo, and none is attached yet."""
        return script_of(self.channel).documentation_required and not self.documentation

    @property
    def _before_answerable(self) -> frozenset[Status]:
        """The statuses at which the problem may not be answered or handed over yet on this channel."""
        return BEFORE_CONFIRMATION if script_of(self.channel).restatement_required else BEFORE_RECORDING

    # Invariants.

    def _check_open(self) -> None:
        if self.status is Status.CLOSED:
            raise errors.AlreadyClosed()

    def _check_problem_stage(self) -> None:
        if self.status not in BEFORE_CONFIRMATION:
            raise errors.ProblemAlreadyConfirmed()

    def _check_answerable(self) -> None:
        if self.status in BEFORE_RECORDING:
            raise errors.ProblemNotRecorded()
        if self.status in self._before_answerable:
            raise errors.AnswerBeforeConfirmation()
        if self.status in AWAY:
            raise errors.AlreadyEscalated()
        if self.status not in BEFORE_CONFIRMATION | {Status.PROBLEM_CONFIRMED, Status.WITH_COMMISSIONER}:
            raise errors.AlreadyAnswered()
