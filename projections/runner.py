"""Keeps read models up to date with the log: each batch of writes commits with its tracking position.

A batch reads the projection's position inside its own write transaction, applies the next events and
moves the position in the same commit. A runner killed mid-batch leaves nothing of that batch behind,
and the next runner starts exactly where the last commit ended: no gap, nothing counted twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from eventsourcing.utils import get_topic

from projections.base import Projection, Writer

TRACKING = "rm_tracking"
TRACKING_COLUMNS = "name TEXT PRIMARY KEY, position BIGINT NOT NULL, version INTEGER NOT NULL"


class Store(Protocol):
    """The read-model database (gateways.readstore): write transactions, plain queries."""

    def transaction(self) -> Any: ...

    def query(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...

    def close(self) -> None: ...


class Source(Protocol):
    """The node's event log: an eventsourcing Application's recorder and mapper."""

    recorder: Any
    mapper: Any


class ProjectionRunner:
    def __init__(self, source: Source, store: Store, projections: Sequence[Projection], batch_size: int = 500):
        self.source = source
        self.store = store
        self.projections = {p.name: p for p in projections}
        self.batch_size = batch_size
        self._topics = {p.name: [get_topic(t) for t in p.topics] for p in projections}

    def prepare(self) -> None:
        """Creates the tables; a projection whose version changed is dropped and rebuilt from zero."""
        with self.store.transaction() as tx:
            tx.execute(f"CREATE TABLE IF NOT EXISTS {TRACKING} ({TRACKING_COLUMNS})")
            for projection in self.projections.values():
                found = tx.execute(f"SELECT version FROM {TRACKING} WHERE name = ?", (projection.name,))
                if found and found[0][0] != projection.version:
                    projection.drop(tx)
                    _set_tracking(tx, projection, 0)
                projection.create(tx)
                if not found:
                    _set_tracking(tx, projection, 0)

    def position(self, name: str) -> int:
        rows = self.store.query(f"SELECT position FROM {TRACKING} WHERE name = ?", (name,))
        return int(rows[0][0]) if rows else 0

    def head(self) -> int:
        return self.source.recorder.max_notification_id() or 0

    def catch_up(self, name: str | None = None, progress: Callable[[int], None] | None = None) -> int:
        """Applies every event not yet applied; returns how many events were read."""
        total = 0
        for projection in self._selected(name):
            while True:
                done, moved = self.run_batch(projection)
                total += done
                if progress and moved:
                    progress(moved)
                if not moved:
                    break
        return total

    def run_batch(self, projection: Projection) -> tuple[int, int]:
        """One transaction: (events applied, positions advanced)."""
        head = self.head()
        with self.store.transaction() as tx:
            position = _tracking(tx, projection.name)
            if position >= head:
                return 0, 0
            notifications = self.source.recorder.select_notifications(
                position + 1, self.batch_size, stop=head, topics=self._topics[projection.name]
            )
            projection.begin_batch(tx)
            for notification in notifications:
                event = self.source.mapper.to_domain_event(notification)
                projection.process_notification(notification, event, tx)
            projection.end_batch(tx)
            # Fewer than a batch means nothing more up to `head` matches: the position may jump there.
            full = len(notifications) == self.batch_size
            new_position = notifications[-1].id if full else head
            _set_tracking(tx, projection, new_position)
            return len(notifications), new_position - position

    def rebuild(self, name: str | None = None, progress: Callable[[int], None] | None = None) -> int:
        """Drops the tables and builds them again from the first event (the drop commits first)."""
        with self.store.transaction() as tx:
            for projection in self._selected(name):
                projection.drop(tx)
                projection.create(tx)
                _set_tracking(tx, projection, 0)
        return self.catch_up(name, progress)

    def _selected(self, name: str | None) -> list[Projection]:
        if name is None:
            return list(self.projections.values())
        if name not in self.projections:
            raise KeyError(name)
        return [self.projections[name]]


def _tracking(tx: Writer, name: str) -> int:
    rows = tx.execute(f"SELECT position FROM {TRACKING} WHERE name = ?", (name,))
    return int(rows[0][0]) if rows else 0


def _set_tracking(tx: Writer, projection: Projection, position: int) -> None:
    tx.execute(
        f"INSERT INTO {TRACKING} (name, position, version) VALUES (?, ?, ?) "
        "ON CONFLICT (name) DO UPDATE SET position = excluded.position, version = excluded.version",
        (projection.name, position, projection.version),
    )
