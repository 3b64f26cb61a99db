"""The six SOP roles (seed part A) and what each may do."""

from __future__ import annotations

from enum import StrEnum

from domain.errors import NotPermitted, OwnAccountChange, RoleNotAppointable


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
    # Keep the messaging groups' register (domain/groups.py): the coordinators, who divide the desk's duties.
    MANAGE_GROUPS = "manage_groups"
    # Keep the FAQ Sipol (domain/faq.py): the Ketua Helpdesk, who runs the programme, and the coordinators, who
    # evaluate the service and run the day. The desk cites entries; it does not write them.
    MANAGE_FAQ = "manage_faq"
    # Draw up the programme of activities (domain/programme.py): the Ketua (SOP A.2.a) and the Sekretaris who helps
    # (A.3.a). The person responsible for an item reports its progress without it.
    MANAGE_PROGRAMME = "manage_programme"
    # Submit (and correct) the SIPOL data-fill monitoring reports at 08.00 and 17.00 (SOP part D): the desk, whose
    # reporter on duty files them (domain/roster_values.py Duty.MONITORING_REPORT), and the Koordinator Harian.
    REPORT_MONITORING = "report_monitoring"


_ALL_READ = {Permission.READ_CONSULTATIONS}

PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ANGGOTA_KPU: frozenset(
        _ALL_READ | {Permission.DECIDE_ESCALATIONS, Permission.HANDLE_CASES, Permission.READ_AUDIT}
    ),
    Role.KETUA_HELPDESK: frozenset(
        _ALL_READ | {Permission.MANAGE_USERS, Permission.REPORT_PERIODIC, Permission.READ_AUDIT,
                     Permission.MANAGE_PARTIES, Permission.MANAGE_FAQ, Permission.MANAGE_PROGRAMME}
    ),
    Role.SEKRETARIS_HELPDESK: frozenset(_ALL_READ | {Permission.SUBMIT_RECAP, Permission.MANAGE_PROGRAMME}),
    Role.KOORDINATOR: frozenset(
        _ALL_READ | {Permission.EVALUATE_SERVICE, Permission.MANAGE_ROSTER, Permission.READ_AUDIT,
                     Permission.MANAGE_GROUPS, Permission.MANAGE_FAQ}
    ),
    Role.KOORDINATOR_HARIAN: frozenset(
        _ALL_READ | {Permission.SERVE_CONSULTATIONS, Permission.MANAGE_ROSTER, Permission.HANDLE_CASES,
                     Permission.MANAGE_PARTIES, Permission.MANAGE_GROUPS, Permission.MANAGE_FAQ,
                     Permission.REPORT_MONITORING}
    ),
    Role.ANGGOTA_HELPDESK: frozenset(_ALL_READ | {Permission.SERVE_CONSULTATIONS, Permission.HANDLE_CASES,
                                                  Permission.REPORT_MONITORING}),
}


def may(role: Role, permission: Permission) -> bool:
    return permission in PERMISSIONS[role]


def check_permitted(role: Role, permission: Permission) -> None:
    if not may(role, permission):
        raise NotPermitted(role=role.value, permission=permission.value)


def roles_with(permission: Permission) -> list[Role]:
    return [role for role in Role if may(role, permission)]


# Who may appoint whom in the app. The decree (part A) sets the team up by a decision of the commission's chair: the
# commissioners (Anggota KPU) and the Ketua Helpdesk are named by the commission itself, so on a node they are set up
# by the office's administrator with `helpdesk user add`, never through a web form. The Ketua Helpdesk runs the
# programme and its team: the secretary, the coordinators and the desk. A role absent from the keys appoints nobody.
APPOINTS: dict[Role, frozenset[Role]] = {
    Role.KETUA_HELPDESK: frozenset(
        {Role.SEKRETARIS_HELPDESK, Role.KOORDINATOR, Role.KOORDINATOR_HARIAN, Role.ANGGOTA_HELPDESK}
    ),
}


def appointable_roles(actor: Role) -> list[Role]:
    """The roles `actor` may give an account, in the order of the decree."""
    allowed = APPOINTS.get(actor, frozenset())
    return [role for role in Role if role in allowed]


def check_may_appoint(actor: Role, role: Role) -> None:
    """Creating an account with `role`, or giving an account `role`."""
    if role not in APPOINTS.get(actor, frozenset()):
        raise RoleNotAppointable(field="role")


def check_may_manage(actor: Role, target: Role, *, own: bool, new_role: Role | None = None) -> None:
    """Deactivating an account that holds `target` (or, with `new_role`, changing it): only a role the actor
    appoints, to a role the actor appoints, and never one's own account (nobody deactivates or demotes themselves)."""
    if own:
        raise OwnAccountChange()
    if target not in APPOINTS.get(actor, frozenset()):
        raise RoleNotAppointable()
    if new_role is not None:
        check_may_appoint(actor, new_role)
