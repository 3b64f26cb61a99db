"""The consumer: applies messages addressed to this node, one at a time, in stream order.

A message applied and then redelivered (a crash between commit and ack) finds its sender's position
taken and is only acknowledged. A message that must not be applied — unreadable, of an unknown schema
version, sent under another office's name, not from a neighbour, addressed elsewhere, inconsistent — is
recorded as a dead letter (an event, and a copy in the dead-letter stream), logged as an alert, and
acknowledged; the consumer goes on.
"""

from __future__ import annotations

import asyncio
import re

import structlog
from nats.aio.msg import Msg
from nats.js import JetStreamContext

from domain.routing import RouteRejected
from gateways.nats.pull import pull_loop
from gateways.nats.status import LinkStatus
from gateways.nats.topology import Topology
from services.helpdesk import Helpdesk
from services.inbox import Outcome
from services.integration import Envelope, UnreadableMessage, decode, subject, subject_token

log = structlog.get_logger("helpdesk.nats.consumer")


class Consumer:
    def __init__(self, js: JetStreamContext, topology: Topology, helpdesk: Helpdesk,
                 status: LinkStatus) -> None:
        self.js, self.topology, self.helpdesk, self.status = js, topology, helpdesk, status

    async def run(self, stopping: asyncio.Event) -> None:
        await pull_loop(self.js, self.topology.consumer_config(), self.topology.stream, self.status, stopping,
                        self.handle, "consumer")

    async def handle(self, message: Msg) -> None:
        try:
            envelope = decode(message.data)
            self._check_subject(message, envelope)
            outcome = await asyncio.to_thread(self.helpdesk.receive_message, envelope)
        except (UnreadableMessage, RouteRejected) as refusal:
            await self.dead_letter(message, refusal.reason)
            outcome = None
        await self.acknowledge(message, outcome)

    async def acknowledge(self, message: Msg, outcome: Outcome | None) -> None:
        """Acks a message whose effect is committed (applied, a duplicate, or a dead letter: outcome None)."""
        if outcome is Outcome.APPLIED:
            self.status.applied += 1
        elif outcome is Outcome.DUPLICATE:
            self.status.duplicates += 1
        await message.ack()

    def _check_subject(self, message: Msg, envelope: Envelope) -> None:
        """The subject says who sent it (and NATS permissions hold an office to its own); the body must agree.
        With separate domains the message was sourced: this server names the stream it came from, and only
        the sender's own stream may carry the sender's messages (a tampered server below cannot pass a
        message off as another office's)."""
        if message.subject != subject(envelope, self.topology.prefix):
            raise RouteRejected("sender_mismatch" if subject_token(envelope.sender) not in message.subject
                                else "subject_mismatch")
        if self.topology.separate_domains:
            source = (message.headers or {}).get("Nats-Stream-Source", "")
            if re.split(r"[:\s]", source, maxsplit=1)[0] != self.topology.stream_of(envelope.sender):
                raise RouteRejected("source_mismatch")

    async def dead_letter(self, message: Msg, reason: str) -> None:
        sequence = message.metadata.sequence.stream
        kept = await asyncio.to_thread(self.helpdesk.record_dead_letter, sequence, message.subject, reason,
                                       message.data)
        await self.js.publish(
            self.topology.dead_letter_subject, message.data, timeout=5,
            headers={"Nats-Msg-Id": f"dlq:{self.topology.node}:{sequence}", "Helpdesk-Reason": reason,
                     "Helpdesk-Subject": message.subject, "Helpdesk-Stream-Seq": str(sequence)},
        )
        if kept:
            self.status.dead_letters += 1
            # The alert: a log line operators watch for, beside the DeadLetter event in the node's record.
            log.error("dead_letter", alert=True, node=self.topology.node, reason=reason, subject=message.subject,
                      stream_seq=sequence)
