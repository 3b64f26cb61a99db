"""One durable pull consumer's loop, shared by the escalation consumer and the centre's audit receiver.

Messages come in stream order, in batches of up to the consumer's max_ack_pending (the audit receiver's is 1).
A handler that fails for a passing reason (the store busy) gets its whole batch redelivered: it is nak'd at once,
in order, which queues it for redelivery ahead of anything newer, and nothing after it is handled before it.

Order also holds when messages were delivered and never applied (a consumer process killed mid-batch, a batch
whose naks were lost): JetStream redelivers those only after their ack wait, and meanwhile, below max_ack_pending,
hands out newer ones. So after (re)binding, after a failed batch and after a gap in the consumer's delivery
sequence (deliveries lost with a connection), the loop handles a first delivery only once the server counts no
more messages pending than the batch holds; until then first deliveries are left to come again, after the older
ones. (A lost ack of an applied batch needs no care: its redelivery changes nothing.)
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import nats.js.errors
import structlog
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import ConsumerConfig

from gateways.nats.status import LinkStatus

log = structlog.get_logger("helpdesk.nats")
RETRY_AFTER_S = 2.0  # after a failed batch, before it is fetched again
DEFERRED_WAIT_S = 0.2  # after a fetch whose first deliveries all wait for older messages


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
    subscription, size, settled, last = None, 1, False, 0
    while not stopping.is_set():
        try:
            if subscription is None:
                subscription, size = await _subscribe(js, config, stream, label)
                settled = False
            messages = await subscription.fetch(batch=size, timeout=1)
            deliveries = [m.metadata.sequence.consumer for m in messages]
            if deliveries != list(range(last + 1, last + 1 + len(deliveries))):
                settled = False  # deliveries that never reached this loop (a connection lost) come again later
            last = deliveries[-1] if deliveries else last
            if not settled:
                messages, settled = await _in_order(js, config, stream, messages)
        except TimeoutError:  # nats' own TimeoutError included: nothing to fetch
            continue
        except Exception as error:  # noqa: BLE001 - NATS away: wait and fetch again
            status.last_error = f"{label}: {type(error).__name__}: {error}"
            await asyncio.sleep(1)
            continue
        if not messages:
            await asyncio.sleep(DEFERRED_WAIT_S)
            continue
        try:
            await handle(messages)
        except Exception as error:  # noqa: BLE001 - a passing failure (the store busy): redeliver later
            status.last_error = f"{label}: {type(error).__name__}: {error}"
            log.warning("batch_retry", label=label, messages=len(messages), error=repr(error))
            settled = False  # unapplied now, and if its naks are lost it comes again only after its ack wait
            await _redeliver(messages)
            await asyncio.sleep(RETRY_AFTER_S)


async def _subscribe(js: JetStreamContext, config: ConsumerConfig, stream: str, label: str
                     ) -> tuple[JetStreamContext.PullSubscription, int]:
    """Binds to the durable, creating it or raising its max_ack_pending to this version's (nats-server 2.9 updates
    that in place). The fetch size is the durable's own max_ack_pending: a larger fetch would wait for its expiry."""
    try:
        info = await js.add_consumer(stream, config)
    except nats.js.errors.APIError as error:
        if isinstance(error, nats.js.errors.NotFoundError):
            raise
        # Made with settings that cannot change in place: used as it is, with its own max_ack_pending.
        log.warning("consumer_not_updated", label=label, durable=config.durable_name, error=repr(error))
        info = await js.consumer_info(stream, config.durable_name)
    subscription = await js.pull_subscribe_bind(durable=config.durable_name, stream=stream)
    return subscription, max(1, info.config.max_ack_pending or 1)


async def _in_order(js: JetStreamContext, config: ConsumerConfig, stream: str, messages: list[Msg]
                    ) -> tuple[list[Msg], bool]:
    """The part of a batch that may be handled now, and whether nothing else is outstanding any more."""
    first = next((i for i, m in enumerate(messages) if m.metadata.num_delivered == 1), None)
    if first is None:
        return messages, False  # redeliveries only: older than anything not yet seen
    info = await js.consumer_info(stream, config.durable_name)
    if info.num_ack_pending <= len(messages):
        return messages, True
    # Unacknowledged messages are out there, older than these first deliveries: those wait for them.
    log.info("first_deliveries_deferred", durable=config.durable_name, deferred=len(messages) - first,
             outstanding=info.num_ack_pending - len(messages))
    return messages[:first], False


async def _redeliver(messages: list[Msg]) -> None:
    for message in messages:
        if message.is_acked:
            continue
        try:
            await message.nak()
        except Exception as error:  # noqa: BLE001 - NATS away: the ack wait brings it back instead
            log.warning("nak_failed", error=repr(error))
            return
