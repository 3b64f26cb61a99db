"""P3 — projection rebuild from zero on PostgreSQL: node.projections.rebuild() of all read models, then of each.

The log is filled with tests/support/stories.py's consultation_story (every stage of the SOP script, by index) until it
holds ~50,000 events. Baseline, same database: a raw sequential scan of the events table in notification order,
streamed through a server-side cursor.
"""

from __future__ import annotations

import time

from psycopg import sql

from bench.context import Run
from bench.report import Result, number, ratio
from gateways.bootstrap import build_node
from gateways.config import load_settings
from tests.support.stories import consultation_story

KAB = "kab-16.13"
TARGET_RATE = 50_000
TARGET_RATIO = 0.3


def scan(run: Run, schema: str) -> tuple[int, float]:
    """SELECT * … ORDER BY notification_id, streamed 1,000 rows per round trip; (rows, seconds)."""
    with run.pg(autocommit=False) as connection:
        start = time.perf_counter()
        with connection.cursor(name="bench_scan") as cursor:
            cursor.itersize = 1000
            cursor.execute(sql.SQL("SELECT * FROM {} ORDER BY notification_id").format(
                sql.Identifier(schema, "helpdesk_events")))
            rows = sum(1 for _ in cursor)
        return rows, time.perf_counter() - start


def read_and_decode(node: object, batch: int = 500) -> tuple[int, float]:
    """What every rebuild does besides writing: read the log in batches through the recorder and decode each event."""
    recorder, mapper = node.helpdesk.recorder, node.helpdesk.mapper  # type: ignore[attr-defined]
    start, count, began = 1, 0, time.perf_counter()
    while notifications := recorder.select_notifications(start, batch):
        for notification in notifications:
            mapper.to_domain_event(notification)
        count += len(notifications)
        start = notifications[-1].id + 1
    return count, time.perf_counter() - began


def run(run: Run, result: Result) -> None:
    wanted = 5_000 if run.quick else 50_000
    schema = run.schema("p3")
    settings = load_settings({}, node_id=KAB, database=run.postgres_url, postgres_schema=schema,
                             data_dir=str(run.folder("p3") / KAB), nats_url="", log_level="error")
    node = build_node(settings)  # its follower is not started: nothing projects while the log fills
    try:
        began, stories = time.perf_counter(), 0
        while node.projections.head() < wanted:
            for _ in range(100):
                consultation_story(node.helpdesk, KAB, stories)
                stories += 1
        filled = time.perf_counter() - began
        events = node.projections.head()

        timings: list[tuple[str, int, float]] = []
        start = time.perf_counter()
        applied = node.projections.rebuild()
        timings.append(("all read models, rebuild()", applied, time.perf_counter() - start))
        for name in node.projections.projections:
            start = time.perf_counter()
            applied = node.projections.rebuild(name)
            timings.append((f"read model `{name}`, rebuild('{name}')", applied, time.perf_counter() - start))
        decoded, decode_seconds = read_and_decode(node)
        rows, scan_seconds = scan(run, schema)
    finally:
        node.close()

    baseline = rows / scan_seconds
    for label, _applied, seconds in timings:
        rate = events / seconds
        met = rate >= TARGET_RATE and rate >= TARGET_RATIO * baseline
        result.add(f"events/s, {label}", number(rate), number(baseline), ratio(rate, baseline),
                   f"≥ {TARGET_RATE:,}/s and ≥ {TARGET_RATIO}× baseline", met)
    result.add("events/s, reading and decoding the log only (recorder, 500 a batch; no read-model writes)",
               number(decoded / decode_seconds), number(baseline), ratio(decoded / decode_seconds, baseline))
    result.notes.append(
        f"Log of {events:,} events from {stories:,} consultations (consultation_story, one service call per step, "
        f"{events / filled:,.0f} events/s to fill). Rates are log events ÷ wall time of the rebuild; events each "
        "model actually applied (its topics): " + ", ".join(f"{label.split(',')[0]} {applied:,} in {seconds:.1f} s"
                                                          for label, applied, seconds in timings) + ".")
    result.notes.append(f"Baseline: {rows:,} rows in {scan_seconds:.2f} s through a psycopg server-side cursor.")

