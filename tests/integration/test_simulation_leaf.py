"""`helpdesk simulate`'s province in the production layout (issue 19): the centre hub, a province hub and a leaf per
regency from deploy/nats, each office a real `helpdesk serve`, a short day played over the HTTP API with the province
hub restarted and a regency's link cut midway; every count exact at the end."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from natstopo import need_tools

from gateways.simulation.counts import exact_counts
from gateways.simulation.leaf_province import play_leaf_province
from gateways.simulation.plan import Route, Shape, make_plan

pytestmark = pytest.mark.nats


def test_a_short_day_in_the_production_layout_ends_with_every_count_exact(tmp_path: Path) -> None:
    need_tools()
    # Two regencies of one province, half the consultations handed to the commissioner so that every route occurs.
    plan = make_plan(Shape(offices=4, per_regency=6, commissioner_share=0.5))
    province = plan.provinces[0]
    lines: list[str] = []
    start = time.monotonic()
    run = play_leaf_province(plan, province, tmp_path, day_minutes=1.0, say=lines.append)
    elapsed = time.monotonic() - start

    sub = run["plan"]
    assert sub.offices == plan.offices and {c.route for c in sub.consultations} == set(Route)
    assert run["failure"] == "", "\n".join(lines)
    counts = exact_counts(sub, [run["result"]], run["dead_letters"])
    wrong = [c for c in counts if not c.ok]
    assert not wrong, f"{wrong}\nerrors: {run['result']['errors'][:5]}"
    assert run["restarts"]["province_hub"] == 1
    assert run["restarts"]["regency_cut"] in sub.regencies
    # Every stage the lead's report reads was recorded, for each escalated consultation.
    stages = run["result"]["stages"]
    for planned in sub.consultations:
        if planned.route.escalated:
            upper = "centre" if planned.route is Route.CENTRE else "province"
            assert {"forwarded", "province_received", f"{upper}_answered", "answer_back", "closed"} <= set(
                stages[planned.tag]), planned.tag
    print(f"\nleaf province: {len(sub.consultations)} consultations in {elapsed:.0f} s; {run['restarts']}")
