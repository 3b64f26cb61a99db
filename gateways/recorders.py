"""Process recorders for batches of messages: several tracking records in one transaction, and one query to
learn which of a batch's aggregates exist.

eventsourcing's process recorders take one `tracking` per `insert_events`; a batch of messages from several
offices (and dead letters, tracked by their stream position) needs one per sender, so these also take
`trackings=[...]`. A position already taken raises the library's IntegrityError and the whole transaction is
rolled back. `existing(ids)` spares a batch of new cases one
lookup each. `digests=[...]` keeps, in the same transaction, the SHA-256 of each message applied, by sender, epoch
and position (the table `message_digests`, beside the events, so a backup holds both): a message at a position
already applied is then a repeat (same digest) or a conflict (another one). These recorders are the inbox's
BatchRecorder port (services/ports.py); the inbox hands them `trackings` and `digests` through the library's public
`Application.save(*events, **kwargs)`, which passes its keyword arguments to `insert_events`, so no service calls a
private method of the library (these subclasses extend its protected `_insert_events` hooks, the documented way to
add to a recorder's transaction). Named once, per backend, in the composition root (gateways/bootstrap.py).

On PostgreSQL the whole write is one statement, a function created with the tables (as eventsourcing's own
`enable_db_functions` does for its insert): trackings, digests, then the events table's EXCLUSIVE lock, the NOTIFY
and the events' INSERT ... RETURNING, committed by the server as soon as the statement ends. The library's insert
holds that lock across a client round trip (it syncs its pipeline to read the ids, then sends COMMIT), so in a busy
process the lock waited for the GIL and every saver queued behind it; here nobody waits on the client.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.persistence import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    ProcessRecorder,
    StoredEvent,
    Tracking,
)
from eventsourcing.popo import POPOFactory, POPOProcessRecorder
from eventsourcing.postgres import PostgresProcessRecorder
from eventsourcing.sqlite import SQLiteDatastore, SQLiteProcessRecorder
from eventsourcing.utils import retry
from psycopg.sql import SQL, Composed, Identifier, Literal

from services.ports import MessageDigest

DIGESTS = "message_digests"


def _trackings(kwargs: dict[str, Any]) -> Sequence[Tracking]:
    trackings: Sequence[Tracking] = kwargs.get("trackings", ())
    if len({t.application_name for t in trackings}) != len(trackings):
        raise ValueError("one tracking record per position name in a transaction")
    return trackings


def _digests(kwargs: dict[str, Any]) -> Sequence[MessageDigest]:
    return kwargs.get("digests", ())


class PostgresBatchRecorder(PostgresProcessRecorder):
    records_several_trackings: ClassVar[bool] = True

    def __init__(self, datastore: Any, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        table = (Identifier(self.datastore.schema), Identifier(DIGESTS))
        self.sql_create_statements.append(SQL(
            "CREATE TABLE IF NOT EXISTS {}.{} (sender text NOT NULL, epoch bigint NOT NULL, seq bigint NOT NULL, "
            "sha256 text NOT NULL, ref text NOT NULL, PRIMARY KEY (sender, epoch, seq))").format(*table))
        self._select_since = SQL("SELECT sender, epoch, seq, sha256, ref FROM {}.{} WHERE sender = %s "
                                 "AND (epoch, seq) > (%s, %s) ORDER BY epoch, seq").format(*table)
        self._select_digest = SQL("SELECT sha256 FROM {}.{} WHERE sender = %s AND epoch = %s AND seq = %s").format(
            *table)
        self._select_head = SQL("SELECT COALESCE(MAX(epoch), 0) AS e, COALESCE(MAX(seq), 0) AS s FROM {}.{} "
                                "WHERE sender = %s AND (%s::bigint IS NULL OR epoch = %s::bigint)").format(*table)
        function = Identifier(f"{self.events_table_name}_write")
        self.check_identifier_length(f"{self.events_table_name}_write")
        # Processes of one node start together: CREATE OR REPLACE FUNCTION run at once by two of them fails with
        # "tuple concurrently updated", so each waits its turn (the lock ends with the creating transaction).
        self.sql_create_statements.append(SQL("SELECT pg_advisory_xact_lock(hashtext({}))").format(
            Literal(f"{self.datastore.schema}.{self.events_table_name}_write")))
        self.sql_create_statements.append(self._write_function(function))
        self._call_write = SQL(
            "SELECT * FROM {}.{}(%s::{}.{}[], %s::text[], %s::bigint[], %s::text[], %s::bigint[], %s::bigint[], "
            "%s::text[], %s::text[]) AS written(notification_id)").format(
            Identifier(self.datastore.schema), function, Identifier(self.datastore.schema),
            Identifier(self.stored_event_type_name))

    def _write_function(self, function: Identifier) -> Composed:
        """One batch's write, all of it on the server: a tracking that does not move its position forward
        (single-row tracking's upsert changes no row) raises unique_violation, as a duplicate digest or event does,
        so each surfaces as eventsourcing's IntegrityError and the statement's implicit transaction rolls back."""
        schema = Identifier(self.datastore.schema)
        tracking = Identifier(self.tracking_table_name)
        if self.datastore.single_row_tracking:
            track = SQL(
                "INSERT INTO {schema}.{tracking} AS t (application_name, notification_id) "
                "SELECT * FROM unnest(names, positions) ON CONFLICT (application_name) DO UPDATE "
                "SET notification_id = EXCLUDED.notification_id WHERE t.notification_id < EXCLUDED.notification_id; "
                "GET DIAGNOSTICS written = ROW_COUNT; "
                "IF written < cardinality(names) THEN "
                "RAISE unique_violation USING MESSAGE = 'Failed to record tracking: a position is taken already'; "
                "END IF;").format(schema=schema, tracking=tracking)
        else:
            track = SQL("INSERT INTO {schema}.{tracking} (application_name, notification_id) "
                        "SELECT * FROM unnest(names, positions);").format(schema=schema, tracking=tracking)
        return SQL(
            "CREATE OR REPLACE FUNCTION {schema}.{function}(events {schema}.{event_type}[], names text[], "
            "positions bigint[], senders text[], epochs bigint[], seqs bigint[], sha256s text[], refs text[]) "
            "RETURNS SETOF bigint LANGUAGE plpgsql AS $BODY$ "
            "DECLARE written bigint; "
            "BEGIN "
            "IF cardinality(names) > 0 THEN {track} END IF; "
            "IF cardinality(senders) > 0 THEN "
            "INSERT INTO {schema}.{digests} (sender, epoch, seq, sha256, ref) "
            "SELECT * FROM unnest(senders, epochs, seqs, sha256s, refs); "
            "END IF; "
            "IF cardinality(events) > 0 THEN "
            "SET LOCAL lock_timeout = '{lock_timeout}s'; "
            "LOCK TABLE {schema}.{table} IN EXCLUSIVE MODE; "
            "NOTIFY {channel}; "
            "RETURN QUERY INSERT INTO {schema}.{table} (originator_id, originator_version, topic, state) "
            "SELECT originator_id, originator_version, topic, state FROM unnest(events) RETURNING notification_id; "
            "END IF; "
            "END; $BODY$").format(
            schema=schema, function=function, event_type=Identifier(self.stored_event_type_name), track=track,
            digests=Identifier(DIGESTS), lock_timeout=self.datastore.lock_timeout,
            table=Identifier(self.events_table_name), channel=Identifier(self.channel_name))

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        """Events, trackings (`trackings`, and the library's own `tracking`) and digests in one statement."""
        one = kwargs.get("tracking")
        trackings = _trackings({"trackings": [*kwargs.get("trackings", ()), *([one] if one else [])]})
        digests = _digests(kwargs)
        if not stored_events and not trackings and not digests:
            return None
        events = [self.construct_pg_stored_event(e.originator_id, e.originator_version, e.topic, e.state)
                  for e in stored_events]
        params = (events, [t.application_name for t in trackings], [t.notification_id for t in trackings],
                  [d.sender for d in digests], [d.epoch for d in digests], [d.seq for d in digests],
                  [d.sha256 for d in digests], [d.ref for d in digests])
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            if trackings:
                self._check_has_multi_row_tracking_table(curs)  # the library's one-time check, as its insert does
            curs.execute(self._call_write, params, prepare=True)
            notification_ids = [row["notification_id"] for row in curs.fetchall()]
        return notification_ids if stored_events else None

    def message_digest(self, sender: str, epoch: int, seq: int) -> str | None:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            row = curs.execute(self._select_digest, (sender, epoch, seq)).fetchone()
            return row["sha256"] if row else None

    def digest_head(self, sender: str, epoch: int | None = None) -> tuple[int, int]:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            row = curs.execute(self._select_head, (sender, epoch, epoch)).fetchone()
            return int(row["e"]), int(row["s"])

    def digests_since(self, sender: str, epoch: int, seq: int) -> list[MessageDigest]:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            rows = curs.execute(self._select_since, (sender, epoch, seq)).fetchall()
            return [MessageDigest(r["sender"], r["epoch"], r["seq"], r["sha256"], r["ref"]) for r in rows]

    def existing(self, originator_ids: Sequence[UUID]) -> set[UUID]:
        """Which of these aggregates have events (read outside any transaction of the batch, as a load is)."""
        statement = SQL("SELECT DISTINCT originator_id FROM {}.{} WHERE originator_id = ANY(%s)").format(
            Identifier(self.datastore.schema), Identifier(self.events_table_name))
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(statement, (list(originator_ids),))
            return {row["originator_id"] for row in curs.fetchall()}


class SQLiteBatchRecorder(SQLiteProcessRecorder):
    records_several_trackings: ClassVar[bool] = True

    def __init__(self, datastore: SQLiteDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        self.create_table_statements.append(
            f"CREATE TABLE IF NOT EXISTS {DIGESTS} (sender TEXT NOT NULL, epoch INTEGER NOT NULL, "
            "seq INTEGER NOT NULL, sha256 TEXT NOT NULL, ref TEXT NOT NULL, PRIMARY KEY (sender, epoch, seq)) "
            "WITHOUT ROWID")

    def message_digest(self, sender: str, epoch: int, seq: int) -> str | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT sha256 FROM {DIGESTS} WHERE sender = ? AND epoch = ? AND seq = ?", (sender, epoch, seq))
            row = c.fetchone()
            return row["sha256"] if row else None

    def digest_head(self, sender: str, epoch: int | None = None) -> tuple[int, int]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT COALESCE(MAX(epoch), 0), COALESCE(MAX(seq), 0) FROM {DIGESTS} "
                      "WHERE sender = ? AND (? IS NULL OR epoch = ?)", (sender, epoch, epoch))
            row = c.fetchone()
            return int(row[0]), int(row[1])

    def digests_since(self, sender: str, epoch: int, seq: int) -> list[MessageDigest]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT sender, epoch, seq, sha256, ref FROM {DIGESTS} WHERE sender = ? "
                      "AND (epoch, seq) > (?, ?) ORDER BY epoch, seq", (sender, epoch, seq))
            return [MessageDigest(*tuple(row)) for row in c.fetchall()]

    def existing(self, originator_ids: Sequence[UUID]) -> set[UUID]:
        found: set[UUID] = set()
        ids = [i.hex for i in originator_ids]
        with self.datastore.transaction(commit=False) as c:
            for start in range(0, len(ids), 500):  # SQLite's limit on parameters of one statement
                chunk = ids[start:start + 500]
                c.execute(f"SELECT DISTINCT originator_id FROM {self.events_table_name} "
                          f"WHERE originator_id IN ({','.join('?' * len(chunk))})", chunk)
                found.update(UUID(row["originator_id"]) for row in c.fetchall())
        return found

    def _insert_events(self, c: Any, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        returning = super()._insert_events(c, stored_events, **kwargs)
        for tracking in _trackings(kwargs):
            self._insert_tracking(c, tracking)
        for digest in _digests(kwargs):
            c.execute(f"INSERT INTO {DIGESTS} (sender, epoch, seq, sha256, ref) VALUES (?, ?, ?, ?, ?)",
                      tuple(digest))
        return returning


class POPOBatchRecorder(POPOProcessRecorder):
    records_several_trackings: ClassVar[bool] = True

    def __init__(self) -> None:
        super().__init__()
        self._digests: dict[tuple[str, int, int], MessageDigest] = {}

    def message_digest(self, sender: str, epoch: int, seq: int) -> str | None:
        with self._database_lock:
            found = self._digests.get((sender, epoch, seq))
            return found.sha256 if found else None

    def digests_since(self, sender: str, epoch: int, seq: int) -> list[MessageDigest]:
        with self._database_lock:
            return sorted((d for k, d in self._digests.items() if k[0] == sender and k[1:] > (epoch, seq)),
                          key=lambda d: (d.epoch, d.seq))

    def digest_head(self, sender: str, epoch: int | None = None) -> tuple[int, int]:
        with self._database_lock:
            keys = [k for k in self._digests if k[0] == sender and (epoch is None or k[1] == epoch)]
            return max((k[1] for k in keys), default=0), max((k[2] for k in keys), default=0)

    def existing(self, originator_ids: Sequence[UUID]) -> set[UUID]:
        with self._database_lock:
            return {i for i in originator_ids if self._stored_events_index.get(str(i))}

    def _assert_uniqueness(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> None:
        super()._assert_uniqueness(stored_events, **kwargs)
        for tracking in _trackings(kwargs):
            self._assert_tracking_uniqueness(tracking)
        if any((d.sender, d.epoch, d.seq) in self._digests for d in _digests(kwargs)):
            raise IntegrityError("a digest for this position is kept already")

    def _update_table(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        notification_ids = super()._update_table(stored_events, **kwargs)
        for tracking in _trackings(kwargs):
            self._insert_tracking(tracking)
        for digest in _digests(kwargs):
            self._digests[(digest.sender, digest.epoch, digest.seq)] = digest
        return notification_ids


class POPOBatchFactory(POPOFactory):
    """The in-memory factory with the recorder above (POPOFactory has no PROCESS_RECORDER_TOPIC setting)."""

    def process_recorder(self) -> ProcessRecorder:
        return POPOBatchRecorder()
