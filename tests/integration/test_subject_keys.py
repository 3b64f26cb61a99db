"""The key store on SQLite and PostgreSQL: one live key per subject even when writers race, blind indexes that find
a subject until it is erased, and erasure that leaves no key bytes behind."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from gateways.config import Settings
from gateways.persistence import connect_postgres
from gateways.subject_keys import SQLITE_FILE, PostgresSubjectKeys, SqliteSubjectKeys, SqlSubjectKeys
from tests.conftest import START, FakeClock


@pytest.fixture
def keys(backend_settings: Settings) -> Iterator[SqlSubjectKeys]:
    clock = FakeClock()
    store: SqlSubjectKeys
    if backend_settings.backend == "sqlite":
        store = SqliteSubjectKeys(backend_settings.data_path / SQLITE_FILE, clock)
    else:
        store = PostgresSubjectKeys(backend_settings.database, f"{backend_settings.postgres_schema}_keys", clock)
    store.clock = clock  # type: ignore[assignment]
    yield store
    store.close()


def raw_key_bytes(settings: Settings) -> list[bytes | None]:
    if settings.backend == "sqlite":
        import sqlite3

        with sqlite3.connect(settings.data_path / SQLITE_FILE) as connection:
            return [r[0] for r in connection.execute("SELECT key_bytes FROM subject_keys")]
    with connect_postgres(settings.database) as connection:
        found = connection.execute(f'SELECT key_bytes FROM "{settings.postgres_schema}_keys".subject_keys')
        return [r[0] for r in found.fetchall()]


def test_racing_writers_share_one_key_and_erasure_destroys_it(keys: SqlSubjectKeys, backend_settings: Settings) -> None:
    # Eight writers make the first key of one subject at once: they all get the same one.
    with ThreadPoolExecutor(8) as pool:
        made = list(pool.map(lambda _: keys.key_for_writing("subject-a", "consultee"), range(8)))
    assert len(set(made)) == 1 and len(made[0][1]) == 32
    key_id, key = made[0]
    assert keys.key(key_id) == key
    # Another subject, an hour later, with a blind index.
    keys.clock.advance(minutes=60)  # type: ignore[attr-defined]
    other_id, _ = keys.key_for_writing("subject-b", "consultee")
    keys.add_lookups("subject-a", ["digest-phone", "digest-mail"])
    keys.add_lookups("subject-b", ["digest-phone"])
    assert [s.subject_id for s in keys.find("digest-phone")] == ["subject-a", "subject-b"]
    assert [s.subject_id for s in keys.subjects(created_before=START + timedelta(minutes=30))] == ["subject-a"]

    # Subject a is erased: its key bytes are gone from the table, its indexes too; b is untouched.
    assert keys.destroy(["subject-a", "never-known"], START + timedelta(days=1)) == ["subject-a"]
    assert keys.key(key_id) is None and keys.key(other_id) is not None
    assert [s.subject_id for s in keys.find("digest-phone")] == ["subject-b"] and keys.find("digest-mail") == []
    [erased] = keys.subjects(["subject-a"])
    assert erased.erased and erased.destroyed_at == START + timedelta(days=1)
    assert key not in raw_key_bytes(backend_settings) and len(raw_key_bytes(backend_settings)) == 2
    if backend_settings.backend == "sqlite":  # secure_delete: not even in the file's free space
        assert key not in (backend_settings.data_path / SQLITE_FILE).read_bytes()
    # Erasing again destroys nothing more; a new identity written for it gets a new key.
    assert keys.destroy(["subject-a"], START + timedelta(days=2)) == []
    renewed_id, renewed = keys.key_for_writing("subject-a", "consultee")
    assert renewed_id != key_id and renewed != key and keys.key(key_id) is None
