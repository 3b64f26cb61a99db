"""Fixtures of the fault runs: servers of their own, offices as processes, and the end of every run — exact
counts and the audit chains verified."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.faults.ledger import Ledger, read_ledger
from tests.faults.offices import FaultOffice, SplitOffice
from tests.faults.servers import OwnNats, OwnPostgres
from tests.support.waiting import STALL, Stalled, wait_until

# FAULT_ROUNDS=N repeats each fault N times (default 6) and streams proportionally more escalations:
# `make faults FAULT_ROUNDS=30` is the long run on demand.
ROUNDS = int(os.environ.get("FAULT_ROUNDS", "6"))
# However steadily cases keep arriving, settling takes no longer than this (the long run, FAULT_ROUNDS=30, included).
SETTLE_BOUND = 1800


@pytest.fixture
def own_nats(tmp_path: Path) -> Iterator[OwnNats]:
    server = OwnNats(tmp_path / "nats").start()
    yield server
    server.stop()


@pytest.fixture
def own_postgres() -> Iterator[OwnPostgres]:
    server = OwnPostgres()
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture
def office(tmp_path: Path) -> Iterator[Callable[..., FaultOffice]]:
    """Makes office processes (accounts created, not started); every one is stopped when the test ends, and its
    log is printed if the test failed. `workers=N`: the office in worker mode, N HTTP processes and a worker."""
    made: list[FaultOffice] = []

    def make(node_id: str, database: str, nats_url: str, **options: object) -> FaultOffice:
        schema = f"f_{uuid.uuid4().hex[:10]}_{node_id.replace('-', '_').replace('.', '_')}"
        kind = SplitOffice if "workers" in options else FaultOffice
        made.append(kind(node_id, tmp_path, database, nats_url, "hd", schema, **options))  # type: ignore[arg-type]
        made[-1].add_accounts()
        return made[-1]

    yield make
    for one in made:
        one.stop()


def settle(kab: FaultOffice, prov: FaultOffice, stall: float = STALL) -> Ledger:
    """Waits until every escalation the regency recorded is at the province and every receipt is back, then
    stops both nodes (SIGTERM) and returns the ledger read from their stores. The wait lasts as long as cases keep
    arriving or receipts keep coming back; it gives up after `stall` seconds with neither."""
    seen = [read_ledger(kab.settings, prov.settings)]

    def settled() -> bool:
        seen[0] = read_ledger(kab.settings, prov.settings)
        return not seen[0].problems()

    stalled = ""
    try:
        wait_until(settled, what="every escalation at the province and every receipt back at the regency",
                   progress=lambda: (len(seen[0].sent), len(set(seen[0].received)), len(seen[0].without_receipt)),
                   stall=stall, limit=SETTLE_BOUND, poll=1.0, detail=lambda: seen[0].summary())
    except Stalled as error:
        stalled = f"{error}\n"
    kab.stop()
    prov.stop()
    ledger = read_ledger(kab.settings, prov.settings)
    assert not ledger.problems(), (f"{stalled}{ledger.summary()}: {ledger.problems()}\n--- regency log ---\n"
                                   f"{kab.log_tail()}\n--- province log ---\n{prov.log_tail()}")
    return ledger


def audit_verifies(*offices: FaultOffice) -> None:
    """`helpdesk audit verify` of each office's own chain exits 0 (the chain was sealed across the faults)."""
    for one in offices:
        result = one.helpdesk("audit", "verify")
        assert result.returncode == 0, f"{one.node_id}: {result.stdout}{result.stderr}"
        assert "OK" in result.stdout, result.stdout
