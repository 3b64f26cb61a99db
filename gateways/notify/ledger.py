"""The delivery ledger: one row per (event position, person, way out), committed before anything is sent.

`plan` turns the notifications the read model recorded since the last plan into rows for each way out their
recipient chose, in one transaction with the ledger's cursor. A row is claimed (`sending`, committed) before it is
sent and marked `sent` after, so a restart never sends it again: a row a killed node left `sending` becomes
`unsure` and stays so (a notice is a nudge; the list in the app still has it), while a send that failed before the
server took it goes back to `pending` until it has been tried MAX_ATTEMPTS times.

The ledger lives beside the read models but is none of them: a rebuild of the notifications read model leaves it
(and its cursor) alone, so nothing goes out twice. When the ledger is first made its cursor starts at the log's head:
a node that gains notifications does not mail its whole history.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import msgspec

from domain.notification_values import DeliveryChannel, Kind
from projections.base import iso
from projections.runner import TRACKING, Store

DELIVERIES = "notify_deliveries"
CURSOR = "notify_cursor"
MAX_ATTEMPTS = 5
_DELIVERY_COLUMNS = """
    position BIGINT NOT NULL, username TEXT NOT NULL, channel TEXT NOT NULL, address TEXT NOT NULL,
    kind TEXT NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL, planned_at TEXT NOT NULL, sent_at TEXT,
    error TEXT, PRIMARY KEY (position, username, channel)
"""


class Delivery(msgspec.Struct, frozen=True, kw_only=True):
    """One notice to send: whose, which way, where to, and what it says (from the read model's row)."""

    position: int
    username: str
    channel: DeliveryChannel
    address: str
    kind: Kind
    subject: str
    subject_id: str | None
    number: str
    code: str
    values: str  # JSON, as the read model keeps it


class DeliveryLedger:
    def __init__(self, store: Store, clock: Callable[[], datetime], read_model: str = "notifications") -> None:
        self.store = store
        self.clock = clock
        self.read_model = read_model

    def prepare(self, head: int) -> None:
        """Makes the tables; a new cursor starts at `head` (the log's newest position)."""
        with self.store.transaction() as tx:
            tx.execute(f"CREATE TABLE IF NOT EXISTS {DELIVERIES} ({_DELIVERY_COLUMNS})")
            tx.execute(f"CREATE TABLE IF NOT EXISTS {CURSOR} (name TEXT PRIMARY KEY, position BIGINT NOT NULL)")
            tx.execute(f"INSERT INTO {CURSOR} (name, position) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                       (self.read_model, head))

    def recover(self) -> int:
        """After a start: rows a stopped node left `sending` may have gone out; they become `unsure`, never resent."""
        with self.store.transaction() as tx:
            left = tx.execute(f"SELECT COUNT(*) FROM {DELIVERIES} WHERE state = 'sending'")
            tx.execute(f"UPDATE {DELIVERIES} SET state = 'unsure' WHERE state = 'sending'")
        return int(left[0][0])

    def plan(self) -> int:
        """Rows for every notification recorded since the last plan whose recipient chose its kind for a way out
        with an address; returns how many rows were made."""
        with self.store.transaction() as tx:
            cursor = int(tx.execute(f"SELECT position FROM {CURSOR} WHERE name = ?", (self.read_model,))[0][0])
            tracked = tx.execute(f"SELECT position FROM {TRACKING} WHERE name = ?", (self.read_model,))
            upto = int(tracked[0][0]) if tracked else 0
            if upto <= cursor:
                return 0
            found = tx.execute(
                "SELECT n.position, n.username, n.kind, c.email, c.chat_id, c.email_kinds, c.telegram_kinds"
                " FROM rm_notifications n JOIN rm_notify_choices c ON c.username = n.username"
                " WHERE n.position > ? AND n.position <= ?", (cursor, upto))
            at = iso(self.clock())
            rows = []
            for position, username, kind, email, chat_id, by_mail, by_telegram in found:
                for channel, address, kinds in ((DeliveryChannel.EMAIL, email, by_mail),
                                                (DeliveryChannel.TELEGRAM, chat_id, by_telegram)):
                    if address and f",{kind}," in kinds:
                        rows.append((position, username, channel.value, address, kind, "pending", 0, at))
            tx.executemany(
                f"INSERT INTO {DELIVERIES} (position, username, channel, address, kind, state, attempts, planned_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (position, username, channel) DO NOTHING", rows)
            tx.execute(f"UPDATE {CURSOR} SET position = ? WHERE name = ?", (upto, self.read_model))
        return len(rows)

    def pending(self, limit: int = 100) -> list[Delivery]:
        rows = self.store.query(
            f"SELECT d.position, d.username, d.channel, d.address, d.kind, n.subject, n.subject_id, n.number, n.code,"
            f" n.vals FROM {DELIVERIES} d JOIN rm_notifications n ON n.position = d.position"
            " AND n.username = d.username WHERE d.state = 'pending' ORDER BY d.position, d.username, d.channel"
            " LIMIT ?", (limit,))
        return [Delivery(position=int(r[0]), username=r[1], channel=DeliveryChannel(r[2]), address=r[3],
                         kind=Kind(r[4]), subject=r[5], subject_id=r[6], number=r[7], code=r[8], values=r[9])
                for r in rows]

    def claim(self, delivery: Delivery) -> bool:
        """Marks the row `sending` (committed before the send); False when another round took it first."""
        key = (delivery.position, delivery.username, delivery.channel.value)
        with self.store.transaction() as tx:
            state = tx.execute(f"SELECT state FROM {DELIVERIES} WHERE position = ? AND username = ? AND channel = ?",
                               key)
            if not state or state[0][0] != "pending":
                return False
            tx.execute(f"UPDATE {DELIVERIES} SET state = 'sending', attempts = attempts + 1"
                       " WHERE position = ? AND username = ? AND channel = ?", key)
        return True

    def sent(self, delivery: Delivery) -> None:
        self._finish(delivery, "sent", None)

    def failed(self, delivery: Delivery, error: str) -> None:
        """The server did not take it: tried again next round, until MAX_ATTEMPTS."""
        key = (delivery.position, delivery.username, delivery.channel.value)
        attempts = self.store.query(
            f"SELECT attempts FROM {DELIVERIES} WHERE position = ? AND username = ? AND channel = ?", key)
        state = "failed" if attempts and int(attempts[0][0]) >= MAX_ATTEMPTS else "pending"
        self._finish(delivery, state, error[:300])

    def states(self) -> list[tuple[int, str, str, str]]:
        """(position, username, channel, state) of every row, for the operators and the tests."""
        return [(int(r[0]), r[1], r[2], r[3]) for r in self.store.query(
            f"SELECT position, username, channel, state FROM {DELIVERIES} ORDER BY position, username, channel")]

    def _finish(self, delivery: Delivery, state: str, error: str | None) -> None:
        with self.store.transaction() as tx:
            tx.execute(
                f"UPDATE {DELIVERIES} SET state = ?, sent_at = ?, error = ?"
                " WHERE position = ? AND username = ? AND channel = ? AND state = 'sending'",
                (state, iso(self.clock()) if state == "sent" else None, error, delivery.position, delivery.username,
                 delivery.channel.value))
