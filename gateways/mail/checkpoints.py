"""How far each folder of the mailbox was read, and when it was last read or failed (beside the read models, in the
read store). Only a shortcut: a mail read again is recognised by its id (domain/mail.py), so a lost or stale
checkpoint costs a re-read, never a duplicate."""

from __future__ import annotations

from datetime import datetime

import msgspec

from projections.base import Writer, from_iso, iso
from projections.runner import Store

TABLE = "mail_checkpoints"
COLUMNS = """
    mailbox TEXT NOT NULL, folder TEXT NOT NULL, uidvalidity INTEGER NOT NULL, last_uid INTEGER NOT NULL,
    read_at TEXT, failed_at TEXT, failure TEXT, PRIMARY KEY (mailbox, folder)
"""


class FolderState(msgspec.Struct, frozen=True):
    mailbox: str
    folder: str
    uidvalidity: int
    last_uid: int
    read_at: datetime | None
    failed_at: datetime | None
    failure: str | None


class Checkpoints:
    def __init__(self, store: Store) -> None:
        self.store = store
        with store.transaction() as tx:
            tx.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} ({COLUMNS})")

    def last_uid(self, mailbox: str, folder: str, uidvalidity: int) -> int:
        """The last UID read under this UIDVALIDITY; 0 (read everything) when the server gave the folder a new one."""
        rows = self.store.query(f"SELECT uidvalidity, last_uid FROM {TABLE} WHERE mailbox = ? AND folder = ?",
                                (mailbox, folder))
        return int(rows[0][1]) if rows and int(rows[0][0]) == uidvalidity else 0

    @staticmethod
    def advance(tx: Writer, mailbox: str, folder: str, uidvalidity: int, uid: int) -> None:
        """Moves a folder's checkpoint inside a transaction of the read store: the spool's, which keeps the mails the
        checkpoint moves past (gateways/mail/spool.py)."""
        tx.execute(
            f"INSERT INTO {TABLE} (mailbox, folder, uidvalidity, last_uid) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (mailbox, folder) DO UPDATE SET uidvalidity = excluded.uidvalidity,"
            " last_uid = excluded.last_uid", (mailbox, folder, uidvalidity, uid))

    def read(self, mailbox: str, folder: str, at: datetime) -> None:
        self._mark(mailbox, folder, "read_at = ?, failure = NULL", (iso(at),))

    def failed(self, mailbox: str, folder: str, at: datetime, failure: str) -> None:
        self._mark(mailbox, folder, "failed_at = ?, failure = ?", (iso(at), failure[:500]))

    def _mark(self, mailbox: str, folder: str, assignments: str, values: tuple) -> None:
        with self.store.transaction() as tx:
            tx.execute(f"INSERT INTO {TABLE} (mailbox, folder, uidvalidity, last_uid) VALUES (?, ?, 0, 0)"
                       " ON CONFLICT (mailbox, folder) DO NOTHING", (mailbox, folder))
            tx.execute(f"UPDATE {TABLE} SET {assignments} WHERE mailbox = ? AND folder = ?",
                       (*values, mailbox, folder))

    def states(self, mailbox: str) -> list[FolderState]:
        rows = self.store.query(f"SELECT mailbox, folder, uidvalidity, last_uid, read_at, failed_at, failure"
                                f" FROM {TABLE} WHERE mailbox = ? ORDER BY folder", (mailbox,))
        return [FolderState(r[0], r[1], int(r[2]), int(r[3]), from_iso(r[4]), from_iso(r[5]), r[6]) for r in rows]
