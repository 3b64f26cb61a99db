"""A node in worker mode as deploy/ runs it: `helpdesk serve --workers N` (uvicorn's supervisor and its N HTTP
processes) beside one `helpdesk worker`, on PostgreSQL; started together, and SIGKILLed a process at a time."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import httpx

from tests.support.served import HELPDESK, ServedNode, descendants
from tests.support.waiting import wait_until


class WorkerProcess:
    """`helpdesk worker` as a subprocess, its output in a log file. It has no port: whether it is alive is asked of
    the node's /health, which reports its heartbeat (gateways/heartbeat.py)."""

    def __init__(self, env: dict[str, str], log: Path, cwd: Path) -> None:
        self.env, self.log, self.cwd = env, log, cwd
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen([str(HELPDESK), "worker"], env=self.env, cwd=self.cwd, stdout=out,
                                            stderr=subprocess.STDOUT)

    def kill(self) -> None:
        assert self.process is not None and self.process.poll() is None, "the worker is not running"
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=60)  # reaped at once; the bound is for a stuck kernel

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


class SplitNode(ServedNode):
    """An office's node as `workers` HTTP processes and a worker (HELPDESK_BACKGROUND=worker); `values` as for
    ServedNode (a PostgreSQL database among them)."""

    def __init__(self, values: dict[str, str], folder: Path, log_name: str, workers: int = 2) -> None:
        super().__init__({**values, "background": "worker"}, folder, log_name)
        self.workers = workers
        self.served.command = [str(HELPDESK), "serve", "--workers", str(workers)]
        self.worker = WorkerProcess(self.served.env, folder / f"worker-{log_name}", folder)
        self.worker_kills = self.http_kills = 0

    def start(self) -> None:
        """The HTTP processes first (the first one up prepares the store), then the worker, until /health says it
        beats."""
        self.served.start(timeout=self.START_BOUND)
        self.start_worker()

    def start_worker(self) -> None:
        self.worker.start()
        wait_until(self.worker_alive, what="the worker beating in /health", stall=self.START_BOUND,
                   detail=lambda: self.worker.log.read_text(errors="replace")[-2000:])

    def worker_alive(self) -> bool:
        """Whether /health reports this worker process alive; fails at once when the worker has exited."""
        assert self.worker.running, f"the worker exited:\n{self.worker.log.read_text(errors='replace')[-2000:]}"
        try:
            worker = httpx.get(self.url + "/health", timeout=5).json().get("worker") or {}
        except httpx.TransportError:
            return False
        return worker.get("status") == "alive" and worker.get("pid") == self.worker.pid

    def http_processes(self) -> list[int]:
        """The pids of the HTTP processes uvicorn's supervisor runs now (its multiprocessing helper left out)."""
        return [pid for pid in descendants(self.served.pid) if b"spawn_main" in _cmdline(pid)
                and b"resource_tracker" not in _cmdline(pid)]

    def kill_http_process(self, pid: int) -> None:
        """SIGKILL to one HTTP process; its supervisor starts another in its place (wait_for_http_processes)."""
        assert _kill(pid), f"HTTP process {pid} was not there"
        self.http_kills += 1

    def wait_for_http_processes(self, gone: int) -> None:
        """Until the supervisor runs `workers` HTTP processes again, `gone` not among them."""
        def replaced() -> bool:
            assert self.served.running, "the supervisor stopped"
            pids = self.http_processes()
            return len(pids) == self.workers and gone not in pids

        wait_until(replaced, what=f"HTTP process {gone} replaced", stall=self.START_BOUND)

    def kill_worker(self) -> None:
        self.worker.kill()
        self.worker_kills += 1

    def kill(self) -> None:
        """The whole node SIGKILLed: supervisor, HTTP processes and worker."""
        self.served.kill()
        if self.worker.running:
            self.worker.kill()
        self.kills += 1

    @property
    def running(self) -> bool:
        return self.served.running and self.worker.running

    def stop(self) -> None:
        self.worker.stop()
        self.served.stop()


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _kill(pid: int) -> bool:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return False
    return True
