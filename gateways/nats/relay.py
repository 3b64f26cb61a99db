"""The relay: publishes what this node's log says other offices must hear, in log order, and records how
far it got. Each envelope carries `Nats-Msg-Id` so a copy republished after a crash is dropped by
JetStream; anything older than the duplicate window is dropped by the receiver's tracking. Each is signed with
the office's Ed25519 key: the header `Helpdesk-Signature` holds the base64 signature over the exact bytes of the
body (headers travel with a message through stream sourcing across JetStream domains, and the body stays the
plain envelope every receiver already reads).

Before it relays anything, the relay looks at what this office last published: a position beyond its own log in
the current epoch (or a later epoch) means the store was put back from a copy without `helpdesk restore`; the
log then starts a new epoch by itself (NodeLog.Restored, reason "detected"), so no position is spoken twice.

Pipelining (issue 18, P4). A receiver tracks each sender by one increasing position (services/inbox.py): a message
applied at k+1 makes k look taken, so k must never be stored after k+1. Publishes go out in windows of up to 256 at
once (gateways/nats/window.py), each message naming its predecessor in its stream with `Nats-Expected-Last-Msg-Id`:
JetStream stores a message only right after its predecessor, so what a window stores is always an unbroken prefix of
it. Why this and not the alternatives nats-server 2.9.10 offers:
- A window alone that re-publishes from the first failure is not enough: message k can be refused (its stream not
  there yet, a full disk) or lost in a dropped connection while k+1 is stored (nats-py replays its unsent buffer
  after a reconnect), and the re-published k would then land after k+1 and be refused as a conflict.
- `Nats-Expected-Last-Sequence` and `Nats-Expected-Last-Subject-Sequence` need the stream sequence of the
  predecessor, known only from its acknowledgement: one publish at a time again. A message id is known beforehand.
- `Nats-Expected-Last-Msg-Id` is checked against the whole stream, so another publisher's message between two of
  ours (another office writing to the same receiver's stream, or a sourced message in our own stream with separate
  domains) refuses the rest of the window; that only costs a round trip: the next window starts at the refused
  message without naming a predecessor, after every earlier one was acknowledged.
The recorded position moves only to the last event whose messages (and documents) were all acknowledged; on any
other failure the relay records that much and tries again from there. Documents keep their place: the window is
flushed before an event's documents are sent, one acknowledged chunk after another, as before. A batch is read,
encoded and signed in one thread hop (the next one while the current one goes out); the position is read once and
then kept (read again after an error)."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Sequence
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
from gateways.nats.window import SIGNATURE_HEADER, WINDOW, Outgoing, chain_broken, publish_window
from gateways.signing import Keyring, OfficeKey
from services.evidence import DocumentSend
from services.helpdesk import Helpdesk
from services.integration import Body, Envelope, UnreadableMessage, decode, encode, subject, subject_token

log = structlog.get_logger("helpdesk.nats.relay")
BATCH = 1000  # events read (and their envelopes signed) in one thread hop
MESSAGE_TYPES = tuple(body.__struct_config__.tag for body in get_args(Body))  # the last token of each subject
RESTORE_CHECKS = 3  # attempts to read what this office last published before relaying without that check
__all__ = ["SIGNATURE_HEADER", "Relay"]

Event = tuple[int, list[Outgoing], list[DocumentSend]]  # a log position, its messages ready to go, its documents


class Relay:
    def __init__(self, js: JetStreamContext, topology: Topology, helpdesk: Helpdesk,
                 status: LinkStatus, wake: asyncio.Event, poll_interval: float, key: OfficeKey) -> None:
        self.js, self.topology, self.helpdesk, self.status = js, topology, helpdesk, status
        self.wake, self.poll_interval, self.key = wake, poll_interval, key
        self.checked_restore = False
        self.restore_checks = 0
        self.position: int | None = None  # the recorded relay position, as last read or written here
        self.sent_through = 0  # the last position whose messages and documents were all acknowledged
        self.ahead: tuple[int, asyncio.Task[list[Event]]] | None = None  # the next batch, read while one goes out
        # Only what this office itself signed counts as published by it (anyone may have put a message there).
        self.own = Keyring()
        self.own.add(topology.node, key.public_key_b64)

    async def run(self, stopping: asyncio.Event) -> None:
        try:
            await self._run(stopping)
        finally:
            if self.ahead is not None:
                self.ahead[1].cancel()  # a batch read ahead is not waited for

    async def _run(self, stopping: asyncio.Event) -> None:
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
                self.position = None  # read again: whatever failed, the store says how far it got
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
        """Publishes the next batch; returns how many events it covered (0: nothing to send). On a failure it
        records how far every message was acknowledged, then raises."""
        if self.position is None:
            self.position = await asyncio.to_thread(self.helpdesk.relay_position)
        batch = await self.next_batch(self.position)
        if not batch:
            return 0
        if len(batch) == BATCH:  # more waiting: read it while this batch goes out
            ahead = asyncio.create_task(asyncio.to_thread(self.prepare, batch[-1][0]))
            ahead.add_done_callback(lambda task: task.cancelled() or task.exception())  # never left unretrieved
            self.ahead = (batch[-1][0], ahead)
        self.sent_through = self.position
        try:
            await self.send(batch)
        finally:
            if self.sent_through > self.position:
                await asyncio.to_thread(self.helpdesk.record_relay_position, self.sent_through)
                self.position = self.sent_through
        return len(batch)

    async def next_batch(self, after: int) -> list[Event]:
        """The batch after `after`: the one read ahead when it starts there and holds something, else read now (an
        empty read ahead may predate a save whose wake-up was cleared since)."""
        ahead, self.ahead = self.ahead, None
        if ahead is not None:
            if ahead[0] == after and (batch := await ahead[1]):
                return batch
            ahead[1].cancel()  # read after a batch that did not all go, or found nothing: read now instead
        return await asyncio.to_thread(self.prepare, after)

    def prepare(self, after: int) -> list[Event]:
        """The next events' envelopes encoded and signed (in the thread that read them) and their documents."""
        batch = self.helpdesk.outgoing_with_documents(after, BATCH)
        return [(position, [self.outgoing(envelope) for envelope in envelopes], documents)
                for position, envelopes, documents in batch]

    def outgoing(self, envelope: Envelope) -> Outgoing:
        data = encode(envelope)
        stream = self.topology.stream if self.topology.separate_domains else self.topology.stream_of(envelope.to)
        return Outgoing(subject(envelope, self.topology.prefix), data, envelope.message_id, self.key.sign(data),
                        stream)

    async def send(self, batch: Sequence[Event]) -> None:
        """The batch's messages in windows, each event's documents right after its messages; `sent_through`
        follows the events completely acknowledged."""
        pending: list[Outgoing] = []
        ends: deque[tuple[int, int]] = deque()  # (messages in `pending` through an event, its position)
        for position, messages, documents in batch:
            pending.extend(messages)
            if not documents:
                ends.append((len(pending), position))
                continue
            await self.flush(pending, ends)
            for document in documents:  # the bytes of evidence a case sent up names (gateways/nats/documents.py)
                await self.send_document(document)
            self.sent_through = position
        await self.flush(pending, ends)

    async def flush(self, pending: list[Outgoing], ends: deque[tuple[int, int]]) -> None:
        """Publishes `pending` window by window until JetStream acknowledged them all (then empties both), moving
        `sent_through` past each event whose messages all were; raises the first failure but a broken chain."""
        done = 0
        while done < len(pending):
            acked, error = await self.publish_window(pending[done:done + WINDOW])
            done += acked
            self.status.published += acked
            while ends and ends[0][0] <= done:
                self.sent_through = ends.popleft()[1]
            if error is not None and (acked == 0 or not chain_broken(error)):
                raise error
            # Otherwise all went, or another message came between two of ours: the next window starts at the first
            # one refused, naming no predecessor (every message before it is acknowledged).
        while ends:
            self.sent_through = ends.popleft()[1]
        pending.clear()

    async def publish_window(self, window: Sequence[Outgoing]) -> tuple[int, BaseException | None]:
        """How many leading messages of the window JetStream acknowledged, and why not the next (window.py)."""
        return await publish_window(self.js, window)

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
