"""`make faults`: the federation under the faults an office meets — a node killed, NATS killed, PostgreSQL
crashed, the regency's WAN link cut — while its desk goes on escalating. Every run ends with exact counts read
from the offices' own stores (sent = received, no duplicate, the regency's order kept, every receipt back) and
`helpdesk audit verify` passing on both offices.

The regency (kab-16.13) and its province (prov-16) run as `helpdesk serve` processes; the escalations are
made over HTTP by the desk and the commissioner (stream.py). Servers that a run stops are its own (servers.py).
Every wait ends on what it waits for — escalations forwarded, a request meeting the fault — never on a guessed
number of seconds, so a busy machine makes a run slower, not red. Offices are stopped before the servers they use
(`office` is the last fixture of each run, so it is torn down first).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.faults.conftest import ROUNDS, audit_verifies, settle
from tests.faults.offices import FaultOffice
from tests.faults.servers import OwnNats, OwnPostgres
from tests.faults.stream import EscalationStream
from tests.integration.natstopo import Federation, need_tools

pytestmark = [pytest.mark.faults, pytest.mark.nats]
PER_ROUND = 15  # escalations forwarded between two faults
Make = Callable[..., FaultOffice]


def _pair(office: Make, kab_database: str, prov_database: str, nats_url: str, **options: object
          ) -> tuple[FaultOffice, FaultOffice]:
    kab, prov = office("kab-16.13", kab_database, nats_url, **options), office("prov-16", prov_database, nats_url,
                                                                              **options)
    prov.start()
    kab.start()
    return kab, prov


def _rounds(stream: EscalationStream, fault: Callable[[int], None], seed: int) -> None:
    """ROUNDS times: let PER_ROUND escalations through, wait a random moment, inject the fault."""
    chance = random.Random(seed)
    for n in range(ROUNDS):
        stream.wait_for((n + 1) * PER_ROUND)
        time.sleep(chance.uniform(0, 0.3))  # mid-escalation, at no chosen step
        fault(n)
    stream.wait_for((ROUNDS + 1) * PER_ROUND)
    stream.stop()
    assert not stream.unexpected, stream.summary()


def _finish(kab: FaultOffice, prov: FaultOffice, stream: EscalationStream) -> None:
    for one in (kab, prov):  # a node the fault brought down by itself (not killed by the run) fails it
        assert one.running, f"{one.node_id} stopped by itself:\n{one.log_tail()}"
    ledger = settle(kab, prov)
    assert len(ledger.sent) >= len(stream.forwarded) >= (ROUNDS + 1) * PER_ROUND, ledger.summary()
    audit_verifies(kab, prov)
    print(f"{ledger.summary()}; stream: {stream.summary()}")


def test_the_regency_node_killed_while_escalating(own_nats: OwnNats, office: Make) -> None:
    kab, prov = _pair(office, "sqlite", "sqlite", own_nats.url)
    stream = EscalationStream(lambda: kab.url).start()

    def kill_regency(_: int) -> None:
        killed_at = time.monotonic()
        kab.kill()
        stream.wait_until_met(killed_at, "the regency's node away")  # the desk finds its node gone
        kab.start()

    _rounds(stream, kill_regency, seed=1)
    assert kab.kills == ROUNDS and stream.failures, stream.summary()
    _finish(kab, prov, stream)


def test_the_province_node_killed_while_receiving(own_nats: OwnNats, own_postgres: OwnPostgres, office: Make
                                                  ) -> None:
    kab, prov = _pair(office, "sqlite", own_postgres.url, own_nats.url)
    stream = EscalationStream(lambda: kab.url).start()

    def kill_province(_: int) -> None:
        prov.kill()
        stream.wait_for(len(stream.forwarded) + 2)  # the regency keeps escalating meanwhile
        prov.start()

    _rounds(stream, kill_province, seed=2)
    assert prov.kills == ROUNDS
    _finish(kab, prov, stream)


def test_nats_killed_while_escalating(own_nats: OwnNats, office: Make) -> None:
    kab, prov = _pair(office, "sqlite", "sqlite", own_nats.url)
    stream = EscalationStream(lambda: kab.url).start()

    def kill_nats(_: int) -> None:
        own_nats.kill()
        before = len(stream.forwarded)
        stream.wait_for(before + 3)  # the office keeps working with its messaging down
        own_nats.start()

    _rounds(stream, kill_nats, seed=3)
    _finish(kab, prov, stream)


def test_postgres_crashed_while_escalating(own_nats: OwnNats, own_postgres: OwnPostgres, office: Make) -> None:
    kab, prov = _pair(office, own_postgres.url, own_postgres.url, own_nats.url)
    stream = EscalationStream(lambda: kab.url).start()

    def crash_postgres(_: int) -> None:
        crashed_at = time.monotonic()
        own_postgres.crash()
        # The database stays away until a request of the desk has met it: answered 503 "try again", or held by a
        # node waiting for its pool to reconnect. Either is right; a 500 is not (_rounds: nothing unexpected).
        stream.wait_until_met(crashed_at, "the database away")
        own_postgres.start()

    _rounds(stream, crash_postgres, seed=4)
    _finish(kab, prov, stream)


def test_the_regencys_leaf_link_cut_while_escalating(tmp_path: Path, office: Make) -> None:
    need_tools()
    servers = Federation(tmp_path / "nats").start()
    try:
        servers.wait_linked()
        kab = office("kab-16.13", "sqlite", servers.regency.url, separate_domains=True,
                     nkey_seed_file=servers.regency.node_seed_file)
        prov = office("prov-16", "sqlite", servers.province.url, separate_domains=True,
                      nkey_seed_file=servers.province.node_seed_file)
        prov.start()
        kab.start()
        stream = EscalationStream(lambda: kab.url).start()

        def cut_link(_: int) -> None:
            servers.link.cut()
            before = len(stream.forwarded)
            stream.wait_for(before + 5)  # escalations made while the regency is cut off
            servers.link.restore()

        _rounds(stream, cut_link, seed=5)
        _finish(kab, prov, stream)
    finally:
        servers.stop()
