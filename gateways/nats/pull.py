"""One durable pull consumer's loop, shared by the escalation consumer and the centre's audit receiver.

Messages are handled one at a time, in stream order. A handler that fails for a passing reason (the store
busy) gets its message redelivered later, and nothing after it is handled before it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import nats.errors
import structlog
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import ConsumerConfig

from gateways.nats.status import LinkStatus

log = structlog.get_logger("helpdesk.nats")


async def pull_loop(
    js: JetStreamContext, config: ConsumerConfig, stream: str, status: LinkStatus, stopping: asyncio.Event,
    handle: Callable[[Msg], Awaitable[None]], label: str,
) -> None:
    subscription = None
    while not stopping.is_set():
        try:
            if subscription is None:
                subscription = await js.pull_subscribe(
                    config.filter_subject or "", durable=config.durable_name, stream=stream, config=config
                )
            messages = await subscription.fetch(batch=1, timeout=1)
        except nats.errors.TimeoutError:
            continue
        except Exception as error:  # noqa: BLE001 - NATS away: wait and fetch again
            status.last_error = f"{label}: {type(error).__name__}: {error}"
            await asyncio.sleep(1)
            continue
        for message in messages:
            try:
                await handle(message)
            except Exception as error:  # noqa: BLE001 - a passing failure (the store busy): redeliver later
                status.last_error = f"{label}: {type(error).__name__}: {error}"
                log.warning("message_retry", label=label, error=repr(error))
                await message.nak(delay=2)
                await asyncio.sleep(1)
                break  # keep the order: nothing after it is handled before it
