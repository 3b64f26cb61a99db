"""How often one client address may ask a public page (the FAQ Sipol at /faq, the tracking link at /lacak/…): counted
in this process's memory with the login limits' bounded table (gateways/login_attempts.py) and their window per
address (domain/login_limits.py), every request counted as a wrong login is. One limiter per page, built once in the
composition root (gateways/app.py); the address is the one gateways/edge/client_address.py names (a trusted proxy's
X-Forwarded-For, else the connecting address)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from domain.login_limits import LoginLimits, address_failed, seconds_to_wait, wait
from gateways.login_attempts import MemoryLoginAttempts


class RequestLimit:
    """At most `per_minute` requests from one address in a minute."""

    def __init__(self, per_minute: int, clock: Callable[[], datetime]) -> None:
        # The window's limit-th count is the one that waits: one more than the requests let through.
        self._limits = LoginLimits(address_failures=per_minute + 1, address_window=timedelta(minutes=1))
        self._counts = MemoryLoginAttempts()
        self._clock = clock

    def seconds_to_wait(self, address: str) -> int | None:
        """Counts this request; None when it may go on, else how many seconds the address must wait."""
        now = self._clock()
        counted = self._counts.update(address, lambda failures: address_failed(failures, now, self._limits))
        left = wait(counted, now)
        return seconds_to_wait(left) if left is not None else None
