"""Receiving an office's audit chain at the centre, entry by entry of a segment: keep it, ignore a repeat, take the
chain back to a signed restore (the entries after it kept as lost), or refuse it; and where a shipper goes on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import msgspec

from domain.audit import FORKS, AuditEntry, recomputed, signature_holds

Arrival = Literal["new", "duplicate", "restore", "conflict", "restore_refused"]


class Held(msgspec.Struct, frozen=True):
    """What the centre holds of an office's chain around an arriving entry."""

    highest: int  # the highest seq held (0: none)
    at_seq: str | None  # the hash of the entry held at the arriving entry's seq
    before: str | None  # the hash of the entry held at seq - 1 (GENESIS for seq 1)
    lost: bool = False  # the very entry is among those kept as lost by an earlier restore


def is_restore_fork(entry: AuditEntry, held: Held, verify_signature: Callable[[str, bytes, str], bool], *,
                    vouched: bool = False) -> bool:
    """A restore entry (or the opening of the log recorded with it) that takes the chain back: it arrives at or
    below the highest seq held, links to the entry held just before it, and is the office's own (its hash holds
    and the office signed it, or signed the checkpoint of its segment: `vouched`, see domain/audit_segment.py)."""
    return (
        entry.type in FORKS
        and entry.seq <= held.highest
        and held.before is not None
        and entry.prev_hash == held.before
        and recomputed(entry) == entry.entry_hash
        and (vouched or signature_holds(entry, verify_signature))
    )


def judge_arrival(entry: AuditEntry, held: Held, verify_signature: Callable[[str, bytes, str], bool], *,
                  vouched: bool = False) -> Arrival:
    """What the centre does with an entry whose own hash and signature (or its segment's) were checked: keep it
    ("new"), ignore it ("duplicate": the same entry again, also one already kept as lost), take the chain back to it
    ("restore": the entries from its seq on are kept as lost), or refuse it ("conflict", "restore_refused")."""
    if held.at_seq == entry.entry_hash or held.lost:
        return "duplicate"
    if entry.type in FORKS and entry.seq <= held.highest:
        return "restore" if is_restore_fork(entry, held, verify_signature, vouched=vouched) else "restore_refused"
    return "new" if held.at_seq is None else "conflict"


def resume_after(shipped_seq: int, shipped_hash: str | None, hash_now: str | None, first_restore: int | None,
                 ) -> int | None:
    """Where an office's shipper goes on, having shipped up to `shipped_seq` (whose hash was `shipped_hash`, None
    if not recorded) when its chain holds `hash_now` there; `first_restore` is the lowest seq of a restore entry
    in the chain. None: wait (the chain is being rebuilt and is not there yet).

    A chain rebuilt from a restored log has the same hashes up to its first restore entry (its checkpoints may fall
    elsewhere, where the rebuild's batches end), so shipping goes back to just before it; the centre takes the
    entries it already has as duplicates."""
    if shipped_hash is None or hash_now == shipped_hash:
        return shipped_seq
    if first_restore is not None and first_restore <= shipped_seq:
        return first_restore - 1
    if hash_now is None:
        return None  # shorter than what was shipped, with no restore in it: a rebuild still under way
    return 0
