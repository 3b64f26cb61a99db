"""Applying a message from another office: exactly once, recorded with the sender's position.

The events a message causes and the tracking record (sender, sender's notification id) are written in
one transaction, so a redelivered message finds its position taken and changes nothing. A message that
must not be applied is recorded as a dead letter, tracked by its stream position, and the caller alerts.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import NAMESPACE_URL, uuid5

from eventsourcing.application import ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, Tracking

from domain.casefile import case_id
from domain.consultation import Consultation
from domain.deadletter import DeadLetter
from domain.errors import DomainError, NotFound
from domain.escalation import EscalationCase
from domain.offices import OfficeId
from domain.routing import RouteRejected, check_route
from services.base import NodeApplication
from services.integration import (
    UPWARD,
    AnswerReceived,
    ClarificationProvided,
    ClarificationRequested,
    Envelope,
    EscalationAccepted,
    EscalationAnswered,
    EscalationReceived,
    EscalationRequested,
    Ref,
)

DEAD_LETTERS = "dead-letters"


class Outcome(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"


class Inbox(NodeApplication):
    office: OfficeId

    def receive_message(self, envelope: Envelope) -> Outcome:
        """Applies one message; RouteRejected when it must not be (the caller dead-letters it)."""
        if self.recorder.has_tracking_id(envelope.sender, envelope.seq):
            return Outcome.DUPLICATE
        upward = isinstance(envelope.body, UPWARD)
        check_route(self.office, envelope.sender, envelope.to, upward, envelope.ref.origin_office)
        try:
            changed = self._apply(envelope, self.clock())
        except DomainError as error:
            raise RouteRejected(f"inconsistent:{error.code}") from None
        processing = ProcessingEvent(Tracking(envelope.sender, envelope.seq))
        processing.collect_events(*changed)
        try:
            recordings = self._record(processing)
        except IntegrityError:
            return Outcome.DUPLICATE  # applied meanwhile by another delivery of the same message
        self._notify(recordings)
        return Outcome.APPLIED

    def record_dead_letter(
        self, stream_seq: int, subject: str, reason: str, data: bytes, stream: str = DEAD_LETTERS
    ) -> bool:
        """Keeps the refused message's facts as an event (it is in the audit); False when already kept.
        `stream` names the stream whose sequence `stream_seq` is (each is tracked by its own position)."""
        if self.recorder.has_tracking_id(stream, stream_seq):
            return False
        suffix = "" if stream == DEAD_LETTERS else f"{stream}:"
        letter = DeadLetter.record(
            id=uuid5(NAMESPACE_URL, f"helpdesk-sipol:dead-letter:{self.office.value}:{suffix}{stream_seq}"),
            stream_seq=stream_seq, subject=subject, reason=reason,
            excerpt=data[:2000].decode("utf-8", errors="replace"), at=self.clock(),
        )
        processing = ProcessingEvent(Tracking(stream, stream_seq))
        processing.collect_events(letter)
        try:
            self._record(processing)
        except IntegrityError:
            return False
        return True

    def _apply(self, envelope: Envelope, now: datetime) -> list[Aggregate]:
        body = envelope.body
        if isinstance(body, EscalationRequested):
            existing = self._find(case_id(body.case.origin_office, body.case.origin_id))
            if existing is not None:
                return []
            case = EscalationCase.receive(office_id=self.office.value, case=body.case, from_office=envelope.sender,
                                          sent_at=envelope.sent_at, at=now)
            return [case]
        if isinstance(body, ClarificationProvided | AnswerReceived):
            case = self._find(case_id(body.ref.origin_office, body.ref.origin_id))
            if not isinstance(case, EscalationCase) or case.from_office != envelope.sender:
                raise NotFound()
            if isinstance(body, ClarificationProvided):
                case.receive_clarification(body.text, now)
            else:
                case.confirm_returned(body.returned_at, now)
            return [case]
        lower = self._lower(body.ref)
        if lower.up is None or lower.up.upper_office != envelope.sender:
            raise NotFound()
        if isinstance(body, EscalationReceived):
            lower.note_up_hop(lower.up.received(body.received_at), now)
        elif isinstance(body, EscalationAccepted):
            lower.note_up_hop(lower.up.accepted(body.accepted_by, body.accepted_at), now)
        elif isinstance(body, ClarificationRequested):
            if isinstance(lower, Consultation):
                lower.request_clarification(body.question, body.asked_by, now)
            else:
                lower.clarification_from_above(body.question, body.asked_by, now)
        elif isinstance(body, EscalationAnswered):
            if isinstance(lower, Consultation):
                lower.receive_answer(body.answer, now)
            else:
                lower.receive_answer_from_above(body.answer, now)
        return [lower]

    def _lower(self, ref: Ref) -> Consultation | EscalationCase:
        """This office's record of a case it sent up: the consultation itself at the origin, else its case."""
        wanted = ref.origin_id if ref.origin_office == self.office.value else case_id(ref.origin_office, ref.origin_id)
        found = self._find(wanted)
        if not isinstance(found, Consultation | EscalationCase):
            raise NotFound()
        return found

    def _find(self, aggregate_id):  # noqa: ANN001, ANN202 - any aggregate or None
        try:
            return self._load(aggregate_id)
        except NotFound:
            return None
