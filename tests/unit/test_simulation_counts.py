"""The simulation's exact counts (gateways/simulation/counts.py) hold for a day whose logs agree with the plan, and
name each way one can go wrong: an escalation applied twice, one out of its sender's order, one lost, an answer
applied twice, a chain the centre could not verify, a dead letter."""

from __future__ import annotations

import copy
from typing import Any
from uuid import uuid4

import pytest

from domain.casefile import case_id
from gateways.simulation.counts import exact_counts
from gateways.simulation.plan import CENTRE, Plan, Route, Shape, make_plan


@pytest.fixture(scope="module")
def plan() -> Plan:
    return make_plan(Shape(offices=8, scale=0.5))


def day_as_planned(plan: Plan) -> dict[str, Any]:
    """The logs and stages a day ends with when everything went as planned."""
    logs: dict[str, dict[str, list[str]]] = {
        o: {k: [] for k in ("forwarded_up", "answer_arrived", "received", "forwarded", "answered", "returned")}
        for o in plan.offices}
    stages = {}
    for planned in plan.consultations:
        stages[planned.tag] = {"opened": 1.0, "closed": 2.0}
        if not planned.route.escalated:
            continue
        cid = uuid4()
        case = str(case_id(planned.office, cid))
        province = f"prov-{planned.office.split('-')[1].split('.')[0]}"
        logs[planned.office]["forwarded_up"].append(str(cid))
        logs[planned.office]["answer_arrived"].append(str(cid))
        logs[province]["received"].append(f"{planned.office} {case}")
        if planned.route is Route.CENTRE:
            logs[province]["forwarded"].append(case)
            logs[CENTRE]["received"].append(f"{planned.office} {case}")
    offices = {o: {"log": logs[o], "head": 10, "cuts": 0} for o in plan.offices}
    verify = {"chains": len(plan.offices), "verified": len(plan.offices), "entries": 10 * len(plan.offices),
              "problems": [], "own_ok": True}
    return {"offices": offices, "stages": stages, "errors": [], "verify": verify}


def failing(plan: Plan, result: dict[str, Any], dead: int = 0) -> list[str]:
    return [c.what for c in exact_counts(plan, [result], dead) if not c.ok]


def test_a_day_as_planned_is_exact(plan: Plan) -> None:
    counts = exact_counts(plan, [day_as_planned(plan)], 0)
    assert all(c.ok for c in counts), counts
    assert plan.expected()["to_province"] > 0 and plan.expected()["to_centre"] > 0


def test_a_case_applied_twice_at_the_province(plan: Plan) -> None:
    result = day_as_planned(plan)
    province = plan.provinces[0]
    received = result["offices"][province]["log"]["received"]
    received.append(received[0])
    assert failing(plan, result) == ["kab/kota → provinsi: diterima (received)",
                                     "kab/kota → provinsi: urutan per asal terjaga (order per origin kept)"]


def test_two_cases_of_one_sender_swapped(plan: Plan) -> None:
    result = day_as_planned(plan)
    logs = [result["offices"][r]["log"]["forwarded_up"] for r in plan.regencies]
    sent = next(log for log in logs if len(log) >= 2)
    sent[0], sent[1] = sent[1], sent[0]
    assert failing(plan, result) == ["kab/kota → provinsi: urutan per asal terjaga (order per origin kept)"]


def test_a_case_lost_on_the_way_to_the_centre_and_an_answer_applied_twice(plan: Plan) -> None:
    result = day_as_planned(plan)
    result["offices"][CENTRE]["log"]["received"].pop()
    regency = next(r for r in plan.regencies if result["offices"][r]["log"]["answer_arrived"])
    arrived = result["offices"][regency]["log"]["answer_arrived"]
    arrived[-1] = arrived[0]
    assert failing(plan, result) == [
        "provinsi → pusat: diterima (received)", "provinsi → pusat: urutan per asal terjaga (order per origin kept)",
        "jawaban tiba di asal (answers back at origin)"]


def test_a_broken_chain_a_refused_step_and_a_dead_letter(plan: Plan) -> None:
    result = copy.deepcopy(day_as_planned(plan))
    result["verify"] = {**result["verify"], "verified": len(plan.offices) - 1, "problems": ["kab-x #3 changed_entry"]}
    result["errors"] = ["kab-x#1: NotPermitted"]
    assert failing(plan, result, dead=1) == [
        "konsultasi ditutup (consultations closed)", "rantai audit terverifikasi (chains verified)",
        "surat mati (dead letters)"]
