"""The session check's cache (services/session_cache.py): a state is reused only while its account has no later event,
reloaded when it has, and at most `capacity` users are held, the least recently used forgotten first."""

from __future__ import annotations

import uuid
from uuid import UUID

import pytest

from services.session_cache import SessionCache


class Accounts:
    """A store of account versions and the states read from them, counting the full loads."""

    def __init__(self) -> None:
        self.versions: dict[UUID, int] = {}
        self.states: dict[UUID, str] = {}
        self.loads: list[UUID] = []

    def save(self, user_id: UUID, state: str) -> None:
        self.versions[user_id] = self.versions.get(user_id, 0) + 1
        self.states[user_id] = state

    def changed_since(self, user_id: UUID, version: int) -> bool:
        return self.versions.get(user_id, 0) > version

    def load(self, user_id: UUID) -> tuple[str, int] | None:
        self.loads.append(user_id)
        if user_id not in self.versions:
            return None
        return self.states[user_id], self.versions[user_id]


def state(cache: SessionCache[str], accounts: Accounts, user_id: UUID) -> str | None:
    return cache.state(user_id, accounts.changed_since, accounts.load)


def test_a_state_is_loaded_once_and_reused_while_the_account_has_no_later_event() -> None:
    accounts, cache = Accounts(), SessionCache[str](8)
    ani = uuid.uuid4()
    accounts.save(ani, "ani: aktif, generasi 0")

    # The first check loads the account; the next ones only ask whether anything came after.
    assert state(cache, accounts, ani) == "ani: aktif, generasi 0"
    assert state(cache, accounts, ani) == "ani: aktif, generasi 0"
    assert state(cache, accounts, ani) == "ani: aktif, generasi 0"
    assert accounts.loads == [ani]


def test_a_later_event_of_the_account_makes_the_next_check_reload_it() -> None:
    accounts, cache = Accounts(), SessionCache[str](8)
    ani = uuid.uuid4()
    accounts.save(ani, "ani: aktif, generasi 0")
    assert state(cache, accounts, ani) == "ani: aktif, generasi 0"

    # Another process deactivates the account: the very next check sees it.
    accounts.save(ani, "ani: nonaktif")
    assert state(cache, accounts, ani) == "ani: nonaktif"
    assert state(cache, accounts, ani) == "ani: nonaktif"
    assert accounts.loads == [ani, ani]


def test_an_unknown_account_is_never_held() -> None:
    accounts, cache = Accounts(), SessionCache[str](8)
    nobody = uuid.uuid4()

    assert state(cache, accounts, nobody) is None
    assert state(cache, accounts, nobody) is None
    assert len(cache) == 0 and accounts.loads == [nobody, nobody]

    # Registered afterwards (the same id: ids come from usernames), it is found at once.
    accounts.save(nobody, "baru")
    assert state(cache, accounts, nobody) == "baru"


def test_the_cache_holds_at_most_its_capacity_forgetting_the_least_recently_used() -> None:
    accounts, cache = Accounts(), SessionCache[str](3)
    users = [uuid.uuid4() for _ in range(5)]
    for number, user_id in enumerate(users):
        accounts.save(user_id, f"petugas {number}")
    for user_id in users[:3]:
        state(cache, accounts, user_id)
    # The first user checks again, so the second is now the least recently used.
    state(cache, accounts, users[0])

    state(cache, accounts, users[3])
    assert len(cache) == 3
    accounts.loads.clear()
    state(cache, accounts, users[0])
    state(cache, accounts, users[2])
    state(cache, accounts, users[3])
    assert accounts.loads == []  # still held
    state(cache, accounts, users[1])
    assert accounts.loads == [users[1]]  # forgotten, loaded again

    # However many users sign in, no more than the capacity are held.
    for user_id in users * 3:
        state(cache, accounts, user_id)
    assert len(cache) == 3


def test_a_slow_reload_of_an_older_version_does_not_replace_a_newer_state() -> None:
    accounts, cache = Accounts(), SessionCache[str](8)
    ani = uuid.uuid4()
    accounts.save(ani, "generasi 0")
    stale = accounts.load(ani)
    accounts.save(ani, "generasi 1")
    assert state(cache, accounts, ani) == "generasi 1"

    # A check that read the account before the change finishes after the one that read it after: the newer state
    # stays held, and the next check reuses it without loading.
    assert cache.state(ani, lambda *_: True, lambda _: stale) == "generasi 0"
    loads = len(accounts.loads)
    assert state(cache, accounts, ani) == "generasi 1"
    assert len(accounts.loads) == loads


def test_a_cache_holds_at_least_one_user() -> None:
    with pytest.raises(ValueError):
        SessionCache[str](0)
