"""Signing in under the login limits: wrong logins counted per account and per address (domain/login_limits.py),
a locked account or a flooding address told how long to wait, a right login to another account never held up."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from uuid import UUID

from domain.errors import InvalidCredentials, LoginThrottled, TotpInvalid
from domain.login_limits import LoginLimits, account_failed, address_failed, seconds_to_wait, wait
from services.accounts import AccountCommands
from services.ports import Clock, LoginAttempts
from services.views import UserView

# What counts as a wrong login: a wrong password (or unknown account) and a wrong authenticator code. A missing code
# (the first step of a login with a second factor) and an account of another office are not guesses.
_GUESSES = (InvalidCredentials, TotpInvalid)


class SignIn:
    def __init__(self, accounts: AccountCommands, attempts: LoginAttempts, limits: LoginLimits, clock: Clock) -> None:
        self.accounts = accounts
        self.attempts = attempts
        self.limits = limits
        self.clock = clock

    def sign_in(self, username: str, password: str, address: str, code: str | None = None) -> tuple[UserView, int]:
        """The user and their session generation; LoginThrottled while the account or the address must wait."""
        account = _account_key(username)
        return self._guarded(account, address, lambda: self.accounts.check_login(username, password, code))

    def second_factor(self, user_id: UUID, generation: int, address: str, code: str) -> tuple[UserView, int]:
        """The code step of a login whose password was right (the page's signed pending login names the user); a
        wrong code counts against the account like a wrong password."""
        username = self.accounts.get_user(user_id).username
        return self._guarded(_account_key(username), address,
                             lambda: self.accounts.check_second_factor(user_id, generation, code))

    def confirm_password(self, user: UserView, password: str, address: str) -> None:
        """The current password, asked again before it is changed: a stolen session guesses it under the same
        limits as a login."""

        def check() -> tuple[UserView, int]:
            if self.accounts.authenticate(user.username, password) is None:
                raise InvalidCredentials(field="current_password")
            return user, 0

        self._guarded(_account_key(user.username), address, check)

    def _guarded(self, account: str, address: str, check: Callable[[], tuple[UserView, int]]) -> tuple[UserView, int]:
        now = self.clock()
        address_key = f"address:{address}"
        self._check_waiting(account, address_key, now)
        try:
            found = check()
        except _GUESSES:
            self.attempts.update(account, lambda seen: account_failed(seen, now, self.limits))
            self.attempts.update(address_key, lambda seen: address_failed(seen, now, self.limits))
            # The failure that locks says so at once, rather than at the next try.
            self._check_waiting(account, address_key, now)
            raise
        # A right login clears the account's count; the address keeps its own (others may still be guessing there).
        self.attempts.update(account, lambda _: None)
        return found

    def _check_waiting(self, account: str, address_key: str, now: datetime) -> None:
        # `by` names what waits longest, the address on a tie: an address that waits holds every account behind it.
        left = {by: w for by, key in (("account", account), ("address", address_key))
                if (w := wait(self.attempts.get(key), now)) is not None}
        if left:
            by = max(("address", "account"), key=lambda name: left.get(name, timedelta(0)))
            raise LoginThrottled(retry_after_seconds=seconds_to_wait(left[by]), by=by)


def _account_key(username: str) -> str:
    # Counted by the name typed, whether or not such an account exists: a lock says nothing about who has one.
    return f"account:{username.strip().lower()[:64]}"
