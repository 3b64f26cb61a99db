"""Ships this office's sealed audit entries to the centre, and (at the centre) receives every office's.

The shipper publishes entries in the order of the chain, each with `Nats-Msg-Id = audit:<office>:<seq>`,
and records how far it got after each acknowledged batch; a crash between the two republishes a few
entries, which JetStream's duplicate window and the receiver's (office, seq) key both absorb.
The receiver keeps an entry only if its hash is its own and its signature is the office's; anything else
is dead-lettered with an alert, and the receiver goes on.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import msgspec
import structlog
from nats.aio.msg import Msg
from nats.js import JetStreamContext

from domain.audit import AuditEntry, entry_hash
from gateways.nats.pull import pull_loop
from gateways.nats.status import LinkStatus
from gateways.nats.topology import Topology
from gateways.signing import Keyring
from projections.audit_queries import OWN, entries_after, store_received
from projections.runner import Store
from services.helpdesk import Helpdesk
from services.integration import subject_token

log = structlog.get_logger("helpdesk.nats.audit")
SHIPPED = "audit_shipped"
BATCH = 200


@dataclass(frozen=True)
class AuditParts:
    store: Store
    keyring: Keyring


def shipped_position(store: Store, office: str) -> int:
    with store.transaction() as tx:
        tx.execute(f"CREATE TABLE IF NOT EXISTS {SHIPPED} (office TEXT PRIMARY KEY, seq BIGINT NOT NULL)")
        rows = tx.execute(f"SELECT seq FROM {SHIPPED} WHERE office = ?", (office,))
    return int(rows[0][0]) if rows else 0


def record_shipped(store: Store, office: str, seq: int) -> None:
    with store.transaction() as tx:
        tx.execute(
            f"INSERT INTO {SHIPPED} (office, seq) VALUES (?, ?) ON CONFLICT (office) DO UPDATE SET seq = excluded.seq",
            (office, seq),
        )


class AuditShipper:
    def __init__(self, js: JetStreamContext, topology: Topology, parts: AuditParts, status: LinkStatus,
                 wake: asyncio.Event, poll_interval: float = 0.5) -> None:
        self.js, self.topology, self.parts, self.status = js, topology, parts, status
        self.wake, self.poll_interval = wake, poll_interval

    async def run(self, stopping: asyncio.Event) -> None:
        office = self.topology.node
        while not stopping.is_set():
            try:
                shipped = await asyncio.to_thread(shipped_position, self.parts.store, office)
                batch = await asyncio.to_thread(self._next, office, shipped)
                for entry in batch:
                    await self.js.publish(
                        self.topology.audit_subject, msgspec.json.encode(entry), timeout=5,
                        headers={"Nats-Msg-Id": f"audit:{office}:{entry.seq}"},
                    )
                if batch:
                    await asyncio.to_thread(record_shipped, self.parts.store, office, batch[-1].seq)
                    self.status.audit_shipped += len(batch)
                    continue
            except Exception as error:  # noqa: BLE001 - NATS away: the entries wait in the chain
                self.status.last_error = f"audit shipper: {type(error).__name__}: {error}"
                await asyncio.sleep(1)
            # Entries are sealed by the projection thread just after a save: poll briefly, or wake earlier.
            self.wake.clear()
            try:
                await asyncio.wait_for(self.wake.wait(), self.poll_interval)
            except TimeoutError:
                pass

    def _next(self, office: str, shipped: int) -> list[AuditEntry]:
        return entries_after(self.parts.store, OWN, office, shipped, BATCH)


class AuditReceiver:
    """At the centre: every office's entries into the store the audit query reads."""

    def __init__(self, js: JetStreamContext, topology: Topology, parts: AuditParts, helpdesk: Helpdesk,
                 status: LinkStatus) -> None:
        self.js, self.topology, self.parts, self.helpdesk, self.status = js, topology, parts, helpdesk, status

    async def run(self, stopping: asyncio.Event) -> None:
        await pull_loop(self.js, self.topology.audit_consumer_config(), self.topology.audit_stream, self.status,
                        stopping, self.handle, "audit receiver")

    async def handle(self, message: Msg) -> None:
        reason = None
        try:
            entry = msgspec.json.decode(message.data, type=AuditEntry)
        except msgspec.DecodeError:
            entry, reason = None, "malformed"
        if entry is not None:
            reason = self._refusal(message, entry)
        if reason is None and entry is not None:
            outcome = await asyncio.to_thread(store_received, self.parts.store, entry)
            if outcome == "conflict":
                reason = "conflicting_entry"
            else:
                self.status.audit_received += outcome == "stored"
        if reason is not None:
            await self.dead_letter(message, reason)
        await message.ack()

    def _refusal(self, message: Msg, entry: AuditEntry) -> str | None:
        if message.subject != f"{self.topology.prefix}.audit.{subject_token(entry.office)}":
            return "subject_mismatch"
        if not self.parts.keyring.knows(entry.office):
            return "unknown_key"
        try:
            recomputed = entry_hash(entry.unsigned(), entry.prev_hash)
        except ValueError:
            return "malformed"
        if recomputed != entry.entry_hash:
            return "changed_entry"
        if not self.parts.keyring.verify(entry.office, bytes.fromhex(entry.entry_hash), entry.signature):
            return "bad_signature"
        return None

    async def dead_letter(self, message: Msg, reason: str) -> None:
        sequence = message.metadata.sequence.stream
        kept = await asyncio.to_thread(self.helpdesk.record_dead_letter, sequence, message.subject, reason,
                                       message.data, "audit-dead-letters")
        await self.js.publish(
            self.topology.dead_letter_subject, message.data, timeout=5,
            headers={"Nats-Msg-Id": f"dlq-audit:{self.topology.node}:{sequence}", "Helpdesk-Reason": reason,
                     "Helpdesk-Subject": message.subject, "Helpdesk-Stream-Seq": str(sequence)},
        )
        if kept:
            self.status.dead_letters += 1
            log.error("audit_dead_letter", alert=True, node=self.topology.node, reason=reason,
                      subject=message.subject, stream_seq=sequence)
