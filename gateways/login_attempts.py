"""Wrong logins counted in this process's memory, per account and per address (the LoginAttempts port).

A node is one process; a restart forgets the counts, which only gives a guesser a fresh start as slow as before.
The table is bounded: the least recently touched key goes first, so names made up by the thousand cannot fill memory.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from domain.login_limits import Failures

MAX_KEYS = 100_000


class MemoryLoginAttempts:
    def __init__(self, max_keys: int = MAX_KEYS) -> None:
        self._seen: OrderedDict[str, Failures] = OrderedDict()
        self._lock = threading.Lock()
        self._max_keys = max_keys

    def get(self, key: str) -> Failures | None:
        with self._lock:
            return self._seen.get(key)

    def update(self, key: str, change: Callable[[Failures | None], Failures | None]) -> Failures | None:
        with self._lock:
            new = change(self._seen.get(key))
            if new is None:
                self._seen.pop(key, None)
                return None
            self._seen[key] = new
            self._seen.move_to_end(key)
            while len(self._seen) > self._max_keys:
                self._seen.popitem(last=False)
            return new
