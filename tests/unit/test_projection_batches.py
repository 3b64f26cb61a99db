"""Read models write per batch: the log read and decoded once for all of them, a handful of statements a batch."""

from __future__ import annotations

import math
import sqlite3
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pytest

from domain.roles import Role
from domain.sop import Standards
from gateways.bootstrap import Node
from gateways.readstore import SqliteCursor, SqliteReadStore
from projections import base
from projections.base import BatchRows, ReadModel, Writer
from projections.cases import CasesProjection
from projections.clocks import ClocksProjection
from projections.consultations import ConsultationsProjection
from projections.runner import ReadModelRunner
from projections.users import UsersProjection
from services.consultations import IdentityInput
from tests.conftest import FakeClock
from tests.support.consultations import handed_to_commissioner
from tests.support.read_models import dump
from tests.support.stories import consultation_story

OFFICE = "kab-16.13"


def stories(node: Node, clock: FakeClock, first: int, count: int) -> None:
    for n in range(first, first + count):
        consultation_story(node.helpdesk, OFFICE, n, clock.advance)


class CountingWriter:
    """A Writer that counts the statements sent to the database (a multi-row write counts once)."""

    def __init__(self, inner: Writer, counts: Counter[str]) -> None:
        self.dialect = inner.dialect
        self._inner = inner
        self._counts = counts

    def execute(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        self._counts["statements"] += 1
        return self._inner.execute(statement, params)

    def executemany(self, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        self._counts["statements"] += 1
        self._inner.executemany(statement, rows)

    def insert_many(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]],
                    types: Sequence[str] = ()) -> None:
        self._counts["statements"] += 1
        self._inner.insert_many(table, columns, rows)


class CountingStore:
    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.counts: Counter[str] = Counter()

    @contextmanager
    def transaction(self) -> Iterator[CountingWriter]:
        self.counts["transactions"] += 1
        with self._inner.transaction() as tx:
            yield CountingWriter(tx, self.counts)

    def query(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self._inner.query(statement, params)

    def close(self) -> None:
        self._inner.close()


def test_a_rebuild_of_every_read_model_reads_and_decodes_each_event_once(
    memory_node: Node, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    stories(memory_node, clock, 0, 30)
    runner = memory_node.projections
    runner.batch_size = 40
    reads, decoded = [], Counter()
    recorder, mapper = memory_node.helpdesk.recorder, memory_node.helpdesk.mapper
    select, to_domain_event = recorder.select_notifications, mapper.to_domain_event

    def counting_select(*args: Any, **kwargs: Any) -> Any:
        found = select(*args, **kwargs)
        reads.append(len(found))
        return found

    def counting_decode(notification: Any) -> Any:
        decoded[notification.id] += 1
        return to_domain_event(notification)

    monkeypatch.setattr(recorder, "select_notifications", counting_select)
    monkeypatch.setattr(mapper, "to_domain_event", counting_decode)

    # All three read models are rebuilt in batches of 40 events: one read of the log a batch, shared by them.
    applied = runner.rebuild()
    head = runner.head()
    assert len(reads) == math.ceil(head / 40) and sum(reads) == head
    assert set(decoded) == set(range(1, head + 1)) and set(decoded.values()) == {1}
    # Each read model applied the events of its topics, no others (the audit chain: all of them).
    events = [to_domain_event(n) for n in select(start=1, limit=head)]
    assert applied == sum(1 for event in events for projection in runner.projections.values()
                          if not projection.topics or type(event) in projection.topics)
    assert {name: runner.position(name) for name in runner.projections} == dict.fromkeys(runner.projections, head)


def test_a_batch_of_many_events_costs_a_handful_of_statements(memory_node: Node, clock: FakeClock) -> None:
    stories(memory_node, clock, 0, 70)
    store = CountingStore(memory_node.store)
    runner = ReadModelRunner(
        memory_node.helpdesk, store, [ConsultationsProjection(), ClocksProjection(Standards())], batch_size=1000
    )
    runner.prepare()
    store.counts.clear()
    head = runner.head()
    assert head > 300

    # The whole log in one batch: whatever the number of events and consultations, a few statements per table.
    runner.catch_up()
    assert store.counts["transactions"] == 2  # the batch, then the look that finds nothing more
    # The positions read; per read model one load of its rows and its new rows written; the clocks' spans; the
    # consultations' counts; the positions moved together; then the positions read again.
    assert store.counts["statements"] == 9
    assert len(store.query("SELECT id FROM rm_consultations")) == 70


def test_read_models_at_different_positions_catch_up_together_and_end_as_one_rebuild(
    memory_node: Node, clock: FakeClock
) -> None:
    runner = memory_node.projections
    runner.batch_size = 25
    stories(memory_node, clock, 0, 20)
    runner.catch_up()
    # More work; the desk's list catches up on its own (a query does), the others stay behind.
    stories(memory_node, clock, 20, 20)
    runner.catch_up("consultations")
    assert runner.position("consultations") == runner.head() > runner.position("sop_clocks")

    # One catch-up of all brings each from its own position; the result is what a rebuild from zero gives.
    runner.catch_up()
    caught_up = dump(runner)
    assert {runner.position(name) for name in runner.projections} == {runner.head()}
    runner.rebuild()
    assert dump(runner) == caught_up
    # And a rebuild of each read model alone gives the same rows.
    for name in runner.projections:
        runner.rebuild(name)
    assert dump(runner) == caught_up


class Broken(ReadModel):
    name = "broken"
    tables = {"rm_broken": "id TEXT"}

    def process(self, event: Any, position: int, tx: Writer) -> None:
        raise RuntimeError("a bug in this read model")


def test_a_failing_read_model_does_not_hold_back_the_one_before_it(memory_node: Node, clock: FakeClock) -> None:
    stories(memory_node, clock, 0, 5)
    runner = ReadModelRunner(memory_node.helpdesk, memory_node.store, [ConsultationsProjection(), Broken()])
    runner.prepare()
    with pytest.raises(RuntimeError, match="a bug"):
        runner.catch_up()
    # The desk's list is up to date although the batch it shared with the broken model was rolled back.
    assert runner.position("consultations") == runner.head()
    assert runner.position("broken") == 0
    assert len(runner.store.query("SELECT id FROM rm_consultations")) == 5


def test_events_fed_by_hand_outside_a_runner_make_the_same_rows(memory_node: Node, clock: FakeClock) -> None:
    stories(memory_node, clock, 0, 14)
    runner = memory_node.projections
    runner.catch_up()
    # The same events given one at a time, each in its own transaction, to fresh read models.
    by_hand = SqliteReadStore(":memory:")
    projections = [ConsultationsProjection(), ClocksProjection(Standards()), CasesProjection(), UsersProjection()]
    expected = {t: rows for t, rows in dump(runner).items() if any(t in p.tables for p in projections)}
    with by_hand.transaction() as tx:
        for projection in projections:
            projection.create(tx)
    for notification in memory_node.helpdesk.recorder.select_notifications(1, 10_000):
        event = memory_node.helpdesk.mapper.to_domain_event(notification)
        for projection in projections:
            if type(event) in projection.topics:
                with by_hand.transaction() as tx:
                    projection.process(event, notification.id, tx)
    assert {
        table: sorted(by_hand.query(f"SELECT * FROM {table}")) for p in projections for table in p.tables
    } == expected


def test_read_models_that_show_no_personal_data_are_rebuilt_without_opening_it(
    memory_node: Node, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Staff to notify, handovers that notify them, and consultations at every stage (each identity sealed).
    for username, role in (("kpu.satu", Role.ANGGOTA_KPU), ("desk.ani", Role.ANGGOTA_HELPDESK)):
        memory_node.accounts.register_user(username, username.title(), role, OFFICE, "kuda-lari-cepat-99", "admin")
    stories(memory_node, clock, 0, 14)
    for n in range(3):
        who = IdentityInput(name=f"Tono {n}", party_number=5, phone=f"08129876543{n}", email=f"t{n}@partai.example")
        handed_to_commissioner(memory_node.helpdesk, OFFICE, who, "Akun terkunci", "Jadi?", "Tidak ada",
                               desk="desk.ani")
    runner = memory_node.projections
    runner.rebuild()  # all together, the desk's list among them: personal fields opened
    together = dump(runner)
    assert together["rm_notifications"] and together["rm_documentation"] and together["rm_sop_spans"]
    asked: list[str] = []
    key = memory_node.subject_keys.key
    monkeypatch.setattr(memory_node.subject_keys, "key", lambda key_id: asked.append(key_id) or key(key_id))

    # Each read model that shows no personal data, rebuilt alone: the same rows, and the key store never asked.
    unopened = [name for name, projection in runner.projections.items() if not projection.reads_personal_data]
    assert {"sop_clocks", "documentation", "notifications"} <= set(unopened)
    for name in unopened:
        runner.rebuild(name)
    assert asked == [] and dump(runner) == together
    # The desk's list shows the consultee: its rebuild opens them.
    runner.rebuild("consultations")
    assert asked and dump(runner) == together


@pytest.fixture
def writer() -> Iterator[SqliteCursor]:
    connection = sqlite3.connect(":memory:", isolation_level=None)
    connection.execute("CREATE TABLE things (id TEXT PRIMARY KEY, name TEXT, count INTEGER NOT NULL)")
    connection.executemany("INSERT INTO things VALUES (?, ?, ?)", [("a", "apple", 1), ("b", "bean", 2)])
    yield SqliteCursor(connection)
    connection.close()


def test_batch_rows_are_read_once_changed_in_memory_and_written_at_the_end(
    writer: SqliteCursor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(base, "KEYS_PER_QUERY", 2)  # so three keys take two queries
    rows = BatchRows("things", ("id", "name", "count"))
    rows.load(writer, ["a", "b", "c"])
    assert rows.get(writer, "c") is None  # looked for, not there
    # A row changed, a row added, a row only read.
    apple = rows.get(writer, "a")
    assert apple == {"id": "a", "name": "apple", "count": 1}
    apple["count"] += 10
    rows.changed("a")
    rows.add({"id": "c", "name": "cherry", "count": 0})
    assert rows.added("c") and not rows.added("a")
    assert rows.get(writer, "b") == {"id": "b", "name": "bean", "count": 2}
    assert writer.execute("SELECT * FROM things ORDER BY id") == [("a", "apple", 1), ("b", "bean", 2)]

    rows.write(writer)
    assert writer.execute("SELECT * FROM things ORDER BY id") == [
        ("a", "apple", 11), ("b", "bean", 2), ("c", "cherry", 0)
    ]
    # A key never loaded is read when first asked for.
    later = BatchRows("things", ("id", "name", "count"))
    assert later.get(writer, "c") == {"id": "c", "name": "cherry", "count": 0}


def test_a_query_finding_nothing_new_takes_no_lock_and_new_events_are_still_applied(
    memory_node: Node, clock: FakeClock
) -> None:
    stories(memory_node, clock, 0, 5)
    store = CountingStore(memory_node.store)
    runner = ReadModelRunner(memory_node.helpdesk, store, [ConsultationsProjection()])
    runner.prepare()
    runner.catch_up()
    store.counts.clear()

    # Read-your-writes with nothing new since this process saw the read model at the head: no transaction at all.
    for _ in range(20):
        assert runner.catch_up("consultations") == 0
    assert store.counts["transactions"] == 0

    # A new consultation moves the head: the next query applies it.
    stories(memory_node, clock, 5, 1)
    assert runner.catch_up("consultations") > 0
    assert len(store.query("SELECT id FROM rm_consultations")) == 6
    # A rebuild never takes the shortcut (the positions seen before its drop would say there is nothing to do).
    store.counts.clear()
    assert runner.rebuild("consultations") > 0
    assert len(store.query("SELECT id FROM rm_consultations")) == 6
