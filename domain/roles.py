"""The six SOP roles (seed part A) and what each may do."""

from __future__ import annotations

from enum import StrEnum

from domain.errors import NotPermitted


class Role(StrEnum):
    ANGGOTA_KPU = "anggota_kpu"  # commissioner: decides what the desk cannot, consults the province
    KETUA_HELPDESK = "ketua_helpdesk"  # runs the programme, reports to the commissioner
    SEKRETARIS_HELPDESK = "sekretaris_helpdesk"  # daily recap to the Ketua
    KOORDINATOR = "koordinator"  # monitors the desk, evaluates service
    KOORDINATOR_HARIAN = "koordinator_harian"  # runs the day, divides duties, checks daily reports
    ANGGOTA_HELPDESK = "anggota_helpdesk"  # serves consultations on the four channels


class Permission(StrEnum):
    READ_CONSULTATIONS = "read_consultations"
    SERVE_CONSULTATIONS = "serve_consultations"  # open, answer, log, document, hand over
    DECIDE_ESCALATIONS = "decide_escalations"  # answer or forward what the desk handed over
    HANDLE_CASES = "handle_cases"  # accept, answer, question or forward a case sent up by an office below
    MANAGE_USERS = "manage_users"
    MANAGE_ROSTER = "manage_roster"
    SUBMIT_RECAP = "submit_recap"
    REPORT_PERIODIC = "report_periodic"
    EVALUATE_SERVICE = "evaluate_service"
    READ_AUDIT = "read_audit"  # the audit trail: this office's chain; at the centre, every office's
    MANAGE_PARTIES = "manage_parties"  # add the calon peserta not on the national list to the office's register


_ALL_READ = {Permission.READ_CONSULTATIONS}

PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ANGGOTA_KPU: frozenset(
        _ALL_READ | {Permission.DECIDE_ESCALATIONS, Permission.HANDLE_CASES, Permission.READ_AUDIT}
    ),
    Role.KETUA_HELPDESK: frozenset(
        _ALL_READ | {Permission.MANAGE_USERS, Permission.REPORT_PERIODIC, Permission.READ_AUDIT,
                     Permission.MANAGE_PARTIES}
    ),
    Role.SEKRETARIS_HELPDESK: frozenset(_ALL_READ | {Permission.SUBMIT_RECAP}),
    Role.KOORDINATOR: frozenset(
        _ALL_READ | {Permission.EVALUATE_SERVICE, Permission.MANAGE_ROSTER, Permission.READ_AUDIT}
    ),
    Role.KOORDINATOR_HARIAN: frozenset(
        _ALL_READ | {Permission.SERVE_CONSULTATIONS, Permission.MANAGE_ROSTER, Permission.HANDLE_CASES,
                     Permission.MANAGE_PARTIES}
    ),
    Role.ANGGOTA_HELPDESK: frozenset(_ALL_READ | {Permission.SERVE_CONSULTATIONS, Permission.HANDLE_CASES}),
}


def may(role: Role, permission: Permission) -> bool:
    return permission in PERMISSIONS[role]


def check_permitted(role: Role, permission: Permission) -> None:
    if not may(role, permission):
        raise NotPermitted(role=role.value, permission=permission.value)


def roles_with(permission: Permission) -> list[Role]:
    return [role for role in Role if may(role, permission)]
