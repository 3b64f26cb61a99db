"""Read models rebuilt from zero equal the live ones; a runner that dies mid-batch resumes with no gap or repeat."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import pytest

from gateways.bootstrap import Node
from gateways.config import Settings
from projections.consultations import ConsultationsProjection
from projections.runner import ReadModelRunner
from tests.support.read_models import dump
from tests.support.stories import consultation_story

OFFICE = "kab-16.13"


class Crash(Exception):
    pass


class CrashingConsultations(ConsultationsProjection):
    """The consultations read model, dying after `limit` events as a killed process would (its batch uncommitted)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.seen = 0

    def process(self, event: Any, position: int, tx: Any) -> None:
        self.seen += 1
        if self.seen > self.limit:
            raise Crash()
        super().process(event, position, tx)


def test_a_rebuild_from_zero_equals_the_live_read_model(backend_settings: Settings, open_node: Callable, clock) -> None:
    node: Node = open_node(backend_settings)
    # The live read model follows the office's work as it happens, a few events at a time.
    for n in range(60):
        consultation_story(node.helpdesk, OFFICE, n, clock.advance)
        if n % 5 == 0:
            node.projections.catch_up()
    node.projections.catch_up()
    live = dump(node.projections)
    assert len(live["rm_consultations"]) == 60
    statuses = {row[3] for row in live["rm_consultations"]}
    assert {"opened", "problem_confirmed", "closed", "answered"} <= statuses

    # Dropped and rebuilt from the first event, in batches of 7, it is the same, row for row.
    node.projections.batch_size = 7
    node.projections.rebuild()
    assert dump(node.projections) == live
    assert node.projections.position("consultations") == node.projections.head()


def test_a_runner_killed_mid_batch_resumes_with_no_gap_and_no_double_count(
    backend_settings: Settings, open_node: Callable, clock
) -> None:
    node: Node = open_node(backend_settings)
    for n in range(40):
        consultation_story(node.helpdesk, OFFICE, n, clock.advance)
    node.projections.catch_up()
    expected = dump(node.projections)

    # A runner of the same read model dies in the middle of its third batch of 25 events.
    crashing = CrashingConsultations(limit=60)
    runner = ReadModelRunner(node.helpdesk, node.store, [crashing], batch_size=25)
    with pytest.raises(Crash):
        runner.rebuild()
    stopped_at = runner.position("consultations")
    assert 0 < stopped_at < runner.head()
    assert len(runner.store.query("SELECT id FROM rm_consultations")) < 40

    # A fresh runner resumes from the last committed batch and ends where an unbroken run ends.
    resumed = ReadModelRunner(node.helpdesk, node.store, [ConsultationsProjection()], batch_size=25)
    resumed.catch_up()
    assert dump(resumed) == {table: expected[table] for table in ConsultationsProjection.tables}


@pytest.mark.postgres
def test_helpdesk_projections_rebuild_killed_by_sigkill_resumes_exactly(postgres_url: str, tmp_path, open_node, clock):
    from tests.conftest import settings_for
    from tests.support.schemas import drop_schema as _drop_schema

    settings = settings_for("postgres", tmp_path / "node", postgres_url)
    try:
        node: Node = open_node(settings)
        for n in range(400):
            consultation_story(node.helpdesk, OFFICE, n, clock.advance)
        node.projections.catch_up()
        expected = dump(node.projections)
        env = {
            **os.environ, "HELPDESK_NODE_ID": settings.node_id, "HELPDESK_DATABASE": settings.database,
            "HELPDESK_POSTGRES_SCHEMA": settings.postgres_schema, "HELPDESK_DATA_DIR": settings.data_dir,
            "HELPDESK_NATS_URL": "",
        }
        command = [sys.executable, "-m", "gateways.cli.main", "projections", "rebuild", "consultations", "--batch", "5"]
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Killed once it has committed some batches but not all of them.
        head = node.projections.head()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if 100 < node.projections.position("consultations") < head - 200:
                break
            time.sleep(0.005)
        process.send_signal(signal.SIGKILL)
        process.wait()
        stopped_at = node.projections.position("consultations")
        assert 0 < stopped_at < node.projections.head(), "the rebuild must be killed half-way"

        resumed = subprocess.run(
            [sys.executable, "-m", "gateways.cli.main", "projections", "catch-up"], env=env, capture_output=True,
            text=True, timeout=120,
        )
        assert resumed.returncode == 0, resumed.stderr
        assert dump(node.projections) == expected
    finally:
        _drop_schema(settings)
