"""Each role's inbox holds what that role acts on; the roles that follow the desk see all of it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from uuid import UUID

from domain.casefile import case_id
from domain.roles import Role
from gateways.bootstrap import Node
from gateways.config import Settings
from tests.conftest import settings_for
from tests.support.by_hand import KAB, PROV, deliver, handed_over


def test_each_role_sees_what_it_acts_on(tmp_path: Path, open_node: Callable[[Settings], Node]) -> None:
    kab = open_node(settings_for("memory", tmp_path / "k", node_id=KAB))
    prov = open_node(settings_for("memory", tmp_path / "p", node_id=PROV))
    waiting = handed_over(kab, 1)  # with the commissioner
    asked = handed_over(kab, 2)  # forwarded, then the province asks back
    kab.helpdesk.forward_up(KAB, asked, "Mohon arahan", "kpu")
    deliver(kab, prov)
    prov.helpdesk.accept_case(PROV, case_id(KAB, asked), "budi")
    prov.helpdesk.ask_case_clarification(PROV, case_id(KAB, asked), "Tingkat apa?", "budi")
    deliver(prov, kab)

    def ids(node: Node, office: str, role: Role) -> set[UUID]:
        return {item.id for item in node.escalations.inbox(office, role)}

    assert ids(kab, KAB, Role.ANGGOTA_KPU) == {waiting, asked}  # decides one, may answer the question
    assert ids(kab, KAB, Role.ANGGOTA_HELPDESK) == {asked}  # the desk answers the question, not the decision
    assert ids(kab, KAB, Role.KETUA_HELPDESK) == {waiting, asked}  # follows everything
    assert ids(prov, PROV, Role.ANGGOTA_HELPDESK) == {case_id(KAB, asked)}
    assert ids(prov, PROV, Role.SEKRETARIS_HELPDESK) == {case_id(KAB, asked)}
    assert {i.id for i in kab.escalations.inbox(KAB)} == {waiting, asked}
