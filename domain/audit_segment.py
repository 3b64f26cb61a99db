"""Where an office's audit chain is signed, and how it travels: checkpoints, and segments that end at one.

A checkpoint is the last entry of each batch the office seals, and any entry that closes CHECKPOINT_EVERY entries
or SEGMENT_BYTES of them since the previous one, so that the entries one checkpoint vouches for always fit in one
message. The office ships its chain as segments: the entries after the last one shipped, through a checkpoint. The
centre can trust an unsigned entry only with the checkpoint after it, so it takes a segment whole or not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import msgspec

from domain.audit import AuditEntry, recomputed, signature_holds

# Every entry whose seq is a multiple of this is a checkpoint, whatever the batches: a run of unsigned entries is
# never longer, and a reader of the chain finds a checkpoint within this many entries.
CHECKPOINT_EVERY = 256
# The encoded size of the entries one checkpoint vouches for, at most (plus the one entry that passes it): a
# segment of them stays well below NATS's default limit of 1 MiB a message.
SEGMENT_BYTES = 512 * 1024
_SIGNATURE_BYTES = 100  # a checkpoint's base64 signature, and its quotes, added after the entry was measured


class AuditSegment(msgspec.Struct, frozen=True, tag_field="kind", tag="audit_segment"):
    """What an office's shipper sends: entries in the order of its chain, the last of them a checkpoint."""

    entries: list[AuditEntry]


class Vouched(msgspec.Struct, frozen=True):
    """Entries their office vouched for: each one's hash holds, they link, and a checkpoint that holds ends them.
    Made by `vouch`; the centre keeps nothing else."""

    entries: tuple[AuditEntry, ...]


def wire_size(entry: AuditEntry) -> int:
    """The entry's size in a segment, as the shipper encodes it (with room for a signature it may yet get)."""
    return len(msgspec.json.encode(entry)) + (0 if entry.is_checkpoint else _SIGNATURE_BYTES) + 1


def checkpoint_due(seq: int, run_bytes: int) -> bool:
    """Whether the entry at `seq` must be a checkpoint, `run_bytes` being the wire size of the entries since the
    last checkpoint, itself included. (The last entry of a batch is one besides.)"""
    return seq % CHECKPOINT_EVERY == 0 or run_bytes >= SEGMENT_BYTES


def next_segment(window: Sequence[AuditEntry]) -> list[AuditEntry]:
    """What to ship next from `window` (the chain after the last entry shipped, in order): the entries through its
    last checkpoint that keeps them within SEGMENT_BYTES, and always through its first; none without a checkpoint."""
    size, cut = 0, 0
    for index, entry in enumerate(window):
        size += wire_size(entry)
        if cut and size > SEGMENT_BYTES:
            break
        if entry.is_checkpoint:
            cut = index + 1
    return list(window[:cut])


def vouch(entries: Sequence[AuditEntry], verify_signature: Callable[[str, bytes, str], bool]) -> Vouched | str:
    """The entries of a segment if their office vouched for them, else why not (a dead letter's reason): an entry
    whose hash does not hold ("changed_entry", "malformed" when unreadable), entries that do not follow each other
    or are not all one office's ("broken_link"), a checkpoint whose signature does not hold ("bad_signature"), or no
    checkpoint at the end ("no_checkpoint")."""
    if not entries:
        return "malformed"
    before: AuditEntry | None = None
    for entry in entries:
        digest = recomputed(entry)
        if digest is None:
            return "malformed"
        if digest != entry.entry_hash:
            return "changed_entry"
        if before is not None and (entry.seq != before.seq + 1 or entry.prev_hash != before.entry_hash
                                   or entry.office != before.office):
            return "broken_link"
        if entry.is_checkpoint and not signature_holds(entry, verify_signature):
            return "bad_signature"
        before = entry
    if not entries[-1].is_checkpoint:
        return "no_checkpoint"
    return Vouched(tuple(entries))
