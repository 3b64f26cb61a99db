"""P1 — the command path: whole consultations over HTTP against a node on PostgreSQL in worker mode, one request and
one committed event per SOP step: one HTTP process (`helpdesk serve`) beside `helpdesk worker` at 1, 8 and 32
concurrent clients, then two HTTP processes (`helpdesk serve --workers 2`) beside it at 32. The CPU time of the HTTP
side (psutil: the serve process and every process under it) divided by the commands answered is the request path's
cost per command; the worker's, from the load's start until the read models caught up, is reported beside it.

Baselines, measured in the same run on the same servers:
- a trivial Litestar POST endpoint served by uvicorn the same way, with as many worker processes (the HTTP ceiling,
  the targets' baseline), and its CPU time per request;
- raw single-row INSERT + COMMIT with psycopg (async connections, one per client) into a table shaped like the
  events table, rows the size of the events the node stored.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from uuid import uuid4

import httpx
import psycopg
from psycopg import sql

from bench.context import Run
from bench.load import Load, drive
from bench.nodes import CpuTime, ceiling_serve, split_serve, stop_all
from bench.pgwaits import Waits
from bench.report import Result, number, ratio
from tests.support.served import Served, add_user

PASSWORD = "bench-sandi-rahasia-123"
CONCURRENCY = (1, 8, 32)
# (HTTP processes, client counts): one process at every count, then two at the last (issue 18: both cores).
CONFIGURATIONS = ((1, CONCURRENCY), (2, CONCURRENCY[-1:]))
# Issue 18's targets at 32 clients, against the ceiling with as many processes.
TARGET_RATIO = 0.5
TARGET_P99_MS = 100.0
TARGET_CPU_MS = 2.0  # CPU per command in the request path

OPEN = {"channel": "walk_in", "consultee": {"name": "Siti Aminah", "party_name": "gerindra", "phone": "(0733) 451234",
                                             "email": "siti.aminah@example.org"}}
STEPS: list[tuple[str, dict[str, Any]]] = [
    ("problem", {"text": "Unggah KTA anggota gagal, muncul galat 502."}),
    ("restatement", {"text": "Jadi unggah KTA gagal dengan galat 502?"}),
    ("confirmation", {}),
    ("answer", {"text": "Pecah berkas per wilayah dan unggah di luar jam sibuk.",
                "bases": [{"kind": "pkpu", "reference": "PKPU 4/2022 Pasal 85 ayat (1)"}]}),
    ("understanding", {"understood": True}),
    ("report-entry", {}),
    ("documentation", {"kind": "photo"}),  # with the key and hash the photo's upload gave
    ("closure", {}),
]
CEILING_BODY = {"text": "Unggah KTA anggota gagal, muncul galat 502."}
# A 1×1 PNG: documentation must name a file the node keeps, so each consultation uploads it first (the same bytes,
# stored once; the upload is not one of the timed steps).
PHOTO = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")


async def consultation(http: httpx.AsyncClient, load: Load, sizes: list[int] | None = None) -> None:
    """One walk-in consultation from opening to closing: nine requests, each timed."""
    async def post(path: str, body: dict[str, Any], expected: int) -> httpx.Response | None:
        start = time.perf_counter()
        response = await http.post(path, json=body)
        elapsed = time.perf_counter() - start
        if response.status_code != expected:
            load.errors.append(f"{path.rsplit('/', 1)[-1]}: {response.status_code} {response.text[:200]}")
            return None
        load.latencies.append(elapsed)
        if sizes is not None:
            sizes.append(len(response.content))
        return response

    opened = await post("/api/consultations", OPEN, 201)
    if opened is None:
        return
    cid = opened.json()["id"]
    stored = await stored_photo(http)
    if isinstance(stored, str):
        load.errors.append(stored)
        return
    for step, body in STEPS:
        if await post(f"/api/consultations/{cid}/{step}", {**body, **stored} if step == "documentation" else body,
                      200) is None:
            return


async def stored_photo(http: httpx.AsyncClient, headers: dict[str, str] | None = None) -> dict[str, str] | str:
    """Uploads the documentation photo (untimed): its key and hash for the documentation step, or what failed."""
    photo = await http.post("/api/files", files={"file": ("foto-1.png", PHOTO, "image/png")}, headers=headers)
    if photo.status_code != 201:
        return f"files: {photo.status_code} {photo.text[:200]}"
    return {key: photo.json()[key] for key in ("storage_key", "sha256")}


async def ceiling_request(http: httpx.AsyncClient, load: Load) -> None:
    start = time.perf_counter()
    response = await http.post("/echo", json=CEILING_BODY)
    elapsed = time.perf_counter() - start
    if response.status_code != 201:
        load.errors.append(f"echo: {response.status_code}")
        return
    load.latencies.append(elapsed)


def http_clients(base_url: str, token: str | None = None):  # noqa: ANN201
    headers = {"Authorization": f"Bearer {token}"} if token else {}

    @contextlib.asynccontextmanager
    async def open_client() -> AsyncIterator[httpx.AsyncClient]:
        async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=60.0) as client:
            yield client

    return open_client


def insert_clients(url: str):  # noqa: ANN201
    @contextlib.asynccontextmanager
    async def open_client() -> AsyncIterator[psycopg.AsyncConnection[Any]]:
        connection = await psycopg.AsyncConnection.connect(url)
        try:
            yield connection
        finally:
            await connection.close()

    return open_client


def insert_round(statement: sql.Composed, topic: str, state: bytes):  # noqa: ANN201
    async def one(connection: psycopg.AsyncConnection[Any], load: Load) -> None:
        start = time.perf_counter()
        await connection.execute(statement, (uuid4(), 1, topic, state), prepare=True)
        await connection.commit()
        load.latencies.append(time.perf_counter() - start)

    return one


def create_raw_table(run: Run, schema: str) -> sql.Composed:
    """A table shaped as eventsourcing's events table (same key, same notification index), no lock, no NOTIFY."""
    table = sql.Identifier(schema, "raw_events")
    with run.pg() as connection:
        connection.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
        connection.execute(sql.SQL(
            "CREATE TABLE {} (originator_id uuid NOT NULL, originator_version bigint NOT NULL, topic text, state bytea,"
            " notification_id bigserial, PRIMARY KEY (originator_id, originator_version))").format(table))
        connection.execute(sql.SQL("CREATE UNIQUE INDEX ON {} (notification_id)").format(table))
    return sql.SQL("INSERT INTO {} (originator_id, originator_version, topic, state) VALUES (%s, %s, %s, %s)"
                   ).format(table)


def stored_event_size(run: Run, schema: str) -> tuple[int, int, str]:
    """Mean state bytes and topic of the consultation events the node stored."""
    with run.pg() as connection:
        size, count = connection.execute(sql.SQL(
            "SELECT avg(octet_length(state))::int, count(*) FROM {} WHERE topic LIKE 'domain.consultation:%%'"
        ).format(sql.Identifier(schema, "helpdesk_events"))).fetchone()
        topic = connection.execute(sql.SQL("SELECT topic FROM {} WHERE topic LIKE 'domain.consultation:%%' LIMIT 1")
                                   .format(sql.Identifier(schema, "helpdesk_events"))).fetchone()[0]
    return size, count, topic


async def read_models_lag(node: Served, timeout: float = 120.0) -> tuple[int, float]:
    """(events the read models are behind the log now, seconds until they caught up) from GET /health."""
    start = time.perf_counter()
    first = None
    async with httpx.AsyncClient(base_url=node.url, timeout=30) as client:
        while time.perf_counter() - start < timeout:
            health = (await client.get("/health")).json()
            behind = max((health.get("projections") or {}).get("behind", {"?": -1}).values())
            first = behind if first is None else first
            if behind == 0:
                break
            await asyncio.sleep(0.1)
    return first, time.perf_counter() - start


@dataclass
class Baselines:
    """What every configuration is compared with: the raw INSERT's table, row and loads (measured once per client
    count, on the first configuration's schema), and the node's mean answer size for the ceiling to match."""

    statement: sql.Composed
    topic: str
    state: bytes
    body_bytes: int
    inserts: dict[int, Load] = field(default_factory=dict)


async def measure(run: Run, result: Result) -> None:
    baselines: Baselines | None = None
    for workers, concurrency in CONFIGURATIONS:
        baselines = await measure_configuration(run, result, workers, concurrency, baselines)


async def measure_configuration(run: Run, result: Result, workers: int, concurrency: tuple[int, ...],
                                baselines: Baselines | None) -> Baselines:
    """One configuration: `workers` HTTP processes (`helpdesk serve --workers N`) beside `helpdesk worker`, its own
    schema, measured at each client count against the ceiling under as many uvicorn workers."""
    seconds = 4.0 if run.quick else 20.0
    base_seconds = 3.0 if run.quick else 10.0
    warmup = 1.5 if run.quick else 3.0
    folder = run.folder(f"p1-{workers}")
    schema = run.schema(f"p1w{workers}")
    node = split_serve({"node_id": "kab-16.13", "database": run.postgres_url, "postgres_schema": schema,
                        "nats_url": ""}, folder, "kab-16.13", workers)
    add_user(node.served, "meja", "anggota_helpdesk", PASSWORD)
    node.start()
    ceiling: Served | None = None
    processes = f"{workers} HTTP process{'es' if workers > 1 else ''} + worker"
    try:
        async with httpx.AsyncClient(base_url=node.url) as client:
            login = await client.post("/api/auth/login", json={"username": "meja", "password": PASSWORD})
            login.raise_for_status()
            token = login.json()["token"]
        project = http_clients(node.url, token)

        # Warm-up: fills caches and connection pools, and tells the sizes the baselines must match.
        sizes: list[int] = []
        await drive(project, lambda http, load: consultation(http, load, sizes), 4, warmup)
        if baselines is None:
            event_bytes, events, topic = stored_event_size(run, schema)
            baselines = Baselines(create_raw_table(run, schema), topic, os.urandom(event_bytes),
                                  int(sum(sizes) / len(sizes)))
            result.notes.append(
                f"Stored consultation event: {event_bytes} B of state on average (from {events} events of the warm-up);"
                f" baseline rows carry as many random bytes and a topic of {len(topic)} characters. Mean response body"
                f" of the node: {baselines.body_bytes} B; the ceiling endpoint answers with as many, under uvicorn"
                " with as many worker processes as the node has HTTP processes.")
        inserts = insert_clients(run.postgres_url)
        insert = insert_round(baselines.statement, baselines.topic, baselines.state)
        ceiling = ceiling_serve(folder, baselines.body_bytes, workers)
        ceiling.start()
        ceilings = http_clients(ceiling.url)
        await drive(ceilings, ceiling_request, 4, warmup / 2)

        for clients in concurrency:
            http_cpu, worker_cpu = CpuTime.of_tree(node.served.pid).start(), CpuTime([node.worker.pid]).start()
            with Waits(run.postgres_url) as waits:
                app = await drive(project, consultation, clients, seconds)
            http_seconds = http_cpu.seconds()
            behind, catch_up = await read_models_lag(node.served)  # the worker's follower catches the rest up
            worker_seconds = worker_cpu.seconds()
            if clients not in baselines.inserts:
                baselines.inserts[clients] = await drive(inserts, insert, clients, base_seconds)
            raw = baselines.inserts[clients]
            top_cpu = CpuTime.of_tree(ceiling.pid).start()
            top = await drive(ceilings, ceiling_request, clients, base_seconds)
            top_ms = 1000 * top_cpu.seconds() / max(1, len(top.latencies))
            commands = max(1, len(app.latencies))
            http_ms, worker_ms = 1000 * http_seconds / commands, 1000 * worker_seconds / commands
            last = clients == CONCURRENCY[-1]
            label = f"{processes}, {clients} client(s)"
            result.add(f"commands/s, {label}", number(app.rate), number(top.rate), ratio(app.rate, top.rate),
                       f"≥ {TARGET_RATIO:.1f}× trivial POST" if last else "",
                       app.rate >= TARGET_RATIO * top.rate if last else None)
            result.add(f"p50 ms, {label}", number(app.p(50), 1), number(top.p(50), 1), ratio(app.p(50), top.p(50)))
            result.add(f"p99 ms, {label}", number(app.p(99), 1), number(top.p(99), 1), ratio(app.p(99), top.p(99)),
                       f"≤ {TARGET_P99_MS:.0f} ms" if last else "", app.p(99) <= TARGET_P99_MS if last else None)
            result.add(f"CPU ms per command, HTTP processes, {label}", number(http_ms, 2), number(top_ms, 2),
                       ratio(http_ms, top_ms), f"≤ {TARGET_CPU_MS:.0f} ms" if last else "",
                       http_ms <= TARGET_CPU_MS if last else None)
            result.add(f"CPU ms per command, worker (until caught up), {label}", number(worker_ms, 2))
            result.add(f"vs raw INSERT+COMMIT, commands/s, {label}", number(app.rate), number(raw.rate),
                       ratio(app.rate, raw.rate))
            result.notes.append(
                f"{label}: {len(app.latencies):,} commands in {app.seconds:.1f} s "
                f"({len(app.latencies) // 9:,} consultations), {len(app.errors)} errors"
                + (f" (first: {app.errors[0]})" if app.errors else "")
                + f"; CPU {http_seconds:.1f} s in the HTTP side (supervisor and its processes),"
                f" {worker_seconds:.1f} s in the worker (load and catch-up); read models {behind:,} events behind the"
                f" log when the load ended, caught up {catch_up:.1f} s later; raw INSERT {len(raw.latencies):,} rows,"
                f" p50 {raw.p(50):.2f} ms; ceiling {len(top.latencies):,} requests, {top_ms:.2f} ms CPU each. "
                f"PostgreSQL during the node's load (mean backends): {waits.summary(4)}.")
    finally:
        stop_all(ceiling)
        node.stop()
    return baselines


def run(run: Run, result: Result) -> None:
    asyncio.run(measure(run, result))
