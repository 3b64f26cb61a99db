"""Ships this office's sealed audit entries to the centre, and (at the centre) receives every office's.

The shipper publishes the chain in segments (domain/audit_segment.py): the entries after the last one shipped
through a signed checkpoint, one message each with `Nats-Msg-Id = audit:<office>:<first>-<last>:<hash>`, and
records how far it got (and that entry's hash) after each acknowledged segment; a crash between the two republishes
a segment, which JetStream's duplicate window and the receiver's (office, seq) key both absorb. After a restore
from backup the chain is rebuilt and differs from the recorded hash: the shipper goes back to just before the
restore (the hash in the message id lets the new entries past JetStream's duplicate window).
The receiver keeps a segment only if each entry's hash is its own, the entries link, and the checkpoint ending it
is signed by the office, and takes a restore as the domain judges it; anything else is dead-lettered with an alert,
and the receiver goes on. A message holding one signed entry, as offices shipped before checkpoints, is a segment
of that entry.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

import msgspec
import structlog
from nats.aio.msg import Msg
from nats.js import JetStreamContext

from domain.audit import FORKS, AuditEntry
from domain.audit_arrival import resume_after
from domain.audit_segment import CHECKPOINT_EVERY, AuditSegment, next_segment, vouch
from gateways.nats.pull import pull_loop
from gateways.nats.status import LinkStatus
from gateways.nats.topology import Topology
from gateways.signing import Keyring
from projections.audit_queries import OWN, Arrived, entries_after, store_segment
from projections.runner import Store
from services.helpdesk import Helpdesk
from services.integration import subject_token

log = structlog.get_logger("helpdesk.nats.audit")
SHIPPED = "audit_shipped"  # before restores were shipped: the position alone (read once, then superseded)
SHIPPED_TIP = "audit_shipped_tip"  # the last entry shipped: its seq and hash
# The entries read to cut the next segment from: a checkpoint is never further away (domain/audit_segment.py).
WINDOW = CHECKPOINT_EVERY
_SEGMENT = msgspec.json.Decoder(AuditSegment)
_ENTRY = msgspec.json.Decoder(AuditEntry)
# Dead-letter reasons of the store's refusals.
_REFUSED = {"conflict": "conflicting_entry", "restore_refused": "restore_refused"}


@dataclass(frozen=True)
class AuditParts:
    store: Store
    keyring: Keyring


def shipped_tip(store: Store, office: str) -> tuple[int, str | None]:
    """The last entry shipped: its seq and hash (None when only the position was recorded)."""
    with store.transaction() as tx:
        tx.execute(f"CREATE TABLE IF NOT EXISTS {SHIPPED} (office TEXT PRIMARY KEY, seq BIGINT NOT NULL)")
        tx.execute(
            f"CREATE TABLE IF NOT EXISTS {SHIPPED_TIP} (office TEXT PRIMARY KEY, seq BIGINT NOT NULL,"
            " entry_hash TEXT NOT NULL)"
        )
        rows = tx.execute(f"SELECT seq, entry_hash FROM {SHIPPED_TIP} WHERE office = ?", (office,))
        if not rows:
            rows = tx.execute(f"SELECT seq, NULL FROM {SHIPPED} WHERE office = ?", (office,))
    return (int(rows[0][0]), rows[0][1]) if rows else (0, None)


def record_shipped(store: Store, office: str, seq: int, entry_hash: str) -> None:
    with store.transaction() as tx:
        tx.execute(
            f"INSERT INTO {SHIPPED_TIP} (office, seq, entry_hash) VALUES (?, ?, ?) ON CONFLICT (office)"
            " DO UPDATE SET seq = excluded.seq, entry_hash = excluded.entry_hash",
            (office, seq, entry_hash),
        )


def resume_point(store: Store, office: str) -> int | None:
    """Where shipping goes on: after the last entry shipped, or before a restore that rebuilt the chain (None:
    wait, the chain is being rebuilt)."""
    seq, shipped_hash = shipped_tip(store, office)
    found = store.query(f"SELECT entry_hash FROM {OWN} WHERE office = ? AND seq = ?", (office, seq))
    now = found[0][0] if found else None
    if shipped_hash is None or now == shipped_hash:
        return seq  # the usual case, without looking further
    [(first_restore,)] = store.query(
        f"SELECT MIN(seq) FROM {OWN} WHERE office = ? AND type IN (?, ?)", (office, *FORKS)
    )
    return resume_after(seq, shipped_hash, now, int(first_restore) if first_restore is not None else None)


class AuditShipper:
    def __init__(self, js: JetStreamContext, topology: Topology, parts: AuditParts, status: LinkStatus,
                 wake: asyncio.Event, poll_interval: float = 0.5) -> None:
        self.js, self.topology, self.parts, self.status = js, topology, parts, status
        self.wake, self.poll_interval = wake, poll_interval

    async def run(self, stopping: asyncio.Event) -> None:
        office = self.topology.node
        while not stopping.is_set():
            try:
                shipped = await asyncio.to_thread(resume_point, self.parts.store, office)
                segment = await asyncio.to_thread(self._next, office, shipped) if shipped is not None else []
                if segment:
                    first, last = segment[0], segment[-1]
                    await self.js.publish(
                        self.topology.audit_subject, msgspec.json.encode(AuditSegment(segment)), timeout=5,
                        headers={"Nats-Msg-Id": f"audit:{office}:{first.seq}-{last.seq}:{last.entry_hash[:16]}"},
                    )
                    await asyncio.to_thread(record_shipped, self.parts.store, office, last.seq, last.entry_hash)
                    self.status.audit_shipped += len(segment)
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
        window = entries_after(self.parts.store, OWN, office, shipped, WINDOW)
        segment = next_segment(window)
        if not segment and len(window) == WINDOW:
            # Every CHECKPOINT_EVERY-th entry is signed: a chain without one here was changed behind the node's back.
            self.status.last_error = f"audit shipper: no signed checkpoint in the {WINDOW} entries after {shipped}"
        return segment


class AuditReceiver:
    """At the centre: every office's entries into the store the audit query reads."""

    def __init__(self, js: JetStreamContext, topology: Topology, parts: AuditParts, helpdesk: Helpdesk,
                 status: LinkStatus) -> None:
        self.js, self.topology, self.parts, self.helpdesk, self.status = js, topology, parts, helpdesk, status

    async def run(self, stopping: asyncio.Event) -> None:
        await pull_loop(self.js, self.topology.audit_consumer_config(), self.topology.audit_stream, self.status,
                        stopping, self.handle, "audit receiver")

    async def handle(self, message: Msg) -> None:
        entries = decode_shipment(message.data)
        reason = "malformed" if entries is None else self._refusal(message, entries)
        if reason is None and entries is not None:
            # Checked and kept off the event loop: a segment may carry several checkpoints to verify.
            arrived = await asyncio.to_thread(_keep, self.parts.store, entries, self.parts.keyring.verify)
            reason = _REFUSED.get(arrived.refused, arrived.refused) if arrived.refused else None
            self.status.audit_received += arrived.stored
            for seq in arrived.restores:
                # Not a dead letter: the office's chain forked at its restore, and what it lost is kept as lost.
                restore = entries[seq - entries[0].seq]
                log.warning("audit_office_restored", node=self.topology.node, office=restore.office, seq=seq,
                            type=restore.type)
        if reason is not None:
            await self.dead_letter(message, reason)
        await message.ack()

    def _refusal(self, message: Msg, entries: list[AuditEntry]) -> str | None:
        if any(message.subject != f"{self.topology.prefix}.audit.{subject_token(e.office)}" for e in entries):
            return "subject_mismatch"
        if entries and not self.parts.keyring.knows(entries[0].office):
            return "unknown_key"
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


def _keep(store: Store, entries: list[AuditEntry], verify: Callable[[str, bytes, str], bool]) -> Arrived:
    """The segment kept if its office vouched for it (see `vouch`), else refused with the reason."""
    checked = vouch(entries, verify)
    return Arrived(refused=checked) if isinstance(checked, str) else store_segment(store, checked)


def decode_shipment(data: bytes) -> list[AuditEntry] | None:
    """A segment's entries; a lone entry as offices shipped them before checkpoints; None: neither."""
    try:
        return _SEGMENT.decode(data).entries
    except msgspec.DecodeError:
        pass
    try:
        return [_ENTRY.decode(data)]
    except msgspec.DecodeError:
        return None
