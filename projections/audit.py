"""The office's audit chain: every event of the node's log, hashed and linked to the previous entry; the last entry
of each batch (and any the checkpoint rule names, domain/audit_segment.py) signed as a checkpoint.

The entry hashes the event exactly as stored (its topic, id, version and bytes), so `helpdesk audit verify`
can later recompute it from the event table and name a row changed behind the application's back.
A rebuild from zero seals the very same hashes; its checkpoints fall where its batches end, and each still vouches
for every entry before it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import msgspec

from domain.audit import GENESIS, AuditEntry, UnsignedEntry, checkpoint, content_hash, link
from domain.audit_segment import checkpoint_due, wire_size
from domain.audit_summary import pseudonyms, summarise
from domain.personal_data import personal_fields
from projections.base import KEYS_PER_QUERY, ReadModel, Writer, from_iso, iso, type_name

CHAIN_COLUMNS = """
    office TEXT NOT NULL, seq BIGINT NOT NULL, event_id TEXT NOT NULL, position BIGINT NOT NULL, type TEXT NOT NULL,
    actor TEXT, at TEXT NOT NULL, consultation_id TEXT, party TEXT, summary TEXT NOT NULL, content_hash TEXT NOT NULL,
    prev_hash TEXT NOT NULL, entry_hash TEXT NOT NULL, signature TEXT NOT NULL, PRIMARY KEY (office, seq)
"""
ENTRY_FIELDS = (
    "office, seq, event_id, position, type, actor, at, consultation_id, party, summary, content_hash, prev_hash,"
    " entry_hash, signature"
)
ENTRY_COLUMNS = tuple(name.strip() for name in ENTRY_FIELDS.split(","))
_ENVELOPE = {"originator_id", "originator_version", "timestamp"}


def entry_row(entry: AuditEntry) -> tuple[Any, ...]:
    return (
        entry.office, entry.seq, entry.event_id, entry.position, entry.type, entry.actor, iso(entry.at),
        entry.consultation_id, entry.party, json.dumps(entry.summary, ensure_ascii=False, sort_keys=True),
        entry.content_hash, entry.prev_hash, entry.entry_hash, entry.signature,
    )


def row_entry(row: tuple[Any, ...]) -> AuditEntry:
    return AuditEntry(
        office=row[0], seq=int(row[1]), event_id=row[2], position=int(row[3]), type=row[4], actor=row[5],
        at=from_iso(row[6]), consultation_id=row[7], party=row[8], summary=json.loads(row[9]),  # type: ignore[arg-type]
        content_hash=row[10], prev_hash=row[11], entry_hash=row[12], signature=row[13],
    )


class AuditProjection(ReadModel):
    name = "audit"
    # 2: personal fields shown as their pseudonyms, contact data in texts replaced whole (issue 12).
    version = 2
    tables: ClassVar[dict[str, str]] = {
        "rm_audit_chain": CHAIN_COLUMNS,
        # Which consultation and party each aggregate belongs to, so later events can be found by them.
        "rm_audit_refs": "originator_id TEXT PRIMARY KEY, consultation_id TEXT, party TEXT",
    }
    indexes = (
        "CREATE INDEX IF NOT EXISTS rm_audit_chain_consultation ON rm_audit_chain (consultation_id)",
        "CREATE INDEX IF NOT EXISTS rm_audit_chain_at ON rm_audit_chain (office, at)",
        "CREATE INDEX IF NOT EXISTS rm_audit_refs_consultation ON rm_audit_refs (consultation_id)",
    )

    def __init__(self, office: str, sign: Callable[[bytes], str],
                 pseudonymise: Callable[[str, str], str] | None = None) -> None:
        self.office = office
        self.sign = sign
        # For personal fields stored in plaintext before they were sealed: (kind, value) → pseudonym.
        self.pseudonymise = pseudonymise
        self._batch: _Batch | None = None

    def begin_batch(self, tx: Writer, events: Sequence[Any] = ()) -> None:
        # The chain's tip is read once per batch and the entries written together at its end; a batch that
        # fails is rolled back whole, and the next one reads the tip again.
        last = tx.execute(
            "SELECT seq, entry_hash FROM rm_audit_chain WHERE office = ? ORDER BY seq DESC LIMIT 1", (self.office,)
        )
        self._batch = _Batch(int(last[0][0]), last[0][1]) if last else _Batch(0, GENESIS)
        # The references already stored for the batch's aggregates, in one query rather than one per aggregate.
        self._batch.load_stored(tx, {str(event.originator_id) for event in events})

    def end_batch(self, tx: Writer) -> None:
        batch, self._batch = self._batch, None
        if batch is None:
            return
        if batch.last is not None:
            # The batch's last entry is a checkpoint: the chain as committed always ends at a signed entry.
            batch.rows.append(entry_row(batch.last if batch.last.is_checkpoint else checkpoint(batch.last, self.sign)))
        tx.insert_many(
            "rm_audit_refs", ("originator_id", "consultation_id", "party"),
            [(originator, *ref) for originator, ref in batch.refs.items()],
        )
        tx.insert_many("rm_audit_chain", ENTRY_COLUMNS, batch.rows)

    def process_notification(self, notification: Any, event: Any, tx: Writer) -> None:
        batch = self._batch
        if batch is None:  # called outside a runner's batch (a test feeding events by hand)
            self.begin_batch(tx)
            self.process_notification(notification, event, tx)
            self.end_batch(tx)
            return
        consultation_id, party = self._references(event, tx, batch)
        fields = {k: v for k, v in vars(event).items() if k not in _ENVELOPE}
        unsigned = UnsignedEntry(
            office=self.office,
            seq=batch.seq + 1,
            event_id=f"{notification.originator_id}:{notification.originator_version}",
            position=notification.id,
            type=type_name(event),
            actor=_actor(event),
            at=event.timestamp,
            consultation_id=consultation_id,
            party=party,
            summary=summarise(type_name(event), msgspec.to_builtins(fields), self._pseudonyms(event, notification)),
            content_hash=content_hash(
                notification.topic, str(notification.originator_id), notification.originator_version,
                notification.state,
            ),
        )
        entry = link(unsigned, batch.tip)
        batch.run_bytes += wire_size(entry)
        if checkpoint_due(entry.seq, batch.run_bytes):
            entry, batch.run_bytes = checkpoint(entry, self.sign), 0
        if batch.last is not None:
            batch.rows.append(entry_row(batch.last))
        batch.seq, batch.tip, batch.last = entry.seq, entry.entry_hash, entry

    def _pseudonyms(self, event: Any, notification: Any) -> dict[str, str]:
        """The personal fields as the stored event carries them: the chain covers the ciphertext and shows the
        pseudonym beside it, never the value the mapper decrypted (gone once the key is destroyed)."""
        fields = personal_fields(type(event))
        if fields is None:
            return {}
        return pseudonyms(fields, json.loads(notification.state), self.pseudonymise)

    def _references(self, event: Any, tx: Writer, batch: _Batch) -> tuple[str | None, str | None]:
        originator = str(event.originator_id)
        if originator in batch.refs:
            return batch.refs[originator]
        if originator not in batch.stored:
            batch.load_stored(tx, (originator,))
        found = batch.stored[originator]
        if found is not None:
            return found
        consultation_id, party = _first_references(event, tx, batch)
        if consultation_id is not None or party is not None:
            batch.refs[originator] = (consultation_id, party)
        return consultation_id, party


@dataclass
class _Batch:
    """One batch's view of the chain: its tip, and the entries and references not yet written."""

    seq: int
    tip: str
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    last: AuditEntry | None = None  # the newest entry, kept out of `rows` until it is known whether to sign it
    run_bytes: int = 0  # the wire size of the entries since the last checkpoint
    refs: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    # The references stored by earlier batches, by aggregate; None: the aggregate has none stored.
    stored: dict[str, tuple[str | None, str | None] | None] = field(default_factory=dict)

    def load_stored(self, tx: Writer, originators: Iterable[str]) -> None:
        wanted = [o for o in originators if o not in self.stored]
        for start in range(0, len(wanted), KEYS_PER_QUERY):
            chunk = wanted[start:start + KEYS_PER_QUERY]
            self.stored.update(dict.fromkeys(chunk))
            found = tx.execute(
                "SELECT originator_id, consultation_id, party FROM rm_audit_refs"
                f" WHERE originator_id IN ({', '.join('?' * len(chunk))})",
                chunk,
            )
            self.stored.update({originator: (consultation_id, party) for originator, consultation_id, party in found})


def _first_references(event: Any, tx: Writer, batch: _Batch) -> tuple[str | None, str | None]:
    """The consultation and party an aggregate's first event names (a case names its origin consultation)."""
    identity = getattr(event, "identity", None)
    if identity is not None:
        return str(event.originator_id), identity.party.abbreviation or identity.party.name
    case = getattr(event, "case", None)
    if case is not None:
        return str(case.origin_id), case.party.abbreviation or case.party.name
    consultation = getattr(event, "consultation_id", None)
    if consultation is not None:
        known = next((ref[1] for ref in batch.refs.values() if ref[0] == str(consultation)), None)
        if known is not None:
            return str(consultation), known
        rows = tx.execute("SELECT party FROM rm_audit_refs WHERE consultation_id = ? LIMIT 1", (str(consultation),))
        return str(consultation), rows[0][0] if rows else None
    return None, None


def _actor(event: Any) -> str | None:
    for name in ("actor", "asked_by", "submitter", "username"):
        value = getattr(event, name, None)
        if isinstance(value, str):
            return value
    return None
