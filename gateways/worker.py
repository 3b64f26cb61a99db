"""`helpdesk worker`'s body: the node's background work (gateways/app.py background_work) without HTTP, and its
heartbeat (gateways/heartbeat.py), until SIGTERM or SIGINT."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack
from typing import Any

import structlog

from gateways.heartbeat import BEAT_SECONDS, WorkerState

log = structlog.get_logger("helpdesk.worker")


async def run(work: Sequence[Callable[[Any], AbstractAsyncContextManager[None]]], beat: Callable[[WorkerState], None],
              state: Callable[[bool], WorkerState], every: float = BEAT_SECONDS) -> None:
    """Starts every part of `work`, beats every `every` seconds while they run, stops them in reverse order on SIGTERM
    or SIGINT, then beats once more saying it stopped."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(number, stop.set)
    async with AsyncExitStack() as stack:
        for part in work:
            await stack.enter_async_context(part(None))
        log.info("worker_started", parts=len(work))
        while not stop.is_set():
            await _beat(beat, state(False))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), every)
        log.info("worker_stopping")
    await _beat(beat, state(True))


async def _beat(beat: Callable[[WorkerState], None], state: WorkerState) -> None:
    try:
        await asyncio.to_thread(beat, state)
    except Exception as error:  # noqa: BLE001 - the store away: the work waits for it too, the next beat tries again
        log.warning("worker_beat_failed", error=repr(error))
