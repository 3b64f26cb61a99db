"""Applying messages from other offices: exactly once, recorded with each sender's position.

The consumer hands over a batch of messages in stream order. The events they cause, the tracking records (per
sender and epoch of its log, the highest notification id applied) and a digest of each message applied are
written in one transaction, so a redelivered message finds its position taken and changes nothing. A message at a
position already applied is a repeat only when its bytes are the same; other bytes there are a conflict (a sender
that went back without starting a new epoch), refused, never dropped silently. A message is applied only when the
consumer found it signed by its sender's key, and only when its position is not far beyond what the sender was
known to have reached. Later messages of a batch see what earlier ones did: the aggregates stay in memory until
the commit. A message that must not be applied is recorded as a dead letter, tracked by its stream position, and
ends the transaction; the caller copies it and alerts, then hands over the rest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec
from eventsourcing.application import ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, Tracking

from domain.casefile import case_id
from domain.consultation import Consultation
from domain.deadletter import DeadLetter
from domain.errors import ConcurrentChange, DomainError, InvalidOffice, NotFound
from domain.escalation import EscalationCase
from domain.node_log import NodeLog, lost_after, node_log_id
from domain.offices import OfficeId, parse_office_id
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
    LogRestored,
    Ref,
    encode,
    position_name,
)
from services.ports import BatchRecorder, MessageDigest

DEAD_LETTERS = "dead-letters"
ATTEMPTS = 3  # a batch decided again after a concurrent save of one of its cases, then handed back
T = TypeVar("T")
# What the consumer found of a message's signature (gateways/nats/consumer.py); anything but SIGNED is refused
# under that name as reason.
SIGNED, UNSIGNED, BAD_SIGNATURE, UNKNOWN_SENDER_KEY = "signed", "unsigned", "bad_signature", "unknown_sender_key"
# How far beyond the sender's highest known position a message may be. Positions are the sender's notification
# ids: a busy office records perhaps 10^4 events a day, 2*10^7 in a five-year election period. 10^8 is five such
# periods, so no genuine message (not even an office's first to a neighbour that joined late) meets it, while a
# position like 2^40 (a corrupt or forged message) is refused instead of taken as the sender's new position,
# which would have made every later message of that sender look like a repeat.
MAX_AHEAD = 10**8
MAX_EPOCHS_AHEAD = 16  # restores of one office before its neighbours hear from it again; more is not genuine


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
    seal: str = UNSIGNED  # SIGNED when the consumer verified the sender's signature over `data`


class Receipt(msgspec.Struct, frozen=True):
    outcome: Outcome
    reason: str = ""  # why a dead letter was refused
    kept: bool = False  # the dead letter was recorded now, not by an earlier delivery: the caller alerts


class _Batch:
    """What one transaction will write: events in message order, the aggregates later messages read, and how
    far each tracked position (a sender, or the dead letters' stream) moves."""

    def __init__(self, recorder: BatchRecorder, now: datetime) -> None:
        self.recorder, self.now = recorder, now
        self.aggregates: dict[UUID, Any] = {}
        self.changed: dict[UUID, Aggregate] = {}
        self.events: list[Any] = []
        self.positions: dict[str, int] = {}
        self.moved: dict[str, None] = {}  # names whose position this batch takes, in first-moved order
        self.absent: set[UUID] = set()  # aggregates known not to exist when the batch began
        self.digests: dict[tuple[str, int, int], MessageDigest] = {}  # the messages this batch applies
        self.heads: dict[tuple[str, int | None], tuple[int, int]] = {}  # committed digest heads, as read

    def position(self, name: str) -> int:
        """The highest position taken under `name`, committed or earlier in this batch."""
        if name not in self.positions:
            self.positions[name] = self.recorder.max_tracking_id(name) or 0
        return self.positions[name]

    def seen(self, name: str, position: int) -> bool:
        """True when `position` is taken already (committed, or earlier in this batch): has_tracking_id."""
        return position <= self.position(name)

    def digest(self, sender: str, epoch: int, seq: int) -> str | None:
        here = self.digests.get((sender, epoch, seq))
        return here.sha256 if here else self.recorder.message_digest(sender, epoch, seq)

    def since(self, sender: str, epoch: int, seq: int) -> list[MessageDigest]:
        """The messages applied from `sender` after (epoch, seq), this batch's included."""
        here = [d for (who, e, s), d in self.digests.items() if who == sender and (e, s) > (epoch, seq)]
        return [*self.recorder.digests_since(sender, epoch, seq), *here]

    def head(self, sender: str, epoch: int | None = None) -> tuple[int, int]:
        """(highest epoch, highest position) applied from `sender` (within `epoch`), this batch included."""
        if (sender, epoch) not in self.heads:  # one query per sender (and epoch) a batch, as for positions
            self.heads[(sender, epoch)] = self.recorder.digest_head(sender, epoch)
        kept = self.heads[(sender, epoch)]
        here = [(e, s) for (who, e, s) in self.digests if who == sender and (epoch is None or e == epoch)]
        return max([kept[0], *(e for e, _ in here)]), max([kept[1], *(s for _, s in here)])

    def take(self, name: str, position: int, *aggregates: Aggregate) -> None:
        for aggregate in aggregates:
            self.events.extend(aggregate.collect_events())
            self.aggregates[aggregate.id] = self.changed[aggregate.id] = aggregate
        self.positions[name] = position
        self.moved[name] = None

    def trackings(self) -> list[Tracking]:
        return [Tracking(name, self.positions[name]) for name in self.moved]

    def digest_rows(self) -> list[MessageDigest]:
        return list(self.digests.values())


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
        """Applies one message handed over inside this process (never one from the network: those come through
        `receive_batch` with the consumer's verdict on their signature); RouteRejected when it must not be."""
        digest = hashlib.sha256(encode(envelope)).hexdigest()
        return self._in_one_transaction(lambda batch: self._take(batch, envelope, digest, SIGNED))

    @property
    def batch_recorder(self) -> BatchRecorder:
        recorder = self.recorder
        if not isinstance(recorder, BatchRecorder):
            raise TypeError(f"{type(recorder).__name__} is not a BatchRecorder; configure one of gateways/recorders.py")
        return recorder

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
            batch = _Batch(self.batch_recorder, self.clock())
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
            processing.saved_kwargs["trackings"] = trackings
        if batch.digests:
            processing.saved_kwargs["digests"] = batch.digest_rows()
        return self._record(processing)

    def _receive(self, batch: _Batch, delivery: Delivery) -> Receipt:
        if delivery.redelivered and (letter := self._kept_letter(batch, delivery.stream_seq)) is not None:
            # Dead-lettered by an earlier delivery (its sender's position may since be passed): copied again.
            return Receipt(Outcome.DEAD_LETTER, letter.reason)
        if delivery.envelope is None:
            return self._refuse(batch, delivery, delivery.refusal)
        try:
            digest = hashlib.sha256(delivery.data).hexdigest()
            return Receipt(self._take(batch, delivery.envelope, digest, delivery.seal))
        except RouteRejected as refusal:
            return self._refuse(batch, delivery, refusal.reason)

    def _take(self, batch: _Batch, envelope: Envelope, digest: str, seal: str) -> Outcome:
        sender, epoch, seq = envelope.sender, envelope.epoch, envelope.seq
        name = position_name(sender, epoch)
        if batch.seen(name, seq):
            return self._repeat(batch, envelope, digest, seal)
        check_route(self.office, sender, envelope.to, *self._direction(envelope))
        _check_seal(seal)
        self._check_position(batch, envelope)
        try:
            changed = self._apply(envelope, batch)
        except DomainError as error:
            # The refusal ends the transaction (or the call), so an aggregate the message may have changed
            # before it refused is neither written nor read again: the next transaction loads afresh.
            raise RouteRejected(f"inconsistent:{error.code}") from None
        batch.take(name, seq, *changed)
        ref = envelope.ref
        batch.digests[(sender, epoch, seq)] = MessageDigest(
            sender, epoch, seq, digest, f"{ref.origin_office}:{ref.origin_id}" if ref else "")
        return Outcome.APPLIED

    def _direction(self, envelope: Envelope) -> tuple[bool, str]:
        """(upward, origin office) for the routing check. A notice about the sender's own log goes either way;
        it is about no case, so the lower office of the hop stands for the origin."""
        if not isinstance(envelope.body, LogRestored):
            ref = envelope.ref
            assert ref is not None
            return isinstance(envelope.body, UPWARD), ref.origin_office
        try:
            upward = parse_office_id(envelope.sender).parent == self.office
        except InvalidOffice:
            upward = False  # check_route names the sender unknown
        return upward, envelope.sender if upward else self.office.value

    def _repeat(self, batch: _Batch, envelope: Envelope, digest: str, seal: str) -> Outcome:
        """A message at a position already applied: the same bytes are a repeat (whoever published them again:
        the content is what was verified before); other bytes are refused, as unsigned or forged when they are,
        else as a conflict, unless the position was applied before digests were kept."""
        sender, epoch, seq = envelope.sender, envelope.epoch, envelope.seq
        kept = batch.digest(sender, epoch, seq)
        if kept == digest:
            return Outcome.DUPLICATE
        _check_seal(seal)
        if kept is None and batch.head(sender, epoch)[1] < seq:
            return Outcome.DUPLICATE  # applied before this node kept digests: nothing to compare with
        raise RouteRejected("conflict")

    def _check_position(self, batch: _Batch, envelope: Envelope) -> None:
        """Refuses an epoch or a position far beyond what the sender is known to have reached (any epoch)."""
        epoch_head, seq_head = batch.head(envelope.sender)
        known = max(seq_head, batch.position(envelope.sender))  # epoch 0's tracking covers the time before digests
        if envelope.epoch > epoch_head + MAX_EPOCHS_AHEAD:
            raise RouteRejected("epoch_too_far")
        if not 0 < envelope.seq <= known + MAX_AHEAD:
            raise RouteRejected("position_too_far")

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
        outage is mostly new cases)."""
        wanted = {case_id(body.case.origin_office, body.case.origin_id) for d in deliveries
                  if d.envelope is not None and isinstance(body := d.envelope.body, EscalationRequested)}
        if wanted:
            batch.absent = wanted - batch.recorder.existing(list(wanted))

    def _kept_letter(self, batch: _Batch, stream_seq: int) -> DeadLetter | None:
        if not batch.seen(DEAD_LETTERS, stream_seq):
            return None  # no dead letter is kept this far along the stream
        found = self._find(self._letter_id(DEAD_LETTERS, stream_seq))
        return found if isinstance(found, DeadLetter) else None

    def _apply(self, envelope: Envelope, batch: _Batch) -> list[Aggregate]:
        body, now = envelope.body, batch.now
        if isinstance(body, LogRestored):
            return [self._note_restored(envelope, body, batch)]
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

    def _note_restored(self, envelope: Envelope, body: LogRestored, batch: _Batch) -> NodeLog:
        """Names, in this office's own log, the cases the restored sender's lost messages were about."""
        if body.epoch != envelope.epoch:
            raise NotFound()  # a notice must speak in the epoch it announces
        log = self._find(node_log_id(self.office.value), batch)
        if not isinstance(log, NodeLog):
            log = NodeLog.open(self.office.value, batch.now)
        lost = [d for d in batch.since(envelope.sender, body.backup_epoch, body.backup_position)
                if lost_after(body.backup_epoch, body.backup_position, body.epoch, d.epoch, d.seq)]
        cases = tuple(dict.fromkeys(d.ref for d in lost if d.ref))  # in the order they were sent
        log.note_neighbour_restored(office=envelope.sender, epoch=body.epoch, backup_epoch=body.backup_epoch,
                                    backup_position=body.backup_position, lost_cases=cases,
                                    lost_messages=len(lost), at=batch.now)
        return log

    def cases_lost_by(self, office: str) -> list[str]:
        """The cases ("<origin office>:<origin id>") this office holds that `office` lost by its restores."""
        log = self._find(node_log_id(self.office.value))
        if not isinstance(log, NodeLog):
            return []
        return [case for who, _, cases in log.neighbour_restores if who == office for case in cases]

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


def _check_seal(seal: str) -> None:
    """Only a message signed by its sender's key is applied; the verdict names the refusal."""
    if seal != SIGNED:
        raise RouteRejected(seal if seal in (UNSIGNED, BAD_SIGNATURE, UNKNOWN_SENDER_KEY) else UNSIGNED)
