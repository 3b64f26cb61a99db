"""The FAQ Sipol's learning loop as the dashboard reads it (issue 15): a case answered here is a candidate until an
entry is drafted from it; answers citing an entry and handovers with what the FAQ showed are counted; on SQLite and
PostgreSQL read models."""

from __future__ import annotations

from collections.abc import Callable
from uuid import uuid4

from domain.casefile import Answer, CaseFile
from domain.escalation import EscalationCase
from domain.faq_values import Citation
from domain.parties import Party
from domain.roles import Role
from domain.values import Basis, BasisKind, Channel
from domain.views import UserView
from gateways.bootstrap import Node
from services.consultations import IdentityInput
from services.faq import FaqInput
from tests.support.consultations import handed_to_commissioner

PROV = "prov-16"


def received_case(node: Node, n: int) -> EscalationCase:
    """A case sent up by a regency, as the province holds it (saved straight to its log)."""
    now = node.helpdesk.clock()
    file = CaseFile("kab-16.13", uuid4(), Channel.EMAIL, Party("Partai Contoh", number=5),
                    f"Masalah {n} hubungi 081234567890", f"Jadi masalah {n}?", now)
    case = EscalationCase.receive(office_id=PROV, case=file, from_office="kab-16.13", sent_at=now, at=now)
    node.helpdesk.save(case)
    return case


def test_candidates_and_figures(office: Callable[[str], Node]) -> None:
    node = office(PROV)
    helpdesk, koord = node.helpdesk, UserView(uuid4(), "koord", "Koordinator", Role.KOORDINATOR, PROV, True)
    first, second, third = (received_case(node, n) for n in (1, 2, 3))
    for case in (first, second):
        helpdesk.accept_case(PROV, case.id, "budi")
        helpdesk.answer_case(PROV, case.id, f"Jawaban {case.id}", [("pkpu", "PKPU 4/2022")], "budi")
    # The third is answered from above: passed down, never a candidate here.
    helpdesk.accept_case(PROV, third.id, "budi")
    helpdesk.forward_case(PROV, third.id, "Perlu pusat.", "budi")
    third = helpdesk.get_case_aggregate(PROV, third.id)
    above = Answer("Dari pusat.", (Basis(BasisKind.PKPU, "PKPU 4/2022"),), "pusat", "sari", helpdesk.clock())
    third.receive_answer_from_above(above, helpdesk.clock())
    helpdesk.save(third)

    loop = node.faq_loop
    assert {c.case_id for c in loop.candidates(PROV)} == {first.id, second.id}
    entry_id = helpdesk.draft_faq_from_case(koord, first.id)
    assert [c.case_id for c in loop.candidates(PROV)] == [second.id]

    # An answer at the desk citing the entry, and two handovers: one shown nothing, one shown the entry.
    helpdesk.edit_faq_draft(koord, entry_id, FaqInput(question="Masalah satu", answer="Jawaban.", topics=["other"]))
    helpdesk.publish_faq(koord, entry_id)
    who = IdentityInput(name="Ani", party_number=5, phone="081234567890")
    cid = helpdesk.open_consultation(PROV, Channel.WALK_IN, who, "desk")
    for step, args in [("record_problem", ("Masalah satu lagi",)), ("restate_problem", ("Jadi masalah satu?",)),
                       ("confirm_problem", ())]:
        getattr(helpdesk, step)(PROV, cid, *args, "desk")
    helpdesk.answer_problem(PROV, cid, "Jawaban.", [], "desk", role=Role.ANGGOTA_HELPDESK, faq=[entry_id])
    handed_to_commissioner(helpdesk, PROV, who, "Hal baru", "Jadi hal baru?", "Tidak ada di FAQ.")
    handed_to_commissioner(helpdesk, PROV, who, "Hal lain", "Jadi hal lain?", "Tidak ada di FAQ.")
    cid2 = helpdesk.open_consultation(PROV, Channel.WALK_IN, who, "desk")
    for step, args in [("record_problem", ("Hal ketiga",)), ("restate_problem", ("Jadi hal ketiga?",)),
                       ("confirm_problem", ())]:
        getattr(helpdesk, step)(PROV, cid2, *args, "desk")
    helpdesk.hand_to_commissioner(PROV, cid2, "Entri tidak menjawab.", "desk", [Citation(entry_id, 1)])

    figures = loop.figures(PROV)
    assert (figures.cases_received, figures.answered_here, figures.became_faq) == (3, 2, 1)
    assert figures.share_became_faq == 0.5
    assert (figures.answers_citing_faq, figures.case_answers_citing_faq) == (1, 0)
    assert (figures.handovers_not_in_faq, figures.handovers_despite_faq) == (2, 1)
