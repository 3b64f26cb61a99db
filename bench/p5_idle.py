"""P5 — one node at rest: start time (process start → GET /health 200) and resident memory (VmRSS from
/proc/<pid>/status) of `helpdesk serve` on SQLite, after it has idled a few seconds.

Measured three ways: a first start on an empty data folder (keys, SQLite files and tables made), a restart on that
folder, and a first start with its NATS link on (run's own subject prefix). Then the node in worker mode on
PostgreSQL (`helpdesk serve --workers 2` beside `helpdesk worker`, NATS link on): the start until /health reports the
worker beating, and the memory of each of its processes (the supervisor, each HTTP process, the worker), each held
to the same target. Baseline: the trivial Litestar app of P1 (bench/ceiling_app.py) under the same uvicorn — what
the web stack alone costs.
"""

from __future__ import annotations

import time
from pathlib import Path

from bench.context import Run
from bench.nodes import ceiling_serve, helpdesk_serve, split_serve
from bench.report import Result, number, ratio
from tests.support.served import Served

TARGET_MB = 150.0
TARGET_START_S = 3.0


def idle(served: Served, seconds: float) -> tuple[float, float, float]:
    """(start seconds, VmRSS MB after idling, VmHWM MB) of a server, which is stopped afterwards."""
    try:
        started = served.start()
        time.sleep(seconds)
        rss, peak = served.rss_kib()
        return started, rss / 1024, peak / 1024
    finally:
        served.stop()


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key == "VmRSS":
            return int(rest.split()[0]) / 1024
    return 0.0


def worker_mode(run: Run, result: Result, baseline: tuple[float, float, float], rest: float) -> None:
    """The node as deploy/ runs it on PostgreSQL with two HTTP processes and a worker: start, and each process's RSS."""
    node = split_serve({"node_id": "kab-16.13", "database": run.postgres_url, "postgres_schema": run.schema("p5w"),
                        "nats_url": run.nats_url, "nats_prefix": run.nats_prefix("p5w")},
                       run.folder("p5w"), "kab-16.13-split", workers=2)
    began = time.perf_counter()
    try:
        node.start()
        started = time.perf_counter() - began
        time.sleep(rest)
        processes = [("supervisor", node.served.pid), *(("HTTP process", pid) for pid in node.http_processes()),
                     ("worker", node.worker.pid)]
        sizes = [(label, rss_mb(pid)) for label, pid in processes]
    finally:
        node.stop()
    label = "worker mode on PostgreSQL (serve --workers 2 + worker, NATS on)"
    result.add(f"start s (processes started → /health 200 with the worker beating), {label}", number(started, 2),
               number(baseline[0], 2), ratio(started, baseline[0]), f"≤ {TARGET_START_S:.0f} s",
               started <= TARGET_START_S)
    largest = max(size for _, size in sizes)
    result.add(f"RSS MB after {rest:.0f} s idle, largest process, {label}", number(largest, 1),
               number(baseline[1], 1), ratio(largest, baseline[1]), f"every process ≤ {TARGET_MB:.0f} MB",
               largest <= TARGET_MB)
    result.notes.append(f"{label}: " + ", ".join(f"{name} {size:.1f} MB" for name, size in sizes)
                        + f" (all together {sum(size for _, size in sizes):.1f} MB).")


def run(run: Run, result: Result) -> None:
    rest = 3.0 if run.quick else 10.0
    folder = run.folder("p5")
    baseline = idle(ceiling_serve(folder), rest)
    sqlite = {"node_id": "kab-16.13", "database": "sqlite", "nats_url": ""}
    cases = [
        ("first start, empty data folder, NATS off", helpdesk_serve(sqlite, folder, "kab-16.13")),
        ("restart on the same folder, NATS off", helpdesk_serve(sqlite, folder, "kab-16.13")),
        ("first start, NATS link on", helpdesk_serve(
            {**sqlite, "nats_url": run.nats_url, "nats_prefix": run.nats_prefix("p5")}, folder, "kab-16.13-nats")),
    ]
    for label, served in cases:
        started, rss, peak = idle(served, rest)
        result.add(f"start s (process start → /health 200), {label}", number(started, 2), number(baseline[0], 2),
                   ratio(started, baseline[0]), f"≤ {TARGET_START_S:.0f} s", started <= TARGET_START_S)
        result.add(f"RSS MB after {rest:.0f} s idle, {label}", number(rss, 1), number(baseline[1], 1),
                   ratio(rss, baseline[1]), f"≤ {TARGET_MB:.0f} MB", rss <= TARGET_MB)
        result.notes.append(f"{label}: peak RSS (VmHWM) {peak:.1f} MB.")
    worker_mode(run, result, baseline, rest)
    result.notes.append(f"Baseline: bench/ceiling_app.py under uvicorn, peak RSS {baseline[2]:.1f} MB.")
