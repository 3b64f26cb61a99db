"""Reading audit chains: this office's own (sealed here) and, at the centre, every office's as received."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec

from domain.audit import (
    FORKS,
    GENESIS,
    AuditEntry,
    LostEntry,
    VerifyResult,
    chain_ends_early,
    content_hash,
    verify_chain,
)
from domain.audit_arrival import Held, judge_arrival
from domain.audit_segment import Vouched
from projections.audit import CHAIN_COLUMNS, ENTRY_COLUMNS, ENTRY_FIELDS, entry_row, row_entry
from projections.base import from_iso, iso
from projections.runner import ReadModelRunner, Store

OWN = "rm_audit_chain"
RECEIVED = "audit_received"  # not a projection of this node's log: filled by the centre's receiver
# At the centre: entries an office lost when it was restored from an older backup, moved here from RECEIVED (never
# deleted), each with the restore entry that took them out of the chain.
LOST = "audit_lost"
LOST_COLUMNS = (
    CHAIN_COLUMNS.rsplit("PRIMARY KEY", 1)[0]
    + "restore_seq BIGINT NOT NULL, restore_at TEXT NOT NULL, restore_hash TEXT NOT NULL,"
    " PRIMARY KEY (office, seq, entry_hash)"
)


class AuditFilter(msgspec.Struct, frozen=True, kw_only=True):
    office: str | None = None
    party: str | None = None
    consultation_id: str | None = None
    actor: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 100
    offset: int = 0
    newest_first: bool = False  # the audit page reads the latest entries first; the API and exports in order


def prepare_received(store: Store) -> None:
    with store.transaction() as tx:
        tx.execute(f"CREATE TABLE IF NOT EXISTS {RECEIVED} ({CHAIN_COLUMNS})")
        tx.execute(f"CREATE INDEX IF NOT EXISTS {RECEIVED}_consultation ON {RECEIVED} (consultation_id)")
        tx.execute(f"CREATE INDEX IF NOT EXISTS {RECEIVED}_at ON {RECEIVED} (at)")
        tx.execute(f"CREATE TABLE IF NOT EXISTS {LOST} ({LOST_COLUMNS})")
        tx.execute(f"CREATE INDEX IF NOT EXISTS {LOST}_restore ON {LOST} (office, restore_hash)")


def store_received(store: Store, entry: AuditEntry, verify_signature=None) -> str:  # noqa: ANN001
    """Keeps one signed entry shipped by an office (as an office before checkpoints shipped them), as the domain
    judges it (see `judge_arrival`): "stored", "duplicate", "restored" (the office was restored: the entries from
    this seq on were moved to LOST), "conflict" or "restore_refused". Without `verify_signature`, no restore is
    taken."""
    with store.transaction() as tx:
        arrived = _take(tx, [entry], verify_signature or _refuse, vouched=False)
    return arrived.refused or ("restored" if arrived.restores else "stored" if arrived.stored else "duplicate")


class Arrived(msgspec.Struct, frozen=True):
    """What the centre did with a segment: refused it whole ("conflict", "restore_refused"; nothing kept), or kept
    `stored` new entries, taking the chain back at each of `restores` (their seqs)."""

    refused: str | None = None
    stored: int = 0
    restores: tuple[int, ...] = ()


class _Refused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def store_segment(store: Store, segment: Vouched) -> Arrived:
    """Keeps a segment its office vouched for, in one transaction: each entry as the domain judges it, with the
    segment's checkpoint standing for its signature. One entry refused refuses them all: the entries before it would
    be left without the checkpoint that vouches for them."""
    try:
        with store.transaction() as tx:
            arrived = _take(tx, segment.entries, _refuse, vouched=True)
            if arrived.refused:
                raise _Refused(arrived.refused)  # rolls back what was kept of the segment
    except _Refused as refused:
        return Arrived(refused=refused.reason)
    return arrived


def _take(tx: Any, entries: Sequence[AuditEntry], verify_signature: Callable[[str, bytes, str], bool], *,
          vouched: bool) -> Arrived:
    held = _Held(tx, entries)
    rows: list[tuple[Any, ...]] = []
    restores: list[int] = []
    stored = 0
    for entry in entries:
        arrival = judge_arrival(entry, held.around(entry), verify_signature, vouched=vouched)
        if arrival in ("conflict", "restore_refused"):
            return Arrived(refused=arrival)
        if arrival == "duplicate":
            continue
        if arrival == "restore":
            tx.insert_many(RECEIVED, ENTRY_COLUMNS, rows)  # those before it first: the restore moves what is held
            rows = []
            _keep_as_lost(tx, entry)
            held.taken_back(entry.seq)
            restores.append(entry.seq)
        rows.append(entry_row(entry))
        held.kept(entry)
        stored += 1
    tx.insert_many(RECEIVED, ENTRY_COLUMNS, rows)
    return Arrived(stored=stored, restores=tuple(restores))


def _refuse(office: str, message: bytes, signature: str) -> bool:
    return False


class _Held:
    """What the centre holds of an office's chain around a segment, read once and kept up to date as it is taken."""

    def __init__(self, tx: Any, entries: Sequence[AuditEntry]) -> None:
        office, first, last = entries[0].office, entries[0].seq, entries[-1].seq
        rows = tx.execute(
            f"SELECT seq, entry_hash FROM {RECEIVED} WHERE office = ? AND seq >= ? AND seq <= ?",
            (office, first - 1, last),
        )
        self.hashes = {int(s): h for s, h in rows}
        [(highest,)] = tx.execute(f"SELECT COALESCE(MAX(seq), 0) FROM {RECEIVED} WHERE office = ?", (office,))
        self.highest = int(highest)
        lost = tx.execute(
            f"SELECT seq, entry_hash FROM {LOST} WHERE office = ? AND seq >= ? AND seq <= ?", (office, first, last)
        )
        self.lost = {(int(s), h) for s, h in lost}

    def around(self, entry: AuditEntry) -> Held:
        seq = entry.seq
        before = GENESIS if seq == 1 else self.hashes.get(seq - 1)
        return Held(highest=self.highest, at_seq=self.hashes.get(seq), before=before,
                    lost=(seq, entry.entry_hash) in self.lost)

    def taken_back(self, seq: int) -> None:
        for moved in [s for s in self.hashes if s >= seq]:
            self.lost.add((moved, self.hashes.pop(moved)))
        self.highest = seq - 1

    def kept(self, entry: AuditEntry) -> None:
        self.hashes[entry.seq] = entry.entry_hash
        self.highest = max(self.highest, entry.seq)


def _keep_as_lost(tx: Any, restore: AuditEntry) -> None:
    # Copied first and deleted after, in the one transaction: the entries move, none is ever dropped.
    tx.execute(
        f"INSERT INTO {LOST} ({ENTRY_FIELDS}, restore_seq, restore_at, restore_hash)"
        f" SELECT {ENTRY_FIELDS}, ?, ?, ? FROM {RECEIVED} WHERE office = ? AND seq >= ?"
        " ON CONFLICT DO NOTHING",
        (restore.seq, iso(restore.at), restore.entry_hash, restore.office, restore.seq),
    )
    tx.execute(f"DELETE FROM {RECEIVED} WHERE office = ? AND seq >= ?", (restore.office, restore.seq))


def lost_entries(store: Store, office: str) -> Callable[[AuditEntry], list[LostEntry]]:
    """The entries a restore entry took out of the centre's copy of the chain, in order; when one of them was an
    earlier restore entry, what that one had taken out is named here too (it is no longer in the chain)."""

    def lookup(restore: AuditEntry) -> list[LostEntry]:
        found: list[LostEntry] = []
        pending, seen = [restore.entry_hash], {restore.entry_hash}
        while pending:
            rows = store.query(
                f"SELECT seq, type, at, entry_hash FROM {LOST} WHERE office = ? AND restore_hash = ?",
                (office, pending.pop()),
            )
            for seq, kind, at, digest in rows:
                found.append(LostEntry(seq=int(seq), type=kind, at=from_iso(at)))
                if kind in FORKS and digest not in seen:
                    seen.add(digest)
                    pending.append(digest)
        return sorted(found, key=lambda e: (e.seq, e.at))

    return lookup


def search(store: Store, table: str, f: AuditFilter) -> list[AuditEntry]:
    where, params = ["1 = 1"], []
    for column, value in (("office", f.office), ("party", f.party), ("consultation_id", f.consultation_id),
                          ("actor", f.actor)):
        if value:
            where.append(f"{column} = ?")
            params.append(value)
    if f.since:
        where.append("at >= ?")
        params.append(iso(f.since))
    if f.until:
        where.append("at < ?")
        params.append(iso(f.until))
    order = "at DESC, office DESC, seq DESC" if f.newest_first else "at, office, seq"
    rows = store.query(
        f"SELECT {ENTRY_FIELDS} FROM {table} WHERE {' AND '.join(where)} ORDER BY {order} LIMIT ? OFFSET ?",
        (*params, f.limit, f.offset),
    )
    return [row_entry(r) for r in rows]


def chain_offices(store: Store, table: str) -> list[str]:
    return [r[0] for r in store.query(f"SELECT DISTINCT office FROM {table} ORDER BY office")]


def entries(store: Store, table: str, office: str, batch: int = 2000) -> Iterator[AuditEntry]:
    """One office's chain in order of its sequence, read in batches (constant memory for long chains)."""
    after = 0
    while True:
        rows = store.query(
            f"SELECT {ENTRY_FIELDS} FROM {table} WHERE office = ? AND seq > ? ORDER BY seq LIMIT ?",
            (office, after, batch),
        )
        if not rows:
            return
        for row in rows:
            yield row_entry(row)
        after = int(rows[-1][1])


def entries_after(store: Store, table: str, office: str, after: int, limit: int) -> list[AuditEntry]:
    rows = store.query(
        f"SELECT {ENTRY_FIELDS} FROM {table} WHERE office = ? AND seq > ? ORDER BY seq LIMIT ?", (office, after, limit)
    )
    return [row_entry(r) for r in rows]


def stored_hashes(recorder: Any) -> Callable[[str], str | None]:
    """The content hash of each event as its row stands now in the event table (None: the row is gone)."""

    def lookup(event_id: str) -> str | None:
        originator, _, version = event_id.rpartition(":")
        found = recorder.select_events(UUID(originator), gt=int(version) - 1, lte=int(version))
        if not found:
            return None
        e = found[0]
        return content_hash(e.topic, str(e.originator_id), e.originator_version, e.state)

    return lookup


def verify_own(runner: ReadModelRunner, office: str, verify_signature, key_known) -> VerifyResult:  # noqa: ANN001
    """This office's chain against its keys and against the event rows it was sealed from."""
    runner.catch_up("audit")
    result = verify_chain(
        entries(runner.store, OWN, office), verify_signature, stored_hashes(runner.source.recorder),
        key_known=key_known,
    )
    return _with_missing_tail(result, runner, office)


def _with_missing_tail(result: VerifyResult, runner: ReadModelRunner, office: str) -> VerifyResult:
    # Entries deleted from the end leave a shorter chain that is valid in itself: compare it with the log.
    sealed = runner.position("audit")
    rows = runner.store.query(f"SELECT position FROM {OWN} WHERE office = ? AND seq = ?", (office, result.last_seq))
    last_position = int(rows[0][0]) if rows else 0
    if last_position >= sealed or result.problems:
        return result
    problem = chain_ends_early(office, result.last_seq, last_position, sealed)
    return msgspec.structs.replace(result, problems=[problem])


class ChainCheck(msgspec.Struct, frozen=True):
    """One chain verified: whose, which (this office's own, or one received at the centre), and the result."""

    office: str
    source: str  # "own" | "received"
    result: VerifyResult


def verify_all(runner: ReadModelRunner, office: str, verify_signature, key_known,  # noqa: ANN001
               only: str | None = None) -> list[ChainCheck]:
    """Verifies every chain this node holds (its own first, then each office's received at the centre); with
    `only`, the chain(s) of that office alone. The one use case behind the CLI, the API and the audit page."""
    checks = []
    if only in (None, office):
        checks.append(ChainCheck(office, "own", verify_own(runner, office, verify_signature, key_known)))
    for received in chain_offices(runner.store, RECEIVED):
        if only in (None, received):
            result = verify_chain(entries(runner.store, RECEIVED, received), verify_signature, key_known=key_known,
                                  lost=lost_entries(runner.store, received))
            checks.append(ChainCheck(received, "received", result))
    return checks
