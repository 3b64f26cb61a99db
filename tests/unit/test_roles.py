"""The six SOP roles and what each may do: the whole table, so a change to it is a deliberate one."""

from __future__ import annotations

import pytest

from domain.errors import NotPermitted
from domain.roles import PERMISSIONS, Permission, Role, check_permitted, may, roles_with

P = Permission

# SOP part A, as the desk's screens must enforce it. Every role reads the consultations.
EXPECTED = {
    Role.ANGGOTA_KPU: {P.READ_CONSULTATIONS, P.DECIDE_ESCALATIONS, P.HANDLE_CASES, P.READ_AUDIT},
    Role.KETUA_HELPDESK: {P.READ_CONSULTATIONS, P.MANAGE_USERS, P.REPORT_PERIODIC, P.READ_AUDIT, P.MANAGE_PARTIES,
                           P.MANAGE_FAQ, P.MANAGE_PROGRAMME},
    Role.SEKRETARIS_HELPDESK: {P.READ_CONSULTATIONS, P.SUBMIT_RECAP, P.MANAGE_PROGRAMME},
    Role.KOORDINATOR: {P.READ_CONSULTATIONS, P.EVALUATE_SERVICE, P.MANAGE_ROSTER, P.READ_AUDIT, P.MANAGE_GROUPS,
                        P.MANAGE_FAQ},
    Role.KOORDINATOR_HARIAN: {P.READ_CONSULTATIONS, P.SERVE_CONSULTATIONS, P.MANAGE_ROSTER, P.HANDLE_CASES,
                              P.MANAGE_PARTIES, P.MANAGE_GROUPS, P.MANAGE_FAQ, P.REPORT_MONITORING},
    Role.ANGGOTA_HELPDESK: {P.READ_CONSULTATIONS, P.SERVE_CONSULTATIONS, P.HANDLE_CASES, P.REPORT_MONITORING},
}


def test_the_permission_table_is_the_sops() -> None:
    assert {role: set(permissions) for role, permissions in PERMISSIONS.items()} == EXPECTED


@pytest.mark.parametrize(
    ("role", "permission", "allowed"),
    [
        (Role.ANGGOTA_HELPDESK, P.SERVE_CONSULTATIONS, True),
        (Role.KOORDINATOR_HARIAN, P.SERVE_CONSULTATIONS, True),
        (Role.SEKRETARIS_HELPDESK, P.SERVE_CONSULTATIONS, False),
        (Role.ANGGOTA_KPU, P.SERVE_CONSULTATIONS, False),
        (Role.ANGGOTA_HELPDESK, P.MANAGE_USERS, False),
        (Role.SEKRETARIS_HELPDESK, P.SUBMIT_RECAP, True),
        (Role.ANGGOTA_HELPDESK, P.DECIDE_ESCALATIONS, False),
    ],
)
def test_may(role: Role, permission: Permission, allowed: bool) -> None:
    assert may(role, permission) is allowed


def test_only_the_ketua_manages_users() -> None:
    assert roles_with(P.MANAGE_USERS) == [Role.KETUA_HELPDESK]


def test_only_the_commissioner_decides_escalations() -> None:
    assert roles_with(P.DECIDE_ESCALATIONS) == [Role.ANGGOTA_KPU]


def test_the_desk_is_served_by_its_members_and_the_day_coordinator() -> None:
    assert set(roles_with(P.SERVE_CONSULTATIONS)) == {Role.ANGGOTA_HELPDESK, Role.KOORDINATOR_HARIAN}


def test_everyone_reads_consultations() -> None:
    assert roles_with(P.READ_CONSULTATIONS) == list(Role)


def test_a_refusal_says_who_asked_for_what() -> None:
    with pytest.raises(NotPermitted) as refused:
        check_permitted(Role.SEKRETARIS_HELPDESK, P.SERVE_CONSULTATIONS)
    assert refused.value.kind == "forbidden"
    assert refused.value.params == {"role": "sekretaris_helpdesk", "permission": "serve_consultations"}


def test_a_permitted_action_passes_silently() -> None:
    assert check_permitted(Role.ANGGOTA_HELPDESK, P.SERVE_CONSULTATIONS) is None
