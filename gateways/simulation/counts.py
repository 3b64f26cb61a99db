"""The exact counts of a simulated day, from what each office's log holds: every escalation sent once and received
once at each tier, in each sender's order, every answer back at its origin, every chain whole and verified at the
centre. Each check compares with the plan, which says beforehand what the day must end with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from domain.casefile import case_id
from domain.offices import OfficeId
from gateways.messages import bilingual
from gateways.simulation.plan import CENTRE, Plan


@dataclass(frozen=True)
class Count:
    what: str
    expected: int
    observed: int
    ok: bool
    note: str = ""


def merged(results: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, dict[str, float]], list[str], Any]:
    offices: dict[str, Any] = {}
    stages: dict[str, dict[str, float]] = {}
    errors: list[str] = []
    verify = None
    for result in results:
        offices.update(result["offices"])
        for tag, marks in result["stages"].items():
            stages.setdefault(tag, {}).update(marks)
        errors += result["errors"]
        verify = verify or result["verify"]
    return offices, stages, errors, verify


def exact_counts(plan: Plan, results: list[dict[str, Any]], dead_letters: int) -> list[Count]:
    offices, stages, errors, verify = merged(results)
    expected = plan.expected()
    logs = {o: offices[o]["log"] for o in plan.offices}
    refused = bilingual("sim_note_refused", count=len(errors)) if errors else ""
    counts = [_count("closed", expected["consultations"], sum("closed" in s for s in stages.values()), refused)]
    # Regency → province: each forward once, in the regency's order.
    sent = {r: [case_id(r, UUID(c)) for c in logs[r]["forwarded_up"]] for r in plan.regencies}
    received = {p: [line.split() for line in logs[p]["received"]] for p in plan.provinces}
    got = [case for p in plan.provinces for _, case in received[p]]
    counts += [
        _count("up_sent", expected["to_province"], sum(map(len, sent.values()))),
        _count("up_received", expected["to_province"], len(got),
               _twice(got)),
        _count("up_order", len(plan.regencies),
               sum([str(c) for c in sent[r]] == [c for o, c in received[province_of(r)] if o == r]
                   for r in plan.regencies)),
    ]
    # Province → centre.
    forwarded = {p: logs[p]["forwarded"] for p in plan.provinces}
    at_centre = [line.split() for line in logs[CENTRE]["received"]]
    counts += [
        _count("centre_sent", expected["to_centre"], sum(map(len, forwarded.values()))),
        _count("centre_received", expected["to_centre"], len(at_centre),
               _twice([c for _, c in at_centre])),
        _count("centre_order", len(plan.provinces),
               sum(forwarded[p] == [c for o, c in at_centre if province_of(o) == p] for p in plan.provinces)),
    ]
    # Answers back down, each applied once at its origin.
    arrived = [c for r in plan.regencies for c in logs[r]["answer_arrived"]]
    counts.append(_count("answers", expected["to_province"], len(arrived),
                         _twice(arrived)))
    # Audit chains at the centre: one per office, each as long as the office's own, each verified.
    heads = sum(offices[o]["head"] for o in plan.offices)
    if verify is not None:
        counts += [
            _count("chains", len(plan.offices), verify["chains"]),
            _count("verified", len(plan.offices), verify["verified"],
                   "; ".join(verify["problems"])),
            _count("entries", heads, verify["entries"]),
        ]
    counts.append(_count("dead_letters", 0, dead_letters))
    return counts


def _count(what: str, expected: int, observed: int, note: str = "") -> Count:
    """Exact when the figures agree and nothing is noted (an event applied twice, a step refused, a chain broken);
    `what` names the catalogue's words (`sim_count_<what>`), said in both languages."""
    return Count(bilingual(f"sim_count_{what}"), expected, observed, expected == observed and not note, note)


def _twice(ids: list[Any]) -> str:
    doubled = len(ids) - len(set(ids))
    return bilingual("sim_note_twice", count=doubled) if doubled else ""


def province_of(office: str) -> str:
    parent = OfficeId(office).parent
    return parent.value if parent is not None else ""
