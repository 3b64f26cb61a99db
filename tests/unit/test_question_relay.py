"""A question the centre asks may go on down to the origin office, and its answer back up to the centre."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from domain.casefile import case_id
from domain.consultation import Status
from domain.escalation import CaseStatus
from gateways.bootstrap import Node
from gateways.config import Settings
from tests.conftest import settings_for
from tests.support.by_hand import KAB, PROV, PUSAT, deliver, handed_over


def test_the_centres_question_reaches_the_origin_and_the_answer_reaches_the_centre(
    tmp_path: Path, open_node: Callable[[Settings], Node]
) -> None:
    kab, prov, pusat = (open_node(settings_for("memory", tmp_path / n, node_id=n)) for n in (KAB, PROV, PUSAT))
    cid = handed_over(kab, 1)
    case = case_id(KAB, cid)
    kab.helpdesk.forward_up(KAB, cid, "Mohon arahan.", "kpu")
    deliver(kab, prov)
    prov.helpdesk.accept_case(PROV, case, "budi")
    prov.helpdesk.forward_case(PROV, case, "Perlu tafsir pusat.", "budi")
    deliver(prov, pusat)
    pusat.helpdesk.accept_case(PUSAT, case, "sari")

    # The centre asks something only the regency can say; the province passes it on unchanged.
    pusat.helpdesk.ask_case_clarification(PUSAT, case, "Apakah surat keputusan sudah dilegalisasi?", "sari")
    deliver(pusat, prov)
    prov.helpdesk.pass_question_down(PROV, case, "budi")
    assert deliver(prov, kab) >= 1
    asked = kab.helpdesk.get_consultation(KAB, cid)
    assert (asked.status, asked.clarification_question) == (
        Status.CLARIFICATION_REQUESTED, "Apakah surat keputusan sudah dilegalisasi?")

    # The commissioner answers; it comes back to the province officer, who passes it up to the centre.
    kab.helpdesk.clarify_consultation(KAB, cid, "Sudah, tanggal 2 Juli.", "kpu")
    deliver(kab, prov)
    at_prov = prov.helpdesk.get_case(PROV, case)
    assert (at_prov.status, at_prov.clarifications) == (CaseStatus.CLARIFICATION_FROM_ABOVE, ["Sudah, tanggal 2 Juli."])
    answer = "Sudah dilegalisasi, 2 Juli (dari KPU Kab. Musi Rawas Utara)."
    prov.helpdesk.clarify_case_upward(PROV, case, answer, "budi")
    deliver(prov, pusat)
    at_pusat = pusat.helpdesk.get_case(PUSAT, case)
    assert at_pusat.status is CaseStatus.ACCEPTED
    assert at_pusat.clarifications == ["Sudah dilegalisasi, 2 Juli (dari KPU Kab. Musi Rawas Utara)."]
    assert prov.helpdesk.get_case(PROV, case).status is CaseStatus.FORWARDED
    assert kab.helpdesk.get_consultation(KAB, cid).status is Status.ESCALATED
