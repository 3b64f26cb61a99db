"""The escalation inbox, the outgoing list and the case history are read models: on memory, SQLite and PostgreSQL
they show what the aggregates hold, keep every case received (answered ones too), find them by their words, and
come out the same when rebuilt from zero."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from uuid import UUID

from domain.casefile import case_id
from domain.escalation import CaseStatus
from domain.roles import Role
from gateways.bootstrap import Node
from projections.escalation_queries import CaseFilter
from services.consultations import IdentityInput
from tests.conftest import FakeClock
from tests.support.by_hand import KAB, PROV, PUSAT, deliver
from tests.support.consultations import handed_to_commissioner

BASES = [("pkpu", "PKPU 4/2022 Pasal 85")]


def handed_over(kab: Node, name: str, party: int, problem: str) -> UUID:
    """A regency e-mail consultation, confirmed and handed to the commissioner."""
    who = IdentityInput(name=name, party_number=party, email="penghubung@partai.example")
    return handed_to_commissioner(kab.helpdesk, KAB, who, problem, f"Jadi: {problem}", "Di luar FAQ")


def forwarded(kab: Node, name: str, party: int, problem: str) -> UUID:
    cid = handed_over(kab, name, party, problem)
    kab.helpdesk.forward_up(KAB, cid, "Mohon arahan provinsi.", "kpu")
    return cid


def test_the_case_history_keeps_every_case_and_finds_it_by_its_words(
    office: Callable[[str], Node], clock: FakeClock
) -> None:
    kab, prov = office(KAB), office(PROV)
    # Three questions the regency's commissioner sent up, received at the province a minute apart.
    answered = case_id(KAB, forwarded(kab, "Tono", 5, "Keanggotaan ganda padahal sudah mundur."))
    deliver(kab, prov)
    clock.advance(minutes=1)
    sent_on = case_id(KAB, forwarded(kab, "Siti", 3, "Sandi operator SIPOL terkunci."))
    deliver(kab, prov)
    clock.advance(minutes=1)
    waiting = case_id(KAB, forwarded(kab, "Budi", 2, "Dokumen KTA hilang."))
    deliver(kab, prov)
    # The province answers the first (and the regency applies the answer: returned), forwards the second.
    desk = prov.helpdesk
    desk.accept_case(PROV, answered, "budi.prov")
    desk.answer_case(PROV, answered, "Unggah surat pengunduran diri.", BASES, "budi.prov")
    deliver(prov, kab)
    deliver(kab, prov)
    desk.accept_case(PROV, sent_on, "budi.prov")
    desk.forward_case(PROV, sent_on, "Perlu tafsir pusat.", "budi.prov")
    assert desk.get_case(PROV, answered).status is CaseStatus.RETURNED

    def history(**found: object) -> list[UUID]:
        return [item.id for item in prov.escalations.history(PROV, CaseFilter(**found)).items]  # type: ignore[arg-type]

    # Every case received stays in the history, newest first: the returned one too.
    assert history() == [waiting, sent_on, answered]
    page = prov.escalations.history(PROV, CaseFilter(), offset=0, limit=2)
    assert (page.total, [i.id for i in page.items]) == (3, [waiting, sent_on])
    assert [i.id for i in prov.escalations.history(PROV, None, offset=2, limit=2).items] == [answered]
    # Its filters: status, a word of the answer, the notes, the problem or the restatement, party, office, days.
    assert history(status=CaseStatus.RETURNED) == [answered]
    assert history(text="pengunduran") == [answered]
    assert history(text="tafsir") == [sent_on]
    assert history(text="KTA") == [waiting]
    assert history(text="jadi") == [waiting, sent_on, answered]
    assert history(party="nasdem") == [answered]
    assert history(office=KAB) == history(office=KAB.upper()) == [waiting, sent_on, answered]
    assert history(office="kab-16.01") == []
    assert history(since=date(2024, 7, 29), until=date(2024, 7, 29)) == [waiting, sent_on, answered]
    assert history(since=date(2024, 7, 30)) == []
    # Each line says what the aggregate says.
    line = prov.escalations.history(PROV, CaseFilter(text="pengunduran")).items[0]
    case = desk.get_case(PROV, answered)
    assert (line.status, line.answer, line.answer_office, line.down, line.up) == (
        case.status, case.answer.text, PROV, case.down, case.up)  # type: ignore[union-attr]

    # The inbox holds what is not returned; the outgoing list what went up, with its hop as the case has it.
    inbox = prov.escalations.inbox(PROV, Role.ANGGOTA_HELPDESK)
    assert [(i.id, i.hop) for i in inbox] == [(sent_on, desk.get_case(PROV, sent_on).down),
                                             (waiting, desk.get_case(PROV, waiting).down)]
    assert [(i.id, i.up) for i in prov.escalations.outgoing(PROV)] == [(sent_on, desk.get_case(PROV, sent_on).up)]

    # Rebuilt from the first event, the read models answer the same.
    before = (prov.escalations.history(PROV), prov.escalations.inbox(PROV), prov.escalations.outgoing(PROV))
    prov.projections.batch_size = 3
    prov.projections.rebuild("cases")
    assert (prov.escalations.history(PROV), prov.escalations.inbox(PROV), prov.escalations.outgoing(PROV)) == before


def test_the_regencys_inbox_and_outgoing_list_follow_its_consultations(
    office: Callable[[str], Node], clock: FakeClock
) -> None:
    kab, prov, pusat = office(KAB), office(PROV), office(PUSAT)
    with_commissioner = handed_over(kab, "Ani", 1, "Syarat keanggotaan perempuan.")
    clock.advance(minutes=2)
    sent = forwarded(kab, "Tono", 5, "Keanggotaan ganda.")
    # The commissioner's inbox: what the desk handed over, not what went up; the outgoing list: what went up.
    assert [i.id for i in kab.escalations.inbox(KAB, Role.ANGGOTA_KPU)] == [with_commissioner]
    assert [i.id for i in kab.escalations.inbox(KAB, Role.ANGGOTA_HELPDESK)] == []  # the desk decides nothing
    [item] = kab.escalations.outgoing(KAB)
    assert (item.id, item.case_id, item.up.state.value) == (sent, case_id(KAB, sent), "sent")

    # The province receives it, accepts it and asks back: the question waits at the regency, for the desk too.
    deliver(kab, prov)
    prov.helpdesk.accept_case(PROV, case_id(KAB, sent), "budi.prov")
    prov.helpdesk.ask_case_clarification(PROV, case_id(KAB, sent), "Sejak kapan?", "budi.prov")
    deliver(prov, kab)
    asked = [(i.id, i.question) for i in kab.escalations.inbox(KAB, Role.ANGGOTA_HELPDESK)]
    assert asked == [(sent, "Sejak kapan?")]
    [item] = kab.escalations.outgoing(KAB)
    assert item.up == kab.helpdesk.get_consultation(KAB, sent).up and item.up.state.value == "accepted"

    # Clarified, it leaves the inbox; the centre answers through the province and the hop is returned.
    kab.helpdesk.clarify_consultation(KAB, sent, "Sejak Mei 2024.", "desk")
    assert [i.id for i in kab.escalations.inbox(KAB, Role.ANGGOTA_HELPDESK)] == []
    deliver(kab, prov)
    prov.helpdesk.forward_case(PROV, case_id(KAB, sent), "Perlu tafsir pusat.", "budi.prov")
    deliver(prov, pusat)
    pusat.helpdesk.accept_case(PUSAT, case_id(KAB, sent), "rina.pusat")
    pusat.helpdesk.answer_case(PUSAT, case_id(KAB, sent), "Surat pengunduran diri berlaku.", BASES, "rina.pusat")
    deliver(pusat, prov)
    deliver(prov, kab)
    [item] = kab.escalations.outgoing(KAB)
    assert item.up == kab.helpdesk.get_consultation(KAB, sent).up and item.up.state.value == "returned"
    assert item.status == "answered"
    # At the province the case shows on both sides: received from below (history), sent above (outgoing).
    assert [i.id for i in prov.escalations.outgoing(PROV)] == [case_id(KAB, sent)]
    assert [i.answer_office for i in prov.escalations.history(PROV).items] == [PUSAT]

    # Rebuilt from the first event, the regency's lists are the same.
    before = (kab.escalations.inbox(KAB), kab.escalations.outgoing(KAB))
    kab.projections.rebuild("consultations")
    assert (kab.escalations.inbox(KAB), kab.escalations.outgoing(KAB)) == before
