"""The register of an office's messaging groups (SOP C.b): which WhatsApp, Telegram or other groups the office keeps
with the parties' liaisons, for which party, who the party's liaisons and operators in each are, and which staff
watch each group (the duty roster reads this later).

The members' names and phone numbers are personal data (UU 27/2022): each member is a data subject of their own
(domain/personal_data.py), sealed in the events and shown masked in every list. Who keeps the register: the
coordinators (Koordinator and Koordinator Harian, domain/roles.py MANAGE_GROUPS), since they divide the desk's duties
and watching a group is one of them.
"""

from __future__ import annotations

import re
from datetime import datetime
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from domain.group_values import (
    MAX_GROUP_NAME,
    MAX_MEMBERS,
    AlreadyWatching,
    GroupRetired,
    Member,
    MemberAlreadyListed,
    MemberRole,
    NotWatching,
    Platform,
    TooManyMembers,
    UnknownMember,
    check_chat_id,
)
from domain.parties import Party
from domain.values import clean_name, normalise_phone


class Group(Aggregate):
    """One messaging group of an office, from its registration to its retirement."""

    class Registered(Aggregate.Created):
        office_id: str
        platform: Platform
        name: str
        chat_id: str | None
        party: Party
        actor: str

    class MemberAdded(Aggregate.Event):
        """A party's liaison or operator in the group; `name` and `phone` are sealed with the member's own key."""

        member_id: UUID  # the member's own subject id (domain/personal_data.py)
        name: str
        role: MemberRole
        phone: str | None
        actor: str

        def apply(self, aggregate: Group) -> None:
            aggregate.members = (*aggregate.members, Member(self.member_id, self.name, self.role, self.phone))

    class MemberRemoved(Aggregate.Event):
        member_id: UUID
        actor: str

        def apply(self, aggregate: Group) -> None:
            aggregate.members = tuple(m for m in aggregate.members if m.member_id != self.member_id)

    class WatcherAssigned(Aggregate.Event):
        user_id: str  # a staff account's id at this office
        actor: str

        def apply(self, aggregate: Group) -> None:
            aggregate.watchers = (*aggregate.watchers, self.user_id)

    class WatcherUnassigned(Aggregate.Event):
        user_id: str
        actor: str

        def apply(self, aggregate: Group) -> None:
            aggregate.watchers = tuple(w for w in aggregate.watchers if w != self.user_id)

    class Retired(Aggregate.Event):
        """The group was left or closed: kept on the record, read by nobody, offered to no clip."""

        actor: str

        def apply(self, aggregate: Group) -> None:
            aggregate.retired = True

    def __init__(self, office_id: str, platform: Platform, name: str, chat_id: str | None, party: Party,
                 actor: str) -> None:
        self.office_id = office_id
        self.platform = platform
        self.name = name
        self.chat_id = chat_id
        self.party = party
        self.members: tuple[Member, ...] = ()
        self.watchers: tuple[str, ...] = ()
        self.retired = False

    @classmethod
    def register(cls, *, office_id: str, platform: Platform, name: str, chat_id: str | None, party: Party,
                 actor: str, at: datetime, id: UUID | None = None) -> Group:
        return cls._create(
            cls.Registered, id=id or uuid4(), timestamp=at, office_id=office_id, platform=platform,
            name=clean_name(name, "name", MAX_GROUP_NAME), chat_id=check_chat_id(platform, chat_id), party=party,
            actor=actor,
        )

    def add_member(self, name: str, role: MemberRole, phone: str | None, actor: str, at: datetime,
                   member_id: UUID | None = None) -> UUID:
        self._check_active()
        if len(self.members) >= MAX_MEMBERS:
            raise TooManyMembers(field="name", limit=MAX_MEMBERS)
        checked = Member(member_id or uuid4(), clean_name(name, "name"), MemberRole(role),
                         normalise_phone(phone) if phone and phone.strip() else None)
        if any((m.phone is not None and m.phone == checked.phone) or m.name.casefold() == checked.name.casefold()
               for m in self.members):
            raise MemberAlreadyListed(field="name")
        self.trigger_event(self.MemberAdded, timestamp=at, member_id=checked.member_id, name=checked.name,
                           role=checked.role, phone=checked.phone, actor=actor)
        return checked.member_id

    def remove_member(self, member_id: UUID, actor: str, at: datetime) -> None:
        self._check_active()
        if not any(m.member_id == member_id for m in self.members):
            raise UnknownMember()
        self.trigger_event(self.MemberRemoved, timestamp=at, member_id=member_id, actor=actor)

    def assign_watcher(self, user_id: str, actor: str, at: datetime) -> None:
        self._check_active()
        if user_id in self.watchers:
            raise AlreadyWatching(field="user_id")
        self.trigger_event(self.WatcherAssigned, timestamp=at, user_id=user_id, actor=actor)

    def unassign_watcher(self, user_id: str, actor: str, at: datetime) -> None:
        if user_id not in self.watchers:
            raise NotWatching(field="user_id")
        self.trigger_event(self.WatcherUnassigned, timestamp=at, user_id=user_id, actor=actor)

    def retire(self, actor: str, at: datetime) -> None:
        self._check_active()
        self.trigger_event(self.Retired, timestamp=at, actor=actor)

    def member_named(self, shown: str) -> Member | None:
        """The member a clip's sender (as the group shows them: a name, or a number) is, if the register knows."""
        text = shown.strip().casefold()
        # A number the phone shows ("+62 812-3456-7890", "0812 3456 7890"): its last nine digits decide.
        digits = re.sub(r"[^0-9]", "", shown)[-9:]
        for member in self.members:
            if member.name.casefold() == text:
                return member
            if len(digits) == 9 and member.phone and member.phone.endswith(digits):
                return member
        return None

    def _check_active(self) -> None:
        if self.retired:
            raise GroupRetired()
