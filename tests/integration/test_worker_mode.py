"""Worker mode (HELPDESK_BACKGROUND=worker): several processes of one node over one PostgreSQL schema, here as nodes
built side by side in this process, each with its own connections and its own read-model positions, as each HTTP
process of `helpdesk serve --workers N` and the `helpdesk worker` build theirs. A query in one sees a command made in
another with no wait; the worker's jobs hear of saves made elsewhere through the log's subscription; wrong logins
are counted once for the whole node; the worker's heartbeat is read by any of them."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

import msgspec
import pytest

from domain.errors import InvalidCredentials, LoginThrottled
from domain.roles import Role
from domain.values import Channel
from gateways.bootstrap import Node
from gateways.follower import Follower
from gateways.heartbeat import LinkCounts, WorkerState
from services.consultations import IdentityInput

pytestmark = pytest.mark.postgres
KAB = "kab-16.13"
PASSWORD = "sandi-uji-proses-2024"


def guest(n: int) -> IdentityInput:
    return IdentityInput(name=f"Pengurus {n}", party_number=1 + n, phone=f"0812000000{n:02d}")


def test_a_query_in_one_process_sees_a_command_made_in_another(node_process: Callable[[], Node]) -> None:
    first, second = node_process(), node_process()  # no follower runs in either: each query catches up itself
    for n in range(3):
        # The desk opens a consultation through one HTTP process...
        opened = first.helpdesk.open_consultation(KAB, Channel.WALK_IN, guest(n), "desk")
        # ...and its next request, served by the other, lists it at once.
        assert opened in {summary.id for summary in second.consultations.list(KAB, limit=100)}
        # A step recorded by the second is what the first lists next.
        second.helpdesk.record_problem(KAB, opened, f"Unggah KTA gagal ({n})", "desk")
        statuses = {summary.id: summary.status for summary in first.consultations.list(KAB, limit=100)}
        assert statuses[opened].value == "problem_recorded"


def test_the_worker_hears_of_saves_made_by_another_process(node_process: Callable[[], Node]) -> None:
    worker, http = node_process(), node_process()
    relay_woken = threading.Event()
    # The poll is an hour away: only the log's subscription can tell the worker's jobs in time.
    follower = Follower(worker.projections, poll_seconds=3600, subscribe=True, listeners=[relay_woken.set])
    follower.start()
    try:
        # Once the subscription listens, a save in the worker itself reaches it too; wait for that first.
        def told_of_a_save(by: Node, n: int) -> bool:
            relay_woken.clear()
            by.helpdesk.open_consultation(KAB, Channel.WALK_IN, guest(n), "desk")
            return relay_woken.wait(timeout=30)

        assert told_of_a_save(worker, 0) or told_of_a_save(worker, 1), "the subscription never listened"
        # An escalation-worthy save over HTTP, in the other process: the worker's relay is told at once.
        assert told_of_a_save(http, 2)
        assert follower.errors == 0
    finally:
        follower.stop()


def test_wrong_logins_are_counted_once_for_all_processes(node_process: Callable[[], Node]) -> None:
    first, second = node_process(), node_process()
    first.accounts.register_user("meja", "Petugas Meja", Role.ANGGOTA_HELPDESK, KAB, PASSWORD, "test")
    limit = first.settings.login_account_failures
    # A guesser spreads wrong passwords over both processes...
    for n in range(limit):
        with pytest.raises((InvalidCredentials, LoginThrottled)):
            (first, second)[n % 2].sign_in.sign_in("meja", f"tebakan-{n}", "10.0.0.9")
    # ...and the account is locked in both, however the next requests are shared out.
    for node in (first, second):
        with pytest.raises(LoginThrottled):
            node.sign_in.sign_in("meja", PASSWORD, "10.0.0.9")


def test_the_workers_heartbeat_is_read_by_every_process(node_process: Callable[[], Node]) -> None:
    worker, http = node_process(), node_process()
    assert worker.heartbeats is not None and http.heartbeats is not None
    # No worker has beaten yet on this node.
    assert http.heartbeats.last() is None
    state = WorkerState(os.getpid(), "host-a", "2024-07-29T01:30:00+00:00", 0, LinkCounts(True, published=3))
    worker.heartbeats.beat(state)
    beat = http.heartbeats.last()
    assert beat is not None and beat.state == state and beat.status == "alive"
    # A worker stopped cleanly says so with its last beat.
    worker.heartbeats.beat(msgspec.structs.replace(state, stopped=True))
    last = http.heartbeats.last()
    assert last is not None and last.status == "stopped"
