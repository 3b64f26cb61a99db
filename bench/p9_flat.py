"""P9 — flat costs as the log grows: the pages a person opens all day (the consultation list, its search, the
escalation inbox, the dashboard, /laporan), the node's start and its memory, with 10,000, 100,000 and 1,000,000
events in the log (`--flat-sizes`; with `--quick` 10,000, 30,000, 100,000).

For each size, a fresh office on PostgreSQL gets its history made in this process (bench/p9_history.py: the same
daily rate at every size, so the day-bound pages see a normal day and only the history behind them grows), its read
models caught up and its tables vacuumed, then `helpdesk serve` starts on it: process start → /health 200, then until
its start-up work in the background is done, VmRSS; readers of the right role log in over the API; each page is asked
for a few times to warm up, then `REQUESTS` times one after another, each timed. The baseline of every row is its
figure at the smallest size; the target: within 2× at the largest. Each size's schemas are dropped once measured.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
from psycopg import sql

from bench.context import Run
from bench.nodes import CpuTime, helpdesk_serve, signing_keys
from bench.p9_history import PASSWORD, PER_DAY, STAFF, SettableClock, fill
from bench.report import Result, number
from bench.stats import ms
from gateways.bootstrap import build_node
from gateways.config import load_settings
from tests.support.served import Served

KAB = "kab-16.13"
SIZES = (10_000, 100_000, 1_000_000)
QUICK_SIZES = (10_000, 30_000, 100_000)
TARGET = 2.0
WARM_UP = 5
REQUESTS = 30
# What is timed: (key, what, who asks, path). API paths carry the reader's bearer token, pages its session cookie.
PAGES = (
    ("list", "consultation list, newest 50 (GET /api/consultations?limit=50)", "koordinator",
     "/api/consultations?limit=50"),
    ("list_page", "consultation list page (GET /konsultasi)", "koordinator", "/konsultasi"),
    ("search", "search, a common first name (GET /api/consultations?q=siti&limit=50)", "koordinator",
     "/api/consultations?q=siti&limit=50"),
    ("search_name", "search, a full name (GET /api/consultations?q=siti+aminah&limit=50)", "koordinator",
     "/api/consultations?q=siti+aminah&limit=50"),
    ("inbox", "escalation inbox (GET /api/escalations/inbox, Anggota KPU)", "anggota", "/api/escalations/inbox"),
    ("dashboard", "dashboard (GET /dasbor, Ketua Helpdesk)", "ketua", "/dasbor"),
    ("reports", "reports index (GET /laporan, Sekretaris Helpdesk)", "sekretaris", "/laporan"),
)


@dataclass
class Size:
    """One size of log and what was measured on it."""

    wanted: int
    events: int = 0
    consultations: int = 0
    fill_s: float = 0.0
    catch_up_s: float = 0.0
    vacuum_s: float = 0.0
    start_s: float = 0.0
    settled_s: float = 0.0
    rss_start_mb: float = 0.0
    rss_after_mb: float = 0.0
    peak_mb: float = 0.0
    log_mb: float = 0.0
    read_models_mb: float = 0.0
    samples: dict[str, list[float]] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)  # response bytes of each page
    shown: dict[str, int] = field(default_factory=dict)  # the list's total, the inbox's items

    @property
    def label(self) -> str:
        return short(self.wanted)


def short(count: int) -> str:
    """10k, 1M: a size as a row names it."""
    if count >= 1_000_000 and count % 1_000_000 == 0:
        return f"{count // 1_000_000}M"
    if count >= 1_000 and count % 1_000 == 0:
        return f"{count // 1_000}k"
    return f"{count:,}"


def sizes_of(run: Run) -> tuple[int, ...]:
    chosen = run.flat_sizes or (QUICK_SIZES if run.quick else SIZES)
    return tuple(sorted(set(chosen)))


def settings_of(run: Run, folder: Path, schema: str, name: str) -> dict[str, str]:
    """What `helpdesk serve` runs with (HELPDESK_* keys without the prefix); the history is made with the same."""
    return {"node_id": KAB, "database": run.postgres_url, "postgres_schema": schema, "nats_url": "",
            "data_dir": str(folder / name)}


def make_history(run: Run, folder: Path, schema: str, name: str, size: Size) -> None:
    """The office's history of about `size.wanted` events, and its read models caught up, in this process."""
    values = settings_of(run, folder, schema, name)
    settings = load_settings({}, **signing_keys(folder, KAB), **values, log_level="error")
    clock = SettableClock(datetime.now(UTC))
    node = build_node(settings, clock=clock)  # its follower is not started: the catch-up below is timed alone
    try:
        tenths = [0]

        def progress(done: int, total: int) -> None:
            if size.wanted >= 100_000 and done * 10 // total > tenths[0]:
                tenths[0] = done * 10 // total
                print(f"   {size.label}: {done:,} of {total:,} consultations made", flush=True)

        began = time.perf_counter()
        size.consultations = fill(node.helpdesk, KAB, clock, size.wanted, progress=progress)
        size.fill_s = time.perf_counter() - began
        size.events = node.projections.head()
        began = time.perf_counter()
        node.projections.catch_up()
        size.catch_up_s = time.perf_counter() - began
    finally:
        node.close()
    began = time.perf_counter()
    vacuum(run, schema)
    size.vacuum_s = time.perf_counter() - began


def vacuum(run: Run, schema: str) -> None:
    """VACUUM (ANALYZE) of the schema's tables, as autovacuum does within minutes of a bulk write: the planner's
    statistics and the visibility map of a node that has been running, not of tables written a moment ago."""
    with run.pg() as connection:
        tables = [name for (name,) in connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s", (schema,)).fetchall()]
        for table in tables:
            connection.execute(sql.SQL("VACUUM (ANALYZE) {}").format(sql.Identifier(schema, table)))


def settle(node: Served, window: float = 0.5, idle: float = 0.1, bound: float = 600.0) -> float:
    """Waits until the node's start-up work in the background (the follower, the watchers, the retention job's first
    run) is done — under `idle` of a core over `window` s — so the pages are timed alone; returns the seconds from
    the process's start until then."""
    deadline = time.perf_counter() + bound
    cpu = CpuTime.of_tree(node.pid).start()
    while time.perf_counter() < deadline:
        time.sleep(window)
        if cpu.seconds() < idle * window:
            break
        cpu.start()
    return time.perf_counter() - node.started_at


def log_in(http: httpx.Client, username: str) -> dict[str, str]:
    """API login: the bearer token for the API's paths; the session cookie stays in the client for the pages."""
    response = http.post("/api/auth/login", json={"username": username, "password": PASSWORD})
    if response.status_code != 201 or not http.cookies.get("helpdesk_session"):
        raise RuntimeError(f"login {username}: {response.status_code} {response.text[:300]}")
    return {"Authorization": f"Bearer {response.json()['token']}"}


def ask(http: httpx.Client, path: str, headers: dict[str, str] | None) -> httpx.Response:
    response = http.get(path, headers=headers)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path}: {response.status_code} {' '.join(response.text[:300].split())}")
    return response


def measure_pages(node: Served, size: Size) -> None:
    clients: dict[str, tuple[httpx.Client, dict[str, str]]] = {}
    try:
        for _key, _what, reader, _path in PAGES:
            if reader not in clients:
                http = httpx.Client(base_url=node.url, timeout=120.0)
                clients[reader] = (http, log_in(http, reader))
        for key, _what, reader, path in PAGES:
            http, token = clients[reader]
            headers = token if path.startswith("/api/") else None
            for _ in range(WARM_UP):
                response = ask(http, path, headers)
            size.sizes[key] = len(response.content)
            if key in ("list", "search", "search_name"):
                size.shown[key] = int(response.json()["total"])
            elif key == "inbox":
                size.shown[key] = len(response.json())
            samples = []
            for _ in range(REQUESTS):
                start = time.perf_counter()
                ask(http, path, headers)
                samples.append(time.perf_counter() - start)
            size.samples[key] = samples
    finally:
        for http, _token in clients.values():
            http.close()


def storage_mb(run: Run, schema: str) -> tuple[float, float]:
    """(the log's table, all read-model tables) in MB on disk, indexes included."""
    with run.pg() as connection:
        rows = connection.execute(
            "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid ="
            " c.relnamespace WHERE n.nspname = %s AND c.relkind = 'r'", (schema,)).fetchall()
    log = sum(b for name, b in rows if name == "helpdesk_events")
    models = sum(b for name, b in rows if name.startswith("rm_"))
    return log / 2**20, models / 2**20


def drop(run: Run, schema: str) -> None:
    """Frees the size's disk at once (cleanup drops it again, harmlessly, at the end)."""
    with run.pg() as connection:
        for name in (schema, f"{schema}_keys"):
            connection.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name)))


def one_size(run: Run, folder: Path, wanted: int) -> Size:
    size = Size(wanted)
    name = f"p9_{short(wanted).lower().replace(',', '')}"
    schema = run.schema(name)
    run.schemas.append(f"{schema}_keys")  # the consultees' keys (gateways/subject_keys.py), apart from the log
    print(f"   {size.label}: making the history …", flush=True)
    make_history(run, folder, schema, name, size)
    print(f"   {size.label}: {size.events:,} events in {size.fill_s:.0f} s, read models caught up in "
          f"{size.catch_up_s:.0f} s; serving …", flush=True)
    size.log_mb, size.read_models_mb = storage_mb(run, schema)
    node = helpdesk_serve(settings_of(run, folder, schema, name), folder, name)
    try:
        size.start_s = node.start(timeout=900.0)
        size.settled_s = settle(node)
        size.rss_start_mb = node.rss_kib()[0] / 1024
        measure_pages(node, size)
        rss, peak = node.rss_kib()
        size.rss_after_mb, size.peak_mb = rss / 1024, peak / 1024
    finally:
        node.stop()
    drop(run, schema)
    return size


def flat(values: list[float]) -> tuple[str, bool]:
    """The ratios of each size to the smallest ("1.52×", the largest first, the others in brackets) and whether the
    largest stays within the target."""
    ratios = [v / values[0] if values[0] else float("inf") for v in values]
    text = f"{ratios[-1]:.2f}×"
    if len(values) > 2:
        text += " (" + ", ".join(f"{r:.2f}×" for r in ratios[1:-1]) + ")"
    return text, ratios[-1] <= TARGET


def add_row(result: Result, measure: str, values: list[float], digits: int, sizes: list[Size]) -> None:
    middle = ", ".join(f"{s.label} {number(v, digits)}" for s, v in zip(sizes[1:-1], values[1:-1], strict=True))
    project = number(values[-1], digits) + (f" ({middle})" if middle else "")
    ratio_text, met = flat(values)
    result.add(f"{measure}, {sizes[-1].label} events", project, number(values[0], digits), ratio_text,
               f"flat: within {TARGET:.0f}× from {sizes[0].label} to {sizes[-1].label}", met)


def run(run: Run, result: Result) -> None:
    wanted = sizes_of(run)
    if len(wanted) < 2:
        raise ValueError(f"P9 compares sizes of log: give at least two (--flat-sizes), not {wanted}")
    folder = run.folder("p9")
    measured = [one_size(run, folder, count) for count in wanted]

    for key, what, _reader, _path in PAGES:
        for q in (50, 95):
            add_row(result, f"p{q} ms, {what}", [ms(s.samples[key], q) for s in measured], 1, measured)
    add_row(result, "start s (process start → /health 200)", [s.start_s for s in measured], 2, measured)
    add_row(result, "settled s (process start → its start-up work in the background done: < 10 % of a core for 0.5 s)",
            [s.settled_s for s in measured], 2, measured)
    add_row(result, "VmRSS MB after start (settled)", [s.rss_start_mb for s in measured], 0, measured)
    add_row(result, f"VmRSS MB after the {len(PAGES) * (WARM_UP + REQUESTS)} requests",
            [s.rss_after_mb for s in measured], 0, measured)

    result.notes.append(
        f"Each size a fresh office (kab-16.13) on PostgreSQL, its history made by bench/p9_history.py: {PER_DAY} "
        "consultations a day going back from now (so the dashboard's today and 14 days and /laporan's day and week "
        "hold the same at every size; only the history behind them grows), walked through the SOP by the domain's "
        "own calls and saved 200 aggregates a transaction; 4 in 100 go up to the province and are answered from "
        "there, 10 in 100 are answered by the commissioner, the rest by the desk; everything older than a few days is "
        f"closed; the desk's answers cite the office's FAQ Sipol entries. {len(STAFF)} staff accounts. The read "
        "models caught up in this process, then VACUUM (ANALYZE) of the size's tables (what autovacuum does minutes "
        "after a bulk write), then `helpdesk serve` (no NATS) on it, left to finish its start-up work in the "
        "background (settled); readers of the page's role log in over the API; each page "
        f"{WARM_UP} requests to warm up, then {REQUESTS} timed one after another.")
    result.notes.append("Making the history: " + "; ".join(
        f"{s.label}: {s.events:,} events ({s.consultations:,} consultations, {s.consultations / PER_DAY:,.0f} days) "
        f"made in {s.fill_s:.0f} s ({s.events / max(s.fill_s, 1e-9):,.0f} events/s), read models caught up in "
        f"{s.catch_up_s:.0f} s ({s.events / max(s.catch_up_s, 1e-9):,.0f} events/s), VACUUM (ANALYZE) of its tables "
        f"{s.vacuum_s:.0f} s; log table {s.log_mb:,.0f} MB, "
        f"read-model tables {s.read_models_mb:,.0f} MB" for s in measured) + ".")
    result.notes.append("What the pages held: " + "; ".join(
        f"{s.label}: list total {s.shown.get('list', 0):,}, search totals {s.shown.get('search', 0):,} and "
        f"{s.shown.get('search_name', 0):,}, inbox "
        f"{s.shown.get('inbox', 0)} items; response bytes " + ", ".join(
            f"{key} {s.sizes.get(key, 0):,}" for key, *_ in PAGES) for s in measured) + ".")
    if any(row.met is False for row in result.rows if "search" in row.measure):
        result.notes.append(
            "Why a search grows with the history (EXPLAIN): its total is an exact count of every match (a bitmap heap "
            "scan of the GIN index's matches, one heap page each) and its newest 50 are sorted out of all matches "
            "(the GIN index has no order): both read every consultation that matches, however old. The list without "
            "a text takes its total from the counts the read model keeps and its page from the newest-first index.")
    result.notes.append("Peak VmRSS (VmHWM) of the node: " + ", ".join(
        f"{s.label} {s.peak_mb:,.0f} MB" for s in measured) + ".")
