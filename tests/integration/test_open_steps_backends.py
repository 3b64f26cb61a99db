"""The dashboard's running steps come from the read models on memory, SQLite and PostgreSQL: each named by the
consultee and their party and by the full name of who holds the step (a case received from below by its party and
origin office, held by whoever accepted it), the most overdue first."""

from __future__ import annotations

from collections.abc import Callable

from domain.casefile import case_id
from domain.roles import Role
from domain.sop import Level, Step
from domain.values import Channel
from gateways.bootstrap import Node
from projections.open_step_queries import OpenStepQueries
from services.consultations import IdentityInput
from tests.conftest import FakeClock
from tests.support.by_hand import KAB, PROV, deliver
from tests.support.consultations import handed_to_commissioner

PASSWORD = "kata-sandi-uji-123"


def test_running_steps_name_the_consultee_the_party_and_the_staff_worst_first(
    office: Callable[[str], Node], clock: FakeClock
) -> None:
    kab, prov = office(KAB), office(PROV)
    kab.accounts.register_user("ani", "Ani Lestari", Role.ANGGOTA_HELPDESK, KAB, PASSWORD, "test")
    prov.accounts.register_user("rudi.prov", "Rudi Hartono", Role.ANGGOTA_KPU, PROV, PASSWORD, "test")
    # Ani opens Dewi's consultation (party 2); five minutes later the desk hands Eko's (party 3) to the commissioner,
    # who forwards it to the province.
    dewi = kab.helpdesk.open_consultation(
        KAB, Channel.WALK_IN, IdentityInput(name="Dewi Sartika", party_number=2, phone="081234567890"), "ani")
    clock.advance(minutes=5)
    eko = handed_to_commissioner(kab.helpdesk, KAB, IdentityInput(name="Eko Prasetyo", party_number=3,
                                                                   email="eko@partai.example"),
                                 "Masalah", "Jadi masalahnya?", "Di luar FAQ")
    kab.helpdesk.forward_up(KAB, eko, "Mohon arahan provinsi.", "kpu")
    deliver(kab, prov)
    clock.advance(minutes=12)

    # At the regency: Dewi's problem step (10 minutes, 17 run) is over its standard; Eko's waits above (no step).
    [row] = OpenStepQueries(kab.projections).open_now(KAB, clock())
    assert (row.record_id, row.kind, row.step, row.consultee) == (dewi, "consultation", Step.PROBLEM, "Dewi Sartika")
    assert row.party is not None and row.party.number == 2
    assert (row.staff, row.staff_name, row.left_s, row.level) == ("ani", "Ani Lestari", -7 * 60, Level.BREACH)

    # At the province: the case (its step 4, 15 minutes), named by its party and origin, no consultee's name; nobody
    # holds it until someone accepts it, then they do.
    queries = OpenStepQueries(prov.projections)
    [case] = queries.open_now(PROV, clock())
    assert (case.record_id, case.kind, case.step, case.consultee) == (case_id(KAB, eko), "case",
                                                                      Step.ESCALATED_ANSWER, None)
    assert case.party is not None and case.party.number == 3 and case.origin_office == KAB
    assert (case.staff, case.staff_name, case.left_s) == (None, None, 3 * 60)
    prov.helpdesk.accept_case(PROV, case_id(KAB, eko), "rudi.prov")
    [case] = queries.open_now(PROV, clock())
    assert (case.staff, case.staff_name) == ("rudi.prov", "Rudi Hartono")


def test_the_most_overdue_comes_first(office: Callable[[str], Node], clock: FakeClock) -> None:
    kab = office(KAB)
    opened = []
    for n in range(3):
        who = IdentityInput(name=f"Tamu {n}", party_number=1, phone="081234567890")
        opened.append(kab.helpdesk.open_consultation(KAB, Channel.WALK_IN, who, "desk"))
        clock.advance(minutes=2)
    # The first has run longest: it is the most overdue; the desk's account is unknown here, so no full name.
    rows = OpenStepQueries(kab.projections).open_now(KAB, clock())
    assert [r.record_id for r in rows] == opened
    assert [r.staff_name for r in rows] == [None, None, None] and [r.staff for r in rows] == ["desk"] * 3
