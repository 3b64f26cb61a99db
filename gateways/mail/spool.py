"""The mailbox's spool: the mails taken off the server and not yet recorded, beside the folders' checkpoints (in the
read store, gateways/mail/checkpoints.py).

Reading a mailbox is two steps. Taking in: a FETCH chunk's bytes go into the spool and the folder's checkpoint moves
past the chunk, in one transaction, so the checkpoint never passes a mail the node does not hold (a crash, even a
power cut, rolls both back together, and the server still has the mails: they are fetched again). Recording: the
spool's mails are read (MIME) and recorded with the consultations they open or join (services/mail_chunk.py), then
taken out of the spool. A mail recorded but still in the spool (the node stopped between the two) is recognised by
its id (domain/mail.py) and recorded once; a mail the recording fails on stays in the spool for the next round.

Taking in costs what moving the bytes costs, so a mailbox full after an outage is off the server in seconds; the
desks see the consultations as fast as the recording goes (docs/benchmarks.md, P7).
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from domain.mail import Folder
from gateways.mail.checkpoints import Checkpoints
from projections.runner import Store

TABLE = "mail_spool"
COLUMNS = """
    mailbox TEXT NOT NULL, folder TEXT NOT NULL, uidvalidity BIGINT NOT NULL, uid BIGINT NOT NULL,
    raw {blob} NOT NULL, PRIMARY KEY (mailbox, folder, uidvalidity, uid)
"""
BLOB = {"sqlite": "BLOB", "postgresql": "BYTEA"}
# PostgreSQL keeps a mail's bytes as they are (no compression: they stay only until recorded) and takes them by
# binary COPY: a chunk costs a third of what compressed, text-escaped bytes cost.
SETUP = {"postgresql": f"ALTER TABLE {TABLE} ALTER COLUMN raw SET STORAGE EXTERNAL"}
TYPES = {"postgresql": ("text", "text", "int8", "int8", "bytea")}
# A chunk's transaction need not wait for the disk: should the database lose it (PostgreSQL stopped in the moment
# after its commit; SQLite's read store runs with synchronous=NORMAL alike), it loses the spool's rows and the
# checkpoint together, and the server still has the mails. Anything recorded from the spool commits in full, which
# flushes the log up to it first.
RELAXED = {"postgresql": "SET LOCAL synchronous_commit TO OFF"}


class Spooled(msgspec.Struct, frozen=True):
    folder: Folder
    uidvalidity: int
    uid: int
    raw: bytes


class Spool:
    def __init__(self, store: Store, checkpoints: Checkpoints) -> None:
        self.store = store
        self.checkpoints = checkpoints
        with store.transaction() as tx:
            tx.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} ({COLUMNS.format(blob=BLOB[tx.dialect])})")
            if tx.dialect in SETUP:
                tx.execute(SETUP[tx.dialect])

    def take(self, mailbox: str, folder: Folder, name: str, uidvalidity: int, mails: Sequence[tuple[int, bytes]],
             last_uid: int) -> None:
        """A FETCH chunk's mails (UID, bytes) kept and the folder `name`'s checkpoint moved to `last_uid`, together.
        A mail already held (the same UID under the same UIDVALIDITY: the same bytes, RFC 3501) is held once."""
        with self.store.transaction() as tx:
            if tx.dialect in RELAXED:
                tx.execute(RELAXED[tx.dialect])
            if mails:
                # Nothing is held past the checkpoint, which moves in this transaction: the DELETE finds something
                # only when a checkpoint was lost and its mails are read again (the same bytes under the same UIDs),
                # and leaves the fastest INSERT (PostgreSQL: COPY) safe.
                tx.execute(f"DELETE FROM {TABLE} WHERE mailbox = ? AND folder = ? AND uidvalidity = ?"
                           " AND uid BETWEEN ? AND ?", (mailbox, folder.value, uidvalidity, mails[0][0], mails[-1][0]))
                tx.insert_many(TABLE, ("mailbox", "folder", "uidvalidity", "uid", "raw"),
                               [(mailbox, folder.value, uidvalidity, uid, raw) for uid, raw in mails],
                               TYPES.get(tx.dialect, ()))
            self.checkpoints.advance(tx, mailbox, name, uidvalidity, last_uid)

    def next_chunk(self, mailbox: str, limit: int) -> list[Spooled]:
        """The oldest mails held, of one folder and UIDVALIDITY (they are recorded together), the inbox first."""
        rows = self.store.query(
            f"SELECT folder, uidvalidity, uid, raw FROM {TABLE} WHERE mailbox = ?"
            " ORDER BY folder, uidvalidity, uid LIMIT ?", (mailbox, limit))
        if not rows:
            return []
        first = (rows[0][0], rows[0][1])
        return [Spooled(Folder(r[0]), int(r[1]), int(r[2]), bytes(r[3])) for r in rows if (r[0], r[1]) == first]

    def recorded(self, mailbox: str, mails: Sequence[Spooled]) -> None:
        """These mails are in the event store now: out of the spool."""
        with self.store.transaction() as tx:
            tx.executemany(f"DELETE FROM {TABLE} WHERE mailbox = ? AND folder = ? AND uidvalidity = ? AND uid = ?",
                           [(mailbox, m.folder.value, m.uidvalidity, m.uid) for m in mails])

    def held(self, mailbox: str) -> int:
        """How many mails wait to be recorded."""
        return int(self.store.query(f"SELECT count(*) FROM {TABLE} WHERE mailbox = ?", (mailbox,))[0][0])
