"""How many wrong logins an account and an address may make, and how long each then waits.

Two counts, so that one person's guessing never locks out the rest of the office: an account locks after a few
failures in a row, each lock twice as long as the one before; an address (a front office's tablets share one) only
after many failures in a window, to stop someone trying one password on every account.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta


@dataclass(frozen=True)
class LoginLimits:
    account_failures: int = 5  # wrong logins in a row before the account locks
    first_lock: timedelta = timedelta(minutes=5)
    longest_lock: timedelta = timedelta(hours=24)
    address_failures: int = 100  # wrong logins from one address in `address_window` before it waits
    address_window: timedelta = timedelta(minutes=15)
    forget_after: timedelta = timedelta(hours=24)  # an account's count starts again after a quiet day


@dataclass(frozen=True)
class Failures:
    """Wrong logins counted for one account or one address."""

    count: int  # since the last lock (account) or since `since` (address)
    since: datetime  # the first failure counted
    last: datetime
    locks: int = 0  # how many times the account locked: each lock doubles
    until: datetime | None = None  # waits until then


def wait(failures: Failures | None, now: datetime) -> timedelta | None:
    """How long a login must wait; None when it may try now."""
    if failures is None or failures.until is None or failures.until <= now:
        return None
    return failures.until - now


def account_failed(failures: Failures | None, now: datetime, limits: LoginLimits) -> Failures:
    """One more wrong login for an account: the `account_failures`-th in a row locks it, longer each time."""
    if failures is None or now - failures.last > limits.forget_after:
        failures = Failures(count=0, since=now, last=now)
    count = failures.count + 1
    if count < limits.account_failures:
        return replace(failures, count=count, last=now)
    lock = min(limits.first_lock * 2**min(failures.locks, 32), limits.longest_lock)
    return replace(failures, count=0, last=now, locks=failures.locks + 1, until=now + lock)


def address_failed(failures: Failures | None, now: datetime, limits: LoginLimits) -> Failures:
    """One more wrong login from an address: past `address_failures` in the window, it waits for the window's end."""
    if failures is None or now - failures.since >= limits.address_window:
        failures = Failures(count=0, since=now, last=now)
    count = failures.count + 1
    until = failures.since + limits.address_window if count >= limits.address_failures else None
    return replace(failures, count=count, last=now, until=until)


def minutes_to_wait(seconds: int) -> int:
    """The wait said to a person: whole minutes, rounded up ("Coba lagi dalam 5 menit"), never 0."""
    return max(1, math.ceil(seconds / 60))


def seconds_to_wait(left: timedelta) -> int:
    return max(1, math.ceil(left.total_seconds()))
