"""Personal fields at rest: sealed per consultee in the stored event, readable while the key lives, "[dihapus]" once
it is destroyed, and never movable into another event (security review 2026-12-02, finding 1)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from eventsourcing.persistence import StoredEvent

from domain.audit_summary import UNSEALED, pseudonyms
from domain.consultation import Consultation
from domain.frontdesk import QueueDay
from domain.parties import Party
from domain.personal_data import PLACEHOLDER, FieldKind, blind_index, is_sealed, personal_fields, pseudonym
from domain.values import Channel, make_identity
from gateways.subject_keys import MemorySubjectKeys
from services.codec import MsgspecMapper, PersonalDataCipher, SealedFieldRefused
from tests.support.leaks import leaked

START = datetime(2024, 7, 29, 1, 30, tzinfo=UTC)
OFFICE = "kab-16.13"
PKB = Party("Partai Kebangkitan Bangsa", "PKB", 1)
NAME, PHONE, EMAIL = "Siti Aminah", "0812-3456-7890", "siti.aminah@example.com"


@pytest.fixture
def keys() -> MemorySubjectKeys:
    return MemorySubjectKeys(lambda: START)


@pytest.fixture
def mapper(keys: MemorySubjectKeys) -> MsgspecMapper:
    mapper = MsgspecMapper(transcoder=None)  # type: ignore[arg-type]
    mapper.seal_personal_data(PersonalDataCipher(keys, b"k" * 32))
    return mapper


def opened(name: str = NAME) -> tuple[Consultation, Consultation.Opened]:
    identity = make_identity(name, PKB, PHONE, EMAIL)
    consultation = Consultation.open(
        id=uuid.uuid4(), office_id=OFFICE, channel=Channel.WALK_IN, identity=identity, actor="desk.ani", at=START
    )
    return consultation, consultation.collect_events()[0]  # type: ignore[return-value]


def test_personal_fields_are_sealed_and_the_rest_stays_readable(mapper: MsgspecMapper) -> None:
    # The desk opens a consultation; its event is stored.
    consultation, event = opened()
    stored = mapper.to_stored_event(event)
    # No part of the name, phone or e-mail is in the stored bytes; the party and the channel are.
    raw = stored.state.decode()
    assert leaked(raw, ("Siti", "Aminah", "812", "3456", "7890", "siti.aminah", "example.com")) == []
    state = json.loads(raw)
    assert state["channel"] == "walk_in" and state["identity"]["party"]["abbreviation"] == "PKB"
    assert all(is_sealed(state["identity"][field]) for field in ("name", "phone", "email"))
    assert state["identity"]["name"]["psn"] == pseudonym(b"k" * 32, FieldKind.NAME, NAME)
    # Read back, the event is the one that was written.
    back = mapper.to_domain_event(stored)
    assert back.identity == event.identity and back.originator_id == consultation.id
    assert back.timestamp == event.timestamp and back.channel is Channel.WALK_IN


def test_one_key_per_consultee_and_the_guest_book_line_shares_the_consultations(
    mapper: MsgspecMapper, keys: MemorySubjectKeys
) -> None:
    consultation, event = opened()
    other, other_event = opened("Budi Santoso")
    queue = QueueDay.open(office_id=OFFICE, day=START.date(), at=START)
    queue.take_ticket(START)
    queue.call_next("desk.ani", START)
    queue.record_guest(1, event.identity, "sig", "0" * 64, consultation.id, "desk.ani", START)
    guest = queue.collect_events()[-1]
    key_of = {
        name: json.loads(mapper.to_stored_event(e).state)
        for name, e in (("consultation", event), ("other", other_event), ("guest", guest))
    }
    # The guest-book line is sealed under the key of the consultation it opened; another consultee has their own.
    assert key_of["guest"]["name"]["key"] == key_of["consultation"]["identity"]["name"]["key"]
    assert key_of["other"]["identity"]["name"]["key"] != key_of["consultation"]["identity"]["name"]["key"]
    assert {s.subject_id for s in keys.subjects()} == {str(consultation.id), str(other.id)}
    assert mapper.to_domain_event(mapper.to_stored_event(guest)).name == NAME


@pytest.mark.parametrize("where", ["another aggregate", "another version", "another field"])
def test_a_ciphertext_moved_into_another_event_is_refused(mapper: MsgspecMapper, where: str) -> None:
    _, event = opened()
    stored = mapper.to_stored_event(event)
    state = json.loads(stored.state)
    originator, version = stored.originator_id, stored.originator_version
    if where == "another aggregate":
        originator = uuid.uuid4()
    elif where == "another version":
        version += 1
    else:
        state["identity"]["email"] = state["identity"]["name"]
    moved = StoredEvent(originator, version, stored.topic, json.dumps(state).encode())
    with pytest.raises(SealedFieldRefused):
        mapper.to_domain_event(moved)


def test_an_altered_ciphertext_is_refused(mapper: MsgspecMapper) -> None:
    _, event = opened()
    stored = mapper.to_stored_event(event)
    state = json.loads(stored.state)
    enc = state["identity"]["name"]["enc"]
    state["identity"]["name"]["enc"] = enc[:-4] + ("AAAA" if not enc.endswith("AAAA") else "BBBB")
    with pytest.raises(SealedFieldRefused):
        mapper.to_domain_event(StoredEvent(stored.originator_id, 1, stored.topic, json.dumps(state).encode()))


def test_after_the_key_is_destroyed_the_event_reads_with_placeholders(
    mapper: MsgspecMapper, keys: MemorySubjectKeys
) -> None:
    consultation, event = opened()
    stored = mapper.to_stored_event(event)
    # The consultee's key is destroyed (crypto-shredding).
    assert keys.destroy([str(consultation.id)], START + timedelta(days=1)) == [str(consultation.id)]
    back = mapper.to_domain_event(stored)
    assert (back.identity.name, back.identity.phone, back.identity.email) == (PLACEHOLDER,) * 3
    assert back.identity.party == PKB and back.actor == "desk.ani"
    # The stored form still carries the pseudonyms the audit chain showed.
    assert json.loads(stored.state)["identity"]["name"]["psn"] == pseudonym(b"k" * 32, FieldKind.NAME, NAME)
    # A later identity for the same consultation gets a new key; the old ciphertexts stay unreadable.
    consultation.correct_identity(make_identity("Siti A.", PKB, PHONE, None), "desk.ani", START + timedelta(days=2))
    corrected = mapper.to_stored_event(consultation.collect_events()[-1])
    assert mapper.to_domain_event(corrected).identity.name == "Siti A."
    assert mapper.to_domain_event(stored).identity.name == PLACEHOLDER


def test_events_stored_before_sealing_still_decode(mapper: MsgspecMapper) -> None:
    # A mapper without the cipher writes as every node did before issue 12: plaintext.
    _, event = opened()
    old = MsgspecMapper(transcoder=None).to_stored_event(event)  # type: ignore[arg-type]
    assert NAME.encode() in old.state
    assert mapper.to_domain_event(old).identity == event.identity


def test_a_mapper_without_keys_reads_sealed_fields_as_erased(mapper: MsgspecMapper) -> None:
    _, event = opened()
    stored = mapper.to_stored_event(event)
    back = MsgspecMapper(transcoder=None).to_domain_event(stored)  # type: ignore[arg-type]
    assert back.identity.name == PLACEHOLDER and back.identity.party == PKB


def test_pseudonyms_are_stable_keyed_and_kind_bound() -> None:
    key = b"k" * 32
    # The same person written differently is one pseudonym; another office's key gives another.
    assert pseudonym(key, FieldKind.NAME, "Siti  Aminah") == pseudonym(key, FieldKind.NAME, " siti aminah ")
    assert pseudonym(key, FieldKind.EMAIL, "Siti@Example.com") == pseudonym(key, FieldKind.EMAIL, "siti@example.com")
    assert pseudonym(key, FieldKind.NAME, NAME) != pseudonym(b"x" * 32, FieldKind.NAME, NAME)
    assert pseudonym(key, FieldKind.NAME, "a") != pseudonym(key, FieldKind.EMAIL, "a")
    found = pseudonym(key, FieldKind.PHONE, "+6281234567890")
    assert found.startswith("psn:") and len(found) == 20 and int(found[4:], 16) >= 0
    # The blind index is another digest: a pseudonym left in the log cannot be looked up in the key store.
    assert found[4:] not in blind_index(key, FieldKind.PHONE, "+6281234567890")


def test_the_audit_chain_takes_pseudonyms_from_the_stored_event(mapper: MsgspecMapper) -> None:
    fields = personal_fields(Consultation.Opened)
    _, event = opened()
    sealed = json.loads(mapper.to_stored_event(event).state)
    old = json.loads(MsgspecMapper(transcoder=None).to_stored_event(event).state)  # type: ignore[arg-type]
    # Sealed: the pseudonym beside the ciphertext, whatever the key store says now.
    assert pseudonyms(fields, sealed) == {
        "identity.name": pseudonym(b"k" * 32, FieldKind.NAME, NAME),
        "identity.phone": pseudonym(b"k" * 32, FieldKind.PHONE, "+6281234567890"),
        "identity.email": pseudonym(b"k" * 32, FieldKind.EMAIL, EMAIL),
    }
    # Stored in plaintext before sealing began: pseudonymised the same way by the office, or hidden whole.
    assert pseudonyms(fields, old, mapper.personal.pseudonym) == pseudonyms(fields, sealed)  # type: ignore[union-attr]
    assert set(pseudonyms(fields, old).values()) == {UNSEALED}
