"""The session check's memory: each user's session state as read at a version of their account, reused for as long
as the store holds no later event of that account, for the most recently seen users only."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar
from uuid import UUID

State = TypeVar("State")


class SessionCache(Generic[State]):
    """At most `capacity` users' states, the least recently used forgotten first.

    Nothing here expires by time: every `state` call asks the store (`changed_since`) whether the account has any
    event after the version its state was read at, so a password change, deactivation or role change saved by any
    process that shares the store is seen by the next check. Only the full reload (`load`) is saved."""

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError("a session cache holds at least one user")
        self.capacity = capacity
        self._states: OrderedDict[UUID, tuple[State, int]] = OrderedDict()
        self._lock = threading.Lock()  # checks run in worker threads, several at once

    def __len__(self) -> int:
        return len(self._states)

    def state(
        self,
        user_id: UUID,
        changed_since: Callable[[UUID, int], bool],
        load: Callable[[UUID], tuple[State, int] | None],
    ) -> State | None:
        """The user's state: the one held when `changed_since(user_id, version)` says nothing came after it, else
        `load(user_id)`'s (state, version), then held; None (and nothing held) when `load` finds no such account."""
        with self._lock:
            held = self._states.get(user_id)
            if held is not None:
                self._states.move_to_end(user_id)
        if held is not None and not changed_since(user_id, held[1]):
            return held[0]
        loaded = load(user_id)
        with self._lock:
            if loaded is None:
                self._states.pop(user_id, None)
                return None
            current = self._states.get(user_id)
            # Two checks may reload the same account at once: the later version stays.
            if current is None or current[1] <= loaded[1]:
                self._states[user_id] = loaded
                self._states.move_to_end(user_id)
            while len(self._states) > self.capacity:
                self._states.popitem(last=False)
        return loaded[0]
