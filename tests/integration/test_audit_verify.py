"""`helpdesk audit verify` names the first bad entry: an event row changed with SQL, an entry changed, removed
or moved; an untouched chain of 10,000 events verifies."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any
from uuid import UUID

from gateways.bootstrap import Node
from gateways.config import Settings
from gateways.persistence import connect_postgres, sqlite_dir
from tests.support.stories import consultation_story

OFFICE = "kab-16.13"


def verify(settings: Settings, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ, "HELPDESK_NODE_ID": settings.node_id, "HELPDESK_DATABASE": settings.database,
        "HELPDESK_POSTGRES_SCHEMA": settings.postgres_schema, "HELPDESK_DATA_DIR": settings.data_dir,
        "HELPDESK_NATS_URL": "",
    }
    return subprocess.run([sys.executable, "-m", "gateways.cli.main", "audit", "verify", *extra], env=env,
                          capture_output=True, text=True, timeout=300)


def sql(settings: Settings, statement: str, params: tuple = ()) -> list[tuple]:  # type: ignore[type-arg]
    """Runs SQL on the node's own database, behind the application's back."""
    if settings.backend == "postgresql":
        with connect_postgres(settings.database) as connection:
            connection.execute(f"SET search_path TO {settings.postgres_schema}")
            cursor = connection.execute(statement.replace("%", "%%").replace("?", "%s"), params)
            return cursor.fetchall() if cursor.description else []
    import sqlite3

    database = "helpdesk.sqlite" if "events" in statement else "projections.sqlite"
    with sqlite3.connect(sqlite_dir(settings) / database) as connection:
        return connection.execute(statement, params).fetchall()


def events_table(settings: Settings) -> str:
    return "helpdesk_events" if settings.backend == "postgresql" else "stored_events"


def seeded(open_node: Callable[[Settings], Node], settings: Settings, clock: Any, stories: int) -> Node:
    node = open_node(settings)
    for n in range(stories):
        consultation_story(node.helpdesk, OFFICE, n, clock.advance)
    node.projections.catch_up()
    return node


def entry_of(settings: Settings, event_id: str) -> int:
    [(seq,)] = sql(settings, "SELECT seq FROM rm_audit_chain WHERE event_id = ?", (event_id,))
    return int(seq)


def test_an_untouched_chain_verifies(backend_settings: Settings, open_node, clock) -> None:
    node = seeded(open_node, backend_settings, clock, 30)
    result = verify(backend_settings)
    assert result.returncode == 0, result.stdout + result.stderr
    head = node.projections.head()
    assert f"{head} entri" in result.stdout


def test_an_event_row_changed_with_sql_is_named(backend_settings: Settings, open_node, clock) -> None:
    seeded(open_node, backend_settings, clock, 30)
    table = events_table(backend_settings)
    # Someone rewrites the answer of one consultation straight in the event table.
    [(originator, version)] = sql(
        backend_settings,
        f"SELECT originator_id, originator_version FROM {table} WHERE topic LIKE '%Answered' ORDER BY 1 LIMIT 1",
    )
    state = sql(backend_settings, f"SELECT state FROM {table} WHERE originator_id = ? AND originator_version = ?",
                (originator, version))[0][0]
    forged = bytes(state).replace(b"Atur ulang sandi", b"Tidak perlu apa-apa")
    assert forged != bytes(state)
    sql(backend_settings, f"UPDATE {table} SET state = ? WHERE originator_id = ? AND originator_version = ?",
        (forged, originator, version))

    result = verify(backend_settings)
    assert result.returncode == 1, result.stdout
    seq = entry_of(backend_settings, f"{UUID(str(originator))}:{version}")
    assert f"entri pertama yang bermasalah #{seq} (changed_event)" in result.stdout


def test_a_changed_moved_or_removed_entry_is_named(backend_settings: Settings, open_node, clock) -> None:
    seeded(open_node, backend_settings, clock, 20)
    # One entry's actor edited: the entry no longer matches its own hash.
    [(actor,)] = sql(backend_settings, "SELECT actor FROM rm_audit_chain WHERE seq = 17")
    sql(backend_settings, "UPDATE rm_audit_chain SET actor = 'orang.lain' WHERE seq = 17")
    result = verify(backend_settings)
    assert result.returncode == 1
    assert "entri pertama yang bermasalah #17 (changed_entry)" in result.stdout

    # Put back, then one entry deleted: a gap, named at the entry after the hole.
    sql(backend_settings, "UPDATE rm_audit_chain SET actor = ? WHERE seq = 17", (actor,))
    sql(backend_settings, "DELETE FROM rm_audit_chain WHERE seq = 40")
    result = verify(backend_settings)
    assert result.returncode == 1
    assert "#41 (gap)" in result.stdout


def test_two_entries_swapped_are_a_reordering(backend_settings: Settings, open_node, clock) -> None:
    seeded(open_node, backend_settings, clock, 10)
    sql(backend_settings, "UPDATE rm_audit_chain SET seq = -1 WHERE seq = 12")
    sql(backend_settings, "UPDATE rm_audit_chain SET seq = 12 WHERE seq = 13")
    sql(backend_settings, "UPDATE rm_audit_chain SET seq = 13 WHERE seq = -1")
    result = verify(backend_settings)
    assert result.returncode == 1
    assert "entri pertama yang bermasalah #12" in result.stdout


def test_a_chain_of_ten_thousand_events_verifies(tmp_path, open_node, clock) -> None:
    from tests.conftest import settings_for

    settings = settings_for("sqlite", tmp_path / "node")
    node = open_node(settings)
    n = 0
    while (node.helpdesk.recorder.max_notification_id() or 0) < 10_000:
        consultation_story(node.helpdesk, OFFICE, n)
        n += 1
    node.projections.catch_up()
    result = verify(settings)
    assert result.returncode == 0, result.stdout + result.stderr
    entries = int(result.stdout.split(" entri")[0].split()[-1])
    assert entries >= 10_000
