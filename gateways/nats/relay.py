"""The relay: publishes what this node's log says other offices must hear, in log order, and records how
far it got. Each envelope carries `Nats-Msg-Id` so a copy republished after a crash is dropped by
JetStream; anything older than the duplicate window is dropped by the receiver's tracking."""

from __future__ import annotations

import asyncio

import structlog
from nats.js import JetStreamContext

from gateways.nats.status import LinkStatus
from gateways.nats.topology import Topology
from services.helpdesk import Helpdesk
from services.integration import Envelope, encode, subject

log = structlog.get_logger("helpdesk.nats.relay")
BATCH = 100


class Relay:
    def __init__(self, js: JetStreamContext, topology: Topology, helpdesk: Helpdesk,
                 status: LinkStatus, wake: asyncio.Event, poll_interval: float) -> None:
        self.js, self.topology, self.helpdesk, self.status = js, topology, helpdesk, status
        self.wake, self.poll_interval = wake, poll_interval

    async def run(self, stopping: asyncio.Event) -> None:
        backoff = 0.5
        while not stopping.is_set():
            # Cleared before reading the log: a save signalled while the batch is read is not forgotten.
            self.wake.clear()
            try:
                sent = await self.relay_once()
                backoff = 0.5
            except Exception as error:  # noqa: BLE001 - NATS away or the store busy: try again, never skip
                self.status.last_error = f"relay: {type(error).__name__}: {error}"
                log.warning("relay_retry", node=self.topology.node, error=repr(error), wait=backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            if not sent:
                try:
                    await asyncio.wait_for(self.wake.wait(), self.poll_interval)
                except TimeoutError:
                    pass

    async def relay_once(self) -> int:
        """Publishes the next batch; returns how many events it covered (0: nothing to send)."""
        position = await asyncio.to_thread(self.helpdesk.relay_position)
        batch = await asyncio.to_thread(self.helpdesk.outgoing, position, BATCH)
        if not batch:
            return 0
        for _, envelopes in batch:
            for envelope in envelopes:
                await self.publish(envelope)
        await asyncio.to_thread(self.helpdesk.record_relay_position, batch[-1][0])
        return len(batch)

    async def publish(self, envelope: Envelope) -> None:
        """Publishes one envelope and waits for JetStream's acknowledgement (stored, or a known duplicate)."""
        await self.js.publish(subject(envelope, self.topology.prefix), encode(envelope), timeout=5,
                              headers={"Nats-Msg-Id": envelope.message_id})
        self.status.published += 1
