"""Contact data a desk types into a question's texts stays at the regency: over real NATS JetStream, the province
receives the problem, restatement, handover reason, notes and clarification with it masked, and the regency keeps
every text whole; what comes back down (a question, an answer) is masked too."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from domain.casefile import case_id
from domain.consultation import Status
from domain.values import Channel
from services.consultations import IdentityInput
from tests.support.federation import running_offices
from tests.support.leaks import leaked
from tests.support.office import Office
from tests.support.waiting import eventually

pytestmark = pytest.mark.nats

KAB, PROV = "kab-16.13", "prov-16"
TYPED = "hubungi 0813-2222-3333 atau tono.s@gmail.com; NIK 1613011203840002"
MASKED = "hubungi [nomor telepon] atau [alamat e-mail]; NIK [NIK]"
PIECES = ("0813", "2222", "3333", "tono", "gmail", "@", "1613011203840002", "161301")


def leaks(value: object) -> list[str]:
    text = value if isinstance(value, str) else msgspec.json.encode(value).decode()
    return leaked(text, PIECES)


@pytest.fixture
async def offices(database: str, tmp_path: Path, nats_url: str, nats_prefix: str, clock, hasher):
    # Two offices only: the regency and its province.
    backends = dict.fromkeys((KAB, PROV), database)
    async with running_offices(backends, tmp_path, nats_url, nats_prefix, clock, hasher) as built:
        yield built


async def test_contact_data_typed_into_the_texts_does_not_reach_the_province(offices: dict[str, Office]) -> None:
    kab, prov = offices[KAB], offices[PROV]

    # At the regency desk the consultee's number, e-mail and NIK end up in every free text.
    who = IdentityInput(name="Tono Sugiarto", party_number=6, phone="081322223333", email="tono.s@gmail.com")
    cid = await kab.run("open_consultation", KAB, Channel.WALK_IN, who, "desk")
    for step, args in [("record_problem", (f"Keanggotaan ganda; {TYPED}",)),
                       ("restate_problem", (f"Jadi tercatat ganda? {TYPED}",)),
                       ("confirm_problem", ()), ("hand_to_commissioner", (f"Tidak ada di FAQ; {TYPED}",))]:
        await kab.run(step, KAB, cid, *args, "desk")
    await kab.run("forward_up", KAB, cid, f"Mohon arahan; {TYPED}", "komisioner")
    case = case_id(KAB, cid)

    # The province receives the case with the texts masked and nothing of the contact data.
    held = await eventually(lambda: prov.helpdesk.get_case(PROV, case), what="the case at the province")
    assert held.case.problem == f"Keanggotaan ganda; {MASKED}"
    assert held.case.restatement == f"Jadi tercatat ganda? {MASKED}"
    assert [note.text for note in held.case.notes] == [f"Tidak ada di FAQ; {MASKED}", f"Mohon arahan; {MASKED}"]
    assert leaks(held) == []

    # The province asks the regency; the regency answers with the number again.
    await prov.run("accept_case", PROV, case, "budi")
    await prov.run("ask_case_clarification", PROV, case, f"Kontak lain selain {TYPED}?", "budi")
    asked = await eventually(
        lambda: (v := kab.helpdesk.get_consultation(KAB, cid)).status is Status.CLARIFICATION_REQUESTED and v,
        what="the question at the regency")
    assert asked.clarification_question == f"Kontak lain selain {MASKED}?"
    await kab.run("clarify_consultation", KAB, cid, f"Hanya ini: {TYPED}", "komisioner")
    clarified = await eventually(lambda: (c := prov.helpdesk.get_case(PROV, case)).clarifications and c,
                                 what="the clarification at the province")
    assert clarified.clarifications == [f"Hanya ini: {MASKED}"]
    assert leaks(clarified.case) == [] and leaks(clarified.clarifications) == []

    # The province answers; what reaches the regency is masked as well.
    await prov.run("answer_case", PROV, case, f"Perbaiki data; {TYPED}", [("pkpu", "PKPU 4/2022 Pasal 12")], "budi")
    answered = await eventually(
        lambda: (v := kab.helpdesk.get_consultation(KAB, cid)).status is Status.ANSWERED and v,
        what="the answer at the regency")
    assert answered.answer == f"Perbaiki data; {MASKED}"

    # The regency keeps its own texts whole, and every envelope it published held none of them.
    assert TYPED in answered.problem and TYPED in answered.restatement and TYPED in answered.handover_reason
    assert answered.clarifications == [f"Hanya ini: {TYPED}"]
    envelopes = [envelope for _, batch in kab.helpdesk.outgoing(0, 1000) for envelope in batch]
    assert len(envelopes) >= 2  # the case and the clarification
    assert leaks(envelopes) == []
    assert kab.link.status.dead_letters == 0 and prov.link.status.dead_letters == 0
