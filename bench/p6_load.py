"""P6 — load: 200 simulated users, each with its own session, against one `helpdesk serve` on PostgreSQL for a
bounded time (issue 6: 0 errors, p99 recorded). Most users serve consultations through the SOP steps; the others read
the consultation list, a consultation, the open SOP clocks, compliance, daily reports and web pages. Every user
thinks 0.5–2 s between requests (seeded), so the load is a busy desk's day, not a closed-loop hammer.

Baseline, in the same run: the same users with the same seeds (ramp, think times, choices) against the trivial
Litestar app under the same uvicorn (`ceiling_app.py`): every write a POST /echo answering with the node's mean write
response size, every read or page a GET /health. It shows what the client, HTTP and the shared cores cost alone.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import os
import random
import re
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx

from bench.context import Run
from bench.load import Load
from bench.nodes import CpuTime, ceiling_serve, helpdesk_serve, split_serve, stop_all
from bench.p1_commands import STEPS, read_models_lag, stored_photo
from bench.pgwaits import Waits
from bench.report import Result, number, ratio
from domain.roles import Role, appointable_roles
from gateways.config import load_settings
from tests.support.served import Served, add_user

PASSWORD = "bench-sandi-rahasia-123"
SEED = 6
THINK = (0.5, 2.0)  # seconds between two requests of one user, uniform
TARGET_P99_MS = 300.0  # issue 18: p99 of all requests, pages included
# The node's layout: N HTTP processes beside `helpdesk worker` (HELPDESK_BACKGROUND=worker), as deploy/ runs a busy
# office; BENCH_P6_WORKERS=0 measures the single process of `make run` instead.
WORKERS = int(os.environ.get("BENCH_P6_WORKERS", "2"))
ROLES = ((Role.ANGGOTA_HELPDESK, 140), (Role.KOORDINATOR_HARIAN, 20), (Role.KOORDINATOR, 15),
         (Role.SEKRETARIS_HELPDESK, 10), (Role.ANGGOTA_KPU, 10), (Role.KETUA_HELPDESK, 5))
# Whom the Ketua Helpdesk may appoint over the API; the others are set up by the office's administrator.
KETUA_APPOINTS = frozenset(appointable_roles(Role.KETUA_HELPDESK))
WRITE, READ, PAGE = "write commands", "API reads", "HTML pages"

# What a reader may look at: (kind, path, takes a status filter).
READS: dict[str, tuple[str, str, bool]] = {
    "list": (READ, "/api/consultations?limit=50", True),
    "search": (READ, "/api/consultations?q=siti&limit=50", True),  # full-text search (issue 11), a name's word
    "detail": (READ, "/api/consultations/{id}", False),
    "clocks": (READ, "/api/clocks/open", False),
    "compliance": (READ, "/api/clocks/compliance?by=staff", False),
    "problems": (READ, "/api/reports/daily/daftar_permasalahan", False),
    "answers": (READ, "/api/reports/daily/jawaban_solusi", False),
    "inbox": (READ, "/api/escalations/inbox", False),
    "dashboard": (PAGE, "/dasbor", False),
    "list_page": (PAGE, "/konsultasi", True),
    "detail_page": (PAGE, "/konsultasi/{id}", False),
    "reports_page": (PAGE, "/laporan", False),
}
# Who reads what (a name twice: twice as likely). The desk roles serve consultations and glance at AFTER_CLOSING.
MENUS: dict[Role, tuple[str, ...]] = {
    Role.KOORDINATOR: ("list", "search", "detail", "clocks", "clocks", "compliance", "dashboard", "list_page",
                       "detail_page"),
    Role.SEKRETARIS_HELPDESK: ("problems", "answers", "list", "detail", "reports_page", "list_page", "detail_page"),
    Role.ANGGOTA_KPU: ("inbox", "inbox", "list", "detail", "detail_page", "dashboard"),
    Role.KETUA_HELPDESK: ("dashboard", "compliance", "list", "detail", "reports_page", "clocks"),
}
AFTER_CLOSING = ("list_page", "clocks", "list")
STATUSES = ("", "", "opened", "problem_confirmed", "answered", "logged", "closed")
CHANNELS = ("walk_in", "email", "messaging", "online_meeting")
NAMES = ("Siti Aminah", "Budi Santoso", "Rahmat Hidayat", "Dewi Lestari", "Agus Salim", "Nur Aini")
PARTIES = (*range(1, 18), 24)  # the national parties' ballot numbers (18–23 are Aceh's own)
DEFAULTS = load_settings({}, node_id="kab-16.13")  # what the node runs with where the benchmark sets nothing
STAND_IN_ID = str(uuid4())  # what the baseline's "responses" name, so both runs take the same branches


class Tally:
    """Every timed request of one run: by kind (for the table) and by name (for the notes)."""

    def __init__(self, users: int) -> None:
        self.kinds = {kind: Load(users) for kind in (WRITE, READ, PAGE)}
        self.names: dict[str, list[float]] = collections.defaultdict(list)
        self.write_bytes: list[int] = []
        self.seconds = 0.0

    def overall(self) -> Load:
        load = Load(0, self.seconds)
        for part in self.kinds.values():
            load.latencies += part.latencies
            load.errors += part.errors
        return load

    def kind(self, kind: str) -> Load:
        self.kinds[kind].seconds = self.seconds
        return self.kinds[kind]


class User:
    """One simulated person: its own client (own loopback address), session, seeded random choices."""

    def __init__(self, index: int, role: Role, http: httpx.AsyncClient, tally: Tally, echo: bool) -> None:
        self.index, self.role, self.http, self.tally, self.echo = index, role, http, tally, echo
        self.rng = random.Random(SEED * 1000 + index)
        self.token: str | None = None
        self.ids: list[str] = []
        self.deadline = 0.0

    async def think(self) -> bool:
        """Pauses as a person would; False once the run's time is up (the pause is cut at the deadline)."""
        pause = self.rng.uniform(*THINK)
        left = self.deadline - time.perf_counter()
        await asyncio.sleep(max(0.0, min(pause, left)))
        return pause < left

    async def send(self, kind: str, name: str, method: str, path: str, body: Any = None, expected: int = 200,
                   want: Any = None) -> Any:
        """One timed request. None when it failed (an error of its kind); else its JSON if `want` is given (`want`
        itself against the baseline), else True."""
        if self.echo:
            method, path, body, expected = ("POST", "/echo", body or {}, 201) if kind == WRITE else (
                "GET", "/health", None, 200)
        headers = {"Authorization": f"Bearer {self.token}"} if self.token and path.startswith("/api/") else None
        load = self.tally.kinds[kind]
        start = time.perf_counter()
        try:
            response = await self.http.request(method, path, json=body, headers=headers)
        except httpx.HTTPError as error:
            load.errors.append(f"{name}: {type(error).__name__} {error}"[:200])
            return None
        elapsed = time.perf_counter() - start
        if response.status_code != expected:
            load.errors.append(f"{name}: {response.status_code} {' '.join(response.text[:160].split())}")
            return None
        load.latencies.append(elapsed)
        self.tally.names[name].append(elapsed)
        if kind == WRITE:
            self.tally.write_bytes.append(len(response.content))
        if want is None:
            return True
        return want if self.echo else response.json()

    async def read(self, name: str) -> None:
        status = STATUSES[int(self.rng.random() * len(STATUSES))]  # drawn always: both runs draw alike
        pick = self.ids[int(self.rng.random() * len(self.ids))] if self.ids else None
        if "{id}" in READS[name][1] and pick is None:
            name = "list"  # nothing seen yet to open
        kind, path, filtered = READS[name]
        path = path.format(id=pick)
        if filtered and status:
            path += f"{'&' if '?' in path else '?'}status={status}"
        want = {"items": [{"id": STAND_IN_ID}], "total": 1, "offset": 0, "limit": 50} if name == "list" else None
        found = await self.send(kind, name, "GET", path, want=want)
        if name == "list" and found:
            self.ids = [item["id"] for item in found["items"]][:50] or self.ids  # a page: {items, total, offset, limit}

    async def consultation(self) -> None:
        """Opens one consultation and walks it to closure, thinking before each step (stops at the deadline)."""
        rng = self.rng
        consultee = {"name": rng.choice(NAMES), "party_number": rng.choice(PARTIES), "phone": "(0733) 451234"}
        opened = await self.send(WRITE, "open", "POST", "/api/consultations",
                                 {"channel": rng.choice(CHANNELS), "consultee": consultee}, 201,
                                 want={"id": STAND_IN_ID})
        if opened is None:
            return
        self.ids = [opened["id"]]
        # Documentation names a file the node keeps: the photo is uploaded first (untimed; the echo takes anything).
        stored = {"storage_key": "", "sha256": ""} if self.echo else await stored_photo(
            self.http, {"Authorization": f"Bearer {self.token}"})
        if isinstance(stored, str):
            self.tally.kinds[WRITE].errors.append(stored)
            return
        for step, body in STEPS:
            if not await self.think():
                return
            sent = {**body, **stored} if step == "documentation" else body
            if await self.send(WRITE, step, "POST", f"/api/consultations/{opened['id']}/{step}", sent) is None:
                return

    async def live(self, start_at: float) -> None:
        await asyncio.sleep(max(0.0, start_at - time.perf_counter()))
        menu = MENUS.get(self.role)
        while time.perf_counter() < self.deadline:
            if menu is None:  # the desk: serve one consultation, glance at the queue, serve the next
                await self.consultation()
                if await self.think():
                    await self.read(AFTER_CLOSING[int(self.rng.random() * len(AFTER_CLOSING))])
            if not await self.think():
                return
            if menu is not None:
                await self.read(menu[int(self.rng.random() * len(menu))])


def roles() -> list[Role]:
    return [role for role, count in ROLES for _ in range(count)]


def client(base_url: str, index: int) -> httpx.AsyncClient:
    """A user's own client on its own loopback address (127.10.x.y), as 200 people have 200 machines: the node's
    login limit (30 a minute per address) would otherwise refuse most of them. One connection kept alive, closed
    before uvicorn's 5 s keep-alive ends it."""
    transport = httpx.AsyncHTTPTransport(local_address=f"127.10.{index // 250}.{1 + index % 250}",
                                         limits=httpx.Limits(max_connections=2, keepalive_expiry=4.0))
    return httpx.AsyncClient(base_url=base_url, transport=transport, timeout=30.0)


async def simulate(users: Sequence[User], seconds: float, ramp: float) -> None:
    """Starts the users evenly over `ramp` s; all stop `seconds` after the first started."""
    start = time.perf_counter()
    for user in users:
        user.deadline = start + seconds
    await asyncio.gather(*(u.live(start + ramp * i / len(users)) for i, u in enumerate(users)))
    users[0].tally.seconds = time.perf_counter() - start


def account_names(kinds: list[Role]) -> list[str]:
    return [f"u{i:03d}-{role.value}" for i, role in enumerate(kinds)]


def add_appointees(node: Served, names: list[str], kinds: list[Role]) -> int:
    """The accounts of the commission's own appointees (Anggota KPU, Ketua Helpdesk), which the office's administrator
    sets up with `helpdesk user add` (domain/roles.py: the Ketua appoints only the team); returns how many."""
    appointees = [(name, role) for name, role in zip(names, kinds, strict=True) if role not in KETUA_APPOINTS]
    for name, role in appointees:
        add_user(node, name, role.value, PASSWORD)
    return len(appointees)


async def create_accounts(node: Served, names: list[str], kinds: list[Role]) -> tuple[int, float]:
    """The Ketua adds the rest of the team over the API, as an office does; returns how many, seconds."""
    team = [(name, role) for name, role in zip(names, kinds, strict=True) if role in KETUA_APPOINTS]
    gate = asyncio.Semaphore(4)
    start = time.perf_counter()
    async with httpx.AsyncClient(base_url=node.url, timeout=60.0) as http:
        login = await http.post("/api/auth/login", json={"username": "ketua", "password": PASSWORD})
        login.raise_for_status()
        headers = {"Authorization": f"Bearer {login.json()['token']}"}

        async def add(name: str, role: Role) -> None:
            async with gate:
                made = await http.post("/api/users", headers=headers, json={
                    "username": name, "full_name": f"Petugas {name[:4]}", "role": role.value, "password": PASSWORD})
            if made.status_code != 201:
                raise RuntimeError(f"POST /api/users {name}: {made.status_code} {made.text[:300]}")

        await asyncio.gather(*(add(n, r) for n, r in team))
    return len(team), time.perf_counter() - start


async def log_in(users: Sequence[User], names: Sequence[str]) -> Load:
    """Every user logs in once (API login: bearer token and session cookie), before the load: a morning's logins,
    timed apart because Argon2 makes each cost tens of milliseconds of CPU by design."""
    logins = Load(len(users))
    gate = asyncio.Semaphore(8)

    async def one(user: User, name: str) -> None:
        async with gate:
            start = time.perf_counter()
            response = await user.http.post("/api/auth/login", json={"username": name, "password": PASSWORD})
            logins.latencies.append(time.perf_counter() - start)
        if response.status_code != 201 or not user.http.cookies.get("helpdesk_session"):
            raise RuntimeError(f"login {name}: {response.status_code} {response.text[:300]}")
        user.token = response.json()["token"]

    start = time.perf_counter()
    await asyncio.gather(*(one(u, n) for u, n in zip(users, names, strict=True)))
    logins.seconds = time.perf_counter() - start
    return logins


def node_processes(split: Any) -> list[int]:
    """The HTTP processes and the worker of a node in worker mode (none for one process)."""
    return [*split.http_processes(), split.worker.pid] if split is not None else []


def process_sizes(split: Any) -> str:
    """Each process's VmRSS after the load, in worker mode."""
    if split is None:
        return ""
    sizes = [f"HTTP {rss_mib(pid):.0f}" for pid in split.http_processes()] + [f"worker {rss_mib(split.worker.pid):.0f}"]
    return " VmRSS of each process after the load (MiB): " + ", ".join(sizes) + "."


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def reset_peak_rss(pid: int) -> None:
    """Resets VmHWM (Linux: `5` into clear_refs), so the peak read after the load is the load's, not the logins'."""
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/clear_refs").write_text("5")


def log_problems(log: Path) -> str:
    """Lines of the node's log that are neither an access-log line nor plain information: warnings, errors."""
    access = re.compile(r'^INFO: +\S+ - "')
    found = [line.strip() for line in log.read_text(errors="replace").splitlines()
             if not access.match(line) and re.search(r"(?i)warn|error|exception|traceback|critical", line)]
    return f"{len(found)} (first: `{found[0][:200]}`)" if found else "none"


def figures(load: Load) -> str:
    return " / ".join(number(load.p(q), 1) for q in (50, 95, 99, 100))


def counted(load: Load) -> str:
    return f"{len(load.latencies):,} ({load.rate:,.1f}/s), {len(load.errors)} errors"


def add_rows(result: Result, app: Tally, base: Tally) -> None:
    everything, baseline = app.overall(), base.overall()
    result.add("errors (non-2xx or transport), all requests", f"{len(everything.errors):,}",
               f"{len(baseline.errors):,}", "", "0 errors", not everything.errors)
    result.add("p99 ms, all requests", number(everything.p(99), 1), number(baseline.p(99), 1),
               ratio(everything.p(99), baseline.p(99)), f"≤ {TARGET_P99_MS:.0f} ms",
               everything.p(99) <= TARGET_P99_MS)
    parts = [("all requests", everything, baseline)] + [(k, app.kind(k), base.kind(k)) for k in (WRITE, READ, PAGE)]
    for label, mine, theirs in parts:
        result.add(f"{label}: requests (per s), errors", counted(mine), counted(theirs), ratio(mine.rate, theirs.rate))
        result.add(f"{label}: p50 / p95 / p99 / max ms", figures(mine), figures(theirs),
                   ratio(mine.p(99), theirs.p(99)))


def describe_errors(tally: Tally) -> str:
    found = collections.Counter(e for load in tally.kinds.values() for e in load.errors)
    return "; ".join(f"{count}× `{error}`" for error, count in found.most_common(6)) or "none"


def slowest(tally: Tally, top: int = 5) -> str:
    loads = {name: Load(0, 0.0, samples) for name, samples in tally.names.items()}
    ranked = sorted(loads.items(), key=lambda item: -item[1].p(99))[:top]
    return ", ".join(f"{name} {load.p(99):.0f} ms ({len(load.latencies):,})" for name, load in ranked)


async def measure(run: Run, result: Result) -> None:
    seconds, ramp = (15.0, 3.0) if run.quick else (60.0, 5.0)
    folder, schema, kinds = run.folder("p6"), run.schema("p6"), roles()
    values = {"node_id": "kab-16.13", "database": run.postgres_url, "postgres_schema": schema, "nats_url": ""}
    split = split_serve(values, folder, "kab-16.13", workers=WORKERS) if WORKERS else None
    node = split.served if split is not None else helpdesk_serve(values, folder, "kab-16.13")
    add_user(node, "ketua", Role.KETUA_HELPDESK.value, PASSWORD)
    names = account_names(kinds)
    appointees = add_appointees(node, names, kinds)
    (split or node).start()
    ceiling: Served | None = None
    try:
        team, made = await create_accounts(node, names, kinds)
        app = Tally(len(kinds))
        async with contextlib.AsyncExitStack() as stack:
            users = [User(i, role, await stack.enter_async_context(client(node.url, i)), app, echo=False)
                     for i, role in enumerate(kinds)]
            logins = await log_in(users, names)
            login_rss, login_peak = node.rss_kib()
            reset_peak_rss(node.pid)
            processes = CpuTime([node.pid, *node_processes(split)]).start()
            own_cpu = time.process_time()
            with Waits(run.postgres_url) as waits:
                await simulate(users, seconds, ramp)
            node_cpu, own_cpu = processes.seconds(), time.process_time() - own_cpu
        behind, catch_up = await read_models_lag(node)
        rss, peak = node.rss_kib()
        sizes = process_sizes(split)
        (split or node).stop()
        problems = log_problems(node.log) if split is None else (
            f"HTTP {log_problems(node.log)}; worker {log_problems(split.worker.log)}")

        body_bytes = int(sum(app.write_bytes) / max(1, len(app.write_bytes)))
        ceiling = ceiling_serve(folder, body_bytes)
        ceiling.start()
        base = Tally(len(kinds))
        async with contextlib.AsyncExitStack() as stack:
            echoes = [User(i, role, await stack.enter_async_context(client(ceiling.url, i)), base, echo=True)
                      for i, role in enumerate(kinds)]
            await simulate(echoes, seconds, ramp)

        add_rows(result, app, base)
        mix = ", ".join(f"{count} {role.value}" for role, count in ROLES)
        result.notes += [
            f"{len(kinds)} users ({mix}), started evenly over {ramp:.0f} s, all stopped {seconds:.0f} s after the "
            f"first started; each thinks {THINK[0]}–{THINK[1]} s (uniform, seeded) before every request. The desk "
            "roles (anggota_helpdesk, koordinator_harian) open a consultation and walk it through the SOP steps "
            "(problem → … → closure, as P1), then glance at the list page, the open clocks or the list; the others "
            "read by role: the list with a status filter, a consultation, open clocks, compliance by staff, daily "
            "report JSON, the escalation inbox, and the pages /dasbor, /konsultasi, /konsultasi/{id}, /laporan with "
            "the session cookie. API requests carry the bearer token.",
            (f"Node: `helpdesk serve --workers {WORKERS}` beside `helpdesk worker` (HELPDESK_BACKGROUND=worker)"
             if WORKERS else "Node: `helpdesk serve`, one process")
            + f" on PostgreSQL with its defaults (pool {DEFAULTS.postgres_pool_size}, log level "
            f"{DEFAULTS.log_level}), no NATS. "
            f"{appointees} accounts (Anggota KPU, Ketua Helpdesk) set up with `helpdesk user add` before the start, "
            f"{team} added by the Ketua over POST /api/users in {made:.1f} s; {len(logins.latencies)} "
            f"API logins in {logins.seconds:.1f} s before the load (8 at a time, each user from its own loopback "
            f"address), p50 {logins.p(50):.0f} ms, p99 {logins.p(99):.0f} ms — not in the table.",
            f"Consultations: {len(app.names['open']):,} opened, {len(app.names['closure']):,} closed during the load. "
            f"Slowest requests by p99: {slowest(app)}.",
            f"Errors of the node: {describe_errors(app)}. Of the baseline: {describe_errors(base)}. Warning or error "
            f"lines in the node's log: {problems}.",
            f"Read models {behind:,} events behind the log when the load ended, caught up {catch_up:.1f} s later. "
            f"CPU during the load: the node's processes {node_cpu / app.seconds:.2f} cores, the simulated users' "
            f"(this process) {own_cpu / app.seconds:.2f}.{sizes} Node VmRSS (the serving process) "
            f"{login_rss / 1024:.0f} MiB after the logins "
            f"(peak {login_peak / 1024:.0f} MiB: Argon2 takes 64 MiB per login in progress), {rss / 1024:.0f} MiB "
            f"after the load (peak during it {peak / 1024:.0f} MiB). PostgreSQL during the load (mean backends): "
            f"{waits.summary(4)}.",
            f"Baseline: the trivial Litestar app under the same uvicorn, driven by the same {len(kinds)} users with "
            f"the same seeds; each write a POST /echo answering {body_bytes} B (the node's mean write response), each "
            "read or page a GET /health (a few bytes, where the node's pages and lists are far larger). "
            "Project ÷ baseline: of requests/s, and of p99 on the latency rows.",
        ]
    finally:
        stop_all(node, ceiling)


def run(run: Run, result: Result) -> None:
    asyncio.run(measure(run, result))
