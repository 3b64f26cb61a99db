"""Background work that lives as long as the HTTP app: the projection follower."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar

from gateways.bootstrap import Node


def projections_lifespan(node: Node):  # noqa: ANN201 - a Litestar lifespan context manager
    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        node.follower.start()
        try:
            yield
        finally:
            node.follower.stop()

    return lifespan
