"""One office's node built in this process with the NATS link `helpdesk serve` runs beside HTTP (relay, consumer,
audit shipping), woken by the node's own saves as the lifespan does."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from gateways.bootstrap import Node, build_node
from gateways.clock import utc_now
from gateways.config import Settings
from gateways.nats.audit import AuditParts
from gateways.nats.link import NatsLink
from gateways.nats.topology import topology_of


class Office:
    """One office's node and its running link."""

    def __init__(self, settings: Settings, clock: Callable[[], Any] = utc_now, hasher: Any = None) -> None:
        self.settings = settings
        self.node: Node = build_node(settings, clock=clock, hasher=hasher)
        self.link: NatsLink | None = None
        self._wake: Callable[[], Any] | None = None

    @property
    def helpdesk(self):  # noqa: ANN201
        return self.node.helpdesk

    async def start_link(self, audit: bool = False, *, projections: bool | None = None,
                         poll_interval: float = 0.05) -> NatsLink:
        """Starts the link; with `audit`, also the shipping of the audit chain and (unless `projections` is False,
        for a caller that started them itself) the projections."""
        parts = AuditParts(self.node.store, self.node.keyring) if audit else None
        start_projections = audit if projections is None else projections
        if start_projections:
            self.node.follower.start()
        self.link = NatsLink(self.settings.nats_url, topology_of(self.settings), self.node.helpdesk, poll_interval,
                             audit=parts, key=self.node.audit_key, keyring=self.node.keyring)
        loop = asyncio.get_running_loop()
        link = self.link
        self._wake = lambda: loop.call_soon_threadsafe(link.wake.set)
        self.node.helpdesk.listeners.append(self._wake)
        await self.link.start()
        return self.link

    async def stop_link(self) -> None:
        if self.link is not None:
            self.node.helpdesk.listeners.remove(self._wake)
            self.node.follower.stop()
            await self.link.stop()
            self.link = None

    async def close(self) -> None:
        """Stops the link and closes the node."""
        await self.stop_link()
        self.node.close()

    async def run(self, method: str, *args: Any) -> Any:
        """Calls a Helpdesk method off the event loop, as the HTTP handlers do."""
        return await asyncio.to_thread(getattr(self.node.helpdesk, method), *args)
