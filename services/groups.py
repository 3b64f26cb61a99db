"""The messaging groups' register (part of the Helpdesk application): each command checks the caller's role, loads
the group, takes one domain step and saves it; the group as the office sees it (names and numbers in full, for the
staff at the office) for its detail page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol
from uuid import UUID

import msgspec

from domain.errors import NotFound
from domain.group_values import ChatAlreadyRegistered, Member, Platform, UnknownGroup, member_role_of, platform_of
from domain.groups import Group
from domain.parties import PartyRegister
from domain.roles import Permission, check_permitted
from domain.views import UserView
from services.base import NodeApplication


class GroupDirectory(Protocol):
    """The read model's lookup of a registered, active group by its platform and chat id."""

    def group_of_chat(self, platform: str, chat_id: str) -> UUID | None: ...


class GroupInput(msgspec.Struct, frozen=True):
    """A group as typed in the register's form or the API."""

    platform: str
    name: str
    party_number: int | None = None
    party_name: str | None = None
    chat_id: str | None = None


class GroupView(msgspec.Struct, frozen=True):
    """One group in full, as its detail page shows it at the office."""

    id: UUID
    office_id: str
    platform: Platform
    name: str
    chat_id: str | None
    party: str
    members: list[Member]
    watchers: list[str]
    retired: bool
    version: int


class GroupCommands(NodeApplication):
    # Provided by the same Helpdesk application (PartyCommands, AccountCommands) and the composition root.
    register_for: Callable[[str | None], PartyRegister]
    get_user: Callable[[UUID], UserView]
    group_directory: GroupDirectory

    def register_group(self, caller: UserView, given: GroupInput) -> UUID:
        check_permitted(caller.role, Permission.MANAGE_GROUPS)
        platform = platform_of(given.platform)
        party = self.register_for(caller.office_id).resolve(given.party_number, given.party_name)
        group = Group.register(office_id=caller.office_id, platform=platform, name=given.name,
                               chat_id=given.chat_id, party=party, actor=caller.username, at=self.clock())
        if group.chat_id and self.group_directory.group_of_chat(platform.value, group.chat_id):
            raise ChatAlreadyRegistered(field="chat_id")
        self._save(group)
        return group.id

    def add_group_member(self, caller: UserView, group_id: UUID, name: str, role: str, phone: str | None) -> UUID:
        group = self._group_to_change(caller, group_id)
        member_id = group.add_member(name, member_role_of(role), phone, caller.username, self.clock())
        self._save(group)
        return member_id

    def remove_group_member(self, caller: UserView, group_id: UUID, member_id: UUID) -> None:
        group = self._group_to_change(caller, group_id)
        group.remove_member(member_id, caller.username, self.clock())
        self._save(group)

    def assign_group_watcher(self, caller: UserView, group_id: UUID, user_id: UUID) -> None:
        group = self._group_to_change(caller, group_id)
        watcher = self._staff(caller, user_id)
        group.assign_watcher(str(watcher.id), caller.username, self.clock())
        self._save(group)

    def unassign_group_watcher(self, caller: UserView, group_id: UUID, user_id: UUID) -> None:
        group = self._group_to_change(caller, group_id)
        group.unassign_watcher(str(user_id), caller.username, self.clock())
        self._save(group)

    def retire_group(self, caller: UserView, group_id: UUID) -> None:
        group = self._group_to_change(caller, group_id)
        group.retire(caller.username, self.clock())
        self._save(group)

    def group_view(self, office_id: str, group_id: UUID) -> GroupView:
        g = self.group_of(office_id, group_id)
        return GroupView(g.id, g.office_id, g.platform, g.name, g.chat_id, g.party.name, list(g.members),
                         list(g.watchers), g.retired, g.version)

    def group_of(self, office_id: str, group_id: UUID) -> Group:
        """One of this office's groups (another office's is reported as missing)."""
        try:
            group = self._load(group_id)
        except NotFound:
            raise UnknownGroup() from None
        if not isinstance(group, Group) or group.office_id != office_id:
            raise UnknownGroup()
        return group

    def _group_to_change(self, caller: UserView, group_id: UUID) -> Group:
        check_permitted(caller.role, Permission.MANAGE_GROUPS)
        return self.group_of(caller.office_id, group_id)

    def _staff(self, caller: UserView, user_id: UUID) -> UserView:
        try:
            user = self.get_user(user_id)
        except NotFound:
            raise NotFound(field="user_id") from None
        if user.office_id != caller.office_id or not user.active:
            raise NotFound(field="user_id")
        return user

