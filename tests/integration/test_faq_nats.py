"""FAQ Sipol across three offices over real NATS JetStream (issue 15): the centre's answer to an escalated case
becomes a draft there, is published, reaches the province and, passed on by it, the regency; revised and retired
the same way; a province's own entry reaches its regency and never the centre. At the regency the desk cites the
entry it holds, at the version it holds, and the consultation is answered at the desk, not escalated."""

from __future__ import annotations

import asyncio
from pathlib import Path
from uuid import UUID, uuid4

import pytest

from domain.casefile import case_id
from domain.consultation import Status
from domain.faq import FaqEntry
from domain.faq_copy import FaqCopy
from domain.faq_values import FaqStatus
from domain.roles import Role
from domain.values import BasisKind, Channel
from domain.views import UserView
from services.consultations import IdentityInput
from services.faq import FaqInput, faq_id_for_case
from tests.support.consultations import handed_to_commissioner
from tests.support.federation import OFFICES, running_offices
from tests.support.office import Office
from tests.support.waiting import eventually

pytestmark = pytest.mark.nats

KAB, PROV, PUSAT = "kab-16.13", "prov-16", "pusat"


def editor(office: str) -> UserView:
    return UserView(uuid4(), f"koord-{office}", "Koordinator", Role.KOORDINATOR, office, True)


@pytest.fixture
async def offices(database: str, tmp_path: Path, nats_url: str, nats_prefix: str, clock, hasher):
    backends = dict.fromkeys(OFFICES, database)
    async with running_offices(backends, tmp_path, nats_url, nats_prefix, clock, hasher) as built:
        yield built


def held(office: Office, entry_id: UUID) -> FaqCopy | None:
    try:
        found = office.helpdesk._load(entry_id)
    except Exception:  # noqa: BLE001 - not there (yet)
        return None
    return found if isinstance(found, FaqCopy) else None


async def escalate_to_the_centre(kab: Office, prov: Office, pusat: Office) -> UUID:
    who = IdentityInput(name="Rina", party_number=5, phone="081277778888")
    cid = handed_to_commissioner(kab.helpdesk, KAB, who, "Operator tidak bisa unggah SK kepengurusan, hubungi "
                                 "0812-7777-8888", "Jadi unggahan SK kepengurusan selalu gagal?", "Tidak ada di FAQ.",
                                 channel=Channel.MESSAGING)
    await kab.run("forward_up", KAB, cid, "Mohon arahan.", "komisioner")
    case = case_id(KAB, cid)
    await eventually(lambda: prov.helpdesk.get_case_aggregate(PROV, case), what="the case at the province")
    await prov.run("accept_case", PROV, case, "budi")
    await prov.run("forward_case", PROV, case, "Perlu pusat.", "budi")
    await eventually(lambda: pusat.helpdesk.get_case_aggregate(PUSAT, case), what="the case at the centre")
    await pusat.run("accept_case", PUSAT, case, "sari")
    await pusat.run("answer_case", PUSAT, case, "Unggah SK dalam PDF paling besar 2 MB; pindai ulang bila lebih.",
                    [("keputusan_kpu", "Keputusan KPU 346/2022 Bab III")], "sari")
    return case


async def test_an_answer_at_the_centre_becomes_an_entry_every_office_below_cites(offices: dict[str, Office]) -> None:
    kab, prov, pusat = offices[KAB], offices[PROV], offices[PUSAT]
    case = await escalate_to_the_centre(kab, prov, pusat)

    # The learning loop: the centre's answer becomes a draft at the centre, prefilled, the phone number removed.
    entry_id = await pusat.run("draft_faq_from_case", editor(PUSAT), case)
    assert entry_id == faq_id_for_case(case)
    draft = pusat.helpdesk.faq_entry_view(editor(PUSAT), entry_id)
    assert "0812" not in draft.content.question and draft.from_case == case
    assert draft.content.bases[0].reference == "Keputusan KPU 346/2022 Bab III"
    edited = FaqInput(question="Unggah SK kepengurusan di SIPOL selalu gagal",
                      phrasings=["SK pengurus tidak bisa diupload"], answer=draft.content.answer,
                      topics=["upload", "board"], bases=[("keputusan_kpu", "Keputusan KPU 346/2022 Bab III")])
    await pusat.run("edit_faq_draft", editor(PUSAT), entry_id, edited)
    # Nothing leaves while it is a draft.
    await pusat.run("publish_faq", editor(PUSAT), entry_id)

    # Published at the centre: the province holds it from the centre, the regency from the province.
    at_prov = await eventually(lambda: held(prov, entry_id), what="the entry at the province")
    at_kab = await eventually(lambda: held(kab, entry_id), what="the entry at the regency")
    assert at_prov.via == PUSAT and at_kab.via == PROV
    assert at_kab.owner == PUSAT and at_kab.revision == 1 and at_kab.content.question == edited.question

    # Revised: version 2 reaches both.
    revised = FaqInput(question=edited.question, phrasings=edited.phrasings, topics=edited.topics,
                       answer="Unggah SK dalam PDF paling besar 2 MB. Bila gagal, pindai ulang 150 dpi.",
                       bases=edited.bases)
    await pusat.run("revise_faq", editor(PUSAT), entry_id, revised)
    await eventually(lambda: (c := held(kab, entry_id)) is not None and c.revision == 2, what="version 2 below")

    # At the regency the desk answers from it: the answer cites the entry at version 2, and nothing goes up.
    who = IdentityInput(name="Tono", party_number=7, phone="081355556666")
    cid = await kab.run("open_consultation", KAB, Channel.WALK_IN, who, "desk")
    for step, args in [("record_problem", ("sk pengurus gak bisa diupload terus",)),
                       ("restate_problem", ("Jadi unggahan SK kepengurusan gagal?",)), ("confirm_problem", ())]:
        await kab.run(step, KAB, cid, *args, "desk")
    await asyncio.to_thread(lambda: kab.helpdesk.answer_problem(KAB, cid, revised.answer, [], "desk",
                                                                role=Role.ANGGOTA_HELPDESK, faq=[entry_id]))
    answered = kab.helpdesk._load(cid)
    assert answered.status is Status.ANSWERED and answered.up is None
    (basis,) = answered.bases
    assert (basis.kind, basis.entry_id, basis.version) == (BasisKind.FAQ_SIPOL, entry_id, 2)

    # Retired at the centre: withdrawn below, and no longer citable there.
    await pusat.run("retire_faq", editor(PUSAT), entry_id, "Diganti juknis baru.")
    await eventually(lambda: (c := held(kab, entry_id)) is not None and c.status is FaqStatus.RETIRED,
                     what="the withdrawal at the regency")
    assert held(prov, entry_id).status is FaqStatus.RETIRED
    for office in offices.values():
        assert office.link.status.dead_letters == 0, office.link.status


async def test_a_provinces_entry_reaches_its_regencies_only(offices: dict[str, Office]) -> None:
    kab, prov, pusat = offices[KAB], offices[PROV], offices[PUSAT]
    given = FaqInput(question="Jam layanan helpdesk KPU Provinsi Sumatera Selatan",
                     answer="Senin sampai Jumat pukul 08.00–16.00 WIB.", topics=["other"])
    entry_id = await prov.run("draft_faq", editor(PROV), given)
    await prov.run("publish_faq", editor(PROV), entry_id)
    copy = await eventually(lambda: held(kab, entry_id), what="the province's entry at the regency")
    assert copy.owner == PROV and copy.via == PROV
    # The centre hears nothing of it; a local note of the regency goes nowhere either.
    note_id = await kab.run("draft_faq", editor(KAB), FaqInput(question="Parkir tamu", answer="Di belakang kantor.",
                                                                topics=["other"]))
    await kab.run("publish_faq", editor(KAB), note_id)
    # A later message from the centre to the province proves the links flowed past both entries.
    probe = await pusat.run("draft_faq", editor(PUSAT), FaqInput(question="Probe", answer="Probe.", topics=["other"]))
    await pusat.run("publish_faq", editor(PUSAT), probe)
    await eventually(lambda: held(kab, probe), what="the centre's probe at the regency")
    assert held(pusat, entry_id) is None and not isinstance(_find(pusat, entry_id), FaqEntry)
    assert held(prov, note_id) is None and held(pusat, note_id) is None
    for office in offices.values():
        assert office.link.status.dead_letters == 0, office.link.status


def _find(office: Office, aggregate_id: UUID) -> object | None:
    try:
        return office.helpdesk._load(aggregate_id)
    except Exception:  # noqa: BLE001 - absent
        return None
