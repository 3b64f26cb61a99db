"""Queries of an HTTP process in worker mode wait for the worker's follower instead of catching up under the read
store's one write lock (projections/reader_wait.py), and still see every write made before them; when the follower
does not come, they catch up themselves, and keep doing so for a while."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from domain.values import Channel
from gateways.bootstrap import Node
from gateways.follower import Follower
from services.consultations import IdentityInput

pytestmark = pytest.mark.postgres
KAB = "kab-16.13"


def guest(n: int) -> IdentityInput:
    return IdentityInput(name=f"Pengurus {n}", party_number=1 + n, phone=f"0812000000{n:02d}")


class Counting:
    """The reader's own catch-up work, counted: a runner's _catch_up_all, wrapped."""

    def __init__(self, node: Node) -> None:
        self.calls = 0
        work = node.projections._catch_up_all

        def counted(*args: object, **kwargs: object) -> int:
            self.calls += 1
            return work(*args, **kwargs)  # type: ignore[arg-type]

        node.projections._catch_up_all = counted  # type: ignore[method-assign]


def test_a_reader_sees_each_write_made_before_it_without_catching_up_itself(
        node_process: Callable[[], Node]) -> None:
    worker, http = node_process(), node_process()
    http.projections.reader_patience = 60.0  # bounded by progress: the follower below gets there long before
    own_work = Counting(http)
    follower = Follower(worker.projections, poll_seconds=0.05, subscribe=True)
    follower.start()
    try:
        for n in range(5):
            opened = http.helpdesk.open_consultation(KAB, Channel.WALK_IN, guest(n), "desk")
            assert opened in {summary.id for summary in http.consultations.list(KAB, limit=100)}
        assert own_work.calls == 0  # every list came from the worker's follower, none from the reader's own work
        assert follower.errors == 0
    finally:
        follower.stop()


def test_without_a_follower_the_reader_catches_up_itself_and_stops_waiting(node_process: Callable[[], Node]) -> None:
    http = node_process()  # no worker runs
    http.projections.reader_patience = 0.05
    own_work = Counting(http)
    first = http.helpdesk.open_consultation(KAB, Channel.WALK_IN, guest(1), "desk")
    assert first in {summary.id for summary in http.consultations.list(KAB, limit=100)}
    assert own_work.calls == 1  # waited, nobody came, so it did the work itself
    assert not http.projections._follower_elsewhere()  # and for a while it does not wait again
    second = http.helpdesk.open_consultation(KAB, Channel.WALK_IN, guest(2), "desk")
    assert second in {summary.id for summary in http.consultations.list(KAB, limit=100)}
    assert own_work.calls == 2
