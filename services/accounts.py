"""Staff accounts of this node (part of the Helpdesk application, so they are in its log and its audit chain);
passwords are checked through a hasher port. (The office's list of accounts is a read model:
projections/user_queries.py.)"""

from __future__ import annotations

from collections.abc import Container
from typing import ClassVar
from uuid import UUID

import msgspec

from domain.errors import (
    ConcurrentChange,
    InvalidCredentials,
    InvalidUsername,
    NotFound,
    TotpCodeWrong,
    TotpInvalid,
    TotpRequired,
    UserInactive,
    UsernameTaken,
)
from domain.offices import OfficeId, parse_office_id
from domain.roles import Role, check_may_appoint, check_may_manage
from domain.users import (
    User,
    check_office_of_new_account,
    check_password_strength,
    check_serves,
    normalise_username,
    totp_offered,
)
from services.base import NodeApplication
from services.ports import Clock, PasswordHasher, TotpCodes
from services.session_cache import SessionCache
from services.views import UserView

TOTP_ISSUER = "Helpdesk SIPOL"


class TotpEnrolment(msgspec.Struct, frozen=True):
    """What an authenticator app needs: the secret to type, or the otpauth:// address a QR code carries."""

    secret: str
    uri: str


class AccountSecurity(msgspec.Struct, frozen=True):
    totp_offered: bool  # the role may add a second factor
    totp_on: bool  # login asks for the app's code
    totp_pending: bool  # a secret was issued and waits for its first code


class AccountCommands(NodeApplication):
    """Accounts live in the node's one log: role changes and deactivations are sealed in the audit chain."""

    hasher: PasswordHasher
    office: OfficeId  # the node's office: the only one whose staff it serves
    # Set by the composition root: the list of common passwords (lower-case) and the authenticator codes.
    common_passwords: Container[str] = frozenset()
    totp: TotpCodes | None = None
    _dummy_hash: str | None = None
    # How many users' session states the token check keeps (services/session_cache.py): the office's staff and more.
    session_cache_size: ClassVar[int] = 4096

    def __init__(self, env: dict[str, str] | None = None, *, clock: Clock) -> None:
        super().__init__(env, clock=clock)
        self.session_cache: SessionCache[tuple[UserView, int] | None] = SessionCache(self.session_cache_size)

    def register_user(
        self, username: str, full_name: str, role: Role, office_id: str, password: str, actor: str
    ) -> UUID:
        """The administrator's way in (CLI, tests): any role, of this node's office only."""
        office = parse_office_id(office_id)
        check_office_of_new_account(office.value, self.office.value)
        name = normalise_username(username)
        check_password_strength(password, name, self.common_passwords)
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

    def add_staff(self, by: UserView, username: str, full_name: str, role: Role, password: str) -> UUID:
        """A member of the team added by the one who appoints it (domain/roles.py APPOINTS), at this office."""
        check_may_appoint(by.role, role)
        return self.register_user(username, full_name, role, self.office.value, password, by.username)

    def change_staff_role(self, by: UserView, user_id: UUID, role: Role) -> None:
        user = self._staff_of(by, user_id)
        check_may_manage(by.role, user.role, own=user.id == by.id, new_role=role)
        user.change_role(role, by.username, self.clock())
        self._save(user)

    def deactivate_staff(self, by: UserView, user_id: UUID) -> None:
        user = self._staff_of(by, user_id)
        check_may_manage(by.role, user.role, own=user.id == by.id)
        user.deactivate(by.username, self.clock())
        self._save(user)

    def reactivate_staff(self, by: UserView, user_id: UUID) -> None:
        """A deactivated member of the team back (the same bounds as deactivating: only a role the actor appoints)."""
        user = self._find_user(user_id)  # deactivated, as it must be (`_staff_of` refuses inactive accounts)
        if user is None or user.office_id != by.office_id:
            raise NotFound()
        check_may_manage(by.role, user.role, own=user.id == by.id)
        user.reactivate(by.username, self.clock())
        self._save(user)

    def reset_staff_password(self, by: UserView, user_id: UUID, new_password: str) -> None:
        """A forgotten password replaced by the one who appoints the account (never one's own: /akun is for that);
        every session of the account ends."""
        user = self._staff_of(by, user_id)
        check_may_manage(by.role, user.role, own=user.id == by.id)
        check_password_strength(new_password, user.username, self.common_passwords)
        user.change_password(self.hasher.hash(new_password), by.username, self.clock())
        self._save(user)

    def authenticate(self, username: str, password: str) -> UserView | None:
        """The user when the password matches an active account of this office; None otherwise (never says which)."""
        user = self._password_holder(username, password)
        if user is None or user.office_id != self.office.value:
            return None
        return _view(user)

    def check_login(self, username: str, password: str, code: str | None) -> tuple[UserView, int]:
        """The user and their session generation when the password (and, if the account has one, the authenticator
        code) is right. Refuses with InvalidCredentials (never saying which part was wrong), AccountOfOtherOffice,
        TotpRequired (no code given) or TotpInvalid."""
        user = self._password_holder(username, password)
        if user is None:
            raise InvalidCredentials()
        check_serves(user.office_id, self.office.value)
        if user.totp_secret is not None:
            self._check_code(user, code)
        return _view(user), user.session_generation

    def check_second_factor(self, user_id: UUID, generation: int, code: str) -> tuple[UserView, int]:
        """The code step of a login whose password was right (the page's signed pending login names the user)."""
        user = self._find_user(user_id)
        if user is None or not user.active or user.session_generation != generation:
            raise InvalidCredentials()
        check_serves(user.office_id, self.office.value)
        if user.totp_secret is not None:
            self._check_code(user, code)
        return _view(user), user.session_generation

    def needs_second_factor(self, user_id: UUID) -> bool:
        user = self._find_user(user_id)
        return user is not None and user.totp_secret is not None

    def change_password(self, user_id: UUID, new_password: str, actor: str) -> None:
        user = self._user(user_id)
        check_password_strength(new_password, user.username, self.common_passwords)
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

    def record_nip(self, user_id: UUID, nip: str, actor: str) -> None:
        """The staff member's NIP as they type it on their account page; empty clears it."""
        user = self._user(user_id)
        if user.record_nip(nip, actor, self.clock()):
            self._save(user)

    def nip(self, user_id: UUID) -> str | None:
        return self._user(user_id).nip

    def start_totp(self, user_id: UUID) -> TotpEnrolment:
        """A new secret for the caller's authenticator app; login asks for codes only once one is confirmed."""
        user = self._user(user_id)
        codes = self._codes()
        secret = codes.new_secret()
        user.issue_totp_secret(secret, user.username, self.clock())
        self._save(user)
        return TotpEnrolment(secret, codes.uri(secret, f"{user.username}@{user.office_id}", TOTP_ISSUER))

    def pending_totp(self, user_id: UUID) -> TotpEnrolment | None:
        """The secret issued and not yet confirmed (shown again until it is)."""
        user = self._user(user_id)
        secret = user.pending_totp_secret
        if secret is None:
            return None
        return TotpEnrolment(secret, self._codes().uri(secret, f"{user.username}@{user.office_id}", TOTP_ISSUER))

    def confirm_totp(self, user_id: UUID, code: str) -> None:
        user = self._user(user_id)
        pending = user.pending_totp_secret
        if pending is not None and not self._codes().verify(pending, code.strip(), self.clock()):
            raise TotpCodeWrong(field="code")
        user.enable_totp(user.username, self.clock())
        self._save(user)

    def reset_totp(self, username: str, actor: str) -> bool:
        """The administrator turns the second factor off (a lost phone); False when the account had none."""
        user = self._find_user(User.create_id(normalise_username(username)))
        if user is None:
            raise NotFound(field="username")
        if not user.reset_totp(actor, self.clock()):
            return False
        self._save(user)
        return True

    def account_security(self, user_id: UUID) -> AccountSecurity:
        user = self._user(user_id)
        return AccountSecurity(
            totp_offered=totp_offered(user.role, parse_office_id(user.office_id).tier),
            totp_on=user.totp_secret is not None,
            totp_pending=user.pending_totp_secret is not None,
        )

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
        """The user and their session generation, for checking a token; None when unknown, inactive or of another
        office. Checked on every request: the account is reloaded only when the store holds an event of it after the
        one the cached state was read at (one indexed lookup, whichever process saved it)."""
        return self.session_cache.state(user_id, self._changed_since, self._session_at)

    def _changed_since(self, user_id: UUID, version: int) -> bool:
        return bool(self.recorder.select_events(user_id, gt=version, limit=1))

    def _session_at(self, user_id: UUID) -> tuple[tuple[UserView, int] | None, int] | None:
        """(the session state, the account's version it was read at); None when there is no such account."""
        user = self._find_user(user_id)
        if user is None:
            return None
        if not user.active or user.office_id != self.office.value:
            return None, user.version
        return (_view(user), user.session_generation), user.version

    def _password_holder(self, username: str, password: str) -> User | None:
        """The active account whose password this is; None otherwise, after the same work either way."""
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
        return user

    def _check_code(self, user: User, code: str | None) -> None:
        if not code or not code.strip():
            # Which account and session generation: the login page's code step carries them, signed.
            raise TotpRequired(field="totp_code", user_id=user.id, generation=user.session_generation)
        if not self._codes().verify(user.totp_secret or "", code.strip(), self.clock()):
            raise TotpInvalid(field="totp_code")

    def _codes(self) -> TotpCodes:
        if self.totp is None:
            raise RuntimeError("no TotpCodes adapter wired (gateways/bootstrap.py)")
        return self.totp

    def _staff_of(self, by: UserView, user_id: UUID) -> User:
        """An active account of the caller's office; another office's is not found (not even said to exist)."""
        user = self._user(user_id)
        if user.office_id != by.office_id:
            raise NotFound()
        return user

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
    return msgspec.convert(user, UserView, from_attributes=True)
