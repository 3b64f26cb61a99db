"""Applying messages from other offices: exactly once, recorded with each sender's position.

The consumer hands over a batch of messages in stream order. The events they cause, the tracking records (per
sender and epoch of its log, the highest notification id applied) and a digest of each message applied are
written in one transaction (services/inbox_batch.py), so a redelivered message finds its position taken and changes
nothing. Whether a message may be applied is the domain's one rule (domain/routing.py `admit`: route, signature,
reach, and a repeat told from a conflict by its digest); what it changes is its body type's entry in
services/inbound.py. Later messages of a batch see what earlier ones did: the aggregates stay in memory until the
commit. A message that must not be applied is recorded as a dead letter, tracked by its stream position, and ends
the transaction; the caller copies it and alerts, then hands over the rest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.persistence import IntegrityError

from domain.deadletter import DeadLetter
from domain.errors import ConcurrentChange, DomainError, NotFound
from domain.node_log import NodeLog, node_log_id
from domain.offices import OfficeId
from domain.routing import (
    BAD_SIGNATURE,
    MAX_AHEAD,
    MAX_EPOCHS_AHEAD,
    SIGNED,
    UNKNOWN_SENDER_KEY,
    UNSIGNED,
    Admission,
    Arrival,
    RouteRejected,
    admit,
)
from services.base import NodeApplication
from services.inbound import inbound, new_case_id
from services.inbound_records import Incoming
from services.inbox_batch import Batch, batch_recorder
from services.inbox_delivery import Delivery, Outcome, Receipt
from services.integration import Envelope, encode, position_name
from services.ports import MessageDigest

# What the consumer and the tests import from here.
__all__ = ["BAD_SIGNATURE", "DEAD_LETTERS", "MAX_AHEAD", "MAX_EPOCHS_AHEAD", "SIGNED", "UNKNOWN_SENDER_KEY",
           "UNSIGNED", "Delivery", "Inbox", "Outcome", "Receipt"]

DEAD_LETTERS = "dead-letters"
ATTEMPTS = 3  # a batch decided again after a concurrent save of one of its cases, then handed back
T = TypeVar("T")


class Inbox(NodeApplication):
    office: OfficeId

    def receive_batch(self, deliveries: Sequence[Delivery]) -> list[Receipt]:
        """Applies messages in order, in one transaction, up to and including the first dead letter; a receipt
        for each, so the caller sees how far it got. It copies that dead letter and alerts before it hands over
        the rest, so nothing after a dead letter takes effect before its alert (as when messages went one by
        one). Raises only when the transaction cannot be written (the caller has the batch delivered again)."""

        def receive(batch: Batch) -> list[Receipt]:
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

    def record_dead_letter(
        self, stream_seq: int, subject: str, reason: str, data: bytes, stream: str = DEAD_LETTERS
    ) -> bool:
        """Keeps the refused message's facts as an event (it is in the audit); False when already kept.
        `stream` names the stream whose sequence `stream_seq` is (each is tracked by its own position)."""

        def keep(batch: Batch) -> bool:
            if batch.seen(stream, stream_seq):
                return False
            batch.take(stream, stream_seq, self._letter(stream, stream_seq, subject, reason, data, batch.now))
            return True

        return self._in_one_transaction(keep)

    def cases_lost_by(self, office: str) -> list[str]:
        """The cases ("<origin office>:<origin id>") this office holds that `office` lost by its restores."""
        log = self._find(node_log_id(self.office.value))
        if not isinstance(log, NodeLog):
            return []
        return [case for who, _, cases in log.neighbour_restores if who == office for case in cases]

    def _in_one_transaction(self, decide: Callable[[Batch], T]) -> T:
        for _ in range(ATTEMPTS):
            batch = Batch(batch_recorder(self.recorder), self.clock())
            result = decide(batch)
            try:
                self._write(batch)
            except IntegrityError:
                # Taken meanwhile: a position (another delivery of the same message) or a version of one of the
                # batch's cases (a command at this office). Decided again from what is committed now.
                continue
            return result
        raise ConcurrentChange()

    def _write(self, batch: Batch) -> None:
        """The batch's events, trackings and digests in one transaction. Application.save hands its keyword
        arguments to the recorder's insert_events, which the BatchRecorder port says takes these two."""
        trackings = batch.trackings()
        if not trackings and not batch.events:
            return  # only repeats: nothing to write
        if self.snapshots is not None or self.repository.cache is not None:
            # The library's save also snapshots and caches the aggregates it is given.
            self.save(*batch.events, *batch.unchanged_since_taken(), trackings=trackings,
                      digests=batch.applied.rows())
            return
        # Without snapshots or a cache, save would only put the events (collected already, in message order) and
        # tell the listeners; it first asks of every object a runtime-checked Protocol's isinstance (tens of
        # microseconds each, three per message of a drain), which this skips.
        self._notify(self.events.put(batch.events, trackings=trackings, digests=batch.applied.rows()))

    def _receive(self, batch: Batch, delivery: Delivery) -> Receipt:
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

    def _take(self, batch: Batch, envelope: Envelope, digest: str, seal: str) -> Outcome:
        body, ref = envelope.body, envelope.ref
        arrival = Arrival(envelope.sender, envelope.to, envelope.epoch, envelope.seq, body.upward,
                          ref.origin_office if ref else None, digest, seal)
        if admit(self.office, arrival, batch) is Admission.REPEAT:
            return Outcome.DUPLICATE
        entry = inbound(body)
        incoming = Incoming(envelope, self.office.value, batch.now, batch.applied.since)
        try:
            changed = entry.record.change(lambda aggregate_id: self._find(aggregate_id, batch), incoming, entry.apply)
        except DomainError as error:
            # The refusal ends the transaction (or the call), so an aggregate the message may have changed
            # before it refused is neither written nor read again: the next transaction loads afresh.
            raise RouteRejected(f"inconsistent:{error.code}") from None
        batch.take(position_name(envelope.sender, envelope.epoch), envelope.seq, *changed)
        batch.add_digest(MessageDigest(envelope.sender, envelope.epoch, envelope.seq, digest,
                                       f"{ref.origin_office}:{ref.origin_id}" if ref else ""))
        return Outcome.APPLIED

    # Dead letters.

    def _refuse(self, batch: Batch, delivery: Delivery, reason: str) -> Receipt:
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

    def _kept_letter(self, batch: Batch, stream_seq: int) -> DeadLetter | None:
        if not batch.seen(DEAD_LETTERS, stream_seq):
            return None  # no dead letter is kept this far along the stream
        found = self._find(self._letter_id(DEAD_LETTERS, stream_seq))
        return found if isinstance(found, DeadLetter) else None

    # Loading.

    def _look_up_new_cases(self, batch: Batch, deliveries: Sequence[Delivery]) -> None:
        """One query for the cases the batch's escalations would open, instead of a load each (a drain after an
        outage is mostly new cases)."""
        wanted = {new for d in deliveries if d.envelope is not None and (new := new_case_id(d.envelope.body))}
        if wanted:
            batch.absent = wanted - batch.recorder.existing(list(wanted))

    def _find(self, aggregate_id: UUID, batch: Batch | None = None) -> Any:
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
