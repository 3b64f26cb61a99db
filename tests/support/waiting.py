"""Waits that end on progress: over as soon as the awaited thing happened, failed only when nothing moved for long
(and `eventually`, its asyncio sibling bounded by a timeout, for the federation tests)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

# How long a wait may see nothing move before it fails. A busy CI machine makes every step slower, never stops it:
# a stall this long means the thing awaited is not coming, whatever the load.
STALL = 180.0


class Stalled(AssertionError):
    """A wait saw no progress for its stall window (or ran past its overall limit)."""


def wait_until(done: Callable[[], T], *, what: str, progress: Callable[[], object] | None = None,
               stall: float = STALL, limit: float | None = None, poll: float = 0.1,
               detail: Callable[[], str] | None = None) -> T:
    """Calls `done` until it returns something truthy, and returns that.

    `progress()` is a value that changes while things move (a count, a tuple of counts); each change restarts the
    `stall` window. Without it, `stall` bounds the whole wait. `limit` (seconds) bounds it however it moves. The
    failure names `what` did not happen, how long was waited and `detail()`, what was seen.
    """
    start = last_move = time.monotonic()
    seen = progress() if progress is not None else None
    while True:
        result = done()
        if result:
            return result
        now = time.monotonic()
        if progress is not None and (current := progress()) != seen:
            seen, last_move = current, now
        overdue = limit is not None and now - start > limit
        if now - last_move > stall or overdue:
            why = f"after {now - start:.0f} s in all" if overdue else f"nothing moved for {now - last_move:.0f} s"
            seen_part = f"; progress {seen!r}" if progress is not None else ""
            raise Stalled(f"{what} did not happen ({why}{seen_part})" + (f": {detail()}" if detail else ""))
        time.sleep(poll)


async def eventually(check: Callable[[], Any], timeout: float = 120.0, what: str = "condition") -> Any:
    """Polls `check` (run in a thread) until it returns something truthy; fails with `what` after `timeout`.

    It returns the moment `check` holds, so the default bound is generous: it only has to catch what will never
    happen, on a machine as busy as a shared CI runner."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = await asyncio.to_thread(check)
        except Exception as error:  # noqa: BLE001 - not there yet (e.g. NotFound) counts as not yet
            last = error
        if last and not isinstance(last, Exception):
            return last
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}; last: {last!r}")
