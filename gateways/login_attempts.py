"""Wrong logins counted per account and per address (the LoginAttempts port): in this process's memory, or in the
node's read store where several processes serve the node's HTTP (HELPDESK_BACKGROUND=worker, `--workers N`).

In memory, a restart forgets the counts, which only gives a guesser a fresh start as slow as before; the table is
bounded: the least recently touched key goes first, so names made up by the thousand cannot fill memory. With N
processes each counting alone a guesser would get N times the tries, so there the counts are one table all processes
share, each change read and written in one transaction under the read store's write lock.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from domain.login_limits import Failures
from projections.runner import Store

MAX_KEYS = 100_000
TABLE = "login_attempts"
COLUMNS = ("key TEXT PRIMARY KEY, count INTEGER NOT NULL, since_us BIGINT NOT NULL, last_us BIGINT NOT NULL,"
           " locks INTEGER NOT NULL, until_us BIGINT")
SELECT = f"SELECT count, since_us, last_us, locks, until_us FROM {TABLE} WHERE key = ?"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class MemoryLoginAttempts:
    def __init__(self, max_keys: int = MAX_KEYS) -> None:
        self._seen: OrderedDict[str, Failures] = OrderedDict()
        self._lock = threading.Lock()
        self._max_keys = max_keys

    def get(self, key: str) -> Failures | None:
        with self._lock:
            return self._seen.get(key)

    def update(self, key: str, change: Callable[[Failures | None], Failures | None]) -> Failures | None:
        with self._lock:
            new = change(self._seen.get(key))
            if new is None:
                self._seen.pop(key, None)
                return None
            self._seen[key] = new
            self._seen.move_to_end(key)
            while len(self._seen) > self._max_keys:
                self._seen.popitem(last=False)
            return new


class StoredLoginAttempts:
    """The counts in the read store, shared by every process of the node. A count whose last failure is older than
    `forget` says nothing any more (its lock is over, its window closed) and is removed as others are written: names
    made up by the thousand leave the table as they came."""

    def __init__(self, store: Store, forget: timedelta) -> None:
        self.store, self.forget = store, forget
        with store.transaction() as tx:
            tx.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} ({COLUMNS})")
            tx.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_last ON {TABLE} (last_us)")

    def get(self, key: str) -> Failures | None:
        return _failures(self.store.query(SELECT, (key,)))

    def update(self, key: str, change: Callable[[Failures | None], Failures | None]) -> Failures | None:
        # The write lock is taken first (gateways/readstore.py): the count read below is still true at commit.
        with self.store.transaction() as tx:
            new = change(_failures(tx.execute(SELECT, (key,))))
            if new is None:
                tx.execute(f"DELETE FROM {TABLE} WHERE key = ?", (key,))
                return None
            tx.execute(f"DELETE FROM {TABLE} WHERE last_us < ?", (_us(new.last - self.forget),))
            tx.execute(
                f"INSERT INTO {TABLE} (key, count, since_us, last_us, locks, until_us) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET count = excluded.count, since_us = excluded.since_us,"
                " last_us = excluded.last_us, locks = excluded.locks, until_us = excluded.until_us",
                (key, new.count, _us(new.since), _us(new.last), new.locks,
                 None if new.until is None else _us(new.until)))
            return new


def _us(moment: datetime) -> int:
    """Microseconds since 1970 (exact, and ordered as the times are)."""
    return (moment - EPOCH) // timedelta(microseconds=1)


def _at(microseconds: int) -> datetime:
    return EPOCH + timedelta(microseconds=microseconds)


def _failures(rows: list[tuple]) -> Failures | None:
    if not rows:
        return None
    count, since, last, locks, until = rows[0]
    return Failures(count=int(count), since=_at(since), last=_at(last), locks=int(locks),
                    until=None if until is None else _at(until))
