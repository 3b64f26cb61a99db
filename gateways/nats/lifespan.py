"""Starts a node's NATS link with the HTTP app and stops it with it (nothing starts when nats_url is empty)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar

from gateways.bootstrap import Node
from gateways.nats.audit import AuditParts
from gateways.nats.link import NatsLink
from gateways.nats.topology import topology_of


def messaging_lifespan(node: Node):  # noqa: ANN201 - a Litestar lifespan context manager
    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        if not node.settings.nats_url:
            yield
            return
        link = NatsLink(node.settings.nats_url, topology_of(node.settings), node.helpdesk,
                        audit=AuditParts(node.store, node.keyring), key=node.audit_key, keyring=node.keyring)
        loop = asyncio.get_running_loop()
        def wake() -> None:
            loop.call_soon_threadsafe(link.wake.set)

        node.helpdesk.listeners.append(wake)
        app.state.nats_link = link
        await link.start()
        try:
            yield
        finally:
            node.helpdesk.listeners.remove(wake)
            await link.stop()

    return lifespan
