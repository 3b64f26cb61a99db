"""Signed checkpoints: the office signs the last entry of each batch (and every 256th), each signature vouching for the
entries before it through their links; verification names what no checkpoint vouches for, and chains signed entry by
entry before checkpoints keep verifying."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest

from domain.audit import GENESIS, AuditEntry, VerifyResult, checkpoint, entry_hash, link, seal, verify_chain
from domain.audit_arrival import Held, judge_arrival
from domain.audit_segment import (
    CHECKPOINT_EVERY,
    SEGMENT_BYTES,
    Vouched,
    checkpoint_due,
    next_segment,
    vouch,
    wire_size,
)
from gateways.audit_notes import problem_text
from gateways.bootstrap import Node
from gateways.readstore import SqliteReadStore
from gateways.signing import Keyring, OfficeKey
from projections.audit_queries import (
    OWN,
    RECEIVED,
    Arrived,
    lost_entries,
    prepare_received,
    store_received,
    store_segment,
)
from projections.audit_queries import entries as entries_of
from tests.conftest import FakeClock
from tests.support.restore_chains import OFFICE, later, opening_entry, restore_entry, unsigned
from tests.support.stories import consultation_story


def chain(key: OfficeKey, last: int, checkpoints: Iterable[int], first: int = 1, prev: str = GENESIS,
          ) -> list[AuditEntry]:
    """Entries first..last linked, signed only at `checkpoints`."""
    signed, out = set(checkpoints), []
    for seq in range(first, last + 1):
        entry = link(unsigned(seq), prev)
        out.append(checkpoint(entry, key.sign) if seq in signed else entry)
        prev = entry.entry_hash
    return out


def verify(entries: list[AuditEntry], keyring: Keyring, **options: Any) -> VerifyResult:
    return verify_chain(entries, keyring.verify, key_known=keyring.knows, **options)


def kinds(result: VerifyResult) -> list[tuple[str, int]]:
    return [(problem.kind, problem.seq) for problem in result.problems]


def relinked(entries: list[AuditEntry], prev: str) -> list[AuditEntry]:
    """The entries' hashes computed again from `prev` on, their signatures kept: what someone without the key can do."""
    out = []
    for entry in entries:
        digest = entry_hash(entry.unsigned(), prev)
        out.append(msgspec.structs.replace(entry, prev_hash=prev, entry_hash=digest))
        prev = digest
    return out


# Verification.


def test_unsigned_entries_are_vouched_for_by_the_checkpoint_after_them(key: OfficeKey, keyring: Keyring) -> None:
    entries = chain(key, 20, checkpoints=(7, 20))
    assert [e.seq for e in entries if e.signature] == [7, 20] and entries[0].signature == ""
    result = verify(entries, keyring)
    assert result.ok and result.checked == 20 and (result.last_seq, result.last_hash) == (20, entries[-1].entry_hash)


def test_unsigned_entries_at_the_end_are_named_from_the_first(key: OfficeKey, keyring: Keyring) -> None:
    result = verify(chain(key, 12, checkpoints=(7,)), keyring)
    assert kinds(result) == [("unsigned_tail", 8)]
    assert problem_text(result.problems[0], "en") == "entries 8–12 at the end follow no signed checkpoint"
    assert "Entri 8–12 di ujung rantai" in problem_text(result.problems[0])
    # The last checkpoint's signature taken off leaves the same: nothing vouches for the entries before it.
    stripped = chain(key, 20, checkpoints=(7, 20))
    stripped[-1] = msgspec.structs.replace(stripped[-1], signature="")
    assert kinds(verify(stripped, keyring)) == [("unsigned_tail", 8)]


def test_a_changed_unsigned_entry_is_named_at_its_seq(key: OfficeKey, keyring: Keyring) -> None:
    tampered = chain(key, 20, checkpoints=(7, 20))
    tampered[9] = msgspec.structs.replace(tampered[9], summary={**tampered[9].summary, "text": "jawaban lain"})
    assert kinds(verify(tampered, keyring)) == [("changed_entry", 10)]


def test_a_forged_checkpoint_is_named_at_the_first_entry_it_was_to_vouch_for(
    tmp_path: Path, key: OfficeKey, keyring: Keyring
) -> None:
    other = OfficeKey.load_or_create(tmp_path / "prov-16.key")
    tampered = chain(key, 20, checkpoints=(7, 14, 20))
    tampered[13] = checkpoint(tampered[13], other.sign)
    result = verify(tampered, keyring)
    # Named from 8, the entry after checkpoint 7, the last one that held; 20 holds again.
    assert kinds(result) == [("bad_checkpoint", 8)]
    assert result.problems[0].values["entries"] == "8–14"
    assert problem_text(result.problems[0], "en") == (
        f"checkpoint 14 does not hold for {OFFICE}: it vouches for none of entries 8–14")
    # A garbled signature likewise.
    tampered[13] = msgspec.structs.replace(tampered[13], signature="not base64!")
    assert kinds(verify(tampered, keyring)) == [("bad_checkpoint", 8)]


def test_unsigned_entries_rewritten_up_to_a_checkpoint_break_its_signature(key: OfficeKey, keyring: Keyring) -> None:
    # Entry 10 changed and every hash after it computed again up to checkpoint 14: the links hold, the signature
    # over 14's hash does not, and nothing tells which of 8–14 changed.
    original = chain(key, 20, checkpoints=(7, 14, 20))
    changed = msgspec.structs.replace(original[9], actor="someone_else")
    rewritten = original[:9] + relinked([changed, *original[10:14]], original[8].entry_hash) + original[14:]
    assert kinds(verify(rewritten, keyring)) == [("bad_checkpoint", 8), ("broken_link", 15)]


def test_a_changed_checkpoint_vouches_for_nothing_before_it(key: OfficeKey, keyring: Keyring) -> None:
    tampered = chain(key, 20, checkpoints=(7, 14, 20))
    tampered[13] = msgspec.structs.replace(tampered[13], party="PDIP")
    assert kinds(verify(tampered, keyring)) == [("bad_checkpoint", 8), ("changed_entry", 14)]


def test_gaps_and_broken_links_are_named_where_they_are_as_before(key: OfficeKey, keyring: Keyring) -> None:
    entries = chain(key, 20, checkpoints=(7, 14, 20))
    # The checkpoint itself deleted: the gap, at the entry after it.
    assert kinds(verify(entries[:13] + entries[14:], keyring)) == [("gap", 15)]
    # An unsigned entry deleted: likewise.
    assert kinds(verify(entries[:9] + entries[10:], keyring)) == [("gap", 11)]
    # An unsigned entry's hash computed again after a change: the next entry no longer links to it.
    changed = relinked([msgspec.structs.replace(entries[9], actor="x")], entries[8].entry_hash)
    assert kinds(verify(entries[:9] + changed + entries[10:], keyring)) == [("broken_link", 11)]


def test_a_chain_signed_entry_by_entry_then_at_checkpoints_verifies(key: OfficeKey, keyring: Keyring) -> None:
    # An office that sealed its first ten entries before checkpoints, then upgraded.
    before = chain(key, 10, checkpoints=range(1, 11))
    after = chain(key, 40, checkpoints=(16, 29, 40), first=11, prev=before[-1].entry_hash)
    assert before == [seal(unsigned(seq), e.prev_hash, key.sign) for seq, e in enumerate(before, 1)]
    result = verify(before + after, keyring)
    assert result.ok and result.last_seq == 40


def test_stored_events_are_still_checked_under_checkpoints(key: OfficeKey, keyring: Keyring) -> None:
    entries = chain(key, 20, checkpoints=(20,))
    stored = {e.event_id: e.content_hash for e in entries}
    stored[entries[4].event_id] = "0" * 64
    assert kinds(verify(entries, keyring, content_hashes=stored.get)) == [("changed_event", 5)]


# Where checkpoints fall, and what a shipper sends.


def test_a_checkpoint_every_256_entries_and_before_a_segment_grows_too_big() -> None:
    assert checkpoint_due(CHECKPOINT_EVERY, 0) and checkpoint_due(3 * CHECKPOINT_EVERY, 10)
    assert not checkpoint_due(CHECKPOINT_EVERY + 1, 10)
    assert checkpoint_due(5, SEGMENT_BYTES) and not checkpoint_due(5, SEGMENT_BYTES - 1)


def test_a_segment_runs_through_the_last_checkpoint_that_keeps_it_small(key: OfficeKey) -> None:
    entries = chain(key, 30, checkpoints=(4, 9, 25))
    assert next_segment(entries) == entries[:25]
    assert next_segment(entries[25:]) == []  # no checkpoint yet: nothing to ship
    # Big entries: the segment stops at the checkpoint before the budget is passed, but always takes the first.
    big = {"text": "x" * (SEGMENT_BYTES // 6)}
    heavy = [msgspec.structs.replace(e, summary=big) for e in chain(key, 12, checkpoints=(2, 4, 12))]
    assert sum(wire_size(e) for e in heavy[:4]) <= SEGMENT_BYTES < sum(wire_size(e) for e in heavy[:6])
    assert next_segment(heavy) == heavy[:4]
    assert next_segment(heavy[4:]) == heavy[4:]  # 5–12: more than the budget, but nothing shorter ends signed


def test_a_segment_is_vouched_for_only_whole_linked_and_signed(tmp_path: Path, key: OfficeKey,
                                                                keyring: Keyring) -> None:
    segment = chain(key, 12, checkpoints=(4, 12), first=1)
    vouched = vouch(segment, keyring.verify)
    assert not isinstance(vouched, str) and list(vouched.entries) == segment

    changed = list(segment)
    changed[5] = msgspec.structs.replace(segment[5], actor="someone_else")
    unlinked = segment[:5] + segment[6:]
    forged = segment[:-1] + [checkpoint(segment[-1], OfficeKey.load_or_create(tmp_path / "x.key").sign)]
    inner_forged = segment[:3] + [msgspec.structs.replace(segment[3], signature=segment[-1].signature)] + segment[4:]
    unreadable = [msgspec.structs.replace(segment[0], at=segment[0].at.replace(tzinfo=None)), *segment[1:]]
    assert [vouch(s, keyring.verify) for s in (changed, unlinked, forged, inner_forged, segment[:6], unreadable, [])
            ] == ["changed_entry", "broken_link", "bad_signature", "bad_signature", "no_checkpoint", "malformed",
                  "malformed"]


# The office's read model seals them.


def test_the_chain_is_signed_at_each_batch_end_and_every_256th_entry(memory_node: Node, clock: FakeClock) -> None:
    runner = memory_node.projections
    runner.batch_size = 1000
    for n in range(120):
        consultation_story(memory_node.helpdesk, OFFICE, n, clock.advance)
    head = runner.head()
    assert head > 2 * CHECKPOINT_EVERY
    runner.catch_up("audit")
    sealed = list(entries_of(runner.store, OWN, OFFICE))
    signed = [e.seq for e in sealed if e.signature]
    ends = sorted({*range(0, head, runner.batch_size), head} - {0})
    assert signed == sorted({*range(CHECKPOINT_EVERY, head + 1, CHECKPOINT_EVERY), *ends})
    ring = Keyring()
    ring.add(OFFICE, memory_node.audit_key.public_key_b64)
    assert verify(sealed, ring).ok

    # Rebuilt in smaller batches: the same hashes, checkpoints where those batches end, and it verifies.
    runner.batch_size = 100
    runner.rebuild("audit")
    rebuilt = list(entries_of(runner.store, OWN, OFFICE))
    assert [e.entry_hash for e in rebuilt] == [e.entry_hash for e in sealed]
    assert [e.seq for e in rebuilt if e.signature] == sorted(
        {*range(100, head, 100), *range(CHECKPOINT_EVERY, head, CHECKPOINT_EVERY), head})
    assert verify(rebuilt, ring).ok



# The centre keeps a segment whole.


@pytest.fixture
def centre() -> Iterator[SqliteReadStore]:
    store = SqliteReadStore(":memory:")
    prepare_received(store)
    yield store
    store.close()


def vouched(entries: list[AuditEntry], keyring: Keyring) -> Vouched:
    checked = vouch(entries, keyring.verify)
    assert not isinstance(checked, str), checked
    return checked


def test_the_centre_keeps_segments_and_their_repeats_change_nothing(
    centre: SqliteReadStore, key: OfficeKey, keyring: Keyring
) -> None:
    entries = chain(key, 20, checkpoints=(7, 12, 20))
    assert store_segment(centre, vouched(entries[:12], keyring)) == Arrived(stored=12)
    # Sent again, and overlapping what follows: only the new entries are kept.
    assert store_segment(centre, vouched(entries[:12], keyring)) == Arrived(stored=0)
    assert store_segment(centre, vouched(entries[7:], keyring)) == Arrived(stored=8)
    held = list(entries_of(centre, RECEIVED, OFFICE))
    assert held == entries and verify(held, keyring).ok


def test_a_segment_with_one_conflicting_entry_is_refused_whole(
    centre: SqliteReadStore, key: OfficeKey, keyring: Keyring
) -> None:
    entries = chain(key, 12, checkpoints=(4, 12))
    store_segment(centre, vouched(entries[:4], keyring))
    # Another entry 7 came first (an office signing entry by entry): entries 5 and 6 of the segment are new, 7 not.
    other = seal(msgspec.structs.replace(unsigned(7), actor="someone_else"), "f" * 64, key.sign)
    assert store_received(centre, other, keyring.verify) == "stored"
    assert store_segment(centre, vouched(entries[4:], keyring)) == Arrived(refused="conflict")
    assert [e.seq for e in entries_of(centre, RECEIVED, OFFICE)] == [1, 2, 3, 4, 7]


def test_a_restore_inside_a_segment_is_taken_though_only_the_checkpoint_is_signed(
    centre: SqliteReadStore, key: OfficeKey, keyring: Keyring
) -> None:
    old = chain(key, 8, checkpoints=(3, 8))
    store_segment(centre, vouched(old, keyring))
    # Restored from a backup of entry 5: the opening of the log and the restore, then one entry, one batch.
    items = [opening_entry(6), restore_entry(7, 1), later(8, "baru")]
    branch, prev = [], old[4].entry_hash
    for item in items:
        branch.append(link(item, prev))
        prev = branch[-1].entry_hash
    branch[-1] = checkpoint(branch[-1], key.sign)
    assert store_segment(centre, vouched(old[3:5] + branch, keyring)) == Arrived(stored=3, restores=(6,))
    held = list(entries_of(centre, RECEIVED, OFFICE))
    assert held == old[:5] + branch
    result = verify_chain(held, keyring.verify, key_known=keyring.knows, lost=lost_entries(centre, OFFICE))
    assert result.ok and [(n.seq, n.lost_seqs) for n in result.notes] == [(7, "6–8")]
    # Unsigned and alone (not vouched for by a segment), the same opening is refused as before.
    assert store_received(centre, branch[0], keyring.verify) == "duplicate"
    assert judge_arrival(branch[0], Held(highest=8, at_seq=old[5].entry_hash, before=old[4].entry_hash),
                         keyring.verify) == "restore_refused"
