"""`make faults` with the regency in worker mode (HELPDESK_BACKGROUND=worker, PostgreSQL): two HTTP processes under
`helpdesk serve --workers 2` and one `helpdesk worker` (relay, consumers, follower, watchers). While its desk
escalates over HTTP, the worker is SIGKILLed (its relay and its receipt consumer mid-flight) and, in the other run, the
HTTP process holding the desk's connection is SIGKILLed with a request in flight (its commit may or may not have been
made). Each run ends as the others do (test_fault_runs.py): sent = received, no duplicate, the regency's order kept,
every receipt back, `helpdesk audit verify` passing at both offices.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.faults.conftest import ROUNDS
from tests.faults.offices import FaultOffice, SplitOffice
from tests.faults.servers import OwnNats, OwnPostgres
from tests.faults.stream import EscalationStream
from tests.faults.test_fault_runs import _finish, _rounds
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.faults, pytest.mark.nats, pytest.mark.postgres]
Make = Callable[..., FaultOffice]


def _split_pair(office: Make, postgres: OwnPostgres, nats: OwnNats) -> tuple[SplitOffice, FaultOffice]:
    kab = office("kab-16.13", postgres.url, nats.url, workers=2)
    prov = office("prov-16", "sqlite", nats.url)
    assert isinstance(kab, SplitOffice)
    prov.start()
    kab.start()
    return kab, prov


def test_the_regencys_worker_killed_while_escalating(own_nats: OwnNats, own_postgres: OwnPostgres, office: Make
                                                     ) -> None:
    kab, prov = _split_pair(office, own_postgres, own_nats)
    stream = EscalationStream(lambda: kab.url).start()

    def kill_worker(_: int) -> None:
        kab.kill_worker()
        # The desk goes on escalating over HTTP: recorded, and waiting in the log for the worker to relay them.
        stream.wait_for(len(stream.forwarded) + 2)
        kab.start_worker()

    _rounds(stream, kill_worker, seed=6)
    assert kab.worker_kills == ROUNDS
    _finish(kab, prov, stream)


def test_a_regency_http_process_killed_while_escalating(own_nats: OwnNats, own_postgres: OwnPostgres, office: Make
                                                        ) -> None:
    kab, prov = _split_pair(office, own_postgres, own_nats)
    stream = EscalationStream(lambda: kab.url).start()

    def kill_http_process(_: int) -> None:
        # The process holding the desk's connection, while one of its requests is on its way.
        holder = wait_until(lambda: stream.in_flight and connected(kab.http_processes(), kab.served.port),
                            what="a request of the desk in flight", stall=120, poll=0.005, detail=stream.summary)
        kab.kill_http_process(holder[0])
        # The desk reconnects to the other process and goes on; the supervisor starts a new one meanwhile.
        kab.wait_for_http_processes(gone=holder[0])
        stream.wait_for(len(stream.forwarded) + 2)

    _rounds(stream, kill_http_process, seed=7)
    assert kab.http_kills == ROUNDS and stream.failures, stream.summary()
    _finish(kab, prov, stream)


def connected(pids: list[int], port: int) -> list[int]:
    """Those of `pids` holding an established TCP connection on local `port` (from /proc: the sockets' inodes)."""
    inodes = set()
    for table in (Path("/proc/net/tcp"), Path("/proc/net/tcp6")):
        for line in table.read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "01" and int(fields[1].rsplit(":", 1)[1], 16) == port:  # 01: ESTABLISHED
                inodes.add(fields[9])
    return [pid for pid in pids if inodes & _sockets(pid)]


def _sockets(pid: int) -> set[str]:
    """The inodes of the sockets `pid` holds open."""
    found = set()
    try:
        descriptors = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:  # ended meanwhile
        return found
    for descriptor in descriptors:
        try:
            link = os.readlink(descriptor)
        except OSError:  # closed meanwhile
            continue
        if link.startswith("socket:["):
            found.add(link[8:-1])
    return found
