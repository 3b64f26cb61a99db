"""The consumer: applies messages addressed to this node in batches, in stream order, a transaction a batch.

Each batch is read (decoded, its subjects checked, its signature verified against the sender's public key in the
node's keyring: the header `Helpdesk-Signature`, base64 Ed25519 over the exact bytes of the body), applied with
its senders' positions in one transaction (services/inbox.py), and only then acknowledged. A batch applied and
then redelivered (a crash between commit and ack) finds every position taken and is only acknowledged.

This side checks only what is transport: the message is readable, its subject agrees with its body (sender, receiver,
type), a sourced message came from its sender's own stream, and whether the signature is the sender's (the seal it
hands over). Whether a message may be applied (a neighbour, addressed here, the right direction and origin, signed,
not far beyond the sender's position, not in conflict with a message applied at its position) is the domain's one
rule (domain/routing.py `admit`), asked by the inbox. A message that must not be applied is recorded as a dead
letter (an event, and a copy in the dead-letter stream) and logged as an alert before anything after it is applied;
the consumer goes on with the rest of the batch.
"""

from __future__ import annotations

import asyncio
import re

import structlog
from nats.aio.msg import Msg
from nats.js import JetStreamContext

from domain.routing import BAD_SIGNATURE, SIGNED, UNKNOWN_SENDER_KEY, UNSIGNED
from gateways.nats.documents import DocumentReceiver, is_document
from gateways.nats.pull import pull_batches
from gateways.nats.relay import SIGNATURE_HEADER
from gateways.nats.status import LinkStatus
from gateways.nats.topology import Topology
from gateways.signing import Keyring
from services.helpdesk import Helpdesk
from services.inbox import Delivery, Outcome, Receipt
from services.integration import Envelope, UnreadableMessage, decode, subject, subject_token

log = structlog.get_logger("helpdesk.nats.consumer")


class Consumer:
    def __init__(self, js: JetStreamContext, topology: Topology, helpdesk: Helpdesk,
                 status: LinkStatus, keyring: Keyring, documents: DocumentReceiver) -> None:
        self.js, self.topology, self.helpdesk, self.status = js, topology, helpdesk, status
        self.keyring = keyring
        self.documents = documents

    async def run(self, stopping: asyncio.Event) -> None:
        missing = [n for n in self.topology.neighbours if not self.keyring.knows(n)]
        if missing:
            # Every message from these offices will be refused as unknown_sender_key until the keyring has them.
            log.error("neighbour_keys_missing", alert=True, node=self.topology.node, offices=missing)
        await pull_batches(self.js, self.topology.consumer_config(), self.topology.stream, self.status, stopping,
                           self.handle, "consumer")

    async def handle(self, messages: list[Msg]) -> None:
        """The batch in stream order: runs of envelopes applied as below, each document chunk between them taken by
        the document receiver (gateways/nats/documents.py), dead letters recorded in the order they came."""
        run: list[Msg] = []
        for message in messages:
            if not is_document(message.subject):
                run.append(message)
                continue
            if run:
                await self.handle_envelopes(run)
                run = []
            await self.handle_document(message)
        if run:
            await self.handle_envelopes(run)

    async def handle_document(self, message: Msg) -> None:
        source = self.source_refusal(message, message.subject.split(".")[2]) if self.topology.separate_domains else ""
        reason = await asyncio.to_thread(self.documents.receive, message, source)
        if reason:
            kept = await asyncio.to_thread(self.helpdesk.record_dead_letter, message.metadata.sequence.stream,
                                           message.subject, reason, message.data)
            await self.dead_letter(message, Receipt(Outcome.DEAD_LETTER, reason, kept=kept))
        await message.ack()

    async def handle_envelopes(self, messages: list[Msg]) -> None:
        deliveries = [self.read(message) for message in messages]
        receipts: list[Receipt] = []
        while len(receipts) < len(deliveries):
            # One transaction; it ends early at a dead letter, which is copied and alerted before the rest.
            done = await asyncio.to_thread(self.helpdesk.receive_batch, deliveries[len(receipts):])
            for message, receipt in zip(messages[len(receipts):], done, strict=False):
                if receipt.outcome is Outcome.DEAD_LETTER:
                    await self.dead_letter(message, receipt)
            receipts += done
        await self.acknowledge(messages, receipts)

    def read(self, message: Msg) -> Delivery:
        sequence, redelivered = message.metadata.sequence.stream, message.metadata.num_delivered > 1
        try:
            envelope = decode(message.data)
        except UnreadableMessage as unreadable:
            return Delivery(sequence, message.subject, message.data, None, unreadable.reason, redelivered)
        if refusal := self.transport_refusal(message, envelope):
            return Delivery(sequence, message.subject, message.data, None, refusal, redelivered)
        return Delivery(sequence, message.subject, message.data, envelope, redelivered=redelivered,
                        seal=self.seal(message, envelope))

    def seal(self, message: Msg, envelope: Envelope) -> str:
        """Whether the sender named in the body signed these exact bytes with the key the keyring holds for it."""
        signature = (message.headers or {}).get(SIGNATURE_HEADER)
        if not signature:
            return UNSIGNED
        if not self.keyring.knows(envelope.sender):
            return UNKNOWN_SENDER_KEY
        return SIGNED if self.keyring.verify(envelope.sender, message.data, signature) else BAD_SIGNATURE

    async def acknowledge(self, messages: list[Msg], receipts: list[Receipt]) -> None:
        """Acks a batch whose effects are all committed (applied, repeats, dead letters)."""
        for message, receipt in zip(messages, receipts, strict=True):
            if receipt.outcome is Outcome.APPLIED:
                self.status.applied += 1
                if message.subject.endswith(".log_restored"):
                    # The cases the sender lost are named in this node's log (NodeLog.NeighbourRestored).
                    log.error("neighbour_restored", alert=True, node=self.topology.node, subject=message.subject)
            elif receipt.outcome is Outcome.DUPLICATE:
                self.status.duplicates += 1
            await message.ack()

    def transport_refusal(self, message: Msg, envelope: Envelope) -> str:
        """Why the transport refuses the message ("" when it does not). The subject says who sent it (and NATS
        permissions hold an office to its own); the body must agree. With separate domains the message was
        sourced: this server names the stream it came from, and only the sender's own stream may carry the
        sender's messages (a tampered server below cannot pass a message off as another office's)."""
        if message.subject != subject(envelope, self.topology.prefix):
            return "sender_mismatch" if subject_token(envelope.sender) not in message.subject else "subject_mismatch"
        if self.topology.separate_domains:
            return self.source_refusal(message, subject_token(envelope.sender))
        return ""

    def source_refusal(self, message: Msg, sender_token: str) -> str:
        """With separate domains, only the sender's own stream may carry the sender's messages."""
        source = (message.headers or {}).get("Nats-Stream-Source", "")
        if re.split(r"[:\s]", source, maxsplit=1)[0] != self.topology.stream_of(sender_token):
            return "source_mismatch"
        return ""

    async def dead_letter(self, message: Msg, receipt: Receipt) -> None:
        """The copy in the dead-letter stream (again after a redelivery: JetStream drops the repeat), and the
        alert when the letter was recorded just now."""
        sequence = message.metadata.sequence.stream
        await self.js.publish(
            self.topology.dead_letter_subject, message.data, timeout=5,
            headers={"Nats-Msg-Id": f"dlq:{self.topology.node}:{sequence}", "Helpdesk-Reason": receipt.reason,
                     "Helpdesk-Subject": message.subject, "Helpdesk-Stream-Seq": str(sequence),
                     **{k: v for k, v in (message.headers or {}).items() if k == SIGNATURE_HEADER}},
        )
        if receipt.kept:
            self.status.dead_letters += 1
            # The alert: a log line operators watch for, beside the DeadLetter event in the node's record.
            log.error("dead_letter", alert=True, node=self.topology.node, reason=receipt.reason,
                      subject=message.subject, stream_seq=sequence)
