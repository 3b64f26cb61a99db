"""An office restored from backup: its chain goes on from the backup with a signed restore entry; the centre keeps
what the office lost as lost, takes the new branch, and `audit verify` explains it as a note, not a problem."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest

from domain.audit import (
    GENESIS,
    AuditEntry,
    seal,
    verify_chain,
)
from domain.audit_arrival import Held, is_restore_fork, judge_arrival, resume_after
from domain.offices import OfficeId
from gateways.audit_notes import backup_text, lost_text, note_text, note_view
from gateways.readstore import SqliteReadStore
from gateways.signing import Keyring, OfficeKey
from projections.audit_queries import LOST, RECEIVED, entries, lost_entries, prepare_received, store_received
from tests.support.restore_chains import OFFICE, later, linked, opening_entry, restore_entry, unsigned


@pytest.fixture(scope="module")
def old(key: OfficeKey) -> list[AuditEntry]:
    """Entries 1–8 the centre received before the office went back to its backup of entry 5."""
    return linked(key, GENESIS, [unsigned(seq) for seq in range(1, 9)])


@pytest.fixture(scope="module")
def new(key: OfficeKey, old: list[AuditEntry]) -> list[AuditEntry]:
    """After the restore: the restore entry at 6, linked to entry 5, then 7–9 of the new branch."""
    return linked(key, old[4].entry_hash, [restore_entry(6, 1), *(later(seq, "baru") for seq in range(7, 10))])


@pytest.fixture
def centre(old: list[AuditEntry], keyring: Keyring) -> Iterator[SqliteReadStore]:
    store = SqliteReadStore(":memory:")
    prepare_received(store)
    for entry in old:
        assert store_received(store, entry, keyring.verify) == "stored"
    yield store
    store.close()


def held(store: SqliteReadStore) -> list[tuple[int, str]]:
    return [(e.seq, e.entry_hash) for e in entries(store, RECEIVED, OFFICE)]


def lost_rows(store: SqliteReadStore) -> list[tuple[int, int, str]]:
    return [(int(s), int(r), h) for s, r, h in store.query(
        f"SELECT seq, restore_seq, entry_hash FROM {LOST} ORDER BY restore_seq, seq")]


def verify(store: SqliteReadStore, keyring: Keyring):  # noqa: ANN201
    return verify_chain(entries(store, RECEIVED, OFFICE), keyring.verify, key_known=keyring.knows,
                        lost=lost_entries(store, OFFICE))


# The domain's judgement of one arriving entry.


def test_a_signed_restore_linked_to_the_entry_before_is_a_restore_fork(
    old: list[AuditEntry], new: list[AuditEntry], keyring: Keyring
) -> None:
    around = Held(highest=8, at_seq=old[5].entry_hash, before=old[4].entry_hash)
    assert is_restore_fork(new[0], around, keyring.verify)
    assert judge_arrival(new[0], around, keyring.verify) == "restore"


def test_a_restore_that_does_not_link_is_refused(key: OfficeKey, old: list[AuditEntry], keyring: Keyring) -> None:
    # Sealed after entry 4, sent as entry 6: it does not continue what the centre holds at 5.
    stray = seal(restore_entry(6, 1), old[3].entry_hash, key.sign)
    around = Held(highest=8, at_seq=old[5].entry_hash, before=old[4].entry_hash)
    assert judge_arrival(stray, around, keyring.verify) == "restore_refused"
    # Nor one in a hole the centre has no entry before.
    assert judge_arrival(seal(restore_entry(6, 1), old[4].entry_hash, key.sign),
                         Held(highest=8, at_seq=None, before=None), keyring.verify) == "restore_refused"


def test_a_restore_signed_by_another_key_or_not_at_all_is_refused(
    tmp_path: Path, old: list[AuditEntry], new: list[AuditEntry], keyring: Keyring
) -> None:
    around = Held(highest=8, at_seq=old[5].entry_hash, before=old[4].entry_hash)
    forged = seal(restore_entry(6, 1), old[4].entry_hash, OfficeKey.load_or_create(tmp_path / "x.key").sign)
    assert judge_arrival(forged, around, keyring.verify) == "restore_refused"
    unsigned_one = msgspec.structs.replace(new[0], signature="")
    assert judge_arrival(unsigned_one, around, keyring.verify) == "restore_refused"
    rehashed = msgspec.structs.replace(new[0], summary={**new[0].summary, "epoch": "9"})
    assert judge_arrival(rehashed, around, keyring.verify) == "restore_refused"


def test_any_other_entry_in_place_of_a_held_one_is_a_conflict(
    old: list[AuditEntry], new: list[AuditEntry], keyring: Keyring
) -> None:
    # Entry 7 of the new branch, before the restore entry came: not a restore, so a conflict as before.
    assert judge_arrival(new[1], Held(highest=8, at_seq=old[6].entry_hash, before=old[5].entry_hash),
                         keyring.verify) == "conflict"
    assert judge_arrival(old[6], Held(highest=8, at_seq=old[6].entry_hash, before=old[5].entry_hash),
                         keyring.verify) == "duplicate"
    assert judge_arrival(new[1], Held(highest=6, at_seq=None, before=new[0].entry_hash), keyring.verify) == "new"


def test_a_restore_entry_beyond_what_the_centre_holds_is_just_the_next_entry(
    key: OfficeKey, old: list[AuditEntry], keyring: Keyring
) -> None:
    nine = seal(restore_entry(9, 1), old[7].entry_hash, key.sign)
    assert judge_arrival(nine, Held(highest=8, at_seq=None, before=old[7].entry_hash), keyring.verify) == "new"


# The centre's store carries the judgement out.


def test_the_centre_keeps_the_lost_entries_and_takes_the_new_branch(
    centre: SqliteReadStore, old: list[AuditEntry], new: list[AuditEntry], keyring: Keyring
) -> None:
    # The office's rebuilt entries 1–5 come again, unchanged: nothing changes.
    assert [store_received(centre, e, keyring.verify) for e in old[:5]] == ["duplicate"] * 5
    # Then its restore entry at 6, linked to 5: entries 6–8 of the old branch move to the lost entries.
    assert store_received(centre, new[0], keyring.verify) == "restored"
    assert lost_rows(centre) == [(seq, 6, old[seq - 1].entry_hash) for seq in (6, 7, 8)]
    # And the new branch follows.
    assert [store_received(centre, e, keyring.verify) for e in new[1:]] == ["stored"] * 3
    assert held(centre) == [(e.seq, e.entry_hash) for e in old[:5] + new]

    result = verify(centre, keyring)
    assert result.ok and result.last_seq == 9 and result.checked == 9
    [note] = result.notes
    assert (note.office, note.seq, note.epoch, note.code, note.lost_seqs) == (OFFICE, 6, "1", "audit_restored_lost",
                                                                              "6–8")
    assert [(e.seq, e.type, e.at) for e in note.lost] == [(e.seq, e.type, e.at) for e in old[5:]]


def test_redelivery_changes_nothing(
    centre: SqliteReadStore, old: list[AuditEntry], new: list[AuditEntry], keyring: Keyring
) -> None:
    for entry in new:
        store_received(centre, entry, keyring.verify)
    before = (held(centre), lost_rows(centre))
    # The restore entry again, the new branch again, and the old branch's lost entries again.
    outcomes = [store_received(centre, e, keyring.verify) for e in [new[0], *new, *old]]
    assert outcomes == ["duplicate"] * (1 + len(new) + len(old))
    assert (held(centre), lost_rows(centre)) == before


def test_a_refused_restore_moves_nothing(
    key: OfficeKey, centre: SqliteReadStore, old: list[AuditEntry], new: list[AuditEntry], keyring: Keyring
) -> None:
    stray = seal(restore_entry(6, 1), old[3].entry_hash, key.sign)
    assert store_received(centre, stray, keyring.verify) == "restore_refused"
    # Without a way to check signatures, no restore is ever taken.
    assert store_received(centre, new[0]) == "restore_refused"
    # A plain entry of the new branch in place of a held one stays a conflict.
    assert store_received(centre, new[1], keyring.verify) == "conflict"
    assert held(centre) == [(e.seq, e.entry_hash) for e in old] and lost_rows(centre) == []
    assert verify(centre, keyring).notes == []


def test_two_restores_each_name_what_they_lost(
    key: OfficeKey, centre: SqliteReadStore, old: list[AuditEntry], new: list[AuditEntry], keyring: Keyring
) -> None:
    for entry in new:
        store_received(centre, entry, keyring.verify)
    # Restored again, from a backup of entry 7 of the new branch: 8 and 9 of it are lost in turn.
    second = linked(key, new[1].entry_hash, [restore_entry(8, 2, after_minutes=300),
                                            *(later(seq, "ketiga") for seq in (9, 10))])
    assert [store_received(centre, e, keyring.verify) for e in second] == ["restored", "stored", "stored"]
    # And once more from the same backup: the second restore entry and what followed it are lost too.
    third = linked(key, new[1].entry_hash, [restore_entry(8, 3, after_minutes=400), later(9, "keempat")])
    assert [store_received(centre, e, keyring.verify) for e in third] == ["restored", "stored"]

    result = verify(centre, keyring)
    assert result.ok and result.last_seq == 9
    assert [e.entry_hash for e in entries(centre, RECEIVED, OFFICE)] == [
        e.entry_hash for e in old[:5] + new[:2] + third]
    assert [(n.seq, n.epoch, n.lost_seqs) for n in result.notes] == [(6, "1", "6–8"), (8, "3", "8–10")]
    # The third restore took out the second restore entry and what followed it, and so also what the second had
    # taken out (8 and 9 of the first new branch): every entry the office lost is named once.
    assert [(e.seq, e.type, e.at) for e in result.notes[1].lost] == sorted(
        [(e.seq, e.type, e.at) for e in new[2:] + second], key=lambda t: (t[0], t[2]))
    assert sorted((s, r) for s, r, _ in lost_rows(centre)) == [
        (6, 6), (7, 6), (8, 6), (8, 8), (8, 8), (9, 8), (9, 8), (10, 8)]


def test_a_restore_recorded_with_the_opening_of_the_log_forks_at_the_opening(
    key: OfficeKey, centre: SqliteReadStore, old: list[AuditEntry], keyring: Keyring
) -> None:
    # The office's first restore: its NodeLog is opened in the same save, so the opening is entry 6 and the
    # restore entry 7.
    branch = linked(key, old[4].entry_hash, [opening_entry(6), restore_entry(7, 1),
                                             later(8, "baru")])
    assert [store_received(centre, e, keyring.verify) for e in branch] == ["restored", "stored", "stored"]
    result = verify(centre, keyring)
    assert result.ok
    [note] = result.notes
    assert (note.seq, note.code, note.lost_seqs) == (7, "audit_restored_lost", "6–8")
    assert [(e.seq, e.at) for e in note.lost] == [(e.seq, e.at) for e in old[5:]]


def test_the_origin_chain_with_a_restore_verifies_with_its_events(
    old: list[AuditEntry], new: list[AuditEntry], keyring: Keyring
) -> None:
    chain = old[:5] + new
    stored = {e.event_id: e.content_hash for e in chain}
    result = verify_chain(chain, keyring.verify, stored.get, key_known=keyring.knows)
    assert result.ok and [(n.seq, n.code, n.lost) for n in result.notes] == [(6, "audit_restored", ())]


def test_a_note_in_words(centre: SqliteReadStore, new: list[AuditEntry], keyring: Keyring) -> None:
    for entry in new:
        store_received(centre, entry, keyring.verify)
    [note] = verify(centre, keyring).notes
    reader = OfficeId("pusat")
    assert note_text(note, reader) == (
        f"Kantor {OFFICE} dipulihkan dari cadangan pada 29-07-2024 09.30 WIB (epoch 1): entri 6–8 yang sudah"
        " diterima pusat hilang di kantor asal."
    )
    assert note_text(note, reader, "en").startswith(f"Office {OFFICE} was restored from a backup at 29/07/2024, 09:30")
    assert backup_text(note, reader) == (
        "Cadangan diambil 29-07-2024 08.30 WIB (posisi log 10), dipulihkan oleh admin: command"
    )
    assert lost_text(note.lost[0], reader) == "Entri #6 Consultation.ProblemRecorded (29-07-2024 08.30 WIB) hilang."
    # At the origin nothing names the lost entries: the note says from where the log was lost.
    origin = msgspec.structs.replace(note, lost=())
    assert note_text(origin, OfficeId(OFFICE)) == (
        f"Kantor {OFFICE} dipulihkan dari cadangan pada 29-07-2024 09.30 WIB (epoch 1): peristiwa setelah posisi log"
        " 10 hilang di kantor asal."
    )
    view = note_view(note, reader)
    assert view.code == "audit_restored_lost" and [e.seq for e in view.lost] == [6, 7, 8]


# Where the origin's shipper goes on.


def test_the_shipper_goes_back_to_just_before_the_first_restore() -> None:
    assert resume_after(40, "a", "a", None) == 40  # the chain as shipped
    assert resume_after(40, None, "b", 12) == 40  # only the position was recorded (before this release)
    assert resume_after(40, "a", "b", 31) == 30  # rebuilt after a restore at 31: from entry 30 on
    assert resume_after(40, "a", None, 31) == 30  # the new branch is shorter than what was shipped
    assert resume_after(40, "a", None, None) is None  # still being rebuilt: wait
    assert resume_after(40, "a", "b", None) == 0  # changed with no restore: ship it all again
    assert resume_after(20, "a", "b", 31) == 0  # a restore after the shipped entry did not change it
