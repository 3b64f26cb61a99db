"""Background work that lives as long as the HTTP app: the projection follower and the daily retention job."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar

from gateways.bootstrap import Node
from gateways.retention_job import RetentionJob


def projections_lifespan(node: Node):  # noqa: ANN201 - a Litestar lifespan context manager
    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        node.follower.start()
        retention = RetentionJob(node)
        retention.start()
        try:
            yield
        finally:
            retention.stop()
            node.follower.stop()

    return lifespan
