"""What this office's events say to other offices: one registry entry per event class, naming to whom it speaks and
with which body. A new message type is one entry here, one in services/inbound.py, and its domain method."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any, TypeVar

from eventsourcing.utils import get_topic

from domain.consultation import Consultation
from domain.escalation import EscalationCase
from domain.faq import FaqEntry
from domain.faq_copy import FaqCopy, passes_on
from domain.held_document import HeldDocument
from domain.monitoring import MonitoringReport, monitors
from domain.monitoring_copy import release_of
from domain.node_log import NodeLog
from domain.offices import OfficeId
from services.integration import (
    AnswerReceived,
    Body,
    ClarificationProvided,
    ClarificationRequested,
    EscalationAccepted,
    EscalationAnswered,
    EscalationReceived,
    EscalationRequested,
    FaqShared,
    LogRestored,
    MonitoringShared,
    Ref,
)


class Said:
    """An event that speaks, with what its body may need: this office, the offices directly below it, and (loaded
    only when asked) the aggregate as it stood right after the event."""

    def __init__(self, event: Any, office: str, load: Callable[[Any], Any], children: tuple[str, ...] = ()) -> None:
        self.event, self.office, self._load, self.children = event, office, load, children

    @cached_property
    def record(self) -> Any:
        return self._load(self.event)

    @property
    def consultation_ref(self) -> Ref:
        """The case of a consultation's event: it began at this office, under the consultation's id."""
        return Ref(self.office, self.event.originator_id)

    @property
    def case_ref(self) -> Ref:
        """The case of an escalation case's event, as its case file names it."""
        return case_ref(self.record.case)


Speak = Callable[[Any, Said], list[tuple[str, Body]]]  # (event, said) -> (office it is for, body) for each message
S = TypeVar("S", bound=Speak)
OUTBOUND: dict[type, Speak] = {}


def speaks(*events: type) -> Callable[[S], S]:
    """Registers what events of these classes say: `@speaks(EscalationCase.Accepted)` over the function."""

    def register(speak: S) -> S:
        OUTBOUND.update(dict.fromkeys(events, speak))
        return speak

    return register


def bodies(said: Said) -> list[tuple[str, Body]]:
    """The messages an event sends: (office it is for, body) each; none for an event that speaks to no one."""
    speak = OUTBOUND.get(type(said.event))
    return speak(said.event, said) if speak else []


def speaking_topics() -> list[str]:
    return [get_topic(cls) for cls in OUTBOUND]


def case_ref(case: Any) -> Ref:
    return Ref(case.origin_office, case.origin_id)


# Up, to the office above.


@speaks(Consultation.ForwardedUp, EscalationCase.Forwarded)
def _sent_up(event: Any, _: Said) -> list[tuple[str, Body]]:
    return [(event.hop.upper_office, EscalationRequested(event.case))]


@speaks(Consultation.ClarificationGiven)
def _clarified(event: Consultation.ClarificationGiven, said: Said) -> list[tuple[str, Body]]:
    return [(said.record.up.upper_office, ClarificationProvided(said.consultation_ref, event.text))]


@speaks(EscalationCase.ClarifiedUpward)
def _clarified_upward(event: EscalationCase.ClarifiedUpward, said: Said) -> list[tuple[str, Body]]:
    return [(said.record.up.upper_office, ClarificationProvided(said.case_ref, event.text))]


@speaks(Consultation.AnswerArrived)
def _answer_arrived(event: Any, said: Said) -> list[tuple[str, Body]]:
    return [(event.hop.upper_office, AnswerReceived(said.consultation_ref, event.hop.returned_at))]


@speaks(MonitoringReport.Missed, MonitoringReport.Submitted, MonitoringReport.SubmittedAfterMiss,
        MonitoringReport.Corrected)
def _monitoring_shared(event: Any, said: Said) -> list[tuple[str, Body]]:
    """A regency's SIPOL monitoring report (or its miss), to its province: figures and hashes, no person's data."""
    office = OfficeId(said.office)
    if not monitors(office) or office.parent is None:
        return []
    return [(office.parent.value, MonitoringShared(release_of(said.record, event.timestamp)))]


# Down, to the office below.


@speaks(EscalationCase.Received)
def _received(event: Any, _: Said) -> list[tuple[str, Body]]:
    return [(event.down.lower_office, EscalationReceived(case_ref(event.case), event.down.received_at))]


@speaks(EscalationCase.Accepted)
def _accepted(event: EscalationCase.Accepted, said: Said) -> list[tuple[str, Body]]:
    return [(said.record.from_office, EscalationAccepted(said.case_ref, event.actor, event.timestamp))]


@speaks(EscalationCase.ClarificationAsked, EscalationCase.QuestionPassedDown)
def _asked(event: Any, said: Said) -> list[tuple[str, Body]]:
    return [(said.record.from_office, ClarificationRequested(said.case_ref, event.question, event.actor))]


@speaks(EscalationCase.Answered)
def _answered(event: Any, said: Said) -> list[tuple[str, Body]]:
    messages: list[tuple[str, Body]] = [(said.record.from_office, EscalationAnswered(said.case_ref, event.answer))]
    if event.up is not None:  # the answer came from above: confirm its return up there too
        messages.append((event.up.upper_office, AnswerReceived(said.case_ref, event.up.returned_at)))
    return messages


# Documents: no message of their own. Their events are read with the others, so their bytes leave in log order,
# after the case that names them (services/evidence.py `document_sends`, gateways/nats/documents.py).


@speaks(HeldDocument.Kept, HeldDocument.Owed)
def _document_held(_: Any, __: Said) -> list[tuple[str, Body]]:
    return []


# Down to every office below: the FAQ Sipol entries this office publishes, and the centre's a province holds.


@speaks(FaqEntry.Published, FaqEntry.Revised, FaqEntry.Retired)
def _faq_changed(_: Any, said: Said) -> list[tuple[str, Body]]:
    entry = said.record
    if not entry.was_published:
        return []  # a draft retired before it was ever published: the offices below never had it
    return [(office, FaqShared(entry.release())) for office in said.children]


@speaks(FaqCopy.Received, FaqCopy.Updated, FaqCopy.Withdrawn)
def _faq_passed_on(_: Any, said: Said) -> list[tuple[str, Body]]:
    copy = said.record
    if not passes_on(OfficeId(said.office), OfficeId(copy.owner)):
        return []
    return [(office, FaqShared(copy.release())) for office in said.children]


# Either way: to the neighbours a restore names.


@speaks(NodeLog.Restored)
def _log_restored(event: NodeLog.Restored, _: Said) -> list[tuple[str, Body]]:
    notice = LogRestored(event.epoch, event.backup_epoch, event.backup_position, event.backup_taken_at)
    return [(office, notice) for office in event.neighbours]
