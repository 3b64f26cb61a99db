"""The audit trail that reaches the centre holds no part of a consultee's name, phone or e-mail: not from a
consultation, not from its correction, not from the guest book, not from a number typed into the problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.values import Channel
from projections.audit_queries import OWN, RECEIVED, AuditFilter, search
from services.consultations import IdentityInput
from tests.support.federation import OFFICES, running_offices
from tests.support.leaks import leaked
from tests.support.office import Office
from tests.support.samples import png
from tests.support.waiting import eventually

KAB, PUSAT = "kab-16.13", "pusat"
GUEST = IdentityInput(name="Rahmawati Sulistyo", party_number=3, phone="0813-2222-3333", email="rahma.s@partai.id")
WRITER = IdentityInput(name="Bambang Pamungkas", party_number=5, phone="081155556666")
# Every part that must stay at the regency: names, numbers as typed and stored, addresses, a NIK in the text.
PARTS = ("Rahmawati", "Sulistyo", "2222", "3333", "rahma", "partai.id", "Bambang", "Pamungkas", "5555", "6666",
         "tono.s", "gmail", "1613011203840002", "0813", "0811")


@pytest.fixture
async def offices(database: str, tmp_path: Path, nats_url: str, nats_prefix: str, clock, hasher):
    backends = dict.fromkeys(OFFICES, database)
    async with running_offices(backends, tmp_path, nats_url, nats_prefix, clock, hasher, audit=True) as built:
        yield built


async def test_the_centre_receives_pseudonyms_never_personal_data(offices: dict[str, Office]) -> None:
    kab, pusat = offices[KAB], offices[PUSAT]
    # A walk-in signs the guest book (the consultation opens with her identity); her e-mail is corrected.
    await kab.run("take_ticket", KAB)
    number = await kab.run("call_next_ticket", KAB, "desk.ani")
    walk_in = await kab.run("record_guest", KAB, number, GUEST, png(7), "desk.ani", kab.node.files.put)
    await kab.run("correct_identity", KAB, walk_in, GUEST, "desk.ani")
    # Another consultee writes by e-mail and types contact details into the problem.
    cid = await kab.run("open_consultation", KAB, Channel.EMAIL, WRITER, "desk.budi")
    await kab.run("record_problem", KAB, cid,
                  "Akun terkunci. Hubungi 0811-5555-6666 atau tono.s@gmail.com; NIK 1613011203840002", "desk.budi")
    # The last of it sealed at the regency, then every entry at the centre.
    sealed = await eventually(lambda: _through_problem(search(kab.node.store, OWN, AuditFilter(limit=100))),
                              what="the regency's chain up to the problem")
    arrived = await eventually(lambda: _received(pusat, len(sealed)), what="the regency's entries at the centre")
    assert [e.entry_hash for e in arrived][:len(sealed)] == [e.entry_hash for e in sealed]
    # The guest-book line, the consultation and its correction are there, with pseudonyms in place of the person.
    types = {e.type for e in arrived}
    assert {"QueueDay.GuestRecorded", "Consultation.Opened", "Consultation.IdentityCorrected",
            "Consultation.ProblemRecorded"} <= types
    text = str([(e.summary, e.actor, e.party, e.type) for e in arrived])
    assert leaked(text, PARTS) == []
    guest = next(e for e in arrived if e.type == "QueueDay.GuestRecorded")
    opened = next(e for e in arrived if e.type == "Consultation.Opened" and e.consultation_id == str(walk_in))
    # The same person has the same pseudonym in the guest book and in her consultation: the centre can tell the
    # entries belong together without learning who she is.
    assert guest.summary["name"].startswith("psn:") and guest.summary["name"] == opened.summary["identity.name"]
    assert guest.summary["phone"] == opened.summary["identity.phone"]
    problem = next(e for e in arrived if e.type == "Consultation.ProblemRecorded")
    assert "[nomor telepon]" in problem.summary["text"] and "[NIK]" in problem.summary["text"]


def _through_problem(entries: list) -> list | None:
    return entries if any(e.type == "Consultation.ProblemRecorded" for e in entries) else None


def _received(centre: Office, count: int) -> list | None:
    found = search(centre.node.store, RECEIVED, AuditFilter(office=KAB, limit=100))
    return found if len(found) >= count else None
