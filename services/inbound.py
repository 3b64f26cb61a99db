"""What a message from another office does here: one registry entry per body type, naming the record it changes
(services/inbound_records.py) and the domain method it calls. A new message type is one entry here, one in
services/outbound.py, and its domain method."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, NamedTuple, TypeVar
from uuid import UUID

from domain.casefile import case_id
from domain.consultation import Consultation
from domain.errors import NotFound
from domain.escalation import EscalationCase
from domain.faq_copy import FaqCopy, check_release_route
from domain.monitoring_copy import MonitoringCopy, check_report_route
from domain.node_log import NodeLog, lost_after
from domain.offices import OfficeId
from services.inbound_records import (
    CASE_SENT_HERE,
    FAQ_HELD,
    MONITORING_HELD,
    NEW_CASE,
    OWN_LOG,
    SENT_UP,
    Apply,
    Incoming,
    Record,
)
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
)

F = TypeVar("F", bound=Apply)


class Inbound(NamedTuple):
    record: Record  # which of this office's records the message changes
    apply: Apply  # the domain call: (record, body, incoming) -> a record it created, or None


INBOUND: dict[type, Inbound] = {}


def applies(body: type, record: Record) -> Callable[[F], F]:
    """Registers how a body type is applied: `@applies(EscalationAccepted, SENT_UP)` over its domain call."""

    def register(apply: F) -> F:
        INBOUND[body] = Inbound(record, apply)
        return apply

    return register


def inbound(body: Body) -> Inbound:
    return INBOUND[type(body)]


def new_case_id(body: Body) -> UUID | None:
    """The id of the case the message would open here, if it opens one (a batch looks them up in one query)."""
    ref = body.ref
    return case_id(ref.origin_office, ref.origin_id) if ref and inbound(body).record is NEW_CASE else None


# From the office below.


@applies(EscalationRequested, NEW_CASE)
def _case_sent_up(_: None, body: EscalationRequested, m: Incoming) -> EscalationCase:
    return EscalationCase.receive(office_id=m.office, case=body.case, from_office=m.envelope.sender,
                                  sent_at=m.envelope.sent_at, at=m.at)


@applies(ClarificationProvided, CASE_SENT_HERE)
def _clarified(case: EscalationCase, body: ClarificationProvided, m: Incoming) -> None:
    case.receive_clarification(body.text, m.at)


@applies(AnswerReceived, CASE_SENT_HERE)
def _answer_returned(case: EscalationCase, body: AnswerReceived, m: Incoming) -> None:
    case.confirm_returned(body.returned_at, m.at)


# From the office above, to the record of a case sent up: the consultation at its origin, or a case on the way.


@applies(EscalationReceived, SENT_UP)
def _received_above(lower: Any, body: EscalationReceived, m: Incoming) -> None:
    lower.note_up_hop(lower.up.received(body.received_at), m.at)


@applies(EscalationAccepted, SENT_UP)
def _accepted_above(lower: Any, body: EscalationAccepted, m: Incoming) -> None:
    lower.note_up_hop(lower.up.accepted(body.accepted_by, body.accepted_at), m.at)


# The record of a case sent up is the consultation at its origin, or its case at an office on the way: each has its
# own domain method for what comes down (looked up when called, so the aggregate's method is always the one called).
ASKED_FROM_ABOVE: dict[type, Callable[[Any, ClarificationRequested, datetime], None]] = {
    Consultation: lambda c, body, at: c.request_clarification(body.question, body.asked_by, at),
    EscalationCase: lambda case, body, at: case.clarification_from_above(body.question, body.asked_by, at),
}
ANSWERED_FROM_ABOVE: dict[type, Callable[[Any, EscalationAnswered, datetime], None]] = {
    Consultation: lambda c, body, at: c.receive_answer(body.answer, at),
    EscalationCase: lambda case, body, at: case.receive_answer_from_above(body.answer, at),
}


@applies(ClarificationRequested, SENT_UP)
def _asked_from_above(lower: Any, body: ClarificationRequested, m: Incoming) -> None:
    ASKED_FROM_ABOVE[type(lower)](lower, body, m.at)


@applies(EscalationAnswered, SENT_UP)
def _answered_above(lower: Any, body: EscalationAnswered, m: Incoming) -> None:
    ANSWERED_FROM_ABOVE[type(lower)](lower, body, m.at)


# From the office above: an FAQ Sipol entry it publishes, revises or retires (or the centre's, passed on).


@applies(FaqShared, FAQ_HELD)
def _faq_shared(copy: FaqCopy | None, body: FaqShared, m: Incoming) -> FaqCopy | None:
    release, sender = body.release, m.envelope.sender
    check_release_route(OfficeId(m.office), OfficeId(sender), OfficeId(release.owner))
    if copy is None:
        return FaqCopy.receive(release, sender, m.at)
    copy.take(release, sender, m.at)
    return None


# From a regency or city below: its SIPOL monitoring report (or its miss), kept for the province to see side by side.


@applies(MonitoringShared, MONITORING_HELD)
def _monitoring_shared(copy: MonitoringCopy | None, body: MonitoringShared, m: Incoming) -> MonitoringCopy | None:
    release, sender = body.release, m.envelope.sender
    check_report_route(OfficeId(m.office), OfficeId(sender), OfficeId(release.office_id))
    if copy is None:
        return MonitoringCopy.receive(release, sender, m.at)
    copy.take(release, m.at)
    return None


# Either way: about the sender's own log.


@applies(LogRestored, OWN_LOG)
def _neighbour_restored(log: NodeLog, body: LogRestored, m: Incoming) -> None:
    """Names, in this office's own log, the cases the restored sender's lost messages were about."""
    sender = m.envelope.sender
    if body.epoch != m.envelope.epoch:
        raise NotFound()  # a notice must speak in the epoch it announces
    lost = [d for d in m.applied_since(sender, body.backup_epoch, body.backup_position)
            if lost_after(body.backup_epoch, body.backup_position, body.epoch, d.epoch, d.seq)]
    cases = tuple(dict.fromkeys(d.ref for d in lost if d.ref))  # in the order they were sent
    log.note_neighbour_restored(office=sender, epoch=body.epoch, backup_epoch=body.backup_epoch,
                                backup_position=body.backup_position, lost_cases=cases, lost_messages=len(lost),
                                at=m.at)
