"""Starts the chat outbox job with the HTTP app and stops it with it (nothing when no messaging channel is on)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from litestar import Litestar

from gateways.messaging.job import ChatJob


def chat_lifespan(job: ChatJob | None) -> Callable[[Litestar], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        if job is not None:
            job.start()
        try:
            yield
        finally:
            if job is not None:
                job.stop()

    return lifespan
