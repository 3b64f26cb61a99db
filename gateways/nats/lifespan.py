"""Starts the node's NATS link (built by the composition root, gateways/bootstrap.py) with its host — the HTTP app
(HELPDESK_BACKGROUND=inline) or `helpdesk worker` — and stops it with it; nothing starts when the node has no link
(nats_url empty)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from gateways.nats.link import NatsLink


def messaging_lifespan(link: NatsLink | None, listeners: list[Callable[[], None]]
                       ) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    """`listeners`: the log's listeners, told after each save of this process and (on PostgreSQL, through the
    follower's subscription) when another process saved; the link's relay wakes on them."""

    @asynccontextmanager
    async def lifespan(host: Any) -> AsyncIterator[None]:
        if link is None:
            yield
            return
        loop = asyncio.get_running_loop()

        def wake() -> None:
            loop.call_soon_threadsafe(link.wake.set)

        listeners.append(wake)
        await link.start()
        try:
            yield
        finally:
            listeners.remove(wake)
            await link.stop()

    return lifespan
