"""Where a node's read models live: one SQL database (SQLite file, PostgreSQL schema or SQLite in memory).

Projections write portable SQL with `?` placeholders; this adapter runs it on either engine. Every
write transaction takes the database's write lock first, so two runners of the same projection (the
node and a `helpdesk projections rebuild` beside it) never both apply the same batch.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import sql
from psycopg_pool import ConnectionPool

from gateways.config import Settings
from gateways.persistence import postgres_params, sqlite_dir


class SqliteCursor:
    """The projections' Writer port over one sqlite3 connection inside a transaction."""

    dialect = "sqlite"

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def execute(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self._connection.execute(statement, tuple(params)).fetchall()

    def executemany(self, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        self._connection.executemany(statement, rows)

    def insert_many(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]],
                    types: Sequence[str] = ()) -> None:
        if rows:
            self._connection.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", rows
            )


class PostgresCursor:
    """The Writer port over a psycopg cursor; `?` placeholders become `%s`."""

    dialect = "postgresql"

    def __init__(self, cursor: psycopg.Cursor[Any]) -> None:
        self._cursor = cursor

    def execute(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        self._cursor.execute(_pg(statement), tuple(params))
        return self._cursor.fetchall() if self._cursor.description else []

    def executemany(self, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self._cursor.executemany(_pg(statement), rows)

    def insert_many(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]],
                    types: Sequence[str] = ()) -> None:
        # COPY takes the rows in one stream, several times faster than an INSERT each; a key already there fails
        # the transaction just as an INSERT would. The binary format spares escaping bytes as text (a mail: 4×).
        if not rows:
            return
        statement = sql.SQL("COPY {} ({}) FROM STDIN" + (" (FORMAT BINARY)" if types else "")).format(
            sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(column) for column in columns)
        )
        with self._cursor.copy(statement) as copy:
            if types:
                copy.set_types(list(types))
            for row in rows:
                copy.write_row(row)


def _pg(statement: str) -> str:
    return statement.replace("%", "%%").replace("?", "%s")


class SqliteReadStore:
    dialect = "sqlite"

    def __init__(self, database: str) -> None:
        self._connection = sqlite3.connect(database, check_same_thread=False, isolation_level=None, timeout=30)
        if database != ":memory:":
            self._connection.execute("PRAGMA journal_mode=WAL")
            self._connection.execute("PRAGMA synchronous=NORMAL")
        # One connection shared by the node's threads; the lock keeps their transactions apart.
        self._lock = threading.RLock()

    @contextmanager
    def transaction(self) -> Iterator[SqliteCursor]:
        with self._lock:
            # IMMEDIATE takes the write lock now, so a position read inside is still true at commit.
            self._connection.execute("BEGIN IMMEDIATE")
            try:
                yield SqliteCursor(self._connection)
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            self._connection.execute("COMMIT")

    def query(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._connection.execute(statement, tuple(params)).fetchall()

    def close(self) -> None:
        with self._lock:
            self._connection.close()


class PostgresReadStore:
    dialect = "postgresql"

    def __init__(self, url: str, schema: str, pool_size: int = 4) -> None:
        params = postgres_params(url)
        conninfo = psycopg.conninfo.make_conninfo(
            host=params["POSTGRES_HOST"],
            port=params["POSTGRES_PORT"],
            user=params["POSTGRES_USER"],
            password=params["POSTGRES_PASSWORD"],
            dbname=params["POSTGRES_DBNAME"],
            options=f"-c search_path={schema}",
        )
        self._pool = ConnectionPool(conninfo, min_size=1, max_size=max(2, pool_size), open=True)
        self._schema = schema

    @contextmanager
    def transaction(self) -> Iterator[PostgresCursor]:
        with self._pool.connection() as connection, connection.transaction(), connection.cursor() as cursor:
            # One writer per schema at a time, like SQLite's IMMEDIATE; readers are not blocked.
            cursor.execute(
                sql.SQL("SELECT pg_advisory_xact_lock(hashtext({}))").format(sql.Literal(f"rm:{self._schema}"))
            )
            yield PostgresCursor(cursor)

    def query(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._pool.connection() as connection, connection.cursor() as cursor:
            cursor.execute(_pg(statement), tuple(params))
            return cursor.fetchall()

    def close(self) -> None:
        self._pool.close()


ReadStore = SqliteReadStore | PostgresReadStore


def open_read_store(settings: Settings) -> ReadStore:
    """The node's read-model database, beside its events."""
    if settings.backend == "memory":
        return SqliteReadStore(":memory:")
    if settings.backend == "sqlite":
        return SqliteReadStore(str(sqlite_dir(settings) / "projections.sqlite"))
    return PostgresReadStore(settings.database, settings.postgres_schema, settings.postgres_pool_size)
