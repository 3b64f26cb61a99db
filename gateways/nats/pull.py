"""One durable pull consumer's loop, shared by the escalation consumer and the centre's audit receiver.

Messages come in stream order, in batches of up to the consumer's max_ack_pending (the audit receiver's is 1), and
each batch is acknowledged after its effects are committed. Whenever messages were delivered and not applied —
a consumer process killed mid-batch, a batch whose handler failed (the store busy), deliveries lost with a
connection — JetStream would redeliver them only after their ack wait, and meanwhile hand out newer ones. So the
loop then rewinds the durable to just after its ack floor: the unapplied messages come again at once, in stream
order, before anything newer. Messages applied but not yet acknowledged come again too and change nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace

import nats.js.errors
import structlog
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import ConsumerConfig, ConsumerInfo, DeliverPolicy

from gateways.nats.status import LinkStatus

log = structlog.get_logger("helpdesk.nats")
RETRY_AFTER_S = 2.0  # after a failed batch, before it is fetched again (tests shorten it)


async def pull_loop(
    js: JetStreamContext, config: ConsumerConfig, stream: str, status: LinkStatus, stopping: asyncio.Event,
    handle: Callable[[Msg], Awaitable[None]], label: str,
) -> None:
    """Messages one at a time (a consumer whose max_ack_pending is 1)."""

    async def handle_each(messages: list[Msg]) -> None:
        for message in messages:
            await handle(message)

    await pull_batches(js, config, stream, status, stopping, handle_each, label)


async def pull_batches(
    js: JetStreamContext, config: ConsumerConfig, stream: str, status: LinkStatus, stopping: asyncio.Event,
    handle: Callable[[list[Msg]], Awaitable[None]], label: str,
) -> None:
    """`handle` gets each batch in stream order and acknowledges it; if it raises, the batch comes again."""
    subscription, size, last = None, 1, 0
    while not stopping.is_set():
        try:
            if subscription is None:
                subscription, size, last = await _subscribe(js, config, stream, label)
            messages = await subscription.fetch(batch=size, timeout=1)
            deliveries = [m.metadata.sequence.consumer for m in messages]
            if deliveries != list(range(last + 1, last + 1 + len(deliveries))):
                # Deliveries that never reached this loop (a connection lost): start again after the ack floor.
                await _rewind(js, config, stream, label, "delivery_gap")
                subscription = None
                continue
            last = deliveries[-1] if deliveries else last
        except TimeoutError:  # nats' own TimeoutError included: nothing to fetch
            continue
        except Exception as error:  # noqa: BLE001 - NATS away: wait and fetch again
            status.last_error = f"{label}: {type(error).__name__}: {error}"
            subscription = None
            await asyncio.sleep(1)
            continue
        try:
            await handle(messages)
        except Exception as error:  # noqa: BLE001 - a passing failure (the store busy): the batch comes again
            status.last_error = f"{label}: {type(error).__name__}: {error}"
            log.warning("batch_retry", label=label, messages=len(messages), error=repr(error))
            subscription = None  # bound again, and so rewound: the batch first, then what is newer
            await asyncio.sleep(RETRY_AFTER_S)


async def _subscribe(js: JetStreamContext, config: ConsumerConfig, stream: str, label: str
                     ) -> tuple[JetStreamContext.PullSubscription, int, int]:
    """Binds to the durable: created if missing, its max_ack_pending raised to this version's in place (nats-server
    2.9 updates that). Messages delivered and not acknowledged — by a consumer process that died, or to a batch that
    failed — would come again only after their ack wait, after newer ones; a sender tracked by one increasing
    position would then take the older ones for repeats. So a durable with any such messages is first rewound.
    Returns the subscription, the fetch size — the durable's own max_ack_pending: a larger fetch would wait for
    its expiry — and the durable's last delivery sequence, after which the next delivery must follow."""
    try:
        info = await js.consumer_info(stream, config.durable_name)
    except nats.js.errors.NotFoundError:
        info = await js.add_consumer(stream, config)
    else:
        if info.num_ack_pending:
            info = await _rewind(js, config, stream, label, "unacknowledged")
        elif info.config.max_ack_pending != config.max_ack_pending:
            kept = {"deliver_policy": info.config.deliver_policy, "opt_start_seq": info.config.opt_start_seq}
            try:
                info = await js.add_consumer(stream, replace(config, **kept))
            except nats.js.errors.APIError as error:
                log.warning("consumer_not_updated", label=label, durable=config.durable_name, error=repr(error))
    subscription = await js.pull_subscribe_bind(durable=config.durable_name, stream=stream)
    return subscription, max(1, info.config.max_ack_pending or 1), info.delivered.consumer_seq


async def _rewind(js: JetStreamContext, config: ConsumerConfig, stream: str, label: str, why: str) -> ConsumerInfo:
    """The durable made again to start right after its ack floor (every message up to it is acknowledged, in
    order): what was delivered and not acknowledged comes again at once, in stream order, before anything newer.
    Messages applied but not yet acknowledged come again too and are found tracked (applied once)."""
    info = await js.consumer_info(stream, config.durable_name)
    start = info.ack_floor.stream_seq + 1
    await js.delete_consumer(stream, config.durable_name)
    log.info("consumer_rewound", label=label, durable=config.durable_name, why=why, from_stream_seq=start,
             unacknowledged=info.num_ack_pending)
    return await js.add_consumer(stream, replace(config, deliver_policy=DeliverPolicy.BY_START_SEQUENCE,
                                                 opt_start_seq=start))
