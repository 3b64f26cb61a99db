"""The pull loop keeps stream order when delivered messages were never applied, on a real JetStream.

A consumer process killed mid-batch, or a batch whose handler failed, leaves messages delivered and not
acknowledged; JetStream would redeliver them only after their ack wait and hand out newer ones first, and a
sender tracked by one increasing position would then take the older ones for repeats. The loop rewinds the
durable to just after its ack floor instead, so they come again at once and first.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import nats
import pytest
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, StreamConfig

from gateways.nats import pull
from gateways.nats.status import LinkStatus

pytestmark = pytest.mark.nats
ACK_WAIT = 60.0  # far longer than the test: a redelivery by ack wait cannot rescue the order here


@pytest.fixture
async def js(nats_url: str, nats_prefix: str) -> AsyncIterator[tuple[JetStreamContext, str, ConsumerConfig]]:
    client = await nats.connect(nats_url)
    js = client.jetstream()
    stream = nats_prefix.upper()
    await js.add_stream(StreamConfig(name=stream, subjects=[f"{nats_prefix}.>"]))
    config = ConsumerConfig(durable_name=f"{stream}_in", filter_subject=f"{nats_prefix}.>",
                            ack_policy=AckPolicy.EXPLICIT, max_ack_pending=50, ack_wait=ACK_WAIT)
    try:
        yield js, nats_prefix, config
    finally:
        await js.delete_stream(stream)
        await client.close()


async def publish(js: JetStreamContext, prefix: str, numbers: range) -> None:
    for n in numbers:
        await js.publish(f"{prefix}.m", str(n).encode())


async def run_until(js: JetStreamContext, config: ConsumerConfig, count: int, handle) -> list[int]:  # noqa: ANN001
    """Runs the loop until `count` messages were handled (acknowledged); returns them in handling order."""
    handled: list[int] = []
    stopping = asyncio.Event()

    async def batch(messages: list[Msg]) -> None:
        await handle(messages)
        for message in messages:
            handled.append(int(message.data))
            await message.ack()
        if len(handled) >= count:
            stopping.set()

    await asyncio.wait_for(pull.pull_batches(js, config, config.durable_name[:-3], LinkStatus(), stopping, batch,
                                             "test"), 20)
    return handled


async def no_fault(_: list[Msg]) -> None:
    return None


async def test_a_batch_left_unapplied_by_a_dead_consumer_comes_again_first(js) -> None:  # noqa: ANN001
    jetstream, prefix, config = js
    await publish(jetstream, prefix, range(1, 21))
    # A consumer process fetches a batch and dies before applying it (no ack, no nak).
    stream = config.durable_name[:-3]
    await jetstream.add_consumer(stream, config)
    dead = await jetstream.pull_subscribe_bind(durable=config.durable_name, stream=stream)
    assert len(await dead.fetch(batch=50, timeout=2)) == 20
    await dead.unsubscribe()
    await publish(jetstream, prefix, range(21, 31))
    # The next one handles all thirty in stream order, long before the ack wait would have brought them back.
    assert await run_until(jetstream, config, 30, no_fault) == list(range(1, 31))


async def test_a_batch_whose_handler_failed_comes_again_before_anything_newer(js) -> None:  # noqa: ANN001
    jetstream, prefix, config = js
    await publish(jetstream, prefix, range(1, 11))
    failures = [1]

    async def store_busy_once(messages: list[Msg]) -> None:
        if failures:
            failures.pop()
            await publish(jetstream, prefix, range(11, 16))  # newer messages arrive while the store is busy
            raise RuntimeError("the store is busy")

    assert await run_until(jetstream, config, 15, store_busy_once) == list(range(1, 16))
