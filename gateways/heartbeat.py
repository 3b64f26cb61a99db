"""The background worker's heartbeat: `helpdesk worker` writes one row of the read store every few seconds (alive,
its process, its follower's errors, its NATS link's counts), and every HTTP process's GET /health reads it.

A row in the store the processes already share rather than a health port of the worker's own: nothing new to open,
firewall or name in a unit file, the monitoring that polls /health sees the whole node in one answer, and the beat's
age is measured by the database's clock, so a worker on another host is judged without comparing two clocks. Worker
mode runs on PostgreSQL only (gateways/config.py), so the statements are PostgreSQL's.
"""

from __future__ import annotations

import msgspec

from projections.runner import Store

TABLE = "worker_heartbeat"
BEAT_SECONDS = 5.0  # how often the worker writes its row
STALE_SECONDS = 3 * BEAT_SECONDS  # a row older than this: the worker is gone (killed, hung, or its host away)
NAME = "worker"  # one worker per node (background.lock); the row's key leaves room for more kinds


class LinkCounts(msgspec.Struct, frozen=True):
    """The worker's NATS link as it stood at the beat (gateways/nats/status.py)."""

    connected: bool
    published: int = 0
    applied: int = 0
    duplicates: int = 0
    dead_letters: int = 0
    audit_shipped: int = 0
    audit_received: int = 0
    last_error: str | None = None


class WorkerState(msgspec.Struct, frozen=True):
    pid: int
    host: str
    started_at: str  # ISO 8601, the worker's own clock
    follower_errors: int
    link: LinkCounts | None  # None: the node has no NATS link (nats_url empty)
    stopped: bool = False  # the last beat of a worker stopped by SIGTERM/SIGINT


class Beat(msgspec.Struct, frozen=True):
    state: WorkerState
    seconds_ago: float  # by the database's clock

    @property
    def status(self) -> str:
        """"alive", "stopped" (it said goodbye) or "stale" (no beat for STALE_SECONDS: killed, hung or away)."""
        if self.state.stopped:
            return "stopped"
        return "alive" if self.seconds_ago <= STALE_SECONDS else "stale"


class Heartbeats:
    def __init__(self, store: Store) -> None:
        self.store = store
        with store.transaction() as tx:
            tx.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (name TEXT PRIMARY KEY, beat_at TIMESTAMPTZ NOT NULL,"
                       " state BYTEA NOT NULL)")

    def beat(self, state: WorkerState) -> None:
        with self.store.transaction() as tx:
            tx.execute(f"INSERT INTO {TABLE} (name, beat_at, state) VALUES (?, now(), ?) ON CONFLICT (name)"
                       " DO UPDATE SET beat_at = excluded.beat_at, state = excluded.state",
                       (NAME, msgspec.json.encode(state)))

    def last(self) -> Beat | None:
        """The worker's last beat; None when no worker ever ran on this node."""
        rows = self.store.query(f"SELECT state, EXTRACT(EPOCH FROM now() - beat_at) FROM {TABLE} WHERE name = ?",
                                (NAME,))
        if not rows:
            return None
        state, seconds = rows[0]
        return Beat(msgspec.json.decode(bytes(state), type=WorkerState), max(0.0, float(seconds)))
