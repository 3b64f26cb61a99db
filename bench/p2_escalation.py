"""P2 — escalation latency: from the regency commissioner's forward_up committing to the case being in the
province's log.

The province is `helpdesk serve` in a subprocess (PostgreSQL, NATS link, projections, audit shipping: a whole
node). The regency is built in this process with the same background parts (follower, NATS link with audit
shipping), so the moment forward_up returns — its commit — is known exactly. The province's log is watched with
LISTEN on the events table's channel (eventsourcing NOTIFYs in every insert transaction), re-checking the case's
first event at each notification.

Baseline, same PostgreSQL and NATS server: what any durable hand-over between two offices' stores costs at the least,
one sample at a time — a raw single-row INSERT + COMMIT (the sender's commit), a raw nats-py round trip publish
(awaited ack) → fetch(1) from a durable pull consumer → ack on a file stream with one subject, and a second raw
INSERT + COMMIT (the receiver's commit); rows and messages the size of the node's event and envelope.
"""

from __future__ import annotations

import asyncio
import os
import time
from typing import Any

import nats
import psycopg
from nats.js.api import AckPolicy, ConsumerConfig, StorageType, StreamConfig
from psycopg import sql

from bench.context import Run
from bench.nodes import province_serve, regency_settings
from bench.report import Result, number, ratio
from bench.stats import ms
from domain.casefile import case_id
from domain.values import Channel
from services.consultations import IdentityInput
from services.integration import EscalationRequested, encode
from tests.support.consultations import handed_to_commissioner
from tests.support.office import Office

KAB = "kab-16.13"
TARGET_P50_RATIO = 2.0
TARGET_P99_MS = 50.0


def handed_over(helpdesk: Any, number_: int) -> Any:
    """A regency consultation taken through the script to the commissioner (not yet forwarded)."""
    who = IdentityInput(name=f"Konsultan {number_}", party_number=1 + number_ % 17, phone="081234567890")
    return handed_to_commissioner(helpdesk, KAB, who, f"Masalah kepengurusan nomor {number_}",
                                  f"Jadi masalah kepengurusan nomor {number_}?", "Tidak ada di FAQ Sipol.",
                                  channel=Channel.MESSAGING, desk="meja")


async def until(check: Any, timeout: float, what: str, interval: float = 0.002) -> float:
    deadline = time.perf_counter() + timeout
    while not check():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(interval)
    return time.perf_counter()


async def appeared(listener: psycopg.AsyncConnection[Any], query: sql.Composed, case: Any, timeout: float = 30.0
                   ) -> float:
    """The moment the case's first event is visible in the province's log (checked at each NOTIFY)."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if await (await listener.execute(query, (case,))).fetchone():
            return time.perf_counter()
        async for _ in listener.notifies(timeout=0.02, stop_after=1):
            pass
    raise TimeoutError(f"case {case} never reached the province's log")


async def stream_exists(url: str, stream: str, timeout: float = 30.0) -> None:
    client = await nats.connect(url)
    try:
        js = client.jetstream()
        deadline = time.perf_counter() + timeout
        while True:
            try:
                await js.stream_info(stream)
                return
            except Exception:  # noqa: BLE001 - not created yet
                if time.perf_counter() > deadline:
                    raise
                await asyncio.sleep(0.1)
    finally:
        await client.close()


async def baseline(url: str, postgres_url: str, schema: str, prefix: str, payload_bytes: int, count: int,
                   warmup: int) -> list[float]:
    """Raw hand-overs, one at a time: INSERT + COMMIT, publish (awaited PubAck) → fetch(1) → ack, INSERT + COMMIT."""
    client = await nats.connect(url)
    database = await psycopg.AsyncConnection.connect(postgres_url, autocommit=True)
    table = sql.Identifier(schema, "raw_handover")
    await database.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
    await database.execute(sql.SQL("CREATE TABLE {} (id bigserial PRIMARY KEY, state bytea NOT NULL)").format(table))
    insert = sql.SQL("INSERT INTO {} (state) VALUES (%s)").format(table)
    await database.set_autocommit(False)
    try:
        js = client.jetstream()
        stream, subject = f"{prefix.upper()}_BASE", f"{prefix}.base"
        await js.add_stream(StreamConfig(name=stream, subjects=[subject], storage=StorageType.FILE))
        subscription = await js.pull_subscribe(
            subject, durable=f"{prefix.upper()}_base_in", stream=stream,
            config=ConsumerConfig(ack_policy=AckPolicy.EXPLICIT, max_ack_pending=1, ack_wait=10.0))
        payload = os.urandom(payload_bytes // 2).hex().encode()
        samples: list[float] = []
        for i in range(warmup + count):
            start = time.perf_counter()
            await database.execute(insert, (payload,), prepare=True)
            await database.commit()
            await js.publish(subject, payload, headers={"Nats-Msg-Id": f"{prefix}-{i}"}, timeout=5)
            messages = await subscription.fetch(1, timeout=5)
            await messages[0].ack()
            await database.execute(insert, (messages[0].data,), prepare=True)
            await database.commit()
            if i >= warmup:
                samples.append(time.perf_counter() - start)
        return samples
    finally:
        await database.close()
        await client.close()


async def measure(run: Run, result: Result) -> None:
    count = 50 if run.quick else 200
    warmup = 5 if run.quick else 20
    folder = run.folder("p2")
    prefix = run.nats_prefix("p2")
    province_schema, regency_schema = run.schema("p2prov"), run.schema("p2kab")

    province = province_serve(run.postgres_url, province_schema, run.nats_url, prefix, folder)
    province.start()
    regency: Office | None = None
    listener: psycopg.AsyncConnection[Any] | None = None
    try:
        await stream_exists(run.nats_url, f"{prefix.upper()}_prov-16")
        regency = Office(regency_settings(run.postgres_url, regency_schema, folder, run.nats_url, prefix))
        # Projections, relay, consumer and audit shipping, as `helpdesk serve` runs them (the link's default poll).
        link = await regency.start_link(audit=True, poll_interval=0.2)
        await until(lambda: link.status.streams_ready, 30, "the regency's streams", 0.05)
        listener = await psycopg.AsyncConnection.connect(run.postgres_url, autocommit=True)
        channel = regency.helpdesk.recorder.channel_name
        await listener.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
        query = sql.SQL("SELECT 1 FROM {} WHERE originator_id = %s LIMIT 1").format(
            sql.Identifier(province_schema, "helpdesk_events"))

        latencies: list[float] = []
        round_trips: list[float] = []
        helpdesk = regency.helpdesk
        for i in range(warmup + count):
            cid = await asyncio.to_thread(handed_over, helpdesk, i)
            receipts = link.status.applied

            def forward(consultation: Any = cid, n: int = i) -> float:
                helpdesk.forward_up(KAB, consultation, f"Mohon arahan KPU Provinsi ({n}).", "komisioner")
                return time.perf_counter()

            committed = await asyncio.to_thread(forward)
            arrived = await appeared(listener, query, case_id(KAB, cid))
            returned = await until(lambda before=receipts: link.status.applied > before, 30, "the receipt")
            if i >= warmup:
                latencies.append(arrived - committed)
                round_trips.append(returned - committed)
            await asyncio.sleep(0.05)

        envelope = next(e for _, envelopes in helpdesk.outgoing(0, 100) for e in envelopes
                        if isinstance(e.body, EscalationRequested))
        envelope_bytes = len(encode(envelope))
    finally:
        if listener is not None:
            await listener.close()
        if regency is not None:
            await regency.close()
        province.stop()

    raw = await baseline(run.nats_url, run.postgres_url, run.schema("p2raw"), prefix, envelope_bytes, count, warmup)
    p50, p99, base50, base99 = ms(latencies, 50), ms(latencies, 99), ms(raw, 50), ms(raw, 99)
    result.add("p50 ms, forward_up committed → case in the province's log", number(p50, 1), number(base50, 2),
               ratio(p50, base50), f"≤ {TARGET_P50_RATIO:.0f}× baseline", p50 <= TARGET_P50_RATIO * base50)
    result.add("p99 ms, same", number(p99, 1), number(base99, 2), ratio(p99, base99), f"≤ {TARGET_P99_MS:.0f} ms",
               p99 <= TARGET_P99_MS)
    result.add("max ms, same", number(max(latencies) * 1000, 1), number(max(raw) * 1000, 2))
    result.add("p50 / p99 ms, until the province's receipt is applied at the regency (round trip)",
               f"{ms(round_trips, 50):.1f} / {ms(round_trips, 99):.1f}", f"{base50:.2f} / {base99:.2f}")
    result.notes.append(
        f"{count} escalations one at a time (after {warmup} warm-up), 50 ms apart; both nodes on PostgreSQL "
        f"(schemas of their own), one JetStream domain. Envelope {envelope_bytes} B; baseline rows and messages as "
        f"large, {count} hand-overs (INSERT + COMMIT, publish → fetch → ack, INSERT + COMMIT).")
    slow = sorted(x * 1000 for x in latencies if x * 1000 > TARGET_P99_MS)
    if slow:
        result.notes.append(
            f"{len(slow)} of {count} escalations took over {TARGET_P99_MS:.0f} ms: "
            + ", ".join(f"{x:.0f}" for x in slow[:12]) + (" …" if len(slow) > 12 else "") + " ms.")


def run(run: Run, result: Result) -> None:
    asyncio.run(measure(run, result))
