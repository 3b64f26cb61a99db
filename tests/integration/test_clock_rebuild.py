"""The SOP clock read model rebuilt from zero equals the live one, thresholds included, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gateways.bootstrap import Node
from gateways.config import Settings
from projections.runner import ReadModelRunner
from tests.support.stories import consultation_story

OFFICE = "kab-16.13"


def dump(runner: ReadModelRunner) -> dict[str, list[tuple[Any, ...]]]:
    return {
        table: runner.store.query(f"SELECT * FROM {table} ORDER BY 1, 2")
        for table in runner.projections["sop_clocks"].tables
    }


def test_a_rebuild_of_the_clocks_equals_the_live_read_model(backend_settings: Settings, open_node: Callable, clock):
    node: Node = open_node(backend_settings)
    # The live model follows the work as it happens, the watcher recording thresholds between the stories.
    recorded = 0
    for n in range(50):
        consultation_story(node.helpdesk, OFFICE, n, clock.advance)
        clock.advance(seconds=20)
        recorded += node.sop_watcher.tick(force=True)
        if n % 4 == 0:
            node.projections.catch_up()
    node.projections.catch_up()
    live = dump(node.projections)
    assert recorded > 10
    assert len(live["rm_sop_timelines"]) == 50
    assert {row[1] for row in live["rm_sop_spans"]} >= {"attendance", "problem", "answer", "report", "documentation"}
    assert any(row[11] for row in live["rm_sop_spans"])  # some step breached
    assert any(row[9] != "[]" for row in live["rm_sop_timelines"])  # thresholds reached on the running steps

    node.projections.batch_size = 7
    node.projections.rebuild("sop_clocks")
    assert dump(node.projections) == live
    assert node.projections.position("sop_clocks") == node.projections.head()
    # Nothing is due again after the rebuild: the recorded thresholds came back with it.
    assert node.clocks.due(clock()) == []
