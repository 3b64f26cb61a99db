"""The node's own log as a whole: the epochs a restore from backup starts, so no position is ever spoken twice.

A message names the event behind it by (epoch, position). Restoring a backup rewinds the log to the backup's last
position; the events recorded after that get positions the offices above and below may already have seen from
the lost events. A restore therefore begins a new epoch, and receivers track each epoch of a sender separately.
"""

from __future__ import annotations

from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

COMMAND, DETECTED = "command", "detected"  # restored by `helpdesk restore`; found restored by copying files


class EpochNotAhead(ValueError):
    """A restore must start an epoch later than every epoch this log ever used."""


def node_log_id(office: str) -> UUID:
    """One log per office, at a fixed id, so any copy of the store finds it without a lookup."""
    return uuid5(NAMESPACE_URL, f"helpdesk-sipol:node-log:{office}")


Restores = tuple[tuple[int, int], ...]  # (epoch, backup_position) in the order the restores happened


def epoch_at(restores: Restores, position: int) -> int:
    """The epoch the event at `position` was recorded in: the epoch of the last restore whose backup ended before
    it (a later restore from an older backup cut the log there, and those positions came anew). 0 before any."""
    epoch = 0
    for restored_epoch, backup_position in restores:
        if position > backup_position:
            epoch = restored_epoch
    return epoch


def current_epoch(restores: Restores) -> int:
    return restores[-1][0] if restores else 0


def lost_after(backup_epoch: int, backup_position: int, epoch: int, message_epoch: int, seq: int) -> bool:
    """Whether a message of a sender, at (message_epoch, seq), is lost at the sender by its restore into `epoch`
    from a backup that ended at (backup_epoch, backup_position)."""
    return message_epoch < epoch and (message_epoch, seq) > (backup_epoch, backup_position)


class NodeLog(Aggregate):
    class Opened(Aggregate.Created):
        office: str

    class Restored(Aggregate.Event):
        epoch: int
        backup_position: int  # the last notification id the backup held: later ones were lost
        backup_taken_at: datetime | None  # None when unknown (files copied back by hand)
        restored_by: str
        reason: str  # command | detected
        backup_epoch: int = 0  # the epoch the backup was taken in
        neighbours: tuple[str, ...] = ()  # the offices told of it (they name what they hold that this log lost)

        def apply(self, aggregate: NodeLog) -> None:
            aggregate.restores = (*aggregate.restores, (self.epoch, self.backup_position))

    class NeighbourRestored(Aggregate.Event):
        """A neighbour's log was restored: what it said after the backup is lost at its end, and this office holds
        it. `lost_cases` names the cases ("<origin office>:<origin id>") those messages were about."""

        office: str
        epoch: int
        backup_epoch: int
        backup_position: int
        lost_cases: tuple[str, ...]
        lost_messages: int

        def apply(self, aggregate: NodeLog) -> None:
            aggregate.neighbour_restores = (*aggregate.neighbour_restores, (self.office, self.epoch, self.lost_cases))

    def __init__(self, office: str) -> None:
        self.office = office
        self.restores: Restores = ()
        self.neighbour_restores: tuple[tuple[str, int, tuple[str, ...]], ...] = ()

    @classmethod
    def open(cls, office: str, at: datetime) -> NodeLog:
        return cls._create(cls.Opened, id=node_log_id(office), timestamp=at, office=office)

    @property
    def epoch(self) -> int:
        return current_epoch(self.restores)

    def restore(self, *, epoch: int, backup_epoch: int, backup_position: int, backup_taken_at: datetime | None,
                restored_by: str, reason: str, neighbours: tuple[str, ...], at: datetime) -> None:
        self._check_ahead(epoch)
        self.trigger_event(self.Restored, timestamp=at, epoch=epoch, backup_epoch=backup_epoch,
                           backup_position=backup_position, backup_taken_at=backup_taken_at, restored_by=restored_by,
                           reason=reason, neighbours=tuple(neighbours))

    def note_neighbour_restored(self, *, office: str, epoch: int, backup_epoch: int, backup_position: int,
                                lost_cases: tuple[str, ...], lost_messages: int, at: datetime) -> None:
        self.trigger_event(self.NeighbourRestored, timestamp=at, office=office, epoch=epoch,
                           backup_epoch=backup_epoch, backup_position=backup_position, lost_cases=tuple(lost_cases),
                           lost_messages=lost_messages)

    def _check_ahead(self, epoch: int) -> None:
        if epoch <= self.epoch:
            raise EpochNotAhead(f"epoch {epoch} is not after the log's epoch {self.epoch}")
