"""What every read model is: a name, the topics it reads, its tables, and a handler per event type."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar, Protocol, TypeVar

import msgspec

# Keys per `IN (…)` list: far below SQLite's limit of bound variables, and a batch's keys fit in one or two.
KEYS_PER_QUERY = 500


class Writer(Protocol):
    """A cursor inside one read-store transaction (SQL with `?` placeholders, portable SQLite/PostgreSQL)."""

    dialect: str

    def execute(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...

    def executemany(self, statement: str, rows: Sequence[Sequence[Any]]) -> None: ...

    def insert_many(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]],
                    types: Sequence[str] = ()) -> None:
        """Plain INSERTs of new rows, sent the fastest way the engine has (PostgreSQL: COPY; in its binary format
        when the columns' PostgreSQL `types` are given, which large bytes want)."""
        ...


class ReadModel:
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
    # False: no handler reads a personal field (domain/personal_data.py). A batch that feeds only such read models
    # leaves those fields sealed (they read as "[dihapus]"): opening one costs a round trip to the key store.
    reads_personal_data: ClassVar[bool] = True

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

    def begin_batch(self, tx: Writer, events: Sequence[Any] = ()) -> None:
        """Called at the start of each batch's transaction with the batch's events (those of this read model's
        topics), so a read model can load the rows they touch with one query instead of one per event."""

    def end_batch(self, tx: Writer) -> None:
        """Called before the batch's position is written (a read model may write its rows all at once)."""

    def process_notification(self, notification: Any, event: Any, tx: Writer) -> None:
        """The runner's entry point; a read model that needs the stored bytes (the audit chain) overrides it."""
        self.process(event, notification.id, tx)


class RowsProjection(ReadModel):
    """A read model of one row per aggregate in one table: a batch reads the rows its events touch once
    (`BatchRows`), each event changes its row in memory (`_apply`), and the rows are written together at its end.

    Subclasses set `row_table` and `row_columns` (the key first) and write `_apply(event, rows, tx)`.
    """

    row_table: ClassVar[str]
    row_columns: ClassVar[tuple[str, ...]]
    # A full-text index kept beside the table (projections/search.py TextIndex): made and dropped with it.
    text_index: ClassVar[Any] = None
    _rows: BatchRows | None = None  # between begin_batch and end_batch

    def create(self, tx: Writer) -> None:
        super().create(tx)
        if self.text_index is not None:
            self.text_index.create(tx)

    def drop(self, tx: Writer) -> None:
        super().drop(tx)
        if self.text_index is not None:
            self.text_index.drop(tx)

    def begin_batch(self, tx: Writer, events: Sequence[Any] = ()) -> None:
        self._rows = BatchRows(self.row_table, self.row_columns)
        self._rows.load(tx, (str(event.originator_id) for event in events))

    def end_batch(self, tx: Writer) -> None:
        rows, self._rows = self._rows, None
        if rows is not None:
            rows.write(tx)

    def process(self, event: Any, position: int, tx: Writer) -> None:
        if self._rows is None:  # outside a runner's batch (a test feeding events by hand): a batch of one
            self.begin_batch(tx, (event,))
            self._apply(event, self._rows, tx)  # type: ignore[arg-type]
            self.end_batch(tx)
        else:
            self._apply(event, self._rows, tx)

    def _apply(self, event: Any, rows: BatchRows, tx: Writer) -> None:
        raise NotImplementedError


class BatchRows:
    """The rows of one table that a batch touches, by primary key: read once, changed in memory, written at its end.

    A row is read from the table the first time the batch asks for it (or all at once by `load`); `write`
    inserts the new rows together and replaces the columns of the others that changed. The batch runs inside
    the read store's write transaction, so nobody else changes the table meanwhile.
    """

    def __init__(self, table: str, columns: Sequence[str]) -> None:
        self.table = table
        self.columns = tuple(columns)
        self.key = self.columns[0]
        self._rows: dict[str, dict[str, Any] | None] = {}
        self._changed: dict[str, None] = {}  # insertion-ordered set
        self._added: set[str] = set()  # rows the table did not hold when the batch began

    def load(self, tx: Writer, keys: Iterable[str]) -> None:
        """Reads every row of `keys` not read yet, in as few queries as `KEYS_PER_QUERY` allows."""
        wanted = list(dict.fromkeys(k for k in keys if k not in self._rows))
        for start in range(0, len(wanted), KEYS_PER_QUERY):
            chunk = wanted[start:start + KEYS_PER_QUERY]
            for key in chunk:
                self._rows[key] = None  # absent from the table, unless the query below finds it
            found = tx.execute(
                f"SELECT {', '.join(self.columns)} FROM {self.table}"
                f" WHERE {self.key} IN ({', '.join('?' * len(chunk))})",
                chunk,
            )
            for values in found:
                self._rows[values[0]] = dict(zip(self.columns, values, strict=True))

    def get(self, tx: Writer, key: str) -> dict[str, Any] | None:
        """The row as the table holds it with this batch's changes; None if there is none."""
        if key not in self._rows:
            self.load(tx, (key,))
        return self._rows[key]

    def add(self, row: dict[str, Any]) -> dict[str, Any]:
        """A new row (every column not given is None); the caller has checked that there is none yet."""
        key = row[self.key]
        self._rows[key] = {column: row.get(column) for column in self.columns}
        self._changed[key] = None
        self._added.add(key)
        return self._rows[key]  # type: ignore[return-value]

    def added(self, key: str) -> bool:
        """Whether the row is new in this batch (the table held none when the batch began)."""
        return key in self._added

    def changed(self, key: str) -> None:
        """Marks a row got from `get` as changed, so `write` stores it."""
        self._changed[key] = None

    def write(self, tx: Writer) -> None:
        """Stores every changed row: the new ones inserted together, the others' columns replaced."""
        new = [tuple(self._rows[key].values()) for key in self._changed if key in self._added]  # type: ignore[union-attr]
        old = [tuple(self._rows[key].values()) for key in self._changed if key not in self._added]  # type: ignore[union-attr]
        tx.insert_many(self.table, self.columns, new)
        if old:
            others = ", ".join(f"{column} = excluded.{column}" for column in self.columns[1:])
            tx.executemany(
                f"INSERT INTO {self.table} ({', '.join(self.columns)}) VALUES ({', '.join('?' * len(self.columns))})"
                f" ON CONFLICT ({self.key}) DO UPDATE SET {others}",
                old,
            )
        self._changed, self._added = {}, set()


def among(tx: Writer, table: str, column: str, keys: Iterable[str]) -> set[str]:
    """Which of `keys` the table holds in `column`, in as few queries as `KEYS_PER_QUERY` allows."""
    wanted, found = list(dict.fromkeys(keys)), set[str]()
    for start in range(0, len(wanted), KEYS_PER_QUERY):
        chunk = wanted[start:start + KEYS_PER_QUERY]
        found.update(row[0] for row in tx.execute(
            f"SELECT {column} FROM {table} WHERE {column} IN ({', '.join('?' * len(chunk))})", chunk))
    return found


def column_names(columns: str) -> tuple[str, ...]:
    """The names in column definitions without table constraints (`"id TEXT PRIMARY KEY, name TEXT"` → `("id",
    "name")`)."""
    return tuple(part.split()[0] for part in columns.split(",") if part.strip())


def iso(moment: datetime | None) -> str | None:
    """One fixed text form for times in read models: UTC, microseconds, so text order is time order."""
    if moment is None:
        return None
    # isoformat is the strftime form "%Y-%m-%dT%H:%M:%S.%f+00:00" (for years 1000-9999), at half the cost.
    return moment.astimezone(UTC).isoformat(timespec="microseconds")[:-6] + "Z"


def from_iso(text: str | None) -> datetime | None:
    if text is None:
        return None
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


T = TypeVar("T")


def to_json(value: Any) -> str:
    """A domain value (a Hop, a Party…) as JSON text in a read-model column."""
    return msgspec.json.encode(value).decode()


def from_json(text: str, kind: type[T]) -> T:
    return msgspec.json.decode(text, type=kind)


def type_name(event: Any) -> str:
    """`Consultation.Opened`: the event's class with its aggregate, as auditors and reports show it."""
    return type(event).__qualname__
