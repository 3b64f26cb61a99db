"""The environment a run measured on, each benchmark's table, and appending both to docs/benchmarks.md."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import nats

from bench.context import Run

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "docs" / "benchmarks.md"


@dataclass
class Row:
    """One line of a benchmark's table. `met` is None where the line has no target."""

    measure: str
    project: str
    baseline: str = ""
    ratio: str = ""
    target: str = ""
    met: bool | None = None


@dataclass
class Result:
    key: str  # P1 … P5
    title: str
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    busy_before: float | None = None  # share of the machine other processes kept busy just before it started
    neighbours: str = ""  # what other processes took while it ran (bench.machine.Neighbours)
    error: str | None = None

    def add(self, *args: object, **kwargs: object) -> Row:
        row = Row(*args, **kwargs)  # type: ignore[arg-type]
        self.rows.append(row)
        return row


def number(value: float, digits: int = 0) -> str:
    """A figure as a reader wants it: thousands separated, a fixed number of decimals."""
    return f"{value:,.{digits}f}"


def ratio(project: float, baseline: float) -> str:
    if not baseline:
        return "n/a"
    value = project / baseline
    return f"{value:.3f}×" if value < 0.1 else f"{value:.2f}×"


def environment(run: Run) -> dict[str, str]:
    """Date, machine, servers and their durability settings, as every result must record."""
    env = {
        "date (UTC)": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
        "mode": "quick (`--quick`, smaller counts)" if run.quick else "full",
        "CPU": _cpu_model(),
        "cores": str(os.cpu_count()),
        "memory": _memory(),
        "Python": f"{platform.python_version()} ({sys.implementation.name})",
        "HTTP server": _http_server(),
        "commit": _git_commit(),
    }
    try:
        with run.pg() as connection:
            version = connection.execute("SHOW server_version").fetchone()[0]
            fsync = connection.execute("SHOW fsync").fetchone()[0]
            synchronous_commit = connection.execute("SHOW synchronous_commit").fetchone()[0]
        env["PostgreSQL"] = f"{version} at {run.postgres_url.split('@')[-1]}"
        env["PostgreSQL fsync / synchronous_commit"] = f"{fsync} / {synchronous_commit}"
    except Exception as error:  # noqa: BLE001 - the table says the server was missing instead of failing
        env["PostgreSQL"] = f"unreachable: {error!r}"
    try:
        env["NATS"] = asyncio.run(_nats_server(run.nats_url))
    except Exception as error:  # noqa: BLE001
        env["NATS"] = f"unreachable: {error!r}"
    env["JetStream storage"] = "file (every stream the benchmarks create, as the node's own streams), replicas 1"
    return env


def machine_busy(seconds: float = 2.0) -> float:
    """Share of all cores busy over `seconds` (from /proc/stat): what other processes take before a benchmark."""
    def sample() -> tuple[int, int]:
        fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        idle = fields[3] + fields[4]
        return sum(fields[:8]), idle

    try:
        total0, idle0 = sample()
        time.sleep(seconds)
        total1, idle1 = sample()
    except OSError:
        return 0.0
    return 1 - (idle1 - idle0) / max(1, total1 - total0)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _http_server() -> str:
    import uvicorn

    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    return f"uvicorn {uvicorn.__version__}, 1 worker, loop {loop}, HTTP {http}"


def _git_commit() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
        return head + (" + uncommitted changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


async def _nats_server(url: str) -> str:
    client = await nats.connect(url, connect_timeout=3, max_reconnect_attempts=1)
    try:
        info = client._server_info  # noqa: SLF001 - the server's INFO; nats-py has no public getter for all of it
        jetstream = "JetStream on" if info.get("jetstream") else "no JetStream"
        return f"nats-server {info.get('version', '?')} at {url} ({jetstream})"
    finally:
        await client.close()


def render(env: dict[str, str], results: list[Result]) -> str:
    lines = [f"## Run of {env['date (UTC)']} UTC ({'quick' if 'quick' in env['mode'] else 'full'})", ""]
    lines += [f"- {key}: {value}" for key, value in env.items() if key != "date (UTC)"]
    for result in results:
        lines += ["", render_result(result)]
    return "\n".join(lines) + "\n"


def render_result(result: Result) -> str:
    lines = [f"### {result.key} — {result.title}", ""]
    if result.error:
        lines += [f"**Did not complete:** `{result.error}`", ""]
    if result.rows:
        lines += ["| Measure | Project | Baseline | Project ÷ baseline | Target | Met |",
                  "|---|---:|---:|---:|---|---|"]
        for row in result.rows:
            met = "" if row.met is None else ("yes" if row.met else "**no**")
            lines.append(f"| {row.measure} | {row.project} | {row.baseline} | {row.ratio} | {row.target} | {met} |")
    if result.notes:
        lines += [""] + [f"- {note}" for note in result.notes]
    busy = "" if result.busy_before is None else f"; machine {result.busy_before:.0%} busy in the 2 s before it started"
    others = f"; {result.neighbours}" if result.neighbours else ""
    lines += ["", f"_({result.seconds:.0f} s{busy}{others})_"]
    return "\n".join(lines)


def append(text: str, path: Path = RESULTS) -> None:
    if not path.exists():
        path.write_text("# Benchmarks\n\n", encoding="utf-8")
    with path.open("a", encoding="utf-8") as out:
        out.write("\n" + text)
