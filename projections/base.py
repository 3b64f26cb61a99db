"""What every read model is: a name, the topics it reads, its tables, and a handler per event type."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar, Protocol


class Writer(Protocol):
    """A cursor inside one read-store transaction (SQL with `?` placeholders, portable SQLite/PostgreSQL)."""

    dialect: str

    def execute(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...

    def executemany(self, statement: str, rows: Sequence[Sequence[Any]]) -> None: ...


class Projection:
    """A read model built only from the event log, so it can always be rebuilt from zero.

    Subclasses declare `name`, `version` (raise it when the tables or the handlers change: the runner
    then rebuilds), `tables` (name → column definitions), `topics` (the event classes read; empty: all)
    and `process`. Handlers must depend only on the events and on the projection's own tables.
    """

    name: ClassVar[str]
    version: ClassVar[int] = 1
    tables: ClassVar[dict[str, str]] = {}
    indexes: ClassVar[tuple[str, ...]] = ()
    topics: ClassVar[tuple[type, ...]] = ()

    def create(self, tx: Writer) -> None:
        for table, columns in self.tables.items():
            tx.execute(f"CREATE TABLE IF NOT EXISTS {table} ({columns})")
        for index in self.indexes:
            tx.execute(index)

    def drop(self, tx: Writer) -> None:
        for table in self.tables:
            tx.execute(f"DROP TABLE IF EXISTS {table}")

    def process(self, event: Any, position: int, tx: Writer) -> None:
        raise NotImplementedError

    def begin_batch(self, tx: Writer) -> None:
        """Called at the start of each batch's transaction (a read model may load what the batch needs once)."""

    def end_batch(self, tx: Writer) -> None:
        """Called before the batch's position is written (a read model may write its rows all at once)."""

    def process_notification(self, notification: Any, event: Any, tx: Writer) -> None:
        """The runner's entry point; a read model that needs the stored bytes (the audit chain) overrides it."""
        self.process(event, notification.id, tx)


def iso(moment: datetime | None) -> str | None:
    """One fixed text form for times in read models: UTC, microseconds, so text order is time order."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_iso(text: str | None) -> datetime | None:
    if text is None:
        return None
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def type_name(event: Any) -> str:
    """`Consultation.Opened`: the event's class with its aggregate, as auditors and reports show it."""
    return type(event).__qualname__
