"""The relay: publishes what this node's log says other offices must hear, in log order, and records how
far it got. Each envelope carries `Nats-Msg-Id` so a copy republished after a crash is dropped by
JetStream; anything older than the duplicate window is dropped by the receiver's tracking. Each is signed with
the office's Ed25519 key: the header `Helpdesk-Signature` holds the base64 signature over the exact bytes of the
body (headers travel with a message through stream sourcing across JetStream domains, and the body stays the
plain envelope every receiver already reads).

Before it relays anything, the relay looks at what this office last published: a position beyond its own log in
the current epoch (or a later epoch) means the store was put back from a copy without `helpdesk restore`; the
log then starts a new epoch by itself (NodeLog.Restored, reason "detected"), so no position is spoken twice."""

from __future__ import annotations

import asyncio
from typing import get_args

import structlog
from nats.errors import NoRespondersError
from nats.js import JetStreamContext
from nats.js.api import RawStreamMsg
from nats.js.errors import APIError, NotFoundError

from domain.node_log import DETECTED
from gateways.nats.documents import send_document
from gateways.nats.status import LinkStatus
from gateways.nats.topology import Topology
from gateways.signing import Keyring, OfficeKey
from services.evidence import DocumentSend
from services.helpdesk import Helpdesk
from services.integration import Body, Envelope, UnreadableMessage, decode, encode, subject, subject_token

log = structlog.get_logger("helpdesk.nats.relay")
BATCH = 100
SIGNATURE_HEADER = "Helpdesk-Signature"
MESSAGE_TYPES = tuple(body.__struct_config__.tag for body in get_args(Body))  # the last token of each subject
RESTORE_CHECKS = 3  # attempts to read what this office last published before relaying without that check


class Relay:
    def __init__(self, js: JetStreamContext, topology: Topology, helpdesk: Helpdesk,
                 status: LinkStatus, wake: asyncio.Event, poll_interval: float, key: OfficeKey) -> None:
        self.js, self.topology, self.helpdesk, self.status = js, topology, helpdesk, status
        self.wake, self.poll_interval, self.key = wake, poll_interval, key
        self.checked_restore = False
        self.restore_checks = 0
        # Only what this office itself signed counts as published by it (anyone may have put a message there).
        self.own = Keyring()
        self.own.add(topology.node, key.public_key_b64)

    async def run(self, stopping: asyncio.Event) -> None:
        backoff = 0.5
        while not stopping.is_set():
            # Cleared before reading the log: a save signalled while the batch is read is not forgotten.
            self.wake.clear()
            try:
                if not self.checked_restore:
                    self.restore_checks += 1
                    await self.check_restored()
                    self.checked_restore = True
                sent = await self.relay_once()
                backoff = 0.5
            except Exception as error:  # noqa: BLE001 - NATS away or the store busy: try again, never skip
                if not self.checked_restore and self.restore_checks >= RESTORE_CHECKS:
                    # Unanswered (e.g. this node may not read a neighbour's stream): relay without it; a reused
                    # position is still refused by its receiver as a conflict, with an alert.
                    self.checked_restore = True
                    log.warning("restore_check_given_up", node=self.topology.node, error=repr(error))
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
        batch = await asyncio.to_thread(self.helpdesk.outgoing_with_documents, position, BATCH)
        if not batch:
            return 0
        for _, envelopes, documents in batch:
            for envelope in envelopes:
                await self.publish(envelope)
            for document in documents:  # the bytes of evidence a case sent up names (gateways/nats/documents.py)
                await self.send_document(document)
        await asyncio.to_thread(self.helpdesk.record_relay_position, batch[-1][0])
        return len(batch)

    async def send_document(self, document: DocumentSend) -> None:
        try:
            data = await asyncio.to_thread(self.helpdesk.evidence_bytes, document.storage_key)
        except FileNotFoundError:
            # Gone or damaged here: nothing can be sent, and waiting would hold up every later message.
            log.error("evidence_missing", alert=True, node=self.topology.node, to=document.to,
                      sha256=document.evidence.sha256)
            return
        await send_document(self.js, self.topology, self.key, document, data)
        self.status.published += 1

    async def publish(self, envelope: Envelope) -> None:
        """Publishes one envelope and waits for JetStream's acknowledgement (stored, or a known duplicate)."""
        data = encode(envelope)
        await self.js.publish(subject(envelope, self.topology.prefix), data, timeout=5,
                              headers={"Nats-Msg-Id": envelope.message_id, SIGNATURE_HEADER: self.key.sign(data)})
        self.status.published += 1

    async def check_restored(self) -> None:
        """Starts a new epoch when JetStream holds a message of this office beyond its log (files copied back)."""
        head = await asyncio.to_thread(self.helpdesk.log_head)
        epoch = await asyncio.to_thread(self.helpdesk.current_epoch)
        published = await self.last_published()
        if published is None or published <= (epoch, head):
            return
        new_epoch = max(epoch, published[0]) + 1
        await asyncio.to_thread(self.helpdesk.start_epoch, epoch=new_epoch, backup_position=head,
                                backup_taken_at=None, restored_by=f"relay {self.topology.node}", reason=DETECTED,
                                neighbours=self.topology.neighbours)
        log.error("restore_detected", alert=True, node=self.topology.node, log_head=head, epoch=epoch,
                  published_epoch=published[0], published_seq=published[1], new_epoch=new_epoch)

    async def last_published(self) -> tuple[int, int] | None:
        """(epoch, position) of the last message this office published, as JetStream holds it: in its own stream
        with separate domains, else in each neighbour's stream. Read by direct gets, one per neighbour and message
        type (their subjects name this office as sender, so a server shared by offices can allow exactly these);
        a stream without direct gets is read by subject filter. None when nothing is found; a stream this node may
        not read is left out (a reused position is then still refused by its receiver as a conflict)."""
        me, prefix = self.topology.token, self.topology.prefix
        found: list[tuple[int, int]] = []
        for neighbour in self.topology.neighbours:
            stream = self.topology.stream if self.topology.separate_domains else self.topology.stream_of(neighbour)
            base = f"{prefix}.{subject_token(neighbour)}.{me}"
            for message in await self._last_messages(stream, base):
                data, signature = message.data or b"", (message.headers or {}).get(SIGNATURE_HEADER, "")
                try:
                    envelope = decode(data)
                except UnreadableMessage:
                    continue
                if envelope.sender == self.topology.node and self.own.verify(self.topology.node, data, signature):
                    found.append((envelope.epoch, envelope.seq))
        return max(found, default=None)

    async def _last_messages(self, stream: str, base: str) -> list[RawStreamMsg]:
        found: list[RawStreamMsg] = []
        for tag in MESSAGE_TYPES:
            try:
                message = await self.js.get_last_msg(stream, f"{base}.{tag}", direct=True)
            except NotFoundError:
                continue  # nothing of this type there, or no such stream yet
            except NoRespondersError:
                return await self._last_by_filter(stream, f"{base}.>")  # the stream answers no direct gets
            except APIError as error:
                log.warning("restore_check_skipped", node=self.topology.node, stream=stream, error=repr(error))
                return found
            found.append(message)
        return found

    async def _last_by_filter(self, stream: str, filter_subject: str) -> list[RawStreamMsg]:
        try:
            message = await self.js.get_last_msg(stream, filter_subject)
        except NotFoundError:
            return []
        except APIError as error:
            log.warning("restore_check_skipped", node=self.topology.node, stream=stream, error=repr(error))
            return []
        return [message]
