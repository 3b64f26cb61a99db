"""Background work that lives as long as the HTTP app: the projection follower and the daily retention job."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from litestar import Litestar

from gateways.follower import Follower
from gateways.retention_job import RetentionJob


def projections_lifespan(follower: Follower, retention_job: Callable[[], RetentionJob]
                         ) -> Callable[[Litestar], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        follower.start()
        retention = retention_job()  # a new job each time the app starts: it runs once when it starts
        retention.start()
        try:
            yield
        finally:
            retention.stop()
            follower.stop()

    return lifespan
