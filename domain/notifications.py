"""Notifications: which events tell whom that work has arrived (REGISTRY), which later events settle what waited
(SETTLES), what the read model learns of a consultation or case to word and address them (SUBJECTS), and each staff
member's own choices of what reaches them outside the app (NotificationSettings).

Another part adds its event with one entry: `@notifies(Incident.Reported)` over a function from the event to a
Notice. The words are catalogue codes filled with the consultation number, the channel, the step or an office id:
a consultee's name, phone or e-mail is never in a notice (it may leave the office by e-mail or Telegram).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec
from eventsourcing.domain import Aggregate

from domain.consultation import Consultation
from domain.escalation import EscalationCase
from domain.notification_values import Choices, Kind, Notice, Subject, ToHandler, ToRoles
from domain.roles import Role
from domain.sop import Level
from domain.sop_clock import SopClock

E = TypeVar("E")
NoticeOf = Callable[[Any], Notice | None]

# Event class -> what it tells whom (None: this one tells nobody, e.g. a clock's first warning).
REGISTRY: dict[type, NoticeOf] = {}


def notifies(*event_classes: type) -> Callable[[NoticeOf], NoticeOf]:
    """Registers a function as the notice of each of `event_classes`: the one entry a new kind needs."""

    def register(function: NoticeOf) -> NoticeOf:
        for event_class in event_classes:
            if event_class in REGISTRY:
                raise ValueError(f"{event_class.__qualname__} already notifies")
            REGISTRY[event_class] = function
        return function

    return register


def notice_of(event: Any) -> Notice | None:
    """What `event` tells, or None when its class tells nobody."""
    function = REGISTRY.get(type(event))
    return function(event) if function is not None else None


def number_of(record_id: UUID) -> str:
    """How the staff know a consultation (and the cases made of it): "HD-" and the first eight hex digits of its id,
    as mail subjects carry it (domain/mail.py)."""
    return f"HD-{record_id.hex[:8]}"


COMMISSIONERS = frozenset({Role.ANGGOTA_KPU})
# Who picks up a case or a question when its handler is unknown or gone: the commissioner decides, the Koordinator
# Harian runs the day.
CASE_KEEPERS = frozenset({Role.ANGGOTA_KPU, Role.KOORDINATOR_HARIAN})
DESK = frozenset({Role.KOORDINATOR_HARIAN, Role.ANGGOTA_HELPDESK})


@notifies(Consultation.HandedToCommissioner)
def _handover(event: Consultation.HandedToCommissioner) -> Notice:
    return Notice(kind=Kind.HANDOVER_WAITING, recipients=ToRoles(COMMISSIONERS), subject=Subject.CONSULTATION,
                  subject_id=event.originator_id, number=number_of(event.originator_id), code="notice_handover_waiting")


@notifies(EscalationCase.Received)
def _case_received(event: EscalationCase.Received) -> Notice:
    return Notice(kind=Kind.CASE_RECEIVED, recipients=ToRoles(CASE_KEEPERS), subject=Subject.CASE,
                  subject_id=event.originator_id, number=number_of(event.case.origin_id), code="notice_case_received",
                  values={"channel": event.case.channel.value, "office": event.down.lower_office})


@notifies(Consultation.ClarificationRequested)
def _clarification_asked_of_origin(event: Consultation.ClarificationRequested) -> Notice:
    # The desk member who handed it over knows the consultee and can ask them.
    return Notice(kind=Kind.CLARIFICATION_ASKED, recipients=ToHandler(COMMISSIONERS | DESK),
                  subject=Subject.CONSULTATION, subject_id=event.originator_id, number=number_of(event.originator_id),
                  code="notice_clarification_asked")


@notifies(EscalationCase.ClarificationAskedFromAbove)
def _clarification_asked_of_case(event: EscalationCase.ClarificationAskedFromAbove) -> Notice:
    return Notice(kind=Kind.CLARIFICATION_ASKED, recipients=ToHandler(CASE_KEEPERS), subject=Subject.CASE,
                  subject_id=event.originator_id, number="", code="notice_clarification_asked")


@notifies(EscalationCase.ClarificationReceived)
def _clarification_answered(event: EscalationCase.ClarificationReceived) -> Notice:
    return Notice(kind=Kind.CLARIFICATION_ANSWERED, recipients=ToHandler(CASE_KEEPERS), subject=Subject.CASE,
                  subject_id=event.originator_id, number="", code="notice_clarification_answered")


@notifies(Consultation.AnswerArrived)
def _answer_returned(event: Consultation.AnswerArrived) -> Notice:
    return Notice(kind=Kind.ANSWER_RETURNED, recipients=ToHandler(DESK), subject=Subject.CONSULTATION,
                  subject_id=event.originator_id, number=number_of(event.originator_id),
                  code="notice_answer_returned", values={"office": event.answer.office})


@notifies(SopClock.ThresholdReached)
def _near_breach(event: SopClock.ThresholdReached) -> Notice | None:
    # Three quarters of the standard gone: still time to act. The breach itself is the dashboard's and the
    # coordinators' business, not a nudge.
    if event.level is not Level.WARNING_75:
        return None
    return Notice(kind=Kind.NEAR_BREACH, recipients=ToHandler(frozenset({Role.KOORDINATOR_HARIAN})),
                  subject=Subject.CONSULTATION, subject_id=event.consultation_id,
                  number=number_of(event.consultation_id), code="notice_near_breach",
                  values={"step": str(event.step.index)})


# Later events that settle what waited on the same consultation or case: the notice stays in the list (read or
# not) but no longer counts as waiting.
_STEPS_TAKEN = (Kind.NEAR_BREACH,)
SETTLES: dict[type, tuple[Kind, ...]] = {
    Consultation.ProblemRecorded: _STEPS_TAKEN,
    Consultation.ProblemConfirmed: _STEPS_TAKEN,
    Consultation.Answered: (Kind.HANDOVER_WAITING, *_STEPS_TAKEN),
    Consultation.HandedToCommissioner: _STEPS_TAKEN,
    Consultation.ForwardedUp: (Kind.HANDOVER_WAITING,),
    Consultation.ClarificationGiven: (Kind.CLARIFICATION_ASKED,),
    Consultation.UnderstandingConfirmed: (Kind.ANSWER_RETURNED, *_STEPS_TAKEN),
    Consultation.NotUnderstood: (Kind.ANSWER_RETURNED,),
    Consultation.LoggedInReport: (Kind.ANSWER_RETURNED, *_STEPS_TAKEN),
    Consultation.DocumentationAttached: _STEPS_TAKEN,
    Consultation.Closed: (Kind.HANDOVER_WAITING, Kind.ANSWER_RETURNED, Kind.CLARIFICATION_ASKED, *_STEPS_TAKEN),
    EscalationCase.Accepted: (Kind.CASE_RECEIVED,),
    EscalationCase.Forwarded: (Kind.CASE_RECEIVED, Kind.CLARIFICATION_ANSWERED),
    EscalationCase.Answered: (Kind.CASE_RECEIVED, Kind.CLARIFICATION_ANSWERED),
    EscalationCase.ClarificationAsked: (Kind.CLARIFICATION_ANSWERED,),
    EscalationCase.ClarifiedUpward: (Kind.CLARIFICATION_ASKED,),
    EscalationCase.QuestionPassedDown: (Kind.CLARIFICATION_ASKED,),
}


def settled_by(event: Any) -> tuple[UUID, tuple[Kind, ...]] | None:
    kinds = SETTLES.get(type(event))
    return (event.originator_id, kinds) if kinds else None


class SubjectNote(msgspec.Struct, frozen=True):
    """What an event says of its consultation or case that later notices need: its number and channel, and who
    handles it now (who waits for what comes back)."""

    subject_id: UUID
    number: str | None = None
    channel: str | None = None
    handler: str | None = None


SUBJECTS: dict[type, Callable[[Any], SubjectNote]] = {
    Consultation.Opened: lambda e: SubjectNote(e.originator_id, number_of(e.originator_id), e.channel.value, e.actor),
    # Whoever handed it over waits for the commissioner's or the province's answer.
    Consultation.HandedToCommissioner: lambda e: SubjectNote(e.originator_id, handler=e.actor),
    EscalationCase.Received: lambda e: SubjectNote(e.originator_id, number_of(e.case.origin_id),
                                                   e.case.channel.value),
    EscalationCase.Accepted: lambda e: SubjectNote(e.originator_id, handler=e.actor),
}


def subject_note(event: Any) -> SubjectNote | None:
    function = SUBJECTS.get(type(event))
    return function(event) if function is not None else None


def settings_id(username: str) -> UUID:
    """One settings record per account, found from its username wherever it is computed."""
    return uuid5(NAMESPACE_URL, f"helpdesk-sipol:notification-settings:{username}")


class NotificationSettings(Aggregate):
    """A staff member's own choices of what reaches them outside the app (their address, their Telegram chat)."""

    class Started(Aggregate.Created):
        username: str

    class Chosen(Aggregate.Event):
        username: str  # whose choices (the read model keys them by it)
        choices: Choices
        actor: str

        def apply(self, aggregate: NotificationSettings) -> None:
            aggregate.choices = self.choices

    def __init__(self, username: str) -> None:
        self.username = username
        self.choices = Choices()

    @classmethod
    def start(cls, username: str, at: datetime) -> NotificationSettings:
        return cls._create(cls.Started, id=settings_id(username), timestamp=at, username=username)

    def choose(self, choices: Choices, actor: str, at: datetime) -> bool:
        """Records the choices; False (nothing recorded) when they are the ones already held."""
        if choices == self.choices:
            return False
        self.trigger_event(self.Chosen, timestamp=at, username=self.username, choices=choices, actor=actor)
        return True
