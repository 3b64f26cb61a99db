"""The Koordinator's evaluation read from the real read store (SQLite and PostgreSQL, issue 16): over a seeded day of
consultations the figures are exact (counts per channel, repeats, handed over, forwarded, answered), the SOP figures
are the dashboard's own, compliance per staff member adds up to them, the day after is left out, and what was frozen
when finalising stays as it was while the read models move on."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from domain.monitoring_values import FigureInput, Slot
from domain.roles import Role
from domain.values import Channel
from gateways.bootstrap import Node
from gateways.config import Settings
from services.clips import Screenshot
from services.consultations import IdentityInput
from tests.conftest import FakeClock
from tests.support.consultations import handed_to_commissioner
from tests.support.samples import png
from tests.support.stories import DESKS, consultation_story

OFFICE = "kab-16.13"
DAY = date(2024, 7, 29)  # the fake clock's Monday, 08:30 WIB


def seed_day(node: Node, clock: FakeClock) -> None:
    """Fourteen consultations at every stage (tests/support/stories.py) and three handed to the commissioner, of
    which the commissioner answers one and forwards one to the province."""
    h = node.helpdesk
    for n in range(14):
        consultation_story(h, OFFICE, n, clock.advance)
    handed = [
        handed_to_commissioner(h, OFFICE, IdentityInput(name=f"Penghubung eskalasi {i}", party_number=2 + i,
                                                        email=f"e{i}@partai.example"),
                               f"Masalah {i} di luar FAQ", f"Jadi masalah {i}?", "Di luar FAQ", desk="desk.ani")
        for i in range(3)
    ]
    clock.advance(minutes=5)
    h.answer_problem(OFFICE, handed[0], "Keputusan Anggota KPU", [("pkpu", "PKPU 4/2022 Pasal 12")], "kpu",
                     role=Role.ANGGOTA_KPU)
    h.forward_up(OFFICE, handed[1], "Mohon arahan provinsi.", "kpu")


def test_the_figures_of_a_day_are_exact_and_frozen_when_finalised(
    backend_settings: Settings, open_node: Callable[[Settings], Node], clock: FakeClock
) -> None:
    node = open_node(backend_settings)
    koord = node.accounts.get_user(node.accounts.register_user(
        "koord", "Koordinator Uji", Role.KOORDINATOR, OFFICE, "kata-sandi-uji-123", "test"))
    seed_day(node, clock)
    # 16.50 WIB: the 17.00 SIPOL monitoring report submitted on time (the 08.00 fell due before the office's first
    # account at 08.30, so it is not counted).
    assert clock.now < datetime(2024, 7, 29, 9, 50, tzinfo=UTC)
    clock.now = datetime(2024, 7, 29, 9, 50, tzinfo=UTC)
    rows = [FigureInput(p.name, 2, 40, 1) for p in node.helpdesk.monitored_parties(OFFICE)]
    node.helpdesk.submit_monitoring(OFFICE, DAY, Slot.EVENING, rows, Screenshot(png(1), "image/png"), "", "desk.ani",
                                    Role.ANGGOTA_HELPDESK)
    # The next day's consultation is not the Monday's.
    clock.now += timedelta(days=1)
    node.helpdesk.open_consultation(OFFICE, Channel.WALK_IN, IdentityInput(name="Besok", party_number=1,
                                                                          phone="081299990000"), "desk.budi")

    eid = node.helpdesk.draft_evaluation(koord, DAY, DAY)
    figures = node.helpdesk.evaluation_view(OFFICE, eid).content.figures
    # Stories 0..13 by channel n % 4, the three escalations by e-mail.
    assert figures.by_channel == {"email": 4 + 3, "messaging": 3, "online_meeting": 3, "walk_in": 4}
    assert figures.consultations == 17
    # Repeated: the stories that reach the understanding check not understood (n % 7 >= 5 and n odd: 5 and 13).
    assert (figures.repeated, figures.handed_over, figures.forwarded, figures.escalations_answered) == (2, 3, 1, 1)
    assert (figures.monitoring_on_time, figures.monitoring_due) == (1, 1)  # the reports due since the office began
    # The SOP figures are the dashboard's and the compliance report's own; per staff member they add up to them.
    dashboard = node.clocks.step_figures(OFFICE, DAY, DAY)
    assert [(s.step, s.measured, s.met, s.breached) for s in figures.steps] == [
        (f.step, f.measured, f.met, f.breached) for f in dashboard]
    assert sum(s.measured for s in figures.staff) == sum(s.measured for s in figures.steps) > 0
    assert sum(s.met for s in figures.staff) == sum(s.met for s in figures.steps)
    assert {s.username for s in figures.staff} <= {*DESKS, "kpu"} and {"desk.ani", "desk.budi"} <= {
        s.username for s in figures.staff}

    node.helpdesk.add_follow_up(koord, eid, "Latih ulang pemeriksaan pemahaman", "koord", DAY + timedelta(days=7))
    digest = node.helpdesk.finalise_evaluation(koord, eid)
    # Work recorded late for that Monday (the clock set back to its morning) changes the read models, not the frozen
    # evaluation.
    clock.now -= timedelta(days=1)
    consultation_story(node.helpdesk, OFFICE, 20, clock.advance)
    assert node.evaluations.figures(OFFICE, DAY, DAY).consultations == 18
    frozen = node.helpdesk.evaluation_view(OFFICE, eid)
    assert (frozen.content.figures, frozen.content_hash) == (figures, digest)

    # The list is a read model: rebuilt from zero it is the same.
    listed = node.evaluations.list(OFFICE)
    assert [(r.id, r.follow_ups, r.open_follow_ups, r.content_hash) for r in listed] == [(str(eid), 1, 1, digest)]
    node.projections.rebuild("evaluations")
    assert node.evaluations.list(OFFICE) == listed


def test_the_programme_list_is_the_same_after_a_rebuild(
    backend_settings: Settings, open_node: Callable[[Settings], Node], clock: FakeClock
) -> None:
    node = open_node(backend_settings)
    ketua = node.accounts.get_user(node.accounts.register_user(
        "ketua", "Ketua Uji", Role.KETUA_HELPDESK, OFFICE, "kata-sandi-uji-123", "test"))
    node.accounts.register_user("harian", "Harian Uji", Role.KOORDINATOR_HARIAN, OFFICE, "kata-sandi-uji-123", "test")
    first = node.helpdesk.plan_programme_item(ketua, 2024, "Bimtek SIPOL", date(2024, 8, 5), "harian")
    node.helpdesk.plan_programme_item(ketua, 2024, "Rapat evaluasi", date(2024, 8, 1), "harian")
    node.helpdesk.move_programme_item(ketua, 2024, first, "in_progress", "Undangan terkirim")
    items = node.programme.items(OFFICE, 2024)
    assert [(i.activity, i.state) for i in items] == [("Rapat evaluasi", "planned"), ("Bimtek SIPOL", "in_progress")]
    node.projections.rebuild("programme")
    assert node.programme.items(OFFICE, 2024) == items
