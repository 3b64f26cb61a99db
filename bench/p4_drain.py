"""P4 — drain after an outage: the regency commits 10,000 forwarded consultations with its NATS link stopped, then
starts the link; timed until the province (`helpdesk serve` subprocess, PostgreSQL) has recorded every case.

The regency is built in this process (PostgreSQL), as in P2; its projections catch up before the link starts, as
they would have during the outage. Baseline, same NATS server: awaited js.publish of as many messages of the
envelope's size, one after another, to a file stream. Beside the drain, the relay's share alone: until the province's
stream holds them all (the regency's relay publishes windows of chained messages: gateways/nats/window.py).
"""

from __future__ import annotations

import asyncio
import os
import time

import nats
from eventsourcing.utils import get_topic
from nats.js.api import StorageType, StreamConfig
from psycopg import sql

from bench.context import Run
from bench.escalations import forward_many
from bench.nodes import province_serve, regency_settings
from bench.p2_escalation import KAB, stream_exists, until
from bench.pgwaits import Waits
from bench.report import Result, number, ratio
from domain.escalation import EscalationCase
from services.integration import EscalationRequested, encode
from tests.support.office import Office

TARGET_RATIO = 0.5  # issue 18: ≥ 0.5× the awaited publishes
STRETCH_RATIO = 1.0  # issue 18's stretch


def received(run: Run, schema: str) -> int:
    with run.pg() as connection:
        return connection.execute(
            sql.SQL("SELECT count(*) FROM {} WHERE topic = %s").format(sql.Identifier(schema, "helpdesk_events")),
            (get_topic(EscalationCase.Received),),
        ).fetchone()[0]


async def stream_filled(url: str, stream: str, count: int, start: float, limit: float) -> float | None:
    """Seconds from `start` until the stream holds `count` messages (the relay's part of the drain), None if never."""
    client = await nats.connect(url)
    try:
        js = client.jetstream()
        while time.perf_counter() - start < limit:
            if (await js.stream_info(stream)).state.messages >= count:
                return time.perf_counter() - start
            await asyncio.sleep(0.02)
        return None
    finally:
        await client.close()


async def publish_rate(url: str, prefix: str, payload_bytes: int, count: int) -> float:
    client = await nats.connect(url)
    try:
        js = client.jetstream()
        stream, subject = f"{prefix.upper()}_PUB", f"{prefix}.pub"
        await js.add_stream(StreamConfig(name=stream, subjects=[subject], storage=StorageType.FILE))
        payload = os.urandom(payload_bytes // 2).hex().encode()
        start = time.perf_counter()
        for i in range(count):
            await js.publish(subject, payload, headers={"Nats-Msg-Id": f"{prefix}-{i}"}, timeout=5)
        return count / (time.perf_counter() - start)
    finally:
        await client.close()


async def measure(run: Run, result: Result) -> None:
    count = run.drain_count or (1_000 if run.quick else 10_000)
    limit = 600.0 if run.quick else 1800.0
    folder = run.folder("p4")
    prefix = run.nats_prefix("p4")
    province_schema, regency_schema = run.schema("p4prov"), run.schema("p4kab")

    province = province_serve(run.postgres_url, province_schema, run.nats_url, prefix, folder)
    province.start()
    regency: Office | None = None
    try:
        await stream_exists(run.nats_url, f"{prefix.upper()}_prov-16")
        regency = Office(regency_settings(run.postgres_url, regency_schema, folder, run.nats_url, prefix))
        start = time.perf_counter()
        events = await asyncio.to_thread(forward_many, regency.helpdesk, KAB, count)
        made = time.perf_counter() - start
        print(f"   {count:,} forwards ({events:,} events) committed in {made:.1f} s with the link down", flush=True)
        start = time.perf_counter()
        regency.node.follower.start()
        runner = regency.node.projections
        await until(lambda: all(runner.position(n) >= runner.head() for n in runner.projections), limit,
                    "the regency's read models", 0.5)
        projected = time.perf_counter() - start

        start = time.perf_counter()
        stream = f"{prefix.upper()}_prov-16"
        with Waits(run.postgres_url) as waits:
            # Its projections run since they caught up above; the link ships the audit chain beside them.
            link = await regency.start_link(audit=True, projections=False, poll_interval=0.2)
            relayed = asyncio.create_task(stream_filled(run.nats_url, stream, count, start, limit))
            done, last_print = 0, start
            while done < count:
                await asyncio.sleep(0.1)
                done = await asyncio.to_thread(received, run, province_schema)
                now = time.perf_counter()
                if now - last_print > 15:
                    print(f"   province has {done:,} of {count:,} after {now - start:.0f} s", flush=True)
                    last_print = now
                if now - start > limit:
                    break
            drained = time.perf_counter() - start
        published = await relayed
        receipts = None
        if done >= count:
            try:
                receipts = await until(lambda: link.status.applied >= count, 120, "the receipts", 0.1) - start
            except TimeoutError:
                pass
        envelope = next(e for _, envelopes in regency.helpdesk.outgoing(0, 100) for e in envelopes
                        if isinstance(e.body, EscalationRequested))
        envelope_bytes = len(encode(envelope))
    finally:
        if regency is not None:
            await regency.close()
        province.stop()

    baseline = await publish_rate(run.nats_url, prefix, envelope_bytes, count)
    rate = done / drained
    complete = done >= count
    result.add(f"escalations/s, link start → province has all {count:,}" if complete
               else f"escalations/s, link start → {done:,} of {count:,} received within {limit:.0f} s",
               number(rate), number(baseline), ratio(rate, baseline),
               f"≥ {TARGET_RATIO:.1f}× baseline ({STRETCH_RATIO:.1f}× stretch)",
               complete and rate >= TARGET_RATIO * baseline)
    result.add("seconds to drain", number(drained, 1), number(count / baseline, 1))
    if published is not None:
        # The relay's share alone (the province's consumer applies them meanwhile and after).
        result.add("escalations/s, link start → all in the province's stream (the regency's relay)",
                   number(count / published), number(baseline), ratio(count / published, baseline))
        result.add("seconds until the regency's relay had published all into the province's stream",
                   number(published, 2), number(count / baseline, 2))
    if receipts is not None:
        result.add("seconds until the regency applied every receipt (EscalationReceived) too", number(receipts, 1))
    result.notes.append(
        f"{count:,} forwards ({events:,} events) committed by the regency in {made:.1f} s in batches of 200 aggregates "
        f"per transaction (bench/escalations.py); its read models caught up in {projected:.1f} s before the link "
        f"started. Envelope {envelope_bytes} B; baseline: {count:,} awaited publishes of that size.")
    if complete:
        result.notes.append(f"Stretch target ({STRETCH_RATIO:.1f}× baseline): "
                            f"{'met' if rate >= STRETCH_RATIO * baseline else 'not met'}.")
    result.notes.append(f"PostgreSQL during the drain (mean backends, both nodes): {waits.summary(6)}.")


def run(run: Run, result: Result) -> None:
    asyncio.run(measure(run, result))
