"""What PostgreSQL's backends were doing during a load: pg_stat_activity sampled every 20 ms in a thread.

A cheap bottleneck indicator printed under a table: e.g. backends waiting on `LOCK TABLE` (eventsourcing serialises
the writers of one events table) or `idle in transaction` (a transaction open while the client process has not sent
its next statement yet)."""

from __future__ import annotations

import collections
import re
import threading
from types import TracebackType

import psycopg

QUERY = (
    "SELECT state, coalesce(wait_event_type, ''), coalesce(wait_event, ''), left(query, 60)"
    " FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    " AND backend_type = 'client backend' AND state <> 'idle'"
)


class Waits:
    def __init__(self, url: str, interval: float = 0.02) -> None:
        self.url, self.interval = url, interval
        self.counts: collections.Counter[str] = collections.Counter()
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="pg-waits", daemon=True)

    def __enter__(self) -> Waits:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _sample(self) -> None:
        with psycopg.connect(self.url, autocommit=True) as connection:
            while not self._stop.is_set():
                for state, kind, event, query in connection.execute(QUERY).fetchall():
                    self.counts[_label(state, kind, event, query)] += 1
                self.samples += 1
                self._stop.wait(self.interval)

    def summary(self, top: int = 5) -> str:
        """The commonest activities as mean backends per sample, e.g. `2.3 waiting Lock/relation in LOCK TABLE …`."""
        if not self.samples:
            return "no samples"
        return "; ".join(f"{count / self.samples:.2f} {label}" for label, count in self.counts.most_common(top))


def _label(state: str, kind: str, event: str, query: str) -> str:
    statement = re.sub(r'"hdb[0-9a-f]+_\w+"\.', "", " ".join(query.split()))[:40]
    if state == "active":
        doing = "waiting for the client" if kind == "Client" else f"waiting {kind}/{event}" if kind else "running"
        return f"{doing} in `{statement}`"
    return f"{state} (after `{statement}`)"
