"""Read-your-writes without doing the follower's work: a query in an HTTP process of a node in worker mode waits for
the read models to reach the log's head (as it stood when the query began: every write the caller made before is
at or below it), reading their positions, which takes no lock.

Catching up in the query itself, as a node of one process does, takes the read store's one write lock: with several
HTTP processes and the worker all catching up, readers queue behind each other for it (P6 measured 5.5 backends
waiting on that lock). The worker's follower is woken by the log's subscription at once, so the wait is about one of
its batches; should it not come (the worker stopped), the query catches up itself after `patience`, as before."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

POSITIONS = "SELECT name, position FROM rm_tracking"
FIRST_PAUSE = 0.002  # seconds between two readings of the positions, doubled each time up to LONGEST_PAUSE
LONGEST_PAUSE = 0.02


def wait_for_head(read: Callable[[str], Sequence[tuple[object, ...]]], names: Sequence[str], head: int,
                  patience: float, seen: dict[str, int]) -> bool:
    """Whether every read model of `names` reached `head` within `patience` seconds (their positions kept in `seen`,
    the runner's memory of them). `read` runs a plain query on the read store."""
    deadline, pause = time.monotonic() + patience, FIRST_PAUSE
    while True:
        positions = {str(name): int(position) for name, position in read(POSITIONS)}  # type: ignore[call-overload]
        seen.update(positions)
        if all(positions.get(name, 0) >= head for name in names):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(pause)
        pause = min(pause * 2, LONGEST_PAUSE)

