"""What one inbox transaction writes: events in message order, the aggregates later messages read, how far each
tracked position (a sender's epoch, or a stream of dead letters) moves, and the digests of the messages applied."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Tracking

from services.inbox_digests import AppliedMessages
from services.integration import position_name
from services.ports import BatchRecorder, MessageDigest


def batch_recorder(recorder: object) -> BatchRecorder:
    """The node's recorder as the port it must be (checked at start-up too, in gateways/bootstrap.py)."""
    if not isinstance(recorder, BatchRecorder):
        raise TypeError(f"{type(recorder).__name__} is not a BatchRecorder; configure one of gateways/recorders.py")
    return recorder


class Batch:
    """One transaction's worth of messages; what the domain's rule reads of each sender (domain.routing's
    SenderRecord): committed, or earlier in this batch."""

    def __init__(self, recorder: BatchRecorder, now: datetime) -> None:
        self.recorder, self.now = recorder, now
        self.aggregates: dict[UUID, Any] = {}
        self.changed: dict[UUID, Aggregate] = {}
        self.events: list[Any] = []
        self.positions: dict[str, int] = {}
        self.moved: dict[str, None] = {}  # names whose position this batch takes, in first-moved order
        self.absent: set[UUID] = set()  # aggregates known not to exist when the batch began
        self.applied = AppliedMessages(recorder)

    def position(self, name: str) -> int:
        """The highest position taken under `name`, committed or earlier in this batch."""
        if name not in self.positions:
            self.positions[name] = self.recorder.max_tracking_id(name) or 0
        return self.positions[name]

    def seen(self, name: str, position: int) -> bool:
        """True when `position` is taken already (committed, or earlier in this batch): has_tracking_id."""
        return position <= self.position(name)

    def take(self, name: str, position: int, *aggregates: Aggregate) -> None:
        for aggregate in aggregates:
            self.events.extend(aggregate.collect_events())
            self.aggregates[aggregate.id] = self.changed[aggregate.id] = aggregate
        self.positions[name] = position
        self.moved[name] = None

    def trackings(self) -> list[Tracking]:
        return [Tracking(name, self.positions[name]) for name in self.moved]

    def unchanged_since_taken(self) -> list[Aggregate]:
        """The changed aggregates as written (one a refused message touched afterwards is not: the next batch
        loads it afresh)."""
        return [a for a in self.changed.values() if not a.pending_events]

    # What domain.routing.admit reads of a sender.

    def taken(self, sender: str, epoch: int, seq: int) -> bool:
        return self.seen(position_name(sender, epoch), seq)

    def digest(self, sender: str, epoch: int, seq: int) -> str | None:
        return self.applied.digest(sender, epoch, seq)

    def head(self, sender: str, epoch: int | None = None) -> tuple[int, int]:
        return self.applied.head(sender, epoch)

    def tracked(self, sender: str) -> int:
        return self.position(sender)  # epoch 0's tracking: it covers the time before digests

    def add_digest(self, digest: MessageDigest) -> None:
        self.applied.add(digest)
