"""Keeps read models up to date with the log: each batch of writes commits with its tracking position.

A batch reads the projection's position inside its own write transaction, applies the next events and
moves the position in the same commit. A runner killed mid-batch leaves nothing of that batch behind,
and the next runner starts exactly where the last commit ended: no gap, nothing counted twice.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from eventsourcing.utils import get_topic

from projections.base import ReadModel, Writer
from projections.reader_wait import wait_for_head

TRACKING = "rm_tracking"
REST_AFTER_MISS = 30.0  # seconds queries catch up themselves after the follower elsewhere kept one waiting too long
TRACKING_COLUMNS = "name TEXT PRIMARY KEY, position BIGINT NOT NULL, version INTEGER NOT NULL"


class Store(Protocol):
    """The read-model database (gateways.readstore): write transactions, plain queries."""

    def transaction(self) -> Any: ...

    def query(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...

    def close(self) -> None: ...

    @property
    def dialect(self) -> str:
        """"sqlite" or "postgresql": the few statements that differ (free-text search) are chosen by it."""
        ...


class Source(Protocol):
    """The node's event log: an eventsourcing Application's recorder and mapper (services/codec.py's, whose
    to_domain_event can leave personal fields sealed)."""

    recorder: Any
    mapper: Any


class ReadModelRunner:
    def __init__(self, source: Source, store: Store, projections: Sequence[ReadModel], batch_size: int = 500):
        self.source = source
        self.store = store
        self.projections = {p.name: p for p in projections}
        self.batch_size = batch_size
        # Each read model's topics; None: it reads every event.
        self._topic_sets = {p.name: frozenset(get_topic(t) for t in p.topics) or None for p in projections}
        # Each read model's position as this process last read it committed. A query's catch-up compares it with
        # the log's head first and, when nothing is new, neither takes the read store's write lock nor opens a
        # transaction: under many readers the lock is what they would otherwise queue for.
        self._seen: dict[str, int] = {}
        # Seconds a query waits for another process's follower to bring its read models to the log's head before it
        # catches up itself (projections/reader_wait.py); 0: it catches up at once (a node of one process).
        self.reader_patience = 0.0
        self._gave_up_at: float | None = None

    def prepare(self) -> None:
        """Creates the tables; a projection whose version changed is dropped and rebuilt from zero."""
        self._seen.clear()
        with self.store.transaction() as tx:
            tx.execute(f"CREATE TABLE IF NOT EXISTS {TRACKING} ({TRACKING_COLUMNS})")
            for projection in self.projections.values():
                found = tx.execute(f"SELECT version FROM {TRACKING} WHERE name = ?", (projection.name,))
                if found and found[0][0] != projection.version:
                    projection.drop(tx)
                    _set_tracking(tx, [projection], 0)
                projection.create(tx)
                if not found:
                    _set_tracking(tx, [projection], 0)

    def position(self, name: str) -> int:
        rows = self.store.query(f"SELECT position FROM {TRACKING} WHERE name = ?", (name,))
        return int(rows[0][0]) if rows else 0

    def head(self) -> int:
        return self.source.recorder.max_notification_id() or 0

    def catch_up(self, name: str | Sequence[str] | None = None, progress: Callable[[int], None] | None = None) -> int:
        """Applies every event not yet applied (to one read model, several, or all); returns how many events the
        read models applied (summed)."""
        selected = self._selected(name)
        head = self.head()
        if all(self._seen.get(p.name, -1) >= head for p in selected):
            return 0
        if name is not None and progress is None and self._follower_elsewhere():
            if wait_for_head(self.store.query, [p.name for p in selected], head, self.reader_patience, self._seen):
                return 0  # the follower of another process (`helpdesk worker`) got there: nothing done here
            self._gave_up_at = time.monotonic()  # it did not come: queries catch up themselves for a while
        return self._catch_up_all(selected, progress)

    def _follower_elsewhere(self) -> bool:
        """Whether a query should wait for another process's follower: it is configured to, and no wait for it
        failed in the last REST_AFTER_MISS seconds (the worker stopped, or far behind)."""
        if not self.reader_patience:
            return False
        return self._gave_up_at is None or time.monotonic() - self._gave_up_at > REST_AFTER_MISS

    def _catch_up_all(self, selected: Sequence[ReadModel], progress: Callable[[int], None] | None) -> int:
        try:
            return self._catch_up(selected, progress)
        except Exception:
            if len(selected) == 1:
                raise
            # The read models' batches share a transaction, so one failing read model would hold back the others:
            # they catch up one after another instead, as they always did, and the failing one raises again.
            return sum(self._catch_up([projection], progress) for projection in selected)

    def _catch_up(self, projections: Sequence[ReadModel], progress: Callable[[int], None] | None) -> int:
        total = 0
        while True:
            done, moved = self._run_batch(projections)
            total += done
            if progress and moved:
                progress(moved)
            if not moved:
                return total

    def run_batch(self, projection: ReadModel) -> tuple[int, int]:
        """One transaction of one read model: (events applied, positions advanced)."""
        return self._run_batch([projection])

    def _run_batch(self, projections: Sequence[ReadModel]) -> tuple[int, int]:
        """One transaction: the next events read and decoded once, each read model given those of its topics past
        its own position, and each one's rows written with its new position. Returns (events applied, positions
        advanced by the read model furthest behind)."""
        head = self.head()
        with self.store.transaction() as tx:
            positions = _positions(tx)
            self._seen.update(positions)
            behind = [p for p in projections if positions.get(p.name, 0) < head]
            if not behind:
                return 0, 0
            start = min(positions.get(p.name, 0) for p in behind)
            notifications = self.source.recorder.select_notifications(
                start + 1, self.batch_size, stop=head, topics=self._read_topics(behind)
            )
            # Fewer than a batch means nothing more up to `head` matches: the positions may jump there.
            end = notifications[-1].id if len(notifications) == self.batch_size else head
            if any(p.reads_personal_data for p in behind):
                events = [self.source.mapper.to_domain_event(n) for n in notifications]
            else:
                events = [self.source.mapper.to_domain_event(n, open_personal=False) for n in notifications]
            applied, moved = 0, []
            for projection in behind:
                position = positions.get(projection.name, 0)
                if position >= end:
                    continue  # ahead of this batch's events (a model rebuilt alone catches up with the others)
                wanted = self._topic_sets[projection.name]
                mine = [
                    (n, event) for n, event in zip(notifications, events, strict=True)
                    if n.id > position and (wanted is None or n.topic in wanted)
                ]
                if mine:
                    projection.begin_batch(tx, [event for _, event in mine])
                    for notification, event in mine:
                        projection.process_notification(notification, event, tx)
                    projection.end_batch(tx)
                moved.append(projection)
                applied += len(mine)
            _set_tracking(tx, moved, end)
            return applied, end - start

    def _read_topics(self, projections: Sequence[ReadModel]) -> list[str]:
        """The topics to read for these read models; empty (every event) when one of them reads every event."""
        if any(self._topic_sets[p.name] is None for p in projections):
            return []
        return sorted(set().union(*(self._topic_sets[p.name] or () for p in projections)))

    def rebuild(self, name: str | None = None, progress: Callable[[int], None] | None = None) -> int:
        """Drops the tables and builds them again from the first event (the drop commits first)."""
        with self.store.transaction() as tx:
            for projection in self._selected(name):
                projection.drop(tx)
                projection.create(tx)
                _set_tracking(tx, [projection], 0)
        # Never the shortcut: positions seen before the drop would say there is nothing to do.
        return self._catch_up_all(self._selected(name), progress)

    def _selected(self, name: str | Sequence[str] | None) -> list[ReadModel]:
        if name is None:
            return list(self.projections.values())
        names = [name] if isinstance(name, str) else list(name)
        for one in names:
            if one not in self.projections:
                raise KeyError(one)
        return [self.projections[one] for one in names]


def _positions(tx: Writer) -> dict[str, int]:
    return {name: int(position) for name, position in tx.execute(f"SELECT name, position FROM {TRACKING}")}


def _set_tracking(tx: Writer, projections: Sequence[ReadModel], position: int) -> None:
    """Moves the read models' positions, all in one statement."""
    tx.executemany(
        f"INSERT INTO {TRACKING} (name, position, version) VALUES (?, ?, ?) "
        "ON CONFLICT (name) DO UPDATE SET position = excluded.position, version = excluded.version",
        [(projection.name, position, projection.version) for projection in projections],
    )
