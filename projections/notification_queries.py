"""Queries over the notifications read model: my unread count by kind, my list newest first with read/unread, what
still waits for me, and marking read (a row in `notification_reads`, outside the read model: see
projections/notifications.py for why it is no event)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from uuid import UUID

import msgspec

from domain.notification_values import Kind, Subject
from projections.base import from_iso, from_json, iso
from projections.runner import ReadModelRunner

READS = "notification_reads"
READS_COLUMNS = (
    "user_id TEXT NOT NULL, position BIGINT NOT NULL, read_at TEXT NOT NULL, PRIMARY KEY (user_id, position)"
)
NAME = "notifications"


class NotificationView(msgspec.Struct, frozen=True, kw_only=True):
    position: int  # the event's position in the log: with the person, the notification's key
    kind: Kind
    subject: Subject
    subject_id: UUID | None
    number: str
    code: str  # the catalogue's words (gateways word it in the reader's language)
    values: dict[str, str]
    at: datetime
    settled: bool  # a later step took it up: it no longer waits
    read: bool


class NotificationPage(msgspec.Struct, frozen=True):
    total: int
    unread: int
    items: list[NotificationView]


class Waiting(msgspec.Struct, frozen=True):
    """What the menu's badge and the home tiles show: unread notifications, and what still waits by kind."""

    unread: int
    unread_by_kind: dict[Kind, int]
    waiting_by_kind: dict[Kind, int]


_COLUMNS = ("n.position, n.kind, n.subject, n.subject_id, n.number, n.code, n.vals, n.at, n.settled,"
            " CASE WHEN r.position IS NULL THEN 0 ELSE 1 END")
_JOIN = (f"FROM rm_notifications n LEFT JOIN {READS} r ON r.user_id = n.user_id AND r.position = n.position"
         " WHERE n.user_id = ?")


class NotificationQueries:
    def __init__(self, runner: ReadModelRunner, clock: Callable[[], datetime]) -> None:
        self.runner = runner
        self.clock = clock

    def prepare(self) -> None:
        """The read marks' table: made once, never dropped with the read model (positions never change)."""
        with self.runner.store.transaction() as tx:
            tx.execute(f"CREATE TABLE IF NOT EXISTS {READS} ({READS_COLUMNS})")

    def mine(self, user_id: UUID, offset: int = 0, limit: int = 50) -> NotificationPage:
        """My notifications, newest first, each with whether I read it."""
        self.runner.catch_up(NAME)
        query = self.runner.store.query
        total = int(query("SELECT COUNT(*) FROM rm_notifications WHERE user_id = ?", (str(user_id),))[0][0])
        rows = query(f"SELECT {_COLUMNS} {_JOIN} ORDER BY n.position DESC LIMIT ? OFFSET ?",
                     (str(user_id), limit, offset))
        return NotificationPage(total, self._unread(user_id), [_view(row) for row in rows])

    def waiting(self, user_id: UUID) -> Waiting:
        """Counts for the badge and the tiles: unread by kind, and not yet settled by kind (read or not)."""
        self.runner.catch_up(NAME)
        rows = self.runner.store.query(
            f"SELECT n.kind, SUM(CASE WHEN r.position IS NULL THEN 1 ELSE 0 END), SUM(1 - n.settled) {_JOIN}"
            " GROUP BY n.kind", (str(user_id),))
        unread = {Kind(r[0]): int(r[1]) for r in rows if int(r[1])}
        waiting = {Kind(r[0]): int(r[2]) for r in rows if int(r[2])}
        return Waiting(sum(unread.values()), unread, waiting)

    def unread_count(self, user_id: UUID) -> int:
        self.runner.catch_up(NAME)
        return self._unread(user_id)

    def mark_read(self, user_id: UUID, position: int) -> NotificationView | None:
        """Marks one of my notifications read; None when I have none at that position (another's is not mine)."""
        self.runner.catch_up(NAME)
        with self.runner.store.transaction() as tx:
            found = tx.execute("SELECT 1 FROM rm_notifications WHERE user_id = ? AND position = ?",
                               (str(user_id), position))
            if not found:
                return None
            tx.execute(f"INSERT INTO {READS} (user_id, position, read_at) VALUES (?, ?, ?)"
                       " ON CONFLICT (user_id, position) DO NOTHING", (str(user_id), position, iso(self.clock())))
        rows = self.runner.store.query(f"SELECT {_COLUMNS} {_JOIN} AND n.position = ?", (str(user_id), position))
        return _view(rows[0])

    def mark_all_read(self, user_id: UUID) -> int:
        """Marks every notification I have read; how many were unread."""
        self.runner.catch_up(NAME)
        with self.runner.store.transaction() as tx:
            unread = tx.execute(
                f"SELECT n.position {_JOIN} AND r.position IS NULL", (str(user_id),))
            at = iso(self.clock())
            tx.executemany(f"INSERT INTO {READS} (user_id, position, read_at) VALUES (?, ?, ?)"
                           " ON CONFLICT (user_id, position) DO NOTHING",
                           [(str(user_id), int(row[0]), at) for row in unread])
        return len(unread)

    def _unread(self, user_id: UUID) -> int:
        return int(self.runner.store.query(f"SELECT COUNT(*) {_JOIN} AND r.position IS NULL", (str(user_id),))[0][0])


def _view(row: tuple) -> NotificationView:  # type: ignore[type-arg]
    return NotificationView(
        position=int(row[0]), kind=Kind(row[1]), subject=Subject(row[2]),
        subject_id=UUID(row[3]) if row[3] else None, number=row[4], code=row[5],
        values=from_json(row[6], dict[str, str]), at=from_iso(row[7]),  # type: ignore[arg-type]
        settled=bool(row[8]), read=bool(row[9]),
    )
