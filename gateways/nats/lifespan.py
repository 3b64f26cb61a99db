"""Starts the node's NATS link (built by the composition root, gateways/bootstrap.py) with the HTTP app and stops it
with it; nothing starts when the node has no link (nats_url empty)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from litestar import Litestar

from gateways.nats.link import NatsLink


def messaging_lifespan(link: NatsLink | None, listeners: list[Callable[[], None]]
                       ) -> Callable[[Litestar], AbstractAsyncContextManager[None]]:
    """`listeners`: the log's listeners, told after each save; the link's relay wakes on them."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
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
