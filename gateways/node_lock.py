"""The node's locks, files in its data folder (flock: the kernel releases them when a process ends, even killed).

`node.lock` is held shared by every process of the running node — `helpdesk serve` and each of its HTTP processes,
`helpdesk worker` — and exclusively by `helpdesk restore`, which therefore refuses while any of them runs, and stops
any of them from starting while it works. Two exclusive locks say what runs once per node: `serve.lock`, the one
`helpdesk serve` (a second would be a second server of the same office), and `background.lock`, the one runner of the
background work (an inline `helpdesk serve`, or the `helpdesk worker`).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator

from gateways.config import Settings

LOCK_FILE = "node.lock"
SERVE_LOCK = "serve.lock"
BACKGROUND_LOCK = "background.lock"


class NodeRunning(Exception):
    """The lock is held elsewhere: `lock` names which (LOCK_FILE: the node runs, or a restore does)."""

    def __init__(self, lock: str = LOCK_FILE) -> None:
        super().__init__(lock)
        self.lock = lock


def hold_lock(settings: Settings, name: str, *, shared: bool = False) -> int | None:
    """Takes one of the node's locks and keeps it until the descriptor is closed or the process ends; NodeRunning
    when another process holds it (exclusively, or at all when `shared` is False). None for a memory node."""
    if settings.backend == "memory":
        return None
    folder = settings.data_path
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(folder / name, os.O_RDWR | os.O_CREAT, 0o600)  # not inherited by child processes
    try:
        fcntl.flock(descriptor, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        raise NodeRunning(name) from None
    return descriptor


def hold_node_lock(settings: Settings, *, shared: bool = False) -> int | None:
    """`node.lock`: shared by the node's own processes, exclusive for a restore."""
    return hold_lock(settings, LOCK_FILE, shared=shared)


def hold_process_locks(settings: Settings, *, serve: bool, background: bool) -> list[int]:
    """What a process of the running node holds for its life: `node.lock` shared, then `serve.lock` when it is the
    node's `helpdesk serve` and `background.lock` when it runs the background work. NodeRunning names the first lock
    held elsewhere (the ones taken before it are let go)."""
    names = [SERVE_LOCK] * serve + [BACKGROUND_LOCK] * background
    held: list[int] = []
    try:
        for name, shared in [(LOCK_FILE, True), *((name, False) for name in names)]:
            descriptor = hold_lock(settings, name, shared=shared)
            if descriptor is not None:
                held.append(descriptor)
    except NodeRunning:
        release(held)
        raise
    return held


def release(descriptors: list[int]) -> None:
    for descriptor in descriptors:
        os.close(descriptor)  # closing releases the lock


@contextlib.contextmanager
def node_lock(settings: Settings) -> Iterator[None]:
    """The node's lock, exclusively, for the length of a restore."""
    descriptor = hold_node_lock(settings)
    try:
        yield
    finally:
        if descriptor is not None:
            os.close(descriptor)
