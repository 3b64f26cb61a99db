"""A question travels regency → province → centre over real NATS JetStream, and the answer comes back
down to the consultee; on SQLite and on PostgreSQL, with the hop states right on all three nodes."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.casefile import case_id
from domain.consultation import Status
from domain.escalation import CaseStatus
from domain.hops import HopState
from domain.values import Channel
from services.consultations import IdentityInput
from tests.support.federation import OFFICES, running_offices
from tests.support.office import Office
from tests.support.waiting import eventually

pytestmark = pytest.mark.nats

KAB, PROV, PUSAT = "kab-16.13", "prov-16", "pusat"


@pytest.fixture
async def offices(database: str, tmp_path: Path, nats_url: str, nats_prefix: str, clock, hasher):
    backends = dict.fromkeys(OFFICES, database)
    async with running_offices(backends, tmp_path, nats_url, nats_prefix, clock, hasher) as built:
        yield built


async def test_a_question_goes_up_to_the_centre_and_the_answer_comes_back(offices: dict[str, Office]) -> None:
    kab, prov, pusat = offices[KAB], offices[PROV], offices[PUSAT]

    # At the regency desk: an e-mail the FAQ does not cover, confirmed, handed to the commissioner.
    who = IdentityInput(name="Dedi", party_number=8, email="dedi@partai.example")
    cid = await kab.run("open_consultation", KAB, Channel.EMAIL, who, "desk")
    for step, args in [("record_problem", ("Kepengurusan ganda di dua kecamatan.",)),
                       ("restate_problem", ("Jadi satu pengurus tercatat di dua kecamatan?",)),
                       ("confirm_problem", ()), ("hand_to_commissioner", ("Tidak ada di FAQ Sipol.",))]:
        await kab.run(step, KAB, cid, *args, "desk")
    # The commissioner forwards it to the province.
    await kab.run("forward_up", KAB, cid, "Mohon arahan KPU Provinsi.", "komisioner")
    case = case_id(KAB, cid)

    # The province receives it (and the regency learns so), accepts it and forwards it to the centre.
    await eventually(lambda: prov.helpdesk.get_case_aggregate(PROV, case), what="the case at the province")
    await eventually(lambda: kab.helpdesk._load(cid).up.state is HopState.RECEIVED, what="receipt at the regency")
    await prov.run("accept_case", PROV, case, "budi")
    await eventually(lambda: kab.helpdesk._load(cid).up.accepted_by == "budi", what="acceptance at the regency")
    await prov.run("forward_case", PROV, case, "Perlu tafsir pusat.", "budi")

    # The centre accepts and answers.
    await eventually(lambda: pusat.helpdesk.get_case_aggregate(PUSAT, case), what="the case at the centre")
    await pusat.run("accept_case", PUSAT, case, "sari")
    await pusat.run("answer_case", PUSAT, case, "Pengurus hanya boleh di satu kecamatan.",
                    [("pkpu", "PKPU 4/2022 Pasal 12")], "sari")

    # The answer comes down to the regency consultation, and the desk finishes the script.
    view = await eventually(
        lambda: (v := kab.helpdesk.get_consultation(KAB, cid)).status is Status.ANSWERED and v,
        what="the answer at the regency")
    assert view.answer == "Pengurus hanya boleh di satu kecamatan." and view.answered_by == "sari (pusat)"
    await kab.run("check_understanding", KAB, cid, True, "desk")
    await kab.run("log_in_report", KAB, cid, "desk")
    await kab.run("close_consultation", KAB, cid, "desk")
    assert kab.helpdesk.get_consultation(KAB, cid).status is Status.CLOSED

    # Hop states: every hop answered and returned, seen from both of its sides.
    await eventually(lambda: prov.helpdesk.get_case_aggregate(PROV, case).status is CaseStatus.RETURNED,
                     what="the return confirmed at the province")
    await eventually(lambda: pusat.helpdesk.get_case_aggregate(PUSAT, case).status is CaseStatus.RETURNED,
                     what="the return confirmed at the centre")
    at_kab = kab.helpdesk._load(cid).up
    at_prov = prov.helpdesk.get_case_aggregate(PROV, case)
    at_pusat = pusat.helpdesk.get_case_aggregate(PUSAT, case)
    assert at_kab.state is at_prov.down.state is HopState.RETURNED
    assert at_prov.up.state is at_pusat.down.state is HopState.RETURNED
    assert at_kab.accepted_by == at_prov.down.accepted_by == "budi"
    assert at_prov.up.accepted_by == at_pusat.down.accepted_by == "sari"
    assert at_kab.sent_at == at_prov.down.sent_at
    assert at_prov.up.answered_by == at_kab.answered_by == "sari (pusat)"
    # Nothing was refused, and every message had exactly one effect.
    for office in offices.values():
        assert office.link.status.dead_letters == 0, office.link.status
