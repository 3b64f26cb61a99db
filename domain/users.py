"""Staff accounts: a person with one SOP role at one office; the password is held only as a hash."""

from __future__ import annotations

import re
import string
from collections.abc import Container
from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.errors import (
    AccountOfOtherOffice,
    BlankPassword,
    CommonPassword,
    InvalidUsername,
    OtherOfficeAccount,
    PasswordHasUsername,
    TotpAlreadyOn,
    TotpNotOffered,
    TotpNotStarted,
    UserAlreadyActive,
    UserInactive,
    WeakPassword,
)
from domain.nip import parse_nip
from domain.offices import Tier, parse_office_id
from domain.roles import Permission, Role, may
from domain.values import MAX_NAME, clean_name

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,31}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 200
# Characters other than spaces a password needs, and the share of it they must be: "ten spaces" is no secret.
MIN_VISIBLE = 8
# What people put around a common word ("sayangku2024!", "#bismillah123"): the word is what a guesser tries first.
_DECORATION = string.digits + string.punctuation
# A core shorter than this is digits and symbols with a letter or two ("abc1234567"): as guessable as a date.
MIN_CORE = 4
# The Ketua and the commissioners hold the accounts that decide and appoint; at the centre whoever reads the audit of
# every office too. They may add a second factor (an authenticator app's code).
_TOTP_ROLES = frozenset({Role.KETUA_HELPDESK, Role.ANGGOTA_KPU})


def normalise_username(raw: str) -> str:
    name = raw.strip().lower()
    if not _USERNAME.match(name):
        raise InvalidUsername(field="username")
    return name


def check_password_strength(password: str, username: str = "", common: Container[str] = frozenset()) -> None:
    """Ten characters at least, not mostly spaces, not the username, not a password people use most (`common`,
    lower-case), with or without digits and symbols around it: a front desk tablet is a shared device."""
    if len(password) < MIN_PASSWORD or len(password) > MAX_PASSWORD:
        raise WeakPassword(field="password", minimum=MIN_PASSWORD)
    visible = "".join(password.split())
    if len(visible) < MIN_VISIBLE or 2 * len(visible) < len(password):
        raise BlankPassword(field="password")
    name = username.strip().lower()
    if name and (name in password.lower() or name in visible.lower()):
        raise PasswordHasUsername(field="password")
    lowered = visible.lower()
    core = lowered.strip(_DECORATION)
    if lowered in common or core in common or len(core) < MIN_CORE or len(set(lowered)) < 4:
        raise CommonPassword(field="password")


def check_office_of_new_account(office_id: str, node_office: str) -> None:
    """One node serves one office's staff: its accounts are of its own office."""
    if office_id != node_office:
        raise OtherOfficeAccount(field="office_id")


def check_serves(user_office: str, node_office: str) -> None:
    """An account of another office (made before the rule above) neither signs in nor keeps a session here."""
    if user_office != node_office:
        raise AccountOfOtherOffice()


def totp_offered(role: Role, tier: Tier) -> bool:
    return role in _TOTP_ROLES or (tier is Tier.PUSAT and may(role, Permission.READ_AUDIT))


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

    class Reactivated(Aggregate.Event):
        """A deactivated account back in use (a member of the team returned); it signs in with its password."""

        actor: str

        def apply(self, aggregate: User) -> None:
            aggregate.active = True
            aggregate.session_generation += 1

    class TotpSecretIssued(Aggregate.Event):
        """A new authenticator secret, waiting for its first code; login does not ask for a code until then. The
        field's name keeps it out of the audit summary (domain/audit_summary.py drops fields named like secrets)."""

        totp_secret: str
        actor: str

        def apply(self, aggregate: User) -> None:
            aggregate.pending_totp_secret = self.totp_secret

    class TotpEnabled(Aggregate.Event):
        """The app's code matched: from now on login asks for a code; sessions made without one end."""

        actor: str

        def apply(self, aggregate: User) -> None:
            aggregate.totp_secret = aggregate.pending_totp_secret
            aggregate.pending_totp_secret = None
            aggregate.session_generation += 1

    class TotpReset(Aggregate.Event):
        """The second factor turned off (a lost phone): the administrator's command."""

        actor: str

        def apply(self, aggregate: User) -> None:
            aggregate.totp_secret = None
            aggregate.pending_totp_secret = None
            aggregate.session_generation += 1

    class NipRecorded(Aggregate.Event):
        """The staff member's NIP, printed under their name where they sign a report; None: they have none."""

        nip: str | None
        actor: str

        def apply(self, aggregate: User) -> None:
            aggregate.nip = self.nip

    # Accounts registered before the second factor (or the NIP) existed have no such attributes of their own.
    totp_secret: str | None = None
    pending_totp_secret: str | None = None
    nip: str | None = None

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

    def reactivate(self, actor: str, at: datetime) -> None:
        if self.active:
            raise UserAlreadyActive()
        self.trigger_event(self.Reactivated, timestamp=at, actor=actor)

    def issue_totp_secret(self, secret: str, actor: str, at: datetime) -> None:
        self._check_active()
        if not totp_offered(self.role, parse_office_id(self.office_id).tier):
            raise TotpNotOffered()
        if self.totp_secret is not None:
            raise TotpAlreadyOn()
        self.trigger_event(self.TotpSecretIssued, timestamp=at, totp_secret=secret, actor=actor)

    def enable_totp(self, actor: str, at: datetime) -> None:
        self._check_active()
        if self.pending_totp_secret is None:
            raise TotpNotStarted()
        self.trigger_event(self.TotpEnabled, timestamp=at, actor=actor)

    def reset_totp(self, actor: str, at: datetime) -> bool:
        """Turns the second factor off; False when there was none (nothing recorded)."""
        if self.totp_secret is None and self.pending_totp_secret is None:
            return False
        self.trigger_event(self.TotpReset, timestamp=at, actor=actor)
        return True

    def record_nip(self, raw: str, actor: str, at: datetime) -> bool:
        """Records the NIP as typed (checked: 18 digits); False when it is the one already recorded."""
        self._check_active()
        nip = parse_nip(raw)
        if nip == self.nip:
            return False
        self.trigger_event(self.NipRecorded, timestamp=at, nip=nip, actor=actor)
        return True

    def _check_active(self) -> None:
        if not self.active:
            raise UserInactive()
