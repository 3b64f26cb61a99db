"""What reading a FETCH chunk at a time leans on: the chunk's raw mails kept durably under their content names before
any is read, the key store answering for many subjects at once (one transaction, nothing written when all is
there), and the cipher sealing a chunk's events with those keys — the same sealing, readable back."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from domain.consultation import Consultation
from domain.parties import Party
from domain.personal_data import FieldKind, blind_index
from domain.values import Channel, make_identity
from gateways.mail.mime import read_raw, store_raws
from gateways.storage import FileStore
from gateways.subject_keys import MemorySubjectKeys
from services.codec import MsgspecMapper, PersonalDataCipher

START = datetime(2024, 7, 29, 1, 30, tzinfo=UTC)
SECRET = b"k" * 32


@pytest.fixture
def keys() -> MemorySubjectKeys:
    return MemorySubjectKeys(lambda: START)


def test_a_chunks_raw_mails_are_kept_whole_once_and_nothing_temporary_is_left(tmp_path: Path) -> None:
    files = FileStore(tmp_path)
    mails = [b"Subject: satu\r\n\r\nA\r\n", b"Subject: dua\r\n\r\nB\r\n", b"Subject: satu\r\n\r\nA\r\n"]
    keys = store_raws(files, mails)
    assert keys == [f"mail/{hashlib.sha256(m).hexdigest()}.eml" for m in mails] and keys[0] == keys[2]
    assert [read_raw(files, key) for key in keys] == mails
    assert store_raws(files, mails[:2]) == keys[:2]  # kept again: the same names, nothing rewritten
    assert sorted(p.name for p in (tmp_path / "mail").iterdir()) == sorted({k.split("/")[1] for k in keys})


def test_keys_for_many_subjects_come_in_one_go_and_match_one_at_a_time(keys: MemorySubjectKeys) -> None:
    known_id, known = keys.key_for_writing("known", "consultee", ["d1"])
    writes: list[str] = []
    transaction = keys._transaction

    def counted():  # type: ignore[no-untyped-def]
        writes.append("tx")
        return transaction()

    keys._transaction = counted  # type: ignore[method-assign]
    assert keys.keys_for_writing([("known", "consultee", ["d1"])]) == {"known": (known_id, known)}
    reads_only = len(writes)
    assert reads_only == 2  # the live keys and the indexes held read; nothing written when all is there
    found = keys.keys_for_writing([("known", "consultee", ["d1", "d2"]), ("new-a", "consultee", ["d3"]),
                                   ("new-b", "consultee", []), ("new-a", "consultee", ["d4"])])
    assert len(writes) - reads_only == 3  # two reads and the one transaction that writes
    keys._transaction = transaction  # type: ignore[method-assign]
    assert found["known"] == (known_id, known) and set(found) == {"known", "new-a", "new-b"}
    assert keys.key_for_writing("new-a", "consultee", ["d3", "d4"]) == found["new-a"]  # nothing left to add
    assert [s.subject_id for s in keys.find("d2")] == ["known"] and [s.subject_id for s in keys.find("d4")] == ["new-a"]
    keys.destroy(["new-b"], START)
    renewed = keys.keys_for_writing([("new-b", "consultee", [])])["new-b"]
    assert renewed[0] != found["new-b"][0]  # an erased subject gets a new key, never the destroyed one


def test_a_chunks_events_are_sealed_with_keys_fetched_once_and_read_back(keys: MemorySubjectKeys) -> None:
    mapper = MsgspecMapper(transcoder=None)  # type: ignore[arg-type]
    cipher = PersonalDataCipher(keys, SECRET)
    mapper.seal_personal_data(cipher)
    events = []
    for n in range(3):
        consultation = Consultation.open(
            id=uuid.uuid4(), office_id="kab-16.13", channel=Channel.EMAIL, actor="surel", at=START,
            identity=make_identity(f"Tono {n}", Party("Belum diketahui"), None, f"tono{n}@partai.id"))
        events.append(consultation.collect_events()[0])
    batches: list[int] = []
    many = keys.keys_for_writing
    keys.keys_for_writing = lambda wanted: (batches.append(len(list(wanted := list(wanted)))), many(wanted))[1]  # type: ignore[method-assign]
    keys.key_for_writing = lambda *a, **k: pytest.fail("a key fetched one at a time")  # type: ignore[method-assign]
    with cipher.prepared(events):
        stored = [mapper.to_stored_event(event) for event in events]
    assert batches == [3]
    back = [mapper.to_domain_event(one) for one in stored]
    assert [event.identity for event in back] == [event.identity for event in events]
    email = blind_index(SECRET, FieldKind.EMAIL, "tono1@partai.id")
    assert [s.subject_id for s in keys.find(email)] == [str(events[1].originator_id)]
