"""Staff accounts of this node (part of the Helpdesk application, so they are in its log and its audit chain);
passwords are checked through a hasher port. (The office's list of accounts is a read model:
projections/user_queries.py.)"""

from __future__ import annotations

from uuid import UUID

from domain.errors import ConcurrentChange, InvalidUsername, NotFound, UserInactive, UsernameTaken
from domain.offices import parse_office_id
from domain.roles import Role
from domain.users import User, check_password_strength, normalise_username
from services.base import NodeApplication
from services.ports import PasswordHasher
from services.views import UserView


class AccountCommands(NodeApplication):
    """Accounts live in the node's one log: role changes and deactivations are sealed in the audit chain."""

    hasher: PasswordHasher
    _dummy_hash: str | None = None

    def register_user(
        self, username: str, full_name: str, role: Role, office_id: str, password: str, actor: str
    ) -> UUID:
        office = parse_office_id(office_id)
        check_password_strength(password)
        name = normalise_username(username)
        if self._find_user(User.create_id(name)) is not None:
            raise UsernameTaken(field="username")
        user = User.register(
            username=name,
            full_name=full_name,
            role=role,
            office_id=office.value,
            password_hash=self.hasher.hash(password),
            actor=actor,
            at=self.clock(),
        )
        try:
            self._save(user)
        except ConcurrentChange:
            # Someone registered the same username between our check and our save.
            raise UsernameTaken(field="username") from None
        return user.id

    def authenticate(self, username: str, password: str) -> UserView | None:
        """The user when the password matches an active account; None otherwise (never says which)."""
        try:
            user = self._find_user(User.create_id(normalise_username(username)))
        except InvalidUsername:
            user = None
        if user is None:
            # Verify against a throwaway hash so a missing account takes as long as a wrong password.
            if self._dummy_hash is None:
                self._dummy_hash = self.hasher.hash("not-a-real-password")
            self.hasher.verify(self._dummy_hash, password)
            return None
        if not self.hasher.verify(user.password_hash, password) or not user.active:
            return None
        return _view(user)

    def change_password(self, user_id: UUID, new_password: str, actor: str) -> None:
        check_password_strength(new_password)
        user = self._user(user_id)
        user.change_password(self.hasher.hash(new_password), actor, self.clock())
        self._save(user)

    def change_role(self, user_id: UUID, role: Role, actor: str) -> None:
        user = self._user(user_id)
        user.change_role(role, actor, self.clock())
        self._save(user)

    def revoke_sessions(self, user_id: UUID, actor: str) -> None:
        user = self._user(user_id)
        user.revoke_sessions(actor, self.clock())
        self._save(user)

    def deactivate(self, user_id: UUID, actor: str) -> None:
        user = self._user(user_id)
        user.deactivate(actor, self.clock())
        self._save(user)

    def get_user(self, user_id: UUID) -> UserView:
        """Active or not: the view says which."""
        user = self._find_user(user_id)
        if user is None:
            raise NotFound()
        return _view(user)

    def full_name(self, username: str) -> str:
        """The name printed under a signature; the username itself when there is no such account."""
        user = self._find_user(User.create_id(username))
        return user.full_name if user is not None else username

    def session_state(self, user_id: UUID) -> tuple[UserView, int] | None:
        """The user and their session generation, for checking a token; None when unknown or inactive."""
        user = self._find_user(user_id)
        if user is None or not user.active:
            return None
        return _view(user), user.session_generation

    def _user(self, user_id: UUID) -> User:
        user = self._find_user(user_id)
        if user is None:
            raise NotFound()
        if not user.active:
            raise UserInactive()
        return user

    def _find_user(self, user_id: UUID) -> User | None:
        try:
            found = self._load(user_id)
        except NotFound:
            return None
        return found if isinstance(found, User) else None


def _view(user: User) -> UserView:
    return UserView(
        id=user.id,
        username=user.username,
        full_name=user.full_name,
        role=user.role,
        office_id=user.office_id,
        active=user.active,
    )
