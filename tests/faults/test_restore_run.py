"""The restore fault run: a regency backed up, N escalations made, the regency stopped and restored from the backup
(`helpdesk backup` / `helpdesk restore`, as an office would), started again, M more made — on real NATS, the
regency, its province and the centre as `helpdesk serve` processes.

Exact counts at the end, read from the offices' own stores: every one of the M arrives at the province; the
province still holds the N the regency lost, and names exactly those (NodeLog.NeighbourRestored, from the
regency's log_restored notice); no case is opened twice; no message is dead-lettered; every case the regency still
knows has its receipt back; and the centre, which received the regency's audit chain before and after, verifies it
whole and explains the restore, naming as lost exactly the entries it had received past the backup's last one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from eventsourcing.utils import get_topic

from domain.deadletter import DeadLetter
from gateways.bootstrap import build_node
from tests.faults.ledger import read_ledger
from tests.faults.offices import FaultOffice
from tests.faults.servers import OwnNats
from tests.faults.stream import EscalationStream
from tests.support.waiting import STALL, wait_until

pytestmark = [pytest.mark.faults, pytest.mark.nats]
Make = Callable[..., FaultOffice]
BEFORE, LOST, AFTER = 3, 5, 7  # escalations before the backup, between the backup and the restore, after it
KAB = "kab-16.13"


def escalate(kab: FaultOffice, count: int) -> list[str]:
    stream = EscalationStream(lambda: kab.url, limit=count).start()
    stream.wait_for(count)
    stream.stop()
    assert not stream.unexpected and len(stream.forwarded) == count, stream.summary()
    return stream.forwarded


def arrived(kab: FaultOffice, prov: FaultOffice, count: int) -> None:
    """Waits until the province holds `count` distinct cases, as long as more keep arriving."""
    seen = [0]

    def enough() -> bool:
        seen[0] = len(set(read_ledger(kab.settings, prov.settings).received))
        return seen[0] >= count

    wait_until(enough, what=f"{count} cases at the province", progress=lambda: seen[0], stall=STALL, poll=0.5)


def test_a_regency_restored_from_backup_loses_nothing_silently(own_nats: OwnNats, office: Make, tmp_path: Path
                                                              ) -> None:
    kab, prov = office(KAB, "sqlite", own_nats.url), office("prov-16", "sqlite", own_nats.url)
    centre = office("pusat", "sqlite", own_nats.url)
    centre.start()
    prov.start()
    kab.start()
    escalate(kab, BEFORE)
    arrived(kab, prov, BEFORE)

    # The regency's backup, taken while it runs; then N escalations the restore will lose.
    backup = tmp_path / "backups" / "kab-16.13.sqlite"
    taken = kab.helpdesk("backup", "--out", str(backup))
    assert taken.returncode == 0, taken.stderr
    assert oct(backup.stat().st_mode & 0o777) == "0o600"
    escalate(kab, LOST)
    arrived(kab, prov, BEFORE + LOST)
    shipped_before_restore = _chain_shipped(kab, centre)

    # A restore refuses while the node runs, and goes through once it is stopped.
    refused = kab.helpdesk("restore", "--from", str(backup), "--by", "operator")
    assert refused.returncode == 3, refused.stdout + refused.stderr
    kab.stop()
    restored = kab.helpdesk("restore", "--from", str(backup), "--by", "operator")
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "epoch baru 1" in restored.stdout, restored.stdout

    # Started again, M more escalations: each reaches the province.
    kab.start()
    escalate(kab, AFTER)
    arrived(kab, prov, BEFORE + LOST + AFTER)
    wait_until(lambda: len(_lost_at(prov)) == LOST, what="the lost cases named at the province",
               progress=lambda: len(_lost_at(prov)), stall=STALL, poll=0.5)
    restored_tip = _chain_shipped(kab, centre)
    kab.stop()
    prov.stop()

    # The centre checks the regency's chain whole, and its note names exactly the entries lost with the restore:
    # those it had received past the backup's last entry, which the restored chain went on from.
    verified = centre.helpdesk("audit", "verify", "--office", KAB)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "dipulihkan dari cadangan" in verified.stdout and "hilang di kantor asal" in verified.stdout, verified.stdout
    lost_seqs, fork = _lost_entries(centre), _restore_entry(kab)
    assert lost_seqs == list(range(fork, lost_seqs[-1] + 1)), (lost_seqs, fork)
    assert lost_seqs[-1] >= shipped_before_restore and restored_tip > lost_seqs[-1] - len(lost_seqs)
    assert f"#{fork}" in verified.stdout, verified.stdout

    ledger = read_ledger(kab.settings, prov.settings)
    kept_by_regency, held_by_province = set(ledger.sent), set(ledger.received)
    assert len(ledger.sent) == BEFORE + AFTER, ledger.summary()
    assert len(ledger.received) == len(held_by_province) == BEFORE + LOST + AFTER, ledger.summary()
    assert kept_by_regency <= held_by_province and not ledger.without_receipt, ledger.summary()
    # The N the regency lost are exactly the ones the province names.
    lost = held_by_province - kept_by_regency
    assert len(lost) == LOST
    assert set(_lost_at(prov)) == {f"{KAB}:{case}" for case in lost}
    # Nothing refused on either side: every message was applied once or recognised as a repeat.
    assert _dead_letters(prov) == _dead_letters(kab) == 0


def _tip(office: FaultOffice, table: str) -> int:
    """The highest seq of the regency's chain in an office's read store (read-only, beside the running node)."""
    path = Path(office.values["data_dir"]) / "projections.sqlite"
    if not path.exists():
        return 0
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30) as db:
        try:
            row = db.execute(f"SELECT MAX(seq) FROM {table} WHERE office = ?", (KAB,)).fetchone()
        except sqlite3.OperationalError:  # the table is not made yet
            return 0
    return int(row[0] or 0)


def _chain_shipped(kab: FaultOffice, centre: FaultOffice) -> int:
    """Waits until the centre holds the regency's chain as far as the regency has sealed it; returns that seq."""
    wait_until(lambda: 0 < _tip(kab, "rm_audit_chain") <= _tip(centre, "audit_received"),
               what="the regency's audit chain at the centre", progress=lambda: _tip(centre, "audit_received"),
               stall=STALL, poll=0.5)
    return _tip(centre, "audit_received")


def _lost_entries(centre: FaultOffice) -> list[int]:
    path = Path(centre.values["data_dir"]) / "projections.sqlite"
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return [int(seq) for (seq,) in db.execute("SELECT seq FROM audit_lost WHERE office = ? ORDER BY seq", (KAB,))]


def _restore_entry(kab: FaultOffice) -> int:
    """The seq at which the restored regency's chain left the old one: its log's first entry after the backup."""
    path = Path(kab.values["data_dir"]) / "projections.sqlite"
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        row = db.execute("SELECT MIN(seq) FROM rm_audit_chain WHERE office = ? AND type LIKE 'NodeLog.%'",
                         (KAB,)).fetchone()
    return int(row[0])


def _lost_at(prov: FaultOffice) -> list[str]:
    node = build_node(prov.settings)
    try:
        return node.helpdesk.cases_lost_by(KAB)
    finally:
        node.close()


def _dead_letters(office: FaultOffice) -> int:
    node = build_node(office.settings)
    try:
        return len(node.helpdesk.recorder.select_notifications(1, 1_000_000, topics=[get_topic(DeadLetter.Recorded)]))
    finally:
        node.close()
