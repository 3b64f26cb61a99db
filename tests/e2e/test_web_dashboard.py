"""The dashboard page: today's counts by channel, the running SOP steps with their time left, and the two charts
drawn on the server (one bar per day over 14 days; one compliance bar per SOP step)."""

from __future__ import annotations

import html as html_lib
import re
from datetime import timedelta
from uuid import UUID

from litestar.testing import TestClient

from domain.roles import Role
from domain.values import Channel
from gateways.bootstrap import Node
from services.consultations import IdentityInput
from tests.conftest import FakeClock
from tests.e2e.conftest import PASSWORD, open_consultation, sign_in
from tests.support.consultations import handed_to_commissioner


def shown(html: str, name: str) -> str:
    found = re.search(rf'data-testid="{re.escape(name)}"[^>]*>([^<]*)<', html)
    assert found, name
    return found.group(1).strip()


def test_todays_counts_running_steps_and_one_bar_per_day(api: TestClient, memory_node: Node, clock: FakeClock
                                                         ) -> None:
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK, "petugas")
    clock.advance(minutes=-24 * 60)  # yesterday, 08.30 WIB
    open_consultation(api, "Kemarin")
    clock.advance(minutes=24 * 60)
    first = open_consultation(api, "Pertama")
    second = open_consultation(api, "Kedua")
    third = open_consultation(api, "Ketiga", channel="email", email="warga@contoh.id")

    sign_in(api, memory_node, Role.KOORDINATOR, "koordinator")
    response = api.get("/dasbor")
    assert response.status_code == 200, response.text
    html = response.text
    assert shown(html, "today-total") == "3"
    assert (shown(html, "today-walk_in"), shown(html, "today-email"), shown(html, "today-messaging")) == (
        "2", "1", "0")

    # The steps running now, the one due first at the top (each shown once per grouping): the problem step of today's
    # three, and yesterday's.
    running = re.findall(r'<li class="step-card" data-testid="running-step" data-id="([0-9a-f-]+)"', html)
    assert set(running) >= {first, second, third} and len(running) == 2 * 4
    assert "sisa 10:00" in html and "Menerima konsultasi dan mencatat permasalahan" in html
    # Each channel's queue: the consultations with a step running, per channel; no mail waits (no mailbox here).
    assert (shown(html, "queue-walk_in"), shown(html, "queue-email"), shown(html, "queue-messaging")) == (
        "3", "1", "0")
    assert shown(html, "mail-waiting") == "0"

    # The chart: 14 bars (one per local day), today's total 3 and yesterday's 1, axis labels and the legend.
    chart = html[html.index('data-testid="chart-per-day"'):]
    chart = chart[:chart.index("</svg>")]
    bars = re.findall(r'<g class="bar" data-category="([^"]+)" data-total="(\d+)"', chart)
    assert len(bars) == 14
    today = clock().date()
    assert bars[-1] == (f"{today:%d/%m}", "3")
    assert bars[-2] == (f"{today - timedelta(days=1):%d/%m}", "1")
    assert all(total == "0" for _, total in bars[:-2])
    for text in ("<title", "<desc", "Tanggal", "Jumlah konsultasi", "Tatap muka", "Surat elektronik"):
        assert text in chart, text
    # The same numbers in a table for screen readers.
    assert f'<time datetime="{today.isoformat()}">' in html

    # Compliance per step: six rows; attendance met its standard for all four consultations.
    compliance = html[html.index('data-testid="chart-compliance"'):]
    steps = re.findall(r'<g class="hbar" data-label="([^"]+)" data-value="([^"]*)"', compliance)
    assert len(steps) == 6 and steps[0] == ("Daftar hadir", "100")
    assert "100 % (4/4)" in compliance and "belum diukur" in compliance


def test_a_step_past_its_standard_counts_as_a_breach_today(api: TestClient, memory_node: Node, clock: FakeClock
                                                           ) -> None:
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK, "petugas")
    open_consultation(api, "Lama")
    clock.advance(minutes=8)  # 80 % of the problem step's 10 minutes
    html = api.get("/dasbor").text
    assert 'class="badge warn">Peringatan 75 %' in html and shown(html, "breaches-today") == "0"
    assert shown(html, "time-left") == "sisa 2:00"
    clock.advance(minutes=3)  # 11 minutes: past the standard
    html = api.get("/dasbor").text
    assert 'class="badge bad">Melanggar' in html
    assert shown(html, "time-left") == "lewat 1:00"
    assert shown(html, "breaches-today") == "1"


def test_an_empty_office_shows_texts_not_empty_charts(api: TestClient, memory_node: Node) -> None:
    sign_in(api, memory_node, Role.SEKRETARIS_HELPDESK, "sekretaris")
    html = api.get("/dasbor").text
    assert shown(html, "today-total") == "0"
    assert "Belum ada konsultasi dalam 14 hari terakhir." in html
    assert "Tidak ada konsultasi yang sedang berjalan." in html and 'data-testid="group-step"' not in html
    assert "<svg" not in html


def test_the_dashboard_needs_a_login_and_speaks_english_on_request(api: TestClient, memory_node: Node) -> None:
    response = api.get("/dasbor", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/masuk")
    sign_in(api, memory_node, Role.KETUA_HELPDESK, "ketua")
    api.cookies.set("helpdesk_lang", "en")
    html = api.get("/dasbor").text
    assert "Opened today" in html and "Consultations per day by channel" in html


def test_the_faq_figures_count_handovers_not_in_the_faq_and_answers_citing_it(
    api: TestClient, memory_node: Node
) -> None:
    helpdesk, office = memory_node.helpdesk, memory_node.settings.node_id
    who = IdentityInput(name="Ani", party_number=3, phone="081234567890")
    handed_to_commissioner(helpdesk, office, who, "Masalah baru", "Jadi masalah baru?", "Tidak ada di FAQ.")
    sign_in(api, memory_node, Role.KOORDINATOR, "koordinator")
    html = api.get("/dasbor").text
    assert shown(html, "faq-not-in") == "1"
    assert (shown(html, "faq-cited"), shown(html, "faq-candidates")) == ("0", "0")


def cards(html: str, by: str) -> list[tuple[str, str, list[str]]]:
    """Each group of one grouping, in order: its key, its title and the ids of its rows (cards), in order."""
    start = html.index(f'data-testid="groups-{by}"')
    section = html[start:html.index("</section>", start)]
    found = []
    for key, body in re.findall(rf'data-testid="group-{by}" data-key="([^"]*)">(.*?)</details>', section, re.S):
        [title] = re.findall(r'data-testid="group-title">([^<]*)<', body)
        found.append((key, html_lib.unescape(title), re.findall(r'data-testid="running-step" data-id="([^"]+)"', body)))
    return found


def test_running_steps_are_grouped_by_step_and_person_named_by_party_and_full_name_worst_first(
    api: TestClient, memory_node: Node, clock: FakeClock
) -> None:
    helpdesk, office = memory_node.helpdesk, memory_node.settings.node_id
    for username, full_name in (("ani", "Ani Lestari"), ("bima", "Bima Saputra")):
        memory_node.accounts.register_user(username, full_name, Role.ANGGOTA_HELPDESK, office, PASSWORD, "test")
    party = {p.number: p.name for p in memory_node.parties.parties if p.number in (1, 2, 3)}

    def opened(name: str, number: int, desk: str) -> str:
        who = IdentityInput(name=name, party_number=number, phone="081234567890")
        return str(helpdesk.open_consultation(office, Channel.WALK_IN, who, desk))

    # Ani opens Agus's consultation; a minute later Bima opens Bayu's, and a minute after that Ani opens Cici's.
    agus = opened("Agus Salim", 2, "ani")
    clock.advance(minutes=1)
    bayu = opened("Bayu Aji", 3, "bima")
    clock.advance(minutes=1)
    cici = opened("Cici Paramida", 1, "ani")
    # Bima takes Agus's problem down and the consultee confirms it: Agus's answer step (30 minutes) runs, Bima's.
    helpdesk.record_problem(office, UUID(agus), "Akun terkunci", "bima")
    helpdesk.restate_problem(office, UUID(agus), "Akun operator terkunci", "bima")
    helpdesk.confirm_problem(office, UUID(agus), "bima")
    # Eleven minutes later the two problem steps (10 minutes) have run over: Bayu's by 2:00, Cici's by 1:00.
    clock.advance(minutes=11)

    sign_in(api, memory_node, Role.KOORDINATOR, "koordinator")
    html = api.get("/dasbor").text
    # The charts come before the running steps.
    assert html.index('data-testid="charts"') < html.index('data-testid="running"')
    assert shown(html, "running-summary").startswith("3 langkah berjalan; 2 melewati batas waktu.")

    # By step: the problem step first (its worst row is the most overdue), Bayu before Cici; then the answer step.
    assert cards(html, "step") == [
        ("2", "2. Menerima konsultasi dan mencatat permasalahan", [bayu, cici]),
        ("3", "3. Menjawab substansi permasalahan", [agus]),
    ]
    # By person, by full name: Bima holds Bayu's (the worst) and Agus's; Ani holds Cici's.
    assert cards(html, "person") == [("bima", "Bima Saputra", [bayu, agus]), ("ani", "Ani Lestari", [cici])]
    # Each group says how many run and how many are overdue.
    step_two = html[html.index('data-testid="group-step" data-key="2"'):]
    assert shown(step_two, "group-count") == "2 berjalan" and shown(step_two, "group-overdue") == "2 lewat batas"

    # A row names the consultee and the party (with its ballot number) and who holds the step, never an id's start.
    row = html[html.index(f'data-testid="running-step" data-id="{bayu}"'):]
    row = row[:row.index("</li>")]
    assert shown(row, "running-title") == "Bayu Aji" and f'href="/konsultasi/{bayu}"' in row
    assert html_lib.unescape(shown(row, "running-party")) == f"3. {party[3]}"
    assert shown(row, "running-staff") == "Bima Saputra" and shown(row, "time-left") == "lewat 2:00"
    assert f">{bayu[:8]}<" not in html and "<table" not in html[html.index('data-testid="running"'):]
