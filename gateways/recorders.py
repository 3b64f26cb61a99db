"""Process recorders for batches of messages: several tracking records in one transaction, and one query to
learn which of a batch's aggregates exist.

eventsourcing's process recorders take one `tracking` per `insert_events`; a batch of messages from several
offices (and dead letters, tracked by their stream position) needs one per sender, so these also take
`trackings=[...]`. Each is inserted by the library's own statement, so a position already taken raises the
same IntegrityError and the whole transaction is rolled back. `existing(ids)` spares a batch of new cases one
lookup each. Chosen by configuration (gateways/persistence.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.persistence import ProcessRecorder, StoredEvent, Tracking
from eventsourcing.popo import POPOFactory, POPOProcessRecorder
from eventsourcing.postgres import PostgresProcessRecorder
from eventsourcing.sqlite import SQLiteProcessRecorder
from psycopg.sql import SQL, Identifier


def _trackings(kwargs: dict[str, Any]) -> Sequence[Tracking]:
    trackings: Sequence[Tracking] = kwargs.get("trackings", ())
    if len({t.application_name for t in trackings}) != len(trackings):
        raise ValueError("one tracking record per position name in a transaction")
    return trackings


class PostgresBatchRecorder(PostgresProcessRecorder):
    records_several_trackings: ClassVar[bool] = True

    def existing(self, originator_ids: Sequence[UUID]) -> set[UUID]:
        """Which of these aggregates have events (read outside any transaction of the batch, as a load is)."""
        statement = SQL("SELECT DISTINCT originator_id FROM {}.{} WHERE originator_id = ANY(%s)").format(
            Identifier(self.datastore.schema), Identifier(self.events_table_name))
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(statement, (list(originator_ids),))
            return {row["originator_id"] for row in curs.fetchall()}

    def _insert_events(self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any) -> None:
        for tracking in _trackings(kwargs):
            self._insert_tracking(curs, tracking)
        super()._insert_events(curs, stored_events, **kwargs)


class SQLiteBatchRecorder(SQLiteProcessRecorder):
    records_several_trackings: ClassVar[bool] = True

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
        return returning


class POPOBatchRecorder(POPOProcessRecorder):
    records_several_trackings: ClassVar[bool] = True

    def existing(self, originator_ids: Sequence[UUID]) -> set[UUID]:
        with self._database_lock:
            return {i for i in originator_ids if self._stored_events_index.get(str(i))}

    def _assert_uniqueness(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> None:
        super()._assert_uniqueness(stored_events, **kwargs)
        for tracking in _trackings(kwargs):
            self._assert_tracking_uniqueness(tracking)

    def _update_table(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        notification_ids = super()._update_table(stored_events, **kwargs)
        for tracking in _trackings(kwargs):
            self._insert_tracking(tracking)
        return notification_ids


class POPOBatchFactory(POPOFactory):
    """The in-memory factory with the recorder above (POPOFactory has no PROCESS_RECORDER_TOPIC setting)."""

    def process_recorder(self) -> ProcessRecorder:
        return POPOBatchRecorder()
