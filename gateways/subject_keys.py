"""The key store: each data subject's AES key and blind indexes, never inside the event store.

A backup of the event store therefore holds ciphertext without keys, and destroying a subject's key here makes that
person's fields unreadable in the log and in every backup of it (crypto-shredding). SQLite nodes keep the keys in
their own file, `subject-keys.sqlite` (0600) in the data folder; PostgreSQL nodes in the schema
`<postgres_schema>_keys`, which `helpdesk backup` leaves out. Memory nodes keep them in memory.

Tables: `subject_keys` (key id, subject id, subject kind, key bytes — NULL once destroyed —, created_at,
destroyed_at; at most one live key per subject) and `subject_lookups` (subject id, blind index of a phone or e-mail).
"""

from __future__ import annotations

import base64
import os
import secrets
import sqlite3
import threading
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg_pool import ConnectionPool

from domain.personal_data import SubjectKind, SubjectRecord
from gateways.persistence import connect_postgres, postgres_params
from services.ports import Clock

KEY_BYTES = 32  # AES-256
SQLITE_FILE = "subject-keys.sqlite"
PSEUDONYM_KEY_FILE = "pseudonym.key"
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS subject_keys (key_id TEXT PRIMARY KEY, subject_id TEXT NOT NULL, kind TEXT NOT NULL,"
    " key_bytes {blob}, created_at TEXT NOT NULL, destroyed_at TEXT)",
    "CREATE UNIQUE INDEX IF NOT EXISTS subject_keys_live ON subject_keys (subject_id) WHERE destroyed_at IS NULL",
    "CREATE INDEX IF NOT EXISTS subject_keys_subject ON subject_keys (subject_id, created_at)",
    "CREATE TABLE IF NOT EXISTS subject_lookups (digest TEXT NOT NULL, subject_id TEXT NOT NULL,"
    " PRIMARY KEY (digest, subject_id))",
    "CREATE INDEX IF NOT EXISTS subject_lookups_subject ON subject_lookups (subject_id)",
)
# One row per subject: its first key's creation, and whether its latest key is destroyed.
_SUBJECTS = (
    "SELECT subject_id, MIN(kind), MIN(created_at), MAX(CASE WHEN destroyed_at IS NULL THEN 1 ELSE 0 END),"
    " MAX(destroyed_at) FROM subject_keys {where} GROUP BY subject_id"
)


def stamp(moment: datetime) -> str:
    """A fixed-width UTC text, so stored moments compare as text on both engines."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _moment(text: str | None) -> datetime | None:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC) if text else None


_LIVE_KEY = "SELECT key_id, key_bytes FROM subject_keys WHERE subject_id = ? AND destroyed_at IS NULL"


def _add_lookups(run: Any, subject_id: str, digests: list[str]) -> None:
    for digest in digests:
        run("INSERT INTO subject_lookups (digest, subject_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (digest, subject_id))


def _record(row: Sequence[Any]) -> SubjectRecord:
    subject_id, kind, created, live, destroyed = row
    return SubjectRecord(subject_id, SubjectKind(kind), _moment(created),  # type: ignore[arg-type]
                         None if int(live) else _moment(destroyed))


class SqlSubjectKeys:
    """The key store over SQL with `?` placeholders; the engine's connection handling is the subclass's."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        raise NotImplementedError
        yield

    def _query(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._transaction() as run:
            return run(statement, params)

    def key_for_writing(self, subject_id: str, kind: str, lookups: Iterable[str] = ()) -> tuple[str, bytes]:
        wanted = list(dict.fromkeys(lookups))
        found = self._query(_LIVE_KEY, (subject_id,))
        if found and self._looked_up(subject_id, wanted):
            return found[0][0], bytes(found[0][1])  # the common case of a known subject: reads only
        with self._transaction() as run:
            if not found:
                # Two writers may make the subject's first key at once: the unique index keeps one, both use it.
                run("INSERT INTO subject_keys (key_id, subject_id, kind, key_bytes, created_at) VALUES (?, ?, ?, ?, ?)"
                    " ON CONFLICT (subject_id) WHERE destroyed_at IS NULL DO NOTHING",
                    (uuid.uuid4().hex, subject_id, SubjectKind(kind).value, secrets.token_bytes(KEY_BYTES),
                     stamp(self.clock())))
            _add_lookups(run, subject_id, wanted)
            found = run(_LIVE_KEY, (subject_id,))
        return found[0][0], bytes(found[0][1])

    def keys_for_writing(self, wanted: Iterable[tuple[str, str, Iterable[str]]]) -> dict[str, tuple[str, bytes]]:
        """`key_for_writing` for many subjects at once (a chunk of mails saved together): the live keys and the
        blind indexes held read in a query each, and whatever is missing written in one transaction."""
        requests: dict[str, tuple[str, list[str]]] = {}
        for subject_id, kind, lookups in wanted:
            requests.setdefault(subject_id, (kind, []))[1].extend(lookups)
        subjects = list(requests)
        found = self._live(self._query, subjects)
        held = set(self._in(self._query, "SELECT subject_id, digest FROM subject_lookups WHERE subject_id IN ({})",
                            subjects))
        missing = [s for s in subjects if s not in found]
        unheld = {s: [d for d in dict.fromkeys(requests[s][1]) if (s, d) not in held] for s in subjects}
        if not missing and not any(unheld.values()):
            return found  # every subject known with its indexes: reads only
        with self._transaction() as run:
            for subject_id in missing:
                run("INSERT INTO subject_keys (key_id, subject_id, kind, key_bytes, created_at) VALUES (?, ?, ?, ?, ?)"
                    " ON CONFLICT (subject_id) WHERE destroyed_at IS NULL DO NOTHING",
                    (uuid.uuid4().hex, subject_id, SubjectKind(requests[subject_id][0]).value,
                     secrets.token_bytes(KEY_BYTES), stamp(self.clock())))
            for subject_id, digests in unheld.items():
                _add_lookups(run, subject_id, digests)
            found |= self._live(run, missing)
        return found

    def _live(self, run: Any, subjects: list[str]) -> dict[str, tuple[str, bytes]]:
        rows = self._in(run, "SELECT subject_id, key_id, key_bytes FROM subject_keys WHERE destroyed_at IS NULL"
                             " AND subject_id IN ({})", subjects)
        return {row[0]: (row[1], bytes(row[2])) for row in rows}

    @staticmethod
    def _in(run: Any, statement: str, values: list[str]) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = []
        for start in range(0, len(values), 500):
            chunk = values[start:start + 500]
            rows += run(statement.format(", ".join("?" * len(chunk))), chunk)
        return rows

    def _looked_up(self, subject_id: str, digests: list[str]) -> bool:
        if not digests:
            return True
        marks = ", ".join("?" * len(digests))
        held = self._query(f"SELECT COUNT(*) FROM subject_lookups WHERE subject_id = ? AND digest IN ({marks})",
                           (subject_id, *digests))
        return int(held[0][0]) == len(digests)

    def key(self, key_id: str) -> bytes | None:
        found = self._query("SELECT key_bytes FROM subject_keys WHERE key_id = ? AND destroyed_at IS NULL", (key_id,))
        return bytes(found[0][0]) if found and found[0][0] is not None else None

    def add_lookups(self, subject_id: str, digests: Iterable[str]) -> None:
        with self._transaction() as run:
            _add_lookups(run, subject_id, list(dict.fromkeys(digests)))

    def find(self, digest: str) -> list[SubjectRecord]:
        rows = self._query(_SUBJECTS.format(
            where="WHERE subject_id IN (SELECT subject_id FROM subject_lookups WHERE digest = ?)"), (digest,))
        return sorted((_record(r) for r in rows), key=lambda s: s.created_at)

    def subjects(self, subject_ids: Iterable[str] = (), created_before: datetime | None = None) -> list[SubjectRecord]:
        wanted = list(dict.fromkeys(subject_ids))
        records: list[SubjectRecord] = []
        if wanted:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                rows = self._query(_SUBJECTS.format(where=f"WHERE subject_id IN ({', '.join('?' * len(chunk))})"),
                                   chunk)
                records += [_record(r) for r in rows]
        elif created_before is not None:
            # The retention job's daily question: answered by the database, not by reading every key ever made.
            records = [_record(r) for r in self._query(
                _SUBJECTS.format(where="") + " HAVING MIN(created_at) < ?", (stamp(created_before),))]
        else:
            records = [_record(r) for r in self._query(_SUBJECTS.format(where=""))]
        if created_before is not None:
            records = [r for r in records if r.created_at < created_before]
        return sorted(records, key=lambda s: (s.created_at, s.subject_id))

    def destroy(self, subject_ids: Iterable[str], at: datetime) -> list[str]:
        destroyed = []
        with self._transaction() as run:
            for subject_id in dict.fromkeys(subject_ids):
                live = run("SELECT key_id FROM subject_keys WHERE subject_id = ? AND destroyed_at IS NULL",
                           (subject_id,))
                # Every key the subject ever had loses its bytes; the row stays, saying when it was erased.
                run("UPDATE subject_keys SET key_bytes = NULL, destroyed_at = COALESCE(destroyed_at, ?)"
                    " WHERE subject_id = ?", (stamp(at), subject_id))
                run("DELETE FROM subject_lookups WHERE subject_id = ?", (subject_id,))
                if live:
                    destroyed.append(subject_id)
        self._scrub()
        return destroyed

    def _scrub(self) -> None:
        """Makes the engine drop the old versions of the rows just changed, where it keeps them."""

    def close(self) -> None: ...


class SqliteSubjectKeys(SqlSubjectKeys):
    """The key store in its own SQLite file (0600). secure_delete zeroes the bytes of a destroyed key in the file;
    the rollback journal (not WAL) keeps no copy of them after the commit."""

    def __init__(self, path: Path, clock: Clock) -> None:
        super().__init__(clock)
        path = Path(path)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        os.chmod(path, 0o600)  # the umask can only narrow the mode; this makes it exact
        self.path = path
        self._connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
        self._connection.execute("PRAGMA secure_delete = ON")
        self._connection.execute("PRAGMA journal_mode = DELETE")
        self._lock = threading.RLock()
        with self._transaction() as run:
            for statement in _SCHEMA:
                run(statement.format(blob="BLOB"))

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        with self._lock:
            self._connection.execute("BEGIN IMMEDIATE")
            try:
                yield lambda statement, params=(): self._connection.execute(statement, tuple(params)).fetchall()
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            self._connection.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._connection.close()


class PostgresSubjectKeys(SqlSubjectKeys):
    """The key store in the schema `<postgres_schema>_keys` of the node's database, apart from its events."""

    def __init__(self, url: str, schema: str, clock: Clock) -> None:
        super().__init__(clock)
        self.url, self.schema = url, schema
        with connect_postgres(url) as connection:
            connection.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
            connection.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
            for statement in _SCHEMA:
                connection.execute(statement.format(blob="BYTEA"))
        params = postgres_params(url)
        conninfo = psycopg.conninfo.make_conninfo(
            host=params["POSTGRES_HOST"], port=params["POSTGRES_PORT"], user=params["POSTGRES_USER"],
            password=params["POSTGRES_PASSWORD"], dbname=params["POSTGRES_DBNAME"],
            options=f"-c search_path={schema}",
        )
        # Autocommit: a single read (the mapper's key look-up, once per sealed event read) is one round trip.
        self._pool = ConnectionPool(conninfo, min_size=1, max_size=4, open=True, kwargs={"autocommit": True})

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        with self._pool.connection() as connection, connection.transaction(), connection.cursor() as cursor:
            def run(statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
                cursor.execute(statement.replace("?", "%s"), tuple(params))
                return cursor.fetchall() if cursor.description else []

            yield run

    def _query(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._pool.connection() as connection, connection.cursor() as cursor:
            cursor.execute(statement.replace("?", "%s"), tuple(params))
            return cursor.fetchall() if cursor.description else []

    def _scrub(self) -> None:
        # An UPDATE leaves the old row version, key bytes and all, until VACUUM removes it.
        with connect_postgres(self.url) as connection:
            connection.execute(sql.SQL("VACUUM {}.subject_keys, {}.subject_lookups").format(
                sql.Identifier(self.schema), sql.Identifier(self.schema)))

    def close(self) -> None:
        self._pool.close()


class MemorySubjectKeys(SqliteSubjectKeys):
    """A memory node's keys: gone with the process, like its events."""

    def __init__(self, clock: Clock) -> None:
        SqlSubjectKeys.__init__(self, clock)
        self._connection = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        self._lock = threading.RLock()
        with self._transaction() as run:
            for statement in _SCHEMA:
                run(statement.format(blob="BLOB"))


def load_or_create_secret(path: Path) -> bytes:
    """A 32-byte secret kept in a file (0600, base64), created on the node's first start; never replaced silently
    (a new pseudonym key would give every person a new pseudonym and orphan every blind index)."""
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.fchmod(descriptor, 0o600)
            os.write(descriptor, base64.b64encode(secrets.token_bytes(KEY_BYTES)) + b"\n")
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        try:
            os.link(temporary, path)  # of two processes starting at once, one key wins and both read it
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    try:
        raw = base64.b64decode(path.read_bytes().strip(), validate=True)
    except ValueError:
        raw = b""
    if len(raw) != KEY_BYTES:
        raise ValueError(f"{path} does not hold a base64 {KEY_BYTES}-byte key")
    return raw
