"""Child processes of `helpdesk local`: each node's server, its log in a file, stopped in order."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

from gateways.natsserver import die_with_parent

STOP_TIMEOUT = 10.0


class Child:
    """One node started by `helpdesk local`: its URL, its process, its log file."""

    def __init__(self, name: str, url: str, log_file: Path) -> None:
        self.name = name
        self.url = url
        self.log_file = log_file
        self.process: subprocess.Popen | None = None

    def start(self, command: list[str], env: dict[str, str]) -> None:
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("ab") as log:
            # A session of its own: the terminal's Ctrl-C reaches only the parent, which stops the nodes in order;
            # tied to the parent so that killing `helpdesk local` outright does not leave nodes behind.
            self.process = subprocess.Popen(
                command, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True, preexec_fn=die_with_parent,  # noqa: PLW1509 - one prctl call
            )

    def exited(self) -> bool:
        return self.process is not None and self.process.poll() is not None

    @property
    def returncode(self) -> int | None:
        return None if self.process is None else self.process.returncode

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def stop_all(children: list[Child], timeout: float = STOP_TIMEOUT) -> None:
    """SIGTERM to every node at once (uvicorn then finishes requests and closes), SIGKILL to any that lingers."""
    running = [c.process for c in children if c.process is not None and c.process.poll() is None]
    for process in running:
        process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for process in running:
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
