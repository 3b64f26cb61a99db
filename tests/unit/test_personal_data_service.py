"""A person's data on a memory node: found by phone or e-mail, erased by destroying their key, the read models rebuilt
without it, and the audit chain unchanged by the erasure (it never held the data)."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from domain.personal_data import PLACEHOLDER, REGISTRY
from domain.values import Channel
from gateways.bootstrap import PERSONAL_READ_MODELS, Node
from projections.audit_queries import OWN, AuditFilter, search, verify_all
from services.consultations import IdentityInput
from tests.conftest import FakeClock
from tests.support.leaks import leaked
from tests.support.samples import png

OFFICE = "kab-16.13"


def walk_in(node: Node, who: IdentityInput) -> str:
    """A walk-in takes a number, is called and signs the guest book: a consultation opens."""
    h = node.helpdesk
    h.take_ticket(OFFICE)
    number = h.call_next_ticket(OFFICE, "desk.ani")
    return str(h.record_guest(OFFICE, number, who, png(number), "desk.ani", node.files.put))


def test_a_person_is_found_by_phone_or_email_and_erased_everywhere(memory_node: Node, clock: FakeClock) -> None:
    node, h = memory_node, memory_node.helpdesk
    siti = IdentityInput(name="Siti Aminah", party_number=1, phone="0812-3456-7890", email="Siti@Example.com")
    # Siti comes twice: once by e-mail, once in person (signing the guest book); Budi once.
    first = str(h.open_consultation(OFFICE, Channel.EMAIL, siti, "desk.ani"))
    clock.advance(minutes=30)
    second = walk_in(node, siti)
    budi = str(h.open_consultation(OFFICE, Channel.EMAIL, IdentityInput(name="Budi", party_number=2,
                                                                        phone="081399990000"), "desk.ani"))
    # Her number written another way, and her address in other case, find both her consultations and only those.
    assert [s.subject_id for s in node.personal_data.find_subjects("+62 812 3456 7890")] == [first, second]
    assert [s.subject_id for s in node.personal_data.find_subjects("siti@example.com")] == [first, second]
    # The retention job's listing: subjects made before a moment, with their consultation's state.
    node.projections.catch_up()
    old = node.personal_data.subjects_created_before(clock() - timedelta(minutes=10))
    assert [(s.subject.subject_id, s.consultation.status) for s in old] == [(first, "opened")]  # type: ignore[union-attr]
    node.projections.catch_up("audit")
    chain_before = [e.entry_hash for e in search(node.store, OWN, AuditFilter(limit=1000))]

    # Siti asks to be erased.
    erasure = node.personal_data.erase_subjects([first, second, "no-such-subject"])
    assert erasure.erased == (first, second) and erasure.unknown == ("no-such-subject",)
    assert set(erasure.read_models) == {"consultations", "frontdesk"}

    # The read models hold nothing of her; Budi's consultation is untouched.
    rows = dict((r[0], r[1:]) for r in node.store.query("SELECT id, consultee, phone, email FROM rm_consultations"))
    assert rows[first] == rows[second] == (PLACEHOLDER, PLACEHOLDER, PLACEHOLDER)
    assert rows[budi][:2] == ("Budi", "+6281399990000")
    day = clock().date()
    guest = node.frontdesk.guest_book(OFFICE, day - timedelta(days=1), day + timedelta(days=1))
    assert [(g.name, g.phone, g.email) for g in guest] == [(PLACEHOLDER, PLACEHOLDER, PLACEHOLDER)]
    assert "Siti" not in str(node.store.query("SELECT * FROM rm_guest_book"))  # nor as she signed
    # The aggregate reads too, with placeholders.
    assert h.repository.get(UUID(first)).identity.name == PLACEHOLDER
    # She is no longer found; erasing again says so, and nothing else changes.
    assert node.personal_data.find_subjects("081234567890") == []
    again = node.personal_data.erase_subjects([first])
    assert again.erased == () and again.already_erased == (first,) and again.read_models == ()

    # The audit chain never held her data: it verifies, and a rebuild from zero seals the very same entries.
    checks = verify_all(node.projections, OFFICE, node.keyring.verify, node.keyring.knows)
    assert all(c.result.ok for c in checks)
    node.projections.rebuild("audit")
    assert [e.entry_hash for e in search(node.store, OWN, AuditFilter(limit=1000))][:len(chain_before)] == chain_before
    text = str([e.summary for e in search(node.store, OWN, AuditFilter(limit=1000))])
    assert leaked(text, ("Siti", "Aminah", "3456", "7890", "example.com", "Budi", "9999")) == []
    assert "psn:" in text



# Read models that read events with personal fields yet keep none of them: the SOP clocks keep times only, the
# audit chain pseudonyms only (taken from the stored event, so an erasure changes nothing there).
KEEP_NONE = {"sop_clocks": "times only", "audit": "pseudonyms only",
             "mail": "the sender masked (t•••@domain), never the name or the whole address",
             "groups": "members and clip senders masked (B••• S•••, +62•••••890), never a whole name or number",
             "documentation": "file keys and hashes; of the opening, the office and channel only",
             "messaging": "the sender's pseudonym only, never their name, Telegram id or number",
             "notifications": "the consultation's number, channel and handler (a staff username), never the "
                              "consultee's name or contact"}


def test_every_read_model_fed_with_personal_data_is_rebuilt_on_erasure(memory_node: Node) -> None:
    readers = {
        name for name, projection in memory_node.projections.projections.items()
        if not projection.topics or set(projection.topics) & set(REGISTRY)
    }
    # A new read model reading these events must be added to PERSONAL_READ_MODELS (or here, saying why not).
    assert readers - set(KEEP_NONE) == set(PERSONAL_READ_MODELS)
