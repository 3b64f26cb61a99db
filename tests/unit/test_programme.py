"""The Ketua's programme of activities (SOP A.2.a, issue 16): items planned within the year for one of the team,
moved planned → in progress → done (or cancelled, with a reason), done and cancelled final; the Ketua and the
Sekretaris plan, an item's person responsible reports its progress, nobody else changes it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

import pytest

from domain.errors import InvalidFields, NotPermitted, TextRequired
from domain.evaluation_values import UnknownStaff
from domain.programme import Programme
from domain.programme_values import (
    CancelReasonRequired,
    InvalidYear,
    ItemMoveRefused,
    ItemState,
    PlannedDateRequired,
    ResponsibleRequired,
    UnknownItemState,
    UnknownProgrammeItem,
)
from domain.roles import Permission, Role, roles_with
from gateways.bootstrap import Node
from services.views import UserView

T0 = datetime(2027, 8, 2, 1, 30, tzinfo=UTC)
OFFICE = "kab-16.13"


def staff(node: Node, role: Role, username: str) -> UserView:
    user_id = node.accounts.register_user(username, f"Petugas {username}", role, OFFICE, "kata-sandi-uji-123", "test")
    return node.accounts.get_user(user_id)


def test_the_ketua_and_the_sekretaris_draw_up_the_programme() -> None:
    assert roles_with(Permission.MANAGE_PROGRAMME) == [Role.KETUA_HELPDESK, Role.SEKRETARIS_HELPDESK]


def test_an_item_is_planned_within_the_year_with_every_missing_field_refused_at_once() -> None:
    programme = Programme.start(office_id=OFFICE, year=2027, actor="ketua", at=T0)
    with pytest.raises(InvalidFields) as refused:
        programme.plan(" ", None, "", "ketua", T0)
    assert {(type(e), e.field) for e in refused.value.errors} == {
        (TextRequired, "activity"), (PlannedDateRequired, "planned_on"), (ResponsibleRequired, "responsible")}
    with pytest.raises(PlannedDateRequired):  # a day of another year belongs to that year's programme
        programme.plan("Bimtek SIPOL", date(2028, 1, 5), "harian", "ketua", T0)
    with pytest.raises(InvalidYear):
        Programme.start(office_id=OFFICE, year=1999, actor="ketua", at=T0)
    assert programme.items == ()


def test_an_item_moves_forward_and_done_or_cancelled_is_final() -> None:
    programme = Programme.start(office_id=OFFICE, year=2027, actor="ketua", at=T0)
    item = programme.plan("Bimtek SIPOL untuk operator partai", date(2027, 8, 10), "harian", "ketua", T0)
    programme.move(item, ItemState.IN_PROGRESS, "Undangan dikirim", "harian", T0)
    with pytest.raises(ItemMoveRefused):
        programme.move(item, ItemState.IN_PROGRESS, "", "harian", T0)
    programme.move(item, ItemState.DONE, "", "harian", T0)
    assert programme.item(item).state is ItemState.DONE
    with pytest.raises(ItemMoveRefused):
        programme.move(item, ItemState.CANCELLED, "Salah", "ketua", T0)
    other = programme.plan("Rapat evaluasi", date(2027, 9, 1), "koord", "ketua", T0)
    with pytest.raises(CancelReasonRequired):
        programme.move(other, ItemState.CANCELLED, "  ", "ketua", T0)
    programme.move(other, ItemState.CANCELLED, "Digabung dengan rapat pleno", "ketua", T0)
    assert (programme.item(other).state, programme.item(other).note) == (
        ItemState.CANCELLED, "Digabung dengan rapat pleno")
    with pytest.raises(UnknownProgrammeItem):
        programme.move(uuid4(), ItemState.DONE, "", "ketua", T0)


def test_who_plans_who_reports_progress_and_the_list_from_the_read_model(memory_node: Node, clock) -> None:
    clock.now = T0
    ketua = staff(memory_node, Role.KETUA_HELPDESK, "ketua")
    sekretaris = staff(memory_node, Role.SEKRETARIS_HELPDESK, "sekretaris")
    harian = staff(memory_node, Role.KOORDINATOR_HARIAN, "harian")
    desk = staff(memory_node, Role.ANGGOTA_HELPDESK, "desk.ani")
    h = memory_node.helpdesk
    with pytest.raises(NotPermitted):
        h.plan_programme_item(harian, 2027, "Piket tambahan", date(2027, 8, 9), "harian")
    # The person responsible is one of the team, refused with the other fields.
    with pytest.raises(InvalidFields) as refused:
        h.plan_programme_item(ketua, 2027, "", date(2027, 8, 9), "orang-luar")
    assert {(type(e), e.field) for e in refused.value.errors} == {(TextRequired, "activity"), (UnknownStaff,
                                                                                                  "responsible")}
    later = h.plan_programme_item(ketua, 2027, "Rapat evaluasi bulanan", date(2027, 8, 30), "harian")
    sooner = h.plan_programme_item(sekretaris, 2027, "Bimtek SIPOL", date(2027, 8, 10), "harian")
    # The person responsible reports progress; the desk does not; only the planners cancel.
    with pytest.raises(NotPermitted):
        h.move_programme_item(desk, 2027, sooner, "in_progress", "")
    with pytest.raises(NotPermitted):
        h.move_programme_item(harian, 2027, sooner, "cancelled", "Tidak jadi")
    with pytest.raises(UnknownItemState):
        h.move_programme_item(harian, 2027, sooner, "selesai", "")
    h.move_programme_item(harian, 2027, sooner, "in_progress", "Ruang rapat dipesan")
    h.move_programme_item(ketua, 2027, later, "cancelled", "Diganti rapat pleno")
    rows = memory_node.programme.items(OFFICE, 2027)
    assert [(r.id, r.state, r.note, r.responsible) for r in rows] == [
        (str(sooner), "in_progress", "Ruang rapat dipesan", "harian"),
        (str(later), "cancelled", "Diganti rapat pleno", "harian"),
    ]
    assert memory_node.programme.years(OFFICE) == [2027] and memory_node.programme.items(OFFICE, 2026) == []
    view = h.programme_view(OFFICE, 2027)
    assert (view.kept_by, len(view.items)) == ("sekretaris", 2)
    assert h.programme_view(OFFICE, 2026).items == []
