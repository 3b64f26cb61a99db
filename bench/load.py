"""Closed-loop load: N clients, each repeating a round of requests until a deadline, every request timed."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any

from bench.stats import ms


@dataclass
class Load:
    clients: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def p(self, q: float) -> float:
        return ms(self.latencies, q)


Round = Callable[[Any, Load], Awaitable[None]]


async def drive(open_client: Callable[[], AbstractAsyncContextManager[Any]], one_round: Round, clients: int,
                seconds: float) -> Load:
    """Runs `clients` loops of `one_round` for `seconds` (each loop finishes the round it is in); all requests of
    all rounds count, over the time until the last loop finished."""
    load = Load(clients)
    deadline = time.perf_counter() + seconds

    async def client() -> None:
        async with open_client() as connection:
            while time.perf_counter() < deadline and len(load.errors) < 20:
                await one_round(connection, load)

    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    load.seconds = time.perf_counter() - start
    return load

