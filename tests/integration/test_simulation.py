"""`helpdesk simulate --offices 60` (issue 19's short version, in CI): the centre, whole provinces in all three time
zones and their regencies, each a node with its own relay, consumer, read models and audit chain on one NATS server
that the run starts itself, through a shortened peak day with links cut; every count exact, every chain verified at
the centre, and the table appended where it was asked to go."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.nats


def test_sixty_offices_through_a_short_peak_day(tmp_path: Path) -> None:
    summary_file, doc = tmp_path / "summary.json", tmp_path / "simulation.md"
    run = subprocess.run(
        # The province in the production layout has its own test (test_simulation_leaf.py).
        [sys.executable, "-m", "gateways.cli.main", "simulate", "--offices", "60", "--scale", "0.25",
         "--day-minutes", "2", "--shards", "2", "--stall", "240", "--leaf-province", "none",
         "--output", str(doc), "--json", str(summary_file)],
        capture_output=True, text=True, timeout=1800,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    summary = json.loads(summary_file.read_text(encoding="utf-8"))
    assert summary["exact"] and summary["offices"] == 60
    counts = {c["what"].split(" (")[0]: c for c in summary["counts"]}
    assert all(c["ok"] for c in counts.values()), counts
    # The day escalated to both tiers, every chain (the centre's own included) is at the centre and verified.
    assert counts["kab/kota → provinsi: diterima"]["observed"] > 0
    assert counts["provinsi → pusat: diterima"]["observed"] > 0
    assert counts["rantai audit terverifikasi"]["observed"] == 60
    # Links were cut during the day, and NATS's own figures were read while every node was connected.
    assert summary["nats"]["connections"] >= 60 and summary["nats"]["streams"] >= 60
    table = doc.read_text(encoding="utf-8")
    assert table.startswith("\n## Run of ") and "Every count exact." in table and "✗" not in table
