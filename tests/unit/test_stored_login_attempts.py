"""The login counts kept in the read store (worker mode: every HTTP process shares them): what the domain computes is
what comes back, a right login removes the count, and counts that say nothing any more leave the table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import msgspec

from domain.login_limits import Failures, LoginLimits, account_failed, wait
from gateways.heartbeat import STALE_SECONDS, Beat, WorkerState
from gateways.login_attempts import TABLE, StoredLoginAttempts
from gateways.readstore import SqliteReadStore

NOW = datetime(2024, 7, 29, 1, 30, 0, 123456, tzinfo=UTC)
LIMITS = LoginLimits(account_failures=3)


def test_counts_round_trip_and_a_right_login_removes_them() -> None:
    attempts = StoredLoginAttempts(SqliteReadStore(":memory:"), forget=timedelta(days=1))
    for n in range(3):
        counted = attempts.update("account:meja", lambda seen, n=n: account_failed(seen, NOW + timedelta(seconds=n),
                                                                                   LIMITS))
    # The third wrong login locked the account: the lock is stored to the microsecond.
    assert counted is not None and counted.until is not None
    assert attempts.get("account:meja") == counted
    assert wait(attempts.get("account:meja"), NOW + timedelta(seconds=3)) is not None
    assert attempts.update("account:meja", lambda _: None) is None
    assert attempts.get("account:meja") is None


def test_counts_that_say_nothing_any_more_leave_as_others_are_written() -> None:
    store = SqliteReadStore(":memory:")
    attempts = StoredLoginAttempts(store, forget=timedelta(days=1))
    for n in range(50):  # names made up by a guesser, two days ago
        attempts.update(f"account:tebakan-{n}", lambda _: Failures(1, NOW - timedelta(days=2), NOW - timedelta(days=2)))
    attempts.update("account:meja", lambda _: Failures(1, NOW, NOW))
    assert store.query(f"SELECT key FROM {TABLE}") == [("account:meja",)]


def test_a_beat_older_than_the_stale_bound_says_the_worker_is_gone() -> None:
    state = WorkerState(1, "host", NOW.isoformat(), 0, None)
    assert Beat(state, 0.5).status == "alive"
    assert Beat(state, STALE_SECONDS + 0.1).status == "stale"
    assert Beat(msgspec.structs.replace(state, stopped=True), 0.5).status == "stopped"
