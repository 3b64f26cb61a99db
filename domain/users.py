"""Staff accounts: a person with one SOP role at one office; the password is held only as a hash."""

from __future__ import annotations

import re
from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.errors import InvalidUsername, UserInactive, WeakPassword
from domain.roles import Role
from domain.values import MAX_NAME, clean_name

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,31}$")
MIN_PASSWORD = 10


def normalise_username(raw: str) -> str:
    name = raw.strip().lower()
    if not _USERNAME.match(name):
        raise InvalidUsername(field="username")
    return name


def check_password_strength(password: str) -> None:
    """Ten characters at least; a front desk tablet is a shared device."""
    if len(password) < MIN_PASSWORD or len(password) > 200:
        raise WeakPassword(field="password", minimum=MIN_PASSWORD)


class User(Aggregate):
    """A staff member's account on this node."""

    class Registered(Aggregate.Created):
        username: str
        full_name: str
        role: Role
        office_id: str
        password_hash: str
        actor: str

    class PasswordChanged(Aggregate.Event):
        password_hash: str
        actor: str

        def apply(self, aggregate: User) -> None:
            aggregate.password_hash = self.password_hash
            aggregate.session_generation += 1

    class RoleChanged(Aggregate.Event):
        role: Role
        actor: str

        def apply(self, aggregate: User) -> None:
            aggregate.role = self.role
            aggregate.session_generation += 1

    class SessionsRevoked(Aggregate.Event):
        """Every token issued so far stops working (logout, lost tablet)."""

        actor: str

        def apply(self, aggregate: User) -> None:
            aggregate.session_generation += 1

    class Deactivated(Aggregate.Event):
        actor: str

        def apply(self, aggregate: User) -> None:
            aggregate.active = False
            aggregate.session_generation += 1

    @staticmethod
    def create_id(username: str) -> UUID:
        """One account per username on a node: the id is derived from it."""
        return uuid5(NAMESPACE_URL, f"helpdesk-sipol:user:{username}")

    def __init__(
        self, username: str, full_name: str, role: Role, office_id: str, password_hash: str, actor: str
    ) -> None:
        self.username = username
        self.full_name = full_name
        self.role = role
        self.office_id = office_id
        self.password_hash = password_hash
        self.active = True
        self.session_generation = 0

    @classmethod
    def register(
        cls,
        *,
        username: str,
        full_name: str,
        role: Role,
        office_id: str,
        password_hash: str,
        actor: str,
        at: datetime,
    ) -> User:
        name = normalise_username(username)
        return cls._create(
            cls.Registered,
            id=cls.create_id(name),
            timestamp=at,
            username=name,
            full_name=clean_name(full_name, "full_name", MAX_NAME),
            role=role,
            office_id=office_id,
            password_hash=password_hash,
            actor=actor,
        )

    def change_password(self, password_hash: str, actor: str, at: datetime) -> None:
        self._check_active()
        self.trigger_event(self.PasswordChanged, timestamp=at, password_hash=password_hash, actor=actor)

    def change_role(self, role: Role, actor: str, at: datetime) -> None:
        self._check_active()
        self.trigger_event(self.RoleChanged, timestamp=at, role=role, actor=actor)

    def revoke_sessions(self, actor: str, at: datetime) -> None:
        self.trigger_event(self.SessionsRevoked, timestamp=at, actor=actor)

    def deactivate(self, actor: str, at: datetime) -> None:
        self._check_active()
        self.trigger_event(self.Deactivated, timestamp=at, actor=actor)

    def _check_active(self) -> None:
        if not self.active:
            raise UserInactive()
