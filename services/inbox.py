"""Applying messages from other offices: exactly once, recorded with each sender's position.

The consumer hands over a batch of messages in stream order. The events they cause and the tracking records
(per sender, the highest notification id applied) are written in one transaction, so a redelivered message finds
its position taken and changes nothing. Later messages of a batch see what earlier ones did: the aggregates stay
in memory until the commit. A message that must not be applied is recorded as a dead letter, tracked by its
stream position, and ends the transaction; the caller copies it and alerts, then hands over the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec
from eventsourcing.application import ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, ProcessRecorder, Tracking

from domain.casefile import case_id
from domain.consultation import Consultation
from domain.deadletter import DeadLetter
from domain.errors import ConcurrentChange, DomainError, NotFound
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
ATTEMPTS = 3  # a batch decided again after a concurrent save of one of its cases, then handed back
T = TypeVar("T")


class Outcome(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    DEAD_LETTER = "dead_letter"


class Delivery(msgspec.Struct, frozen=True):
    """One message as the consumer got it: its place in the stream, its subject and bytes, and the envelope read
    from it, or (envelope None) why it could not be read or came under the wrong subject."""

    stream_seq: int
    subject: str
    data: bytes
    envelope: Envelope | None
    refusal: str = ""
    redelivered: bool = False


class Receipt(msgspec.Struct, frozen=True):
    outcome: Outcome
    reason: str = ""  # why a dead letter was refused
    kept: bool = False  # the dead letter was recorded now, not by an earlier delivery: the caller alerts


class _Batch:
    """What one transaction will write: events in message order, the aggregates later messages read, and how
    far each tracked position (a sender, or the dead letters' stream) moves."""

    def __init__(self, recorder: ProcessRecorder, now: datetime) -> None:
        self.recorder, self.now = recorder, now
        self.aggregates: dict[UUID, Any] = {}
        self.changed: dict[UUID, Aggregate] = {}
        self.events: list[Any] = []
        self.positions: dict[str, int] = {}
        self.moved: dict[str, None] = {}  # names whose position this batch takes, in first-moved order
        self.absent: set[UUID] = set()  # aggregates known not to exist when the batch began

    def seen(self, name: str, position: int) -> bool:
        """True when `position` is taken already (committed, or earlier in this batch): has_tracking_id."""
        if name not in self.positions:
            self.positions[name] = self.recorder.max_tracking_id(name) or 0
        return position <= self.positions[name]

    def take(self, name: str, position: int, *aggregates: Aggregate) -> None:
        for aggregate in aggregates:
            self.events.extend(aggregate.collect_events())
            self.aggregates[aggregate.id] = self.changed[aggregate.id] = aggregate
        self.positions[name] = position
        self.moved[name] = None

    def trackings(self) -> list[Tracking]:
        return [Tracking(name, self.positions[name]) for name in self.moved]


class Inbox(NodeApplication):
    office: OfficeId

    def receive_batch(self, deliveries: Sequence[Delivery]) -> list[Receipt]:
        """Applies messages in order, in one transaction, up to and including the first dead letter; a receipt
        for each, so the caller sees how far it got. It copies that dead letter and alerts before it hands over
        the rest, so nothing after a dead letter takes effect before its alert (as when messages went one by
        one). Raises only when the transaction cannot be written (the caller has the batch delivered again)."""

        def receive(batch: _Batch) -> list[Receipt]:
            self._look_up_new_cases(batch, deliveries)
            receipts = []
            for delivery in deliveries:
                receipts.append(self._receive(batch, delivery))
                if receipts[-1].outcome is Outcome.DEAD_LETTER:
                    break
            return receipts

        return self._in_one_transaction(receive)

    def receive_message(self, envelope: Envelope) -> Outcome:
        """Applies one message; RouteRejected when it must not be (the caller dead-letters it)."""
        return self._in_one_transaction(lambda batch: self._take(batch, envelope))

    def record_dead_letter(
        self, stream_seq: int, subject: str, reason: str, data: bytes, stream: str = DEAD_LETTERS
    ) -> bool:
        """Keeps the refused message's facts as an event (it is in the audit); False when already kept.
        `stream` names the stream whose sequence `stream_seq` is (each is tracked by its own position)."""

        def keep(batch: _Batch) -> bool:
            if batch.seen(stream, stream_seq):
                return False
            batch.take(stream, stream_seq, self._letter(stream, stream_seq, subject, reason, data, batch.now))
            return True

        return self._in_one_transaction(keep)

    def _in_one_transaction(self, decide: Callable[[_Batch], T]) -> T:
        for _ in range(ATTEMPTS):
            batch = _Batch(self.recorder, self.clock())
            result = decide(batch)
            try:
                recordings = self._write(batch)
            except IntegrityError:
                # Taken meanwhile: a position (another delivery of the same message) or a version of one of the
                # batch's cases (a command at this office). Decided again from what is committed now.
                continue
            self._notify(recordings)
            return result
        raise ConcurrentChange()

    def _write(self, batch: _Batch) -> list[Any]:
        trackings = batch.trackings()
        if not trackings and not batch.events:
            return []  # only repeats: nothing to write
        processing = ProcessingEvent(trackings[0] if len(trackings) == 1 else None)
        processing.events.extend(batch.events)
        processing.aggregates.update({i: a for i, a in batch.changed.items() if not a.pending_events})
        if len(trackings) > 1:
            if not getattr(self.recorder, "records_several_trackings", False):
                raise TypeError(f"{type(self.recorder).__name__} records one tracking per transaction; "
                                "configure a recorder of gateways/recorders.py")
            processing.saved_kwargs["trackings"] = trackings
        return self._record(processing)

    def _receive(self, batch: _Batch, delivery: Delivery) -> Receipt:
        if delivery.redelivered and (letter := self._kept_letter(batch, delivery.stream_seq)) is not None:
            # Dead-lettered by an earlier delivery (its sender's position may since be passed): copied again.
            return Receipt(Outcome.DEAD_LETTER, letter.reason)
        if delivery.envelope is None:
            return self._refuse(batch, delivery, delivery.refusal)
        try:
            return Receipt(self._take(batch, delivery.envelope))
        except RouteRejected as refusal:
            return self._refuse(batch, delivery, refusal.reason)

    def _take(self, batch: _Batch, envelope: Envelope) -> Outcome:
        if batch.seen(envelope.sender, envelope.seq):
            return Outcome.DUPLICATE
        upward = isinstance(envelope.body, UPWARD)
        check_route(self.office, envelope.sender, envelope.to, upward, envelope.ref.origin_office)
        try:
            changed = self._apply(envelope, batch)
        except DomainError as error:
            # The refusal ends the transaction (or the call), so an aggregate the message may have changed
            # before it refused is neither written nor read again: the next transaction loads afresh.
            raise RouteRejected(f"inconsistent:{error.code}") from None
        batch.take(envelope.sender, envelope.seq, *changed)
        return Outcome.APPLIED

    def _refuse(self, batch: _Batch, delivery: Delivery, reason: str) -> Receipt:
        if batch.seen(DEAD_LETTERS, delivery.stream_seq):
            return Receipt(Outcome.DEAD_LETTER, reason)  # kept by an earlier delivery
        letter = self._letter(DEAD_LETTERS, delivery.stream_seq, delivery.subject, reason, delivery.data, batch.now)
        batch.take(DEAD_LETTERS, delivery.stream_seq, letter)
        return Receipt(Outcome.DEAD_LETTER, reason, kept=True)

    def _letter(self, stream: str, stream_seq: int, subject: str, reason: str, data: bytes, now: datetime
                ) -> DeadLetter:
        return DeadLetter.record(
            id=self._letter_id(stream, stream_seq), stream_seq=stream_seq, subject=subject, reason=reason,
            excerpt=data[:2000].decode("utf-8", errors="replace"), at=now,
        )

    def _letter_id(self, stream: str, stream_seq: int) -> UUID:
        suffix = "" if stream == DEAD_LETTERS else f"{stream}:"
        return uuid5(NAMESPACE_URL, f"helpdesk-sipol:dead-letter:{self.office.value}:{suffix}{stream_seq}")

    def _look_up_new_cases(self, batch: _Batch, deliveries: Sequence[Delivery]) -> None:
        """One query for the cases the batch's escalations would open, instead of a load each (a drain after an
        outage is mostly new cases). Only with a recorder that answers it (gateways/recorders.py)."""
        existing = getattr(self.recorder, "existing", None)
        wanted = {case_id(body.case.origin_office, body.case.origin_id) for d in deliveries
                  if d.envelope is not None and isinstance(body := d.envelope.body, EscalationRequested)}
        if existing is not None and wanted:
            batch.absent = wanted - existing(list(wanted))

    def _kept_letter(self, batch: _Batch, stream_seq: int) -> DeadLetter | None:
        if not batch.seen(DEAD_LETTERS, stream_seq):
            return None  # no dead letter is kept this far along the stream
        found = self._find(self._letter_id(DEAD_LETTERS, stream_seq))
        return found if isinstance(found, DeadLetter) else None

    def _apply(self, envelope: Envelope, batch: _Batch) -> list[Aggregate]:
        body, now = envelope.body, batch.now
        if isinstance(body, EscalationRequested):
            existing = self._find(case_id(body.case.origin_office, body.case.origin_id), batch)
            if existing is not None:
                return []
            case = EscalationCase.receive(office_id=self.office.value, case=body.case, from_office=envelope.sender,
                                          sent_at=envelope.sent_at, at=now)
            return [case]
        if isinstance(body, ClarificationProvided | AnswerReceived):
            case = self._find(case_id(body.ref.origin_office, body.ref.origin_id), batch)
            if not isinstance(case, EscalationCase) or case.from_office != envelope.sender:
                raise NotFound()
            if isinstance(body, ClarificationProvided):
                case.receive_clarification(body.text, now)
            else:
                case.confirm_returned(body.returned_at, now)
            return [case]
        lower = self._lower(body.ref, batch)
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

    def _lower(self, ref: Ref, batch: _Batch) -> Consultation | EscalationCase:
        """This office's record of a case it sent up: the consultation itself at the origin, else its case."""
        wanted = ref.origin_id if ref.origin_office == self.office.value else case_id(ref.origin_office, ref.origin_id)
        found = self._find(wanted, batch)
        if not isinstance(found, Consultation | EscalationCase):
            raise NotFound()
        return found

    def _find(self, aggregate_id: UUID, batch: _Batch | None = None) -> Any:
        """Any aggregate, or None. Within a batch, the batch's own copy: it holds what earlier messages did."""
        if batch is not None and aggregate_id in batch.aggregates:
            return batch.aggregates[aggregate_id]
        if batch is not None and aggregate_id in batch.absent:
            return None
        try:
            found = self._load(aggregate_id)
        except NotFound:
            return None
        if batch is not None:
            batch.aggregates[aggregate_id] = found
        return found
