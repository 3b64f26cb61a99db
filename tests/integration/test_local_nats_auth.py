"""The NATS server `make run` starts (gateways/cli/local_nats.py), for real: no login without a key, and with one
office's key no speaking as another office nor reading what is addressed to another."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import nats
import nats.errors
import pytest
from nats.aio.client import Client
from nats.js.api import ConsumerConfig, StreamConfig, StreamSource

from gateways.cli.local import NODES, demo_environs, demo_topologies
from gateways.cli.local_nats import seed_file, start_local_nats
from gateways.nats.topology import Topology
from gateways.natsserver import NatsServer, NatsServerError, free_port

pytestmark = pytest.mark.nats

KAB, PROV = "kab-16.13", "prov-16"
REFUSED_WITHIN = 2.0  # a refused request gets no answer; this long is waited for one


class Layout:
    def __init__(self, server: NatsServer, keys: Path, topologies: dict[str, Topology]) -> None:
        self.server, self.keys, self.topologies = server, keys, topologies

    async def login(self, node: str, errors: list[str]) -> Client:
        async def on_error(error: Exception) -> None:
            errors.append(str(error).lower())

        topology = self.topologies[node]
        return await nats.connect(self.server.url, nkeys_seed=str(seed_file(self.keys, node)), error_cb=on_error,
                                  inbox_prefix=topology.inbox_prefix, connect_timeout=5, max_reconnect_attempts=0)


@pytest.fixture
def layout(tmp_path: Path) -> Iterator[Layout]:
    """The make-run layout: the three demo offices' users and streams, as `helpdesk local` makes them."""
    keys = tmp_path / "nats-keys"
    port = free_port()
    environs = demo_environs(tmp_path, "127.0.0.1", 8000, f"nats://127.0.0.1:{port}", keys)
    topologies = demo_topologies(environs)
    try:
        server = start_local_nats("127.0.0.1", port, tmp_path / "nats", keys, topologies)
    except NatsServerError as error:
        pytest.fail(f"the wheel's nats-server did not start: {error}")
    try:
        yield Layout(server, keys, topologies)
    finally:
        server.stop()


@pytest.fixture
async def kab(layout: Layout) -> AsyncIterator[tuple[Client, list[str]]]:
    errors: list[str] = []
    client = await layout.login(KAB, errors)
    yield client, errors
    await client.close()


def test_keys_are_private_files(layout: Layout) -> None:
    for node in [*NODES, "operator"]:
        assert seed_file(layout.keys, node).stat().st_mode & 0o777 == 0o600
    assert layout.keys.stat().st_mode & 0o777 == 0o700


async def test_no_login_without_a_key(layout: Layout) -> None:
    with pytest.raises(nats.errors.Error, match="Authorization Violation"):
        await nats.connect(layout.server.url, connect_timeout=5, max_reconnect_attempts=0, allow_reconnect=False)


async def _violation(errors: list[str], subject: str) -> None:
    """Waits for the server's report of the refused subject (it comes asynchronously), bounded."""
    for _ in range(200):
        if any("permissions violation" in e and subject.lower() in e for e in errors):
            return
        await asyncio.sleep(0.05)
    pytest.fail(f"no permissions violation reported for {subject}: {errors}")


async def test_an_office_cannot_speak_as_another(layout: Layout, kab: tuple[Client, list[str]]) -> None:
    client, errors = kab
    js = client.jetstream()
    # As the province (an answer to the regency), as another regency, and into the province's audit chain.
    for subject in ("hd.kab-16_13.prov-16.escalation_answered", "hd.prov-16.kab-16_01.escalation_requested",
                    "hd.audit.prov-16"):
        await client.publish(subject, b"forged")
        await client.flush()
        await _violation(errors, subject)
    with pytest.raises((nats.errors.TimeoutError, nats.errors.NoRespondersError)):
        await js.publish("hd.kab-16_13.prov-16.escalation_answered", b"forged", timeout=REFUSED_WITHIN)
    # Its own subject passes: the message lands in the province's stream.
    ack = await js.publish("hd.prov-16.kab-16_13.escalation_requested", b"{}", timeout=5)
    assert ack.stream == layout.topologies[PROV].stream
    assert (await js.stream_info(layout.topologies[KAB].stream)).state.messages == 0  # nothing forged stored


async def test_an_office_cannot_read_another_offices_messages(layout: Layout, kab: tuple[Client, list[str]]) -> None:
    client, errors = kab
    js = client.jetstream()
    prov = layout.topologies[PROV]
    province_errors: list[str] = []
    province = await layout.login(PROV, province_errors)
    try:
        # The province has its reader, and a message waits for it.
        pjs = province.jetstream()
        await pjs.add_consumer(prov.stream, prov.consumer_config())
        await js.publish("hd.prov-16.kab-16_13.escalation_requested", b"secret", timeout=5)

        # The regency tries every way to read it: subscriptions...
        for subject in ("hd.prov-16.>", "_INBOX.>", "_INBOX.prov-16.>", ">"):
            await client.subscribe(subject)
            await client.flush()
            await _violation(errors, subject)
        # ...and the JetStream API: each request refused by the server (no answer, a violation reported).
        spy = await js.pull_subscribe_bind(durable=prov.durable, stream=prov.stream)  # asks the server nothing
        attempts = [
            (js.stream_info(prov.stream), f"$JS.API.STREAM.INFO.{prov.stream}"),
            (spy.fetch(1, timeout=REFUSED_WITHIN), f"$JS.API.CONSUMER.MSG.NEXT.{prov.stream}.{prov.durable}"),
            (js.add_consumer(prov.stream, ConsumerConfig(durable_name="spy")),
             f"$JS.API.CONSUMER.DURABLE.CREATE.{prov.stream}.spy"),
            (js.get_msg(prov.stream, 1), f"$JS.API.STREAM.MSG.GET.{prov.stream}"),
            # A stream of its own sourcing the province's would be filled by the server itself.
            (js.add_stream(StreamConfig(name="SPY", subjects=["spy.kab"], sources=[StreamSource(prov.stream)])),
             "$JS.API.STREAM.CREATE.SPY"),
        ]
        for attempt, subject in attempts:
            with pytest.raises((nats.errors.TimeoutError, nats.errors.NoRespondersError, TimeoutError)):
                await asyncio.wait_for(attempt, REFUSED_WITHIN * 2)
            await _violation(errors, subject)

        # The province itself reads it through its own reader.
        reader = await pjs.pull_subscribe_bind(durable=prov.durable, stream=prov.stream)
        [message] = await reader.fetch(1, timeout=5)
        assert message.data == b"secret"
        await message.ack()
        assert province_errors == []
    finally:
        await province.close()


async def test_an_office_finds_only_its_own_last_message_at_a_neighbour(
    layout: Layout, kab: tuple[Client, list[str]]
) -> None:
    client, errors = kab
    js = client.jetstream()
    prov = layout.topologies[PROV].stream
    # What a restored node asks: the last message it sent the province, as the province's stream holds it.
    await js.publish("hd.prov-16.kab-16_13.escalation_requested", b"mine", timeout=5)
    mine = await js.get_last_msg(prov, "hd.prov-16.kab-16_13.>", direct=True)
    assert mine.data == b"mine"
    # Another regency's message to the province is out of reach, by a direct get or a plain one.
    other = f"$JS.API.DIRECT.GET.{prov}.hd.prov-16.kab-16_01.>"
    with pytest.raises((nats.errors.TimeoutError, nats.errors.NoRespondersError, TimeoutError)):
        await asyncio.wait_for(js.get_last_msg(prov, "hd.prov-16.kab-16_01.>", direct=True), REFUSED_WITHIN * 2)
    await _violation(errors, other)
    with pytest.raises((nats.errors.TimeoutError, nats.errors.NoRespondersError, TimeoutError)):
        await asyncio.wait_for(js.get_last_msg(prov, "hd.prov-16.kab-16_13.>"), REFUSED_WITHIN * 2)
    await _violation(errors, f"$JS.API.STREAM.MSG.GET.{prov}")
