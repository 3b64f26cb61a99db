"""The simulated day's plan (gateways/simulation/plan.py): the same seed gives the same day in every process, the
offices are whole subtrees over all three time zones, and the routes' shares follow the issue's shape."""

from __future__ import annotations

from collections import Counter
from datetime import UTC

from domain.offices import OfficeId
from gateways.simulation.plan import CENTRE, Route, Shape, make_plan, tag_of, take_offices


def test_the_default_day_is_the_whole_federation() -> None:
    plan = make_plan(Shape())
    assert len(plan.offices) == 553 and plan.offices[0] == CENTRE
    assert (len(plan.provinces), len(plan.regencies)) == (38, 514)
    assert len(plan.consultations) == 514 * 40
    expected = plan.expected()
    # 20 % to the commissioner, three quarters of those up, a quarter of those on to the centre (within sampling).
    assert 0.18 < expected["with_commissioner"] / expected["consultations"] < 0.22
    assert 0.70 < expected["to_province"] / expected["with_commissioner"] < 0.80
    assert 0.20 < expected["to_centre"] / expected["to_province"] < 0.30


def test_the_same_seed_gives_the_same_day_and_another_seed_another() -> None:
    one, again, other = make_plan(Shape(offices=60)), make_plan(Shape(offices=60)), make_plan(Shape(offices=60,
                                                                                                      seed=7))
    assert one.consultations == again.consultations and one.cuts == again.cuts
    assert one.consultations != other.consultations


def test_a_short_day_takes_whole_provinces_in_every_zone() -> None:
    offices = take_offices(60, 2024)
    assert len(offices) == 60
    regencies = [o for o in offices if o.startswith(("kab-", "kota-"))]
    # Each regency's province takes part, so every escalation has somewhere to go.
    assert all(OfficeId(r).parent.value in offices for r in regencies)
    assert set(Counter(OfficeId(r).timezone for r in regencies)) == {"Asia/Jakarta", "Asia/Makassar",
                                                                      "Asia/Jayapura"}


def test_each_consultation_comes_in_its_office_hours_in_its_own_zone() -> None:
    plan = make_plan(Shape(offices=40, scale=0.5))
    from zoneinfo import ZoneInfo

    for planned in plan.consultations:
        local = planned.at.astimezone(ZoneInfo(OfficeId(planned.office).timezone))
        assert 8 <= local.hour < 16, planned
        assert planned.at.tzinfo is UTC
    # The WIT desks open two hours before the WIB ones: the day starts in the east.
    first = min(plan.consultations, key=lambda c: c.at)
    assert OfficeId(first.office).timezone == "Asia/Jayapura"


def test_scale_multiplies_the_day_and_routes_keep_their_meaning() -> None:
    small, large = make_plan(Shape(offices=20, scale=0.5)), make_plan(Shape(offices=20, scale=2))
    assert len(large.consultations) == 4 * len(small.consultations)
    assert {c.route for c in large.consultations} == set(Route)
    assert [r.escalated for r in Route] == [False, False, True, True]


def test_cuts_fall_on_offices_taking_part() -> None:
    plan = make_plan(Shape(offices=120))
    assert plan.cuts and all(c.office in plan.offices for c in plan.cuts)
    assert {c.minutes for c in plan.cuts} == {60, 5}


def test_the_tag_is_found_in_a_problem_text() -> None:
    assert tag_of("Akun SIPOL tidak bisa dipakai [sim kab-16.13#7]") == "kab-16.13#7"
    assert tag_of("Masalah biasa") is None
