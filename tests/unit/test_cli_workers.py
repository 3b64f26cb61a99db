"""`helpdesk serve --workers N` and `helpdesk worker` refuse what cannot work, before opening anything, with exit 78
and the catalogue's words: several processes need PostgreSQL and worker mode; a worker needs worker mode."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from gateways.cli import exits
from gateways.cli.main import main
from gateways.messages import bilingual

# Never reached: every refusal below comes before a connection is made.
UNREACHABLE_POSTGRES = "postgresql://nobody@127.0.0.1:9/none"


@pytest.fixture(autouse=True)
def node_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    for key in list(os.environ):
        if key.startswith("HELPDESK_"):
            monkeypatch.delenv(key)
    data = tmp_path / "node"
    for key, value in {"NODE_ID": "kab-16.13", "DATA_DIR": str(data), "NATS_URL": ""}.items():
        monkeypatch.setenv(f"HELPDESK_{key}", value)
    umask = os.umask(0o022)
    os.umask(umask)
    yield data
    os.umask(umask)


def refused(argv: list[str], capsys: pytest.CaptureFixture[str], data: Path) -> str:
    assert main(argv) == exits.CONFIG
    assert not data.exists()  # no node was opened, no lock taken
    return capsys.readouterr().err


@pytest.mark.parametrize("database", ["sqlite", "memory"])
def test_several_http_processes_on_sqlite_or_memory_are_refused(
        database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        node_environment: Path) -> None:
    monkeypatch.setenv("HELPDESK_DATABASE", database)
    err = refused(["serve", "--workers", "2"], capsys, node_environment)
    assert err.startswith("Pengaturan salah (Configuration error): HELPDESK_DATABASE: ")
    assert bilingual("config_workers_postgres", workers=2, backend=database) in err
    assert "--workers 2 butuh PostgreSQL" in err


def test_several_http_processes_with_the_background_inline_are_refused(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], node_environment: Path) -> None:
    monkeypatch.setenv("HELPDESK_DATABASE", UNREACHABLE_POSTGRES)  # inline is the default
    err = refused(["serve", "--workers", "3"], capsys, node_environment)
    assert err.startswith("Pengaturan salah (Configuration error): HELPDESK_BACKGROUND: ")
    assert bilingual("config_workers_inline", workers=3) in err


def test_worker_mode_on_sqlite_is_refused_by_serve_and_worker_alike(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], node_environment: Path) -> None:
    monkeypatch.setenv("HELPDESK_DATABASE", "sqlite")
    monkeypatch.setenv("HELPDESK_BACKGROUND", "worker")
    for argv in (["serve"], ["worker"]):
        err = refused(argv, capsys, node_environment)
        assert f"HELPDESK_BACKGROUND: {bilingual('config_background_postgres', backend='sqlite')}" in err


def test_a_worker_beside_an_inline_node_and_an_unknown_mode_are_refused(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], node_environment: Path) -> None:
    monkeypatch.setenv("HELPDESK_DATABASE", UNREACHABLE_POSTGRES)
    err = refused(["worker"], capsys, node_environment)
    assert f"HELPDESK_BACKGROUND: {bilingual('config_worker_inline')}" in err
    monkeypatch.setenv("HELPDESK_BACKGROUND", "thread")
    err = refused(["serve"], capsys, node_environment)
    assert f"HELPDESK_BACKGROUND: {bilingual('config_background', value='thread')}" in err


def test_no_http_process_at_all_is_refused(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                          node_environment: Path) -> None:
    monkeypatch.setenv("HELPDESK_DATABASE", "sqlite")
    err = refused(["serve", "--workers", "0"], capsys, node_environment)
    assert f"--workers: {bilingual('config_workers_count', value=0)}" in err


def test_the_http_processes_listen_on_a_socket_that_names_tcp(monkeypatch: pytest.MonkeyPatch) -> None:
    """asyncio turns Nagle's algorithm off (TCP_NODELAY) only on accepted sockets whose listening socket names TCP;
    uvicorn's own for `workers > 1` does not, and every answer then waited for the client's delayed ACK. And a process
    that failed to start is told to the serve command (which exits 1, for systemd to try again)."""
    import socket
    from types import SimpleNamespace

    from uvicorn.config import STARTUP_FAILURE

    from gateways.cli import serve
    from tests.support.ports import free_port

    handed: list[socket.socket] = []
    exits_of_processes = [[0, 0], [0, STARTUP_FAILURE]]

    class Supervisor:
        def __init__(self, config: object, sockets: list[socket.socket]) -> None:
            handed.extend(sockets)
            self.processes = [SimpleNamespace(exitcode=code) for code in exits_of_processes.pop(0)]

        def run(self) -> None:
            assert handed[-1].proto == socket.IPPROTO_TCP and handed[-1].get_inheritable()

    monkeypatch.setattr("uvicorn.supervisors.Multiprocess", Supervisor)
    options = {"host": "127.0.0.1", "log_level": "warning"}
    assert serve.run_processes("gateways.app:http_process", 2, port=free_port(), **options) is True
    assert serve.run_processes("gateways.app:http_process", 2, port=free_port(), **options) is False
    assert len(handed) == 2 and all(sock.fileno() == -1 for sock in handed)  # closed once the supervisor returned
