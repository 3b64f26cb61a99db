"""The messaging groups' register pages (/grup): the office's groups as cards (members masked), the register form,
and a group's detail with its liaisons and operators (in full, at the office) and the staff who watch it. Every
reader sees the register; the coordinators keep it (domain/roles.py MANAGE_GROUPS)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from litestar import Controller, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from domain.errors import DomainError
from domain.group_values import MemberRole, Platform
from domain.roles import Permission, may
from gateways.edge.auth import requires
from gateways.edge.deps import Caller, GroupsDep, HelpdeskDep, Here, HereDep, PartyListDep, UsersDep
from gateways.edge.errors import STATUS_OF_KIND
from gateways.web.forms import Form, field_errors
from gateways.web.parties import party_choices
from gateways.web.render import language, page
from projections.groups_queries import GroupQueries
from projections.parties import PartyQueries
from projections.user_queries import UserQueries
from services.groups import GroupInput
from services.helpdesk import Helpdesk

MANAGE = [requires(Permission.MANAGE_GROUPS)]
GroupId = FromPath[UUID]
PLATFORM_NAMES = {Platform.WHATSAPP: "WhatsApp", Platform.TELEGRAM: "Telegram", Platform.OTHER: "Lainnya"}
ROLE_NAMES = {MemberRole.LIAISON: "Narahubung", MemberRole.OPERATOR: "Operator"}
_GROUP_FIELDS = ("platform", "name", "party_number", "party_name", "chat_id")


class GroupPages(Controller):
    path = "/grup"
    include_in_schema = False
    guards = [requires(Permission.READ_CONSULTATIONS)]

    @get("/", sync_to_thread=True)
    def groups(self, request: Caller, here: HereDep, groups: GroupsDep, party_list: PartyListDep, users: UsersDep
               ) -> Template:
        return _list(request, here, groups, party_list, users, {"platform": "whatsapp"}, {})

    @post("/", guards=MANAGE, sync_to_thread=True)
    def register(self, request: Caller, here: HereDep, helpdesk: HelpdeskDep, groups: GroupsDep,
                 party_list: PartyListDep, users: UsersDep, data: Form) -> Response[Any] | Template:
        values = {key: str(data.get(key, "") or "").strip() for key in _GROUP_FIELDS}
        number = values["party_number"]
        given = GroupInput(platform=values["platform"], name=values["name"], chat_id=values["chat_id"] or None,
                           party_number=int(number) if number.isdecimal() and len(number) <= 3 else None,
                           party_name=values["party_name"] or None)
        try:
            group_id = helpdesk.register_group(request.user, given)
        except DomainError as error:
            if error.kind == "forbidden":
                raise
            return _list(request, here, groups, party_list, users, values, field_errors(error, language(request)),
                         status_code=STATUS_OF_KIND[error.kind])
        return Redirect(f"/grup/{group_id}", status_code=303)

    @get("/{group_id:uuid}", sync_to_thread=True)
    def group(self, request: Caller, here: HereDep, helpdesk: HelpdeskDep, users: UsersDep, group_id: GroupId
              ) -> Template:
        return _detail(request, here, helpdesk, users, group_id, {}, {})

    @post("/{group_id:uuid}/anggota", guards=MANAGE, sync_to_thread=True)
    def add_member(self, request: Caller, here: HereDep, helpdesk: HelpdeskDep, users: UsersDep, group_id: GroupId,
                   data: Form) -> Response[Any] | Template:
        values = {key: str(data.get(key, "") or "").strip() for key in ("name", "role", "phone")}
        return _change(request, here, helpdesk, users, group_id, values, lambda: helpdesk.add_group_member(
            request.user, group_id, values["name"], values["role"], values["phone"] or None))

    @post("/{group_id:uuid}/anggota/{member_id:uuid}/hapus", guards=MANAGE, sync_to_thread=True)
    def remove_member(self, request: Caller, here: HereDep, helpdesk: HelpdeskDep, users: UsersDep,
                      group_id: GroupId, member_id: FromPath[UUID]) -> Response[Any] | Template:
        return _change(request, here, helpdesk, users, group_id, {},
                       lambda: helpdesk.remove_group_member(request.user, group_id, member_id))

    @post("/{group_id:uuid}/pemantau", guards=MANAGE, sync_to_thread=True)
    def assign_watcher(self, request: Caller, here: HereDep, helpdesk: HelpdeskDep, users: UsersDep,
                       group_id: GroupId, data: Form) -> Response[Any] | Template:
        user_id = _uuid(str(data.get("user_id", "") or ""))
        return _change(request, here, helpdesk, users, group_id, {},
                       lambda: helpdesk.assign_group_watcher(request.user, group_id, user_id))

    @post("/{group_id:uuid}/pemantau/{user_id:uuid}/hapus", guards=MANAGE, sync_to_thread=True)
    def unassign_watcher(self, request: Caller, here: HereDep, helpdesk: HelpdeskDep, users: UsersDep,
                         group_id: GroupId, user_id: FromPath[UUID]) -> Response[Any] | Template:
        return _change(request, here, helpdesk, users, group_id, {},
                       lambda: helpdesk.unassign_group_watcher(request.user, group_id, user_id))

    @post("/{group_id:uuid}/nonaktifkan", guards=MANAGE, sync_to_thread=True)
    def retire(self, request: Caller, here: HereDep, helpdesk: HelpdeskDep, users: UsersDep, group_id: GroupId
               ) -> Response[Any] | Template:
        return _change(request, here, helpdesk, users, group_id, {},
                       lambda: helpdesk.retire_group(request.user, group_id))


def _change(request: Caller, here: Here, helpdesk: Helpdesk, users: UserQueries, group_id: UUID, values: dict[str, str],
            command: Callable[[], object]) -> Response[Any] | Template:
    """Runs one change of the register; back to the group, or the group again with the error beside its field."""
    try:
        command()
    except DomainError as error:
        if error.kind == "forbidden" or (error.kind == "not_found" and not error.field):
            raise
        return _detail(request, here, helpdesk, users, group_id, values, field_errors(error, language(request)),
                       status_code=STATUS_OF_KIND[error.kind])
    return Redirect(f"/grup/{group_id}", status_code=303)


def _uuid(text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        return UUID(int=0)  # no account has it: refused as an unknown staff member, beside the field


def _list(request: Caller, here: Here, groups: GroupQueries, party_list: PartyQueries, users: UserQueries,
          values: dict[str, str], errors: dict[str, str], status_code: int = 200) -> Template:
    office_id = request.user.office_id
    names = {str(u.id): u.full_name for u in users.list(office_id)}
    return page(request, here, "groups/index.html", status_code=status_code, groups=groups.list(office_id),
                values=values, errors=errors, can_manage=may(request.user.role, Permission.MANAGE_GROUPS),
                platforms=PLATFORM_NAMES, member_roles=ROLE_NAMES, staff_names=names,
                **party_choices(party_list, here.office, office_id))


def _detail(request: Caller, here: Here, helpdesk: Helpdesk, users: UserQueries, group_id: UUID,
            values: dict[str, str], errors: dict[str, str], status_code: int = 200) -> Template:
    office_id = request.user.office_id
    view = helpdesk.group_view(office_id, group_id)
    staff = [u for u in users.list(office_id) if u.active]
    return page(request, here, "groups/detail.html", status_code=status_code, group=view, values=values,
                errors=errors, can_manage=may(request.user.role, Permission.MANAGE_GROUPS) and not view.retired,
                platforms=PLATFORM_NAMES, member_roles=ROLE_NAMES, staff=staff,
                staff_names={str(u.id): u.full_name for u in staff})
