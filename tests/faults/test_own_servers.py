"""The PostgreSQL clusters the tests own (tests/support/pgcluster.py): a crash recovers every committed row, a cluster
that cannot be stopped politely is stopped without touching any other, and another pytest session starting on the
machine — which makes pytest's temporary root private again — harms none of them."""

from __future__ import annotations

import getpass
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest

from tests.faults.servers import OwnPostgres

pytestmark = [pytest.mark.faults, pytest.mark.postgres]


def _rows(url: str) -> list[str]:
    with psycopg.connect(url, connect_timeout=30) as connection:
        return [row[0] for row in connection.execute("SELECT word FROM words ORDER BY word")]


def _write(url: str, *words: str) -> None:
    with psycopg.connect(url, connect_timeout=30) as connection:
        connection.execute("CREATE TABLE IF NOT EXISTS words (word text PRIMARY KEY)")
        for word in words:
            connection.execute("INSERT INTO words VALUES (%s)", (word,))


def _checkpoint(url: str) -> None:
    # What the server does by itself every few minutes: the moment a server whose folder became unreachable died.
    with psycopg.connect(url, connect_timeout=30, autocommit=True) as connection:
        connection.execute("CHECKPOINT")


def _another_pytest_session_starts(folder: Path) -> Path:
    """A real pytest session, as another engineer's or CI job's on the same machine, that uses tmp_path; returns the
    temporary root it (like every session) made private again: <temp dir>/pytest-of-<user>."""
    folder.mkdir()
    (folder / "test_other.py").write_text("def test_other(tmp_path):\n    assert tmp_path.is_dir()\n")
    (folder / "pytest.ini").write_text("[pytest]\n")
    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_other.py"],
                            check=False, cwd=folder, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    temproot = Path(os.environ.get("PYTEST_DEBUG_TEMPROOT") or tempfile.gettempdir()).resolve()
    return temproot / f"pytest-of-{getpass.getuser()}"


def test_a_crashed_cluster_comes_back_with_every_committed_row(own_postgres: OwnPostgres) -> None:
    # Rows committed, then the power cut: no checkpoint, every backend killed.
    _write(own_postgres.url, "satu", "dua")
    own_postgres.crash()
    assert not own_postgres.running()

    # Started again, it replays its WAL at the same address and has every committed row.
    own_postgres.start()
    assert _rows(own_postgres.url) == ["dua", "satu"]


def test_a_cluster_that_cannot_be_stopped_politely_is_stopped_alone(postgres_url: str) -> None:
    # The session's PostgreSQL (embedded, or the machine's) is in use; a fault run has its own cluster beside it.
    with psycopg.connect(postgres_url, connect_timeout=30) as connection:
        connection.execute("SELECT 1")
    fault = OwnPostgres().start()
    _write(fault.url, "tiga")

    # Its folder becomes unreachable for the server's user, as pytest's did: pg_ctl cannot even look at it.
    fault.folder.chmod(0o700)
    fault.stop()

    # Stopped by its own postmaster's pid, its folder gone; the session's server never noticed.
    assert not fault.running() and not fault.folder.exists()
    with psycopg.connect(postgres_url, connect_timeout=30) as connection:
        assert connection.execute("SELECT 1").fetchone() == (1,)


def test_clusters_outlive_another_pytest_session_starting_beside_them(postgres_url: str, tmp_path: Path) -> None:
    # A fault run's cluster with rows in it, beside the session's server.
    fault = OwnPostgres().start()
    try:
        _write(fault.url, "empat")

        # Another pytest session starts on the machine: pytest makes its temporary root private (0700) again.
        root = _another_pytest_session_starts(tmp_path / "other")
        assert root.stat().st_mode & 0o077 == 0, f"{root} is still open: the session did not do what pytest does"

        # Both servers still checkpoint (a server whose folder lay under that root PANICked here and died), and the
        # fault run can still crash and restart its own.
        _checkpoint(postgres_url)
        _checkpoint(fault.url)
        fault.crash()
        fault.start()
        assert _rows(fault.url) == ["empat"]
        with psycopg.connect(postgres_url, connect_timeout=30) as connection:
            assert connection.execute("SELECT 1").fetchone() == (1,)
    finally:
        fault.stop()
