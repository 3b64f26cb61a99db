"""Nodes as subprocesses: the `helpdesk` command, its environment, a served process on its port, its first accounts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import httpx

from gateways.config import Settings, load_settings
from tests.support.ports import free_port

HELPDESK = Path(sys.executable).with_name("helpdesk")


def helpdesk_command() -> list[str]:
    """The installed console script, as `make run` calls it; the module when the script is not there."""
    script = os.path.join(sysconfig.get_path("scripts"), "helpdesk")
    return [script] if os.access(script, os.X_OK) else [sys.executable, "-m", "gateways.cli.main"]


def node_environment(settings: dict[str, str]) -> dict[str, str]:
    """This process's environment without any HELPDESK_* of the caller's, plus `settings` (keys without prefix)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")}
    env.update({f"HELPDESK_{key.upper()}": value for key, value in settings.items()})
    return env


class Served:
    """A subprocess serving HTTP (`helpdesk serve`, or any command) on 127.0.0.1:`port`, its output in a log file."""

    def __init__(self, command: list[str], env: dict[str, str], port: int, log: Path, cwd: Path) -> None:
        self.command, self.env, self.port, self.log, self.cwd = command, env, port, log, cwd
        self.process: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self, health: str = "/health", timeout: float = 60.0) -> float:
        """Starts the process; returns seconds from process start until `health` answered 200."""
        out = self.log.open("ab")
        self.started_at = time.perf_counter()
        self.process = subprocess.Popen(self.command, env=self.env, cwd=self.cwd, stdout=out, stderr=subprocess.STDOUT)
        out.close()
        deadline = self.started_at + timeout
        with httpx.Client(timeout=2.0) as client:
            while time.perf_counter() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"{self.command[0]} exited with {self.process.returncode}; see {self.log}:\n"
                                       + self.log.read_text(errors="replace")[-2000:])
                try:
                    if client.get(self.url + health).status_code == 200:
                        return time.perf_counter() - self.started_at
                except httpx.TransportError:
                    pass
                time.sleep(0.01)
        self.stop()
        raise TimeoutError(f"{self.url}{health} did not answer 200 within {timeout} s; see {self.log}")

    def rss_kib(self) -> tuple[int, int]:
        """(VmRSS, VmHWM) of the process in KiB, from /proc/<pid>/status."""
        values = {}
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0])
        return values["VmRSS"], values["VmHWM"]

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: no shutdown of any kind, as a power cut or the OOM killer would (to the processes it started,
        `serve --workers N`'s HTTP processes, too)."""
        assert self.process is not None and self.process.poll() is None, f"{self.command} is not running"
        below = descendants(self.process.pid)
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=60)  # reaped at once; the bound is for a stuck kernel, not a guess at speed
        kill_all(below)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        below = descendants(self.process.pid)
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        kill_all(below)  # what the process did not stop itself (a supervisor's HTTP process, left behind)


def descendants(pid: int) -> list[int]:
    """The processes below `pid` (its children, theirs, …), read from /proc: e.g. the HTTP processes of
    `helpdesk serve --workers N` under uvicorn's supervisor."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:  # ended meanwhile
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])  # after "pid (comm) state": the parent's pid
            children.setdefault(parent, []).append(int(entry.name))
    found, queue = [], [pid]
    while queue:
        for child in children.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


def kill_all(pids: list[int]) -> None:
    """SIGKILL to each of `pids` still there."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def add_user(served: Served, username: str, role: str, password: str) -> None:
    """`helpdesk user add` with the node's own settings, as an office makes its first account."""
    subprocess.run(
        [str(HELPDESK), "user", "add", "--username", username, "--full-name", f"Petugas {username}", "--role", role,
         "--password", password],
        env=served.env, cwd=served.cwd, check=True, capture_output=True,
    )


class ServedNode:
    """An office's `helpdesk serve` run as a subprocess with its settings as HELPDESK_* variables (as deploy/ sets
    them), `values` (keys without prefix), its log `log_name` in `folder`; started, SIGKILLed and counted."""

    START_BOUND = 300  # seconds a start may take on a busy machine (migrations, the read models' first catch-up)

    def __init__(self, values: dict[str, str], folder: Path, log_name: str) -> None:
        self.values = values
        port = free_port()
        self.served = Served([str(HELPDESK), "serve"], node_environment({**values, "http_port": str(port)}), port,
                             folder / log_name, folder)
        self.kills = 0

    @property
    def url(self) -> str:
        return self.served.url

    @property
    def settings(self) -> Settings:
        return load_settings({}, **self.values)

    def start(self) -> None:
        self.served.start(timeout=self.START_BOUND)

    @property
    def running(self) -> bool:
        return self.served.running

    def kill(self) -> None:
        """SIGKILL: no shutdown of any kind, as a power cut or the OOM killer would."""
        self.served.kill()
        self.kills += 1

    def stop(self) -> None:
        self.served.stop()
