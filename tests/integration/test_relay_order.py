"""The relay publishes many messages at once and still never lets a later message of its office be stored (and so
applied by the receiver, which tracks each sender by one increasing position) before an earlier one that failed; on
real NATS JetStream.

Failures are made by a stand-in for the JetStream context that fails one chosen publish once, the way a real one
fails: the message never reaches the stream (refused, or lost with a dropped connection) while the ones after it
do, or it is stored and its acknowledgement is lost. Everything else is the real server: the chained
`Nats-Expected-Last-Msg-Id` headers (gateways/nats/window.py) are checked by nats-server itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import nats
import pytest
from nats.errors import TimeoutError as NatsTimeout
from nats.js import JetStreamContext
from nats.js.api import StreamConfig
from nats.js.errors import NoStreamResponseError

from gateways.nats import relay as relay_module
from gateways.nats.relay import Relay
from gateways.nats.status import LinkStatus
from gateways.nats.topology import topology_of
from gateways.nats.window import Outgoing, chain_broken, publish_window
from services.integration import decode
from tests.support.escalations import KAB, forward_one, received_origins
from tests.support.federation import running_offices
from tests.support.office import Office
from tests.support.waiting import eventually

pytestmark = pytest.mark.nats
PROV = "prov-16"


class FailingOnce:
    """The JetStream context, except that its `nth` publish (counted from 1) fails once: never sent (`stored`
    False), or stored with its acknowledgement lost (`stored` True)."""

    def __init__(self, js: JetStreamContext, nth: int, *, stored: bool = False) -> None:
        self.js, self.nth, self.stored, self.count = js, nth, stored, 0

    async def publish(self, subject: str, payload: bytes = b"", **options: Any) -> Any:
        self.count += 1
        if self.count != self.nth:
            return await self.js.publish(subject, payload, **options)
        if self.stored:
            await self.js.publish(subject, payload, **options)
            raise NatsTimeout
        raise NoStreamResponseError

    def __getattr__(self, name: str) -> Any:
        return getattr(self.js, name)


class ForeignBefore:
    """The JetStream context, except that another publisher's message reaches the stream just before our `nth`."""

    def __init__(self, js: JetStreamContext, nth: int, foreign_subject: str) -> None:
        self.js, self.nth, self.foreign_subject, self.count = js, nth, foreign_subject, 0

    async def publish(self, subject: str, payload: bytes = b"", **options: Any) -> Any:
        self.count += 1
        if self.count == self.nth:
            await self.js.publish(self.foreign_subject, b"foreign")
        return await self.js.publish(subject, payload, **options)


@pytest.fixture
async def scratch(nats_url: str, nats_prefix: str) -> AsyncIterator[tuple[JetStreamContext, str, str]]:
    client = await nats.connect(nats_url)
    js = client.jetstream()
    stream = nats_prefix.upper()
    await js.add_stream(StreamConfig(name=stream, subjects=[f"{nats_prefix}.>"], duplicate_window=120))
    try:
        yield js, stream, nats_prefix
    finally:
        await js.delete_stream(stream)
        await client.close()


def numbered(prefix: str, stream: str, count: int) -> list[Outgoing]:
    return [Outgoing(f"{prefix}.m", str(n).encode(), f"m{n}", "", stream) for n in range(1, count + 1)]


async def stored(js: JetStreamContext, stream: str) -> list[bytes]:
    last = (await js.stream_info(stream)).state.last_seq
    return [(await js.get_msg(stream, seq)).data or b"" for seq in range(1, last + 1)]


async def test_a_window_stores_nothing_after_a_message_that_did_not_arrive(scratch) -> None:  # noqa: ANN001
    js, stream, prefix = scratch
    messages = numbered(prefix, stream, 10)
    # The 4th never reaches the stream, while the 5th to 10th do reach the server.
    acked, error = await publish_window(FailingOnce(js, 4), messages)  # type: ignore[arg-type]
    assert (acked, type(error)) == (3, NoStreamResponseError)
    assert await stored(js, stream) == [b"1", b"2", b"3"]
    # The next window starts at the 4th: all arrive once, in order.
    assert await publish_window(js, messages[3:]) == (7, None)
    assert await stored(js, stream) == [str(n).encode() for n in range(1, 11)]


async def test_a_window_stops_where_another_publisher_came_between(scratch) -> None:  # noqa: ANN001
    js, stream, prefix = scratch
    messages = numbered(prefix, stream, 10)
    acked, error = await publish_window(ForeignBefore(js, 6, f"{prefix}.other"), messages)  # type: ignore[arg-type]
    assert acked == 5 and error is not None and chain_broken(error)
    assert await stored(js, stream) == [b"1", b"2", b"3", b"4", b"5", b"foreign"]
    assert await publish_window(js, messages[5:]) == (5, None)
    # Repeats are acknowledged as the duplicates they are, whatever predecessor they name.
    assert await publish_window(js, messages) == (10, None)
    assert await stored(js, stream) == [b"1", b"2", b"3", b"4", b"5", b"foreign", *(str(n).encode()
                                                                                   for n in range(6, 11))]


@pytest.fixture
async def offices(tmp_path: Path, nats_url: str, nats_prefix: str, clock, hasher) -> AsyncIterator[dict[str, Office]]:
    """The regency (its relay driven by the test) and the province, whose link runs and applies what arrives."""
    async with running_offices({KAB: "sqlite", PROV: "sqlite"}, tmp_path, nats_url, nats_prefix, clock, hasher,
                               link=False) as built:
        await built[PROV].start_link()
        await eventually(lambda: built[PROV].link.status.streams_ready, what="the province's stream")
        yield built


async def regency_messages(js: JetStreamContext, office: Office) -> list[int]:
    """The regency's positions in the province's stream, in stream order (what the province applies, in order)."""
    stream = topology_of(office.settings).stream_of(PROV)
    found = []
    for data in await stored(js, stream):
        envelope = decode(data)
        if envelope.sender == KAB:
            found.append(envelope.seq)
    return found


@pytest.mark.parametrize("stored_anyway", [False, True], ids=["lost", "ack_lost"])
async def test_a_failed_message_holds_back_every_later_one_until_it_is_stored(
        offices: dict[str, Office], nats_url: str, stored_anyway: bool) -> None:
    kab, prov = offices[KAB], offices[PROV]
    forwarded = [await asyncio.to_thread(forward_one, kab.helpdesk, n) for n in range(12)]
    positions = [position for position, _, _ in kab.helpdesk.outgoing_with_documents(0, 100)]
    assert len(positions) == 12  # one escalation each: the k-th message is the k-th event
    client = await nats.connect(nats_url)
    try:
        js = client.jetstream()
        k = 5
        relay = Relay(FailingOnce(js, k, stored=stored_anyway), topology_of(kab.settings),  # type: ignore[arg-type]
                      kab.helpdesk, LinkStatus(), asyncio.Event(), 0.05, kab.node.audit_key)
        with pytest.raises(NoStreamResponseError if not stored_anyway else NatsTimeout):
            await relay.relay_once()
        # The recorded position stops before the message whose acknowledgement did not come.
        assert kab.helpdesk.relay_position() == positions[k - 2]
        # Lost: nothing after it is in the stream. Stored with its ack lost: it and those after it, in order.
        in_stream = await regency_messages(js, kab)
        assert in_stream == (positions if stored_anyway else positions[:k - 1])
        # The province applies what the stream holds, in its order: never a later message before the 5th.
        expected = forwarded if stored_anyway else forwarded[:k - 1]
        await eventually(lambda: len(received_origins(prov.helpdesk)) >= len(expected), what="the stored ones")
        assert await asyncio.to_thread(received_origins, prov.helpdesk) == expected

        # Next round: from the 5th on; what was stored already is acknowledged as a duplicate and dropped.
        assert await relay.relay_once() == 12 - (k - 1)
        assert kab.helpdesk.relay_position() == positions[-1]
        assert await regency_messages(js, kab) == positions
        await eventually(lambda: len(received_origins(prov.helpdesk)) >= 12, what="all twelve cases")
        await asyncio.sleep(0.3)  # a repeat, were there one, would be applied by now
        assert await asyncio.to_thread(received_origins, prov.helpdesk) == forwarded
        assert prov.link.status.dead_letters == 0
    finally:
        await client.close()


async def test_a_drain_of_many_windows_and_batches_arrives_once_in_order(
        offices: dict[str, Office], monkeypatch: pytest.MonkeyPatch) -> None:
    """The happy path through the regency's whole link: several batches read ahead, several windows each."""
    monkeypatch.setattr(relay_module, "BATCH", 40)
    monkeypatch.setattr(relay_module, "WINDOW", 16)
    kab, prov = offices[KAB], offices[PROV]
    forwarded = [await asyncio.to_thread(forward_one, kab.helpdesk, n) for n in range(130)]
    link = await kab.start_link()
    await eventually(lambda: len(received_origins(prov.helpdesk)) >= 130, what="130 cases")
    await asyncio.sleep(0.3)
    assert await asyncio.to_thread(received_origins, prov.helpdesk) == forwarded
    assert link.status.published >= 130 and prov.link.status.dead_letters == 0
    await eventually(lambda: kab.helpdesk.outgoing(kab.helpdesk.relay_position()) == [], what="the position recorded")
