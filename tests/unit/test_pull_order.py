"""The pull loop keeps stream order across a dead consumer and a failed batch: a fake JetStream, no server.

A consumer killed before its commit leaves a batch unacknowledged; JetStream hands newer messages to the next
consumer before it redelivers that batch (after its ack wait), and a sender tracked by one position would then
see the older messages as repeats. The loop must leave such first deliveries to come again after the older ones.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from nats.js.api import ConsumerConfig

from gateways.nats import pull
from gateways.nats.status import LinkStatus


@dataclass
class FakeMessage:
    seq: int
    deliveries: int = 1
    answer: str = ""  # "ack" or "nak" once answered
    delivery: int = 0  # the consumer's delivery sequence, numbered by the fake server

    @property
    def metadata(self) -> Any:
        return SimpleNamespace(num_delivered=self.deliveries,
                               sequence=SimpleNamespace(stream=self.seq, consumer=self.delivery))

    @property
    def is_acked(self) -> bool:
        return bool(self.answer)

    async def ack(self) -> None:
        self.answer = "ack"

    async def nak(self, delay: float | None = None) -> None:
        self.answer = "nak"


class FakeJetStream:
    """Answers each fetch with the next batch, and consumer_info with the next count of unacknowledged messages.
    Every message handed out is numbered in delivery order; a batch that is a number stands for that many
    deliveries lost on the way (a connection dropped)."""

    def __init__(self, fetches: list[list[FakeMessage] | int], ack_pending: list[int], stopping: asyncio.Event
                 ) -> None:
        self.fetches, self.ack_pending, self.stopping = fetches, ack_pending, stopping
        self.delivered = 0

    async def add_consumer(self, stream: str, config: ConsumerConfig) -> Any:
        return SimpleNamespace(config=config)

    async def pull_subscribe_bind(self, durable: str, stream: str) -> FakeJetStream:
        return self

    async def fetch(self, batch: int, timeout: float) -> list[FakeMessage]:
        if self.fetches and isinstance(self.fetches[0], int):
            self.delivered += self.fetches.pop(0)
            raise TimeoutError
        if not self.fetches:
            self.stopping.set()
            raise TimeoutError
        messages = self.fetches.pop(0)
        for message in messages:
            self.delivered += 1
            message.delivery = self.delivered
        return messages

    async def consumer_info(self, stream: str, durable: str) -> Any:
        return SimpleNamespace(num_ack_pending=self.ack_pending.pop(0))


def first(*seqs: int) -> list[FakeMessage]:
    return [FakeMessage(s) for s in seqs]


def again(*seqs: int) -> list[FakeMessage]:
    return [FakeMessage(s, deliveries=2) for s in seqs]


@pytest.fixture(autouse=True)
def _no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pull, "RETRY_AFTER_S", 0)
    monkeypatch.setattr(pull, "DEFERRED_WAIT_S", 0)


async def run(fetches: list[list[FakeMessage] | int], ack_pending: list[int], fail: set[int] | None = None
              ) -> list[list[int]]:
    """The stream positions of each batch handled; a batch holding a position in `fail` fails once."""
    stopping, handled, fail = asyncio.Event(), [], set(fail or ())

    async def handle(messages: list[FakeMessage]) -> None:
        seqs = [m.seq for m in messages]
        if fail & set(seqs):
            fail.difference_update(seqs)
            raise ConnectionError("the store is away")
        handled.append(seqs)
        for message in messages:
            await message.ack()

    config = ConsumerConfig(durable_name="T_in", max_ack_pending=256)
    js = FakeJetStream(fetches, ack_pending, stopping)
    await asyncio.wait_for(pull.pull_batches(js, config, "T", LinkStatus(), stopping, handle, "test"), 5)
    return handled


async def test_newer_messages_wait_for_a_batch_a_dead_consumer_left_unapplied() -> None:
    # A consumer died holding 1-3; the next is handed 4-5 first, while the server still counts 1-3 as pending.
    newer = first(4, 5)
    handled = await run([newer, again(1, 2, 3), again(4, 5), first(6)], ack_pending=[5, 1])
    # 4-5 are left unanswered (they come again after their ack wait); 1-3 go first, then 4-5, then the rest.
    assert handled == [[1, 2, 3], [4, 5], [6]]
    assert [m.answer for m in newer] == ["", ""]


async def test_nothing_outstanding_lets_the_first_batch_through_and_is_checked_once() -> None:
    handled = await run([first(1, 2), first(3), first(4, 5)], ack_pending=[2])
    assert handled == [[1, 2], [3], [4, 5]]


async def test_a_failed_batch_is_nakd_in_order_and_nothing_newer_overtakes_it() -> None:
    failed = first(1, 2, 3)
    # The batch fails (the store away) and is nak'd; if its naks were lost, newer ones could come first.
    handled = await run([failed, first(4), again(1, 2, 3), first(4)], ack_pending=[3, 4, 1], fail={2})
    assert [m.answer for m in failed] == ["nak", "nak", "nak"]
    assert handled == [[1, 2, 3], [4]]


async def test_deliveries_lost_with_a_connection_make_the_loop_check_again() -> None:
    # 1-2 are handled; 3-4 are delivered into a dropped connection; 5 comes first, then 3-4 after their ack wait.
    handled = await run([first(1, 2), 2, first(5), again(3, 4), again(5)], ack_pending=[2, 3])
    assert handled == [[1, 2], [3, 4], [5]]
