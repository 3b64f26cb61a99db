"""The "Pemantauan SIPOL" pages and API with Litestar's test client (SOP part D): the reporter on duty submits the
08.00 report with the beranda's screenshot after confirming it, and it is shown frozen with its hash; bad input is
refused all at once in Bahasa Indonesia with nothing recorded; a commissioner reads but may not submit; the missed
17.00 report shows as missed, is submitted late over the API, and a correction needs its reason; the chart draws the
registration thresholds."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from html import unescape

import pytest
from litestar.testing import TestClient

from domain.monitoring_values import Slot
from domain.roles import Role
from gateways.app import create_app
from gateways.bootstrap import Node
from tests.conftest import FakeClock
from tests.e2e.conftest import login_as, sign_in
from tests.support.samples import png

OFFICE = "kab-16.13"
DAY = date(2026, 12, 4)
MORNING = "/pemantauan/2026-12-04/0800"


@pytest.fixture
def web(memory_node: Node, clock: FakeClock) -> Iterator[TestClient]:
    clock.now = datetime(2026, 12, 4, 0, 50, tzinfo=UTC)  # 07.50 WIB
    with TestClient(create_app(memory_node)) as client:
        yield client


def form(node: Node, anggota: str = "120", **changes: str) -> dict[str, str]:
    """Every active party's row filled, confirmed; `changes` override single fields."""
    fields = {"confirm": "1", "note": ""}
    for i, _ in enumerate(node.helpdesk.monitored_parties(OFFICE)):
        fields |= {f"pengurus-{i}": "3", f"anggota-{i}": anggota, f"kantor-{i}": "1"}
    return fields | changes


def test_the_reporter_submits_the_morning_report_with_its_screenshot_and_it_is_frozen(
        web: TestClient, memory_node: Node) -> None:
    sign_in(web, memory_node, Role.ANGGOTA_HELPDESK)
    # The menu leads to today's two slots, both due.
    home = unescape(web.get("/pemantauan").text)
    assert 'href="/pemantauan"' in home and home.count('data-state="due"') == 2
    page = unescape(web.get(MORNING).text)
    assert 'data-testid="monitoring-form"' in page and "Partai Kebangkitan Bangsa" in page

    # Submitted confirmed, with the screenshot: to the frozen report.
    sent = web.post(MORNING, data=form(memory_node, anggota="1.250"),
                    files={"screenshot": ("beranda.png", png(7), "image/png")}, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"] == MORNING
    frozen = unescape(web.get(MORNING).text)
    [version] = memory_node.helpdesk.monitoring_versions(OFFICE, DAY, Slot.MORNING)
    assert 'data-testid="frozen"' in frozen and version.content_hash in frozen and "1250" in frozen
    assert 'data-state="on_time"' in frozen and 'data-testid="monitoring-form"' not in frozen
    shot = web.get(f"{MORNING}/tangkapan-layar/1")
    assert shot.status_code == 200 and shot.content == png(7) and shot.headers["content-type"] == "image/png"
    # Sent again: refused (409), the report stays as it was.
    again = web.post(MORNING, data=form(memory_node), files={"screenshot": ("b.png", png(8), "image/png")})
    assert again.status_code == 409 and "sudah disampaikan" in unescape(again.text)

    # The chart draws each party's members beside 1,000 and its boards beside 4 of Musi Rawas Utara's 7 kecamatan.
    chart = web.get("/pemantauan/grafik").text
    assert 'class="threshold" data-value="1000"' in chart and 'class="threshold" data-value="4"' in chart
    assert 'data-value="1250"' in chart


def test_bad_input_is_refused_all_at_once_in_bahasa_and_nothing_is_recorded(web: TestClient, memory_node: Node
                                                                           ) -> None:
    sign_in(web, memory_node, Role.ANGGOTA_HELPDESK)
    bad = form(memory_node, **{"pengurus-0": "-2", "anggota-1": "banyak", "confirm": ""})
    refused = web.post(MORNING, data=bad, files={"screenshot": ("", b"", "application/octet-stream")})
    page = unescape(refused.text)
    assert refused.status_code == 422
    for field in ("pengurus-0", "anggota-1", "screenshot", "confirm"):
        assert f'id="{field}-error"' in page, field
    assert "Isi dengan bilangan bulat 0 atau lebih." in page and "Lampirkan tangkapan layar beranda SIPOL." in page
    assert 'value="-2"' in page  # what was typed stays in the form
    # A file that is no picture is refused by the file store, in Bahasa Indonesia too.
    exe = web.post(MORNING, data=form(memory_node), files={"screenshot": ("a.png", b"MZ\x90\x00" * 40, "image/png")})
    assert exe.status_code == 422 and 'id="screenshot-error"' in exe.text
    assert memory_node.helpdesk.monitoring_versions(OFFICE, DAY, Slot.MORNING) == []


def test_a_commissioner_reads_the_reports_but_may_not_submit_them(web: TestClient, memory_node: Node) -> None:
    sign_in(web, memory_node, Role.ANGGOTA_KPU)
    page = unescape(web.get(MORNING).text)
    assert "Laporan ini belum disampaikan." in page and 'data-testid="monitoring-form"' not in page
    refused = web.post(MORNING, data=form(memory_node), files={"screenshot": ("b.png", png(), "image/png")})
    assert refused.status_code == 403 and "Anda tidak berhak membuka halaman ini." in unescape(refused.text)
    # Over the API too, in Bahasa Indonesia.
    headers = login_as(web, memory_node, Role.ANGGOTA_KPU)
    api = web.post("/api/monitoring/2026-12-04/0800", headers=headers, data={"figures": "[]"},
                   files={"screenshot": ("b.png", png(), "image/png")})
    assert api.status_code == 403
    assert memory_node.helpdesk.monitoring_versions(OFFICE, DAY, Slot.MORNING) == []


def test_the_missed_evening_report_is_shown_missed_submitted_late_over_the_api_and_corrected_with_a_reason(
        web: TestClient, memory_node: Node, clock: FakeClock) -> None:
    clock.now = datetime(2026, 12, 4, 0, 0, tzinfo=UTC)  # the node's log begins: 07.00 WIB
    memory_node.accounts.register_user("ketua.awal", "Ketua", Role.KETUA_HELPDESK, OFFICE, "sandi-panjang-sekali-42",
                                       "cli")
    # 17.31 WIB: the watcher has recorded the evening report missed.
    clock.now = datetime(2026, 12, 4, 10, 31, tzinfo=UTC)
    memory_node.monitoring_watcher.tick(force=True)
    sign_in(web, memory_node, Role.KOORDINATOR_HARIAN)
    assert 'data-state="missed"' in web.get("/pemantauan/2026-12-04/1700").text

    # The API: submitted late with the figures as JSON.
    headers = login_as(web, memory_node, Role.ANGGOTA_HELPDESK)
    rows = [{"party": p.name, "pengurus": 2, "anggota": 40, "kantor": 1}
            for p in memory_node.helpdesk.monitored_parties(OFFICE)]
    broken = web.post("/api/monitoring/2026-12-04/1700", headers=headers, data={"figures": "[{"},
                      files={"screenshot": ("b.png", png(2), "image/png")})
    assert broken.status_code == 422, broken.text
    late = web.post("/api/monitoring/2026-12-04/1700", headers=headers, data={"figures": json.dumps(rows)},
                    files={"screenshot": ("b.png", png(2), "image/png")})
    assert late.status_code == 201, late.text
    assert late.json()["late"] is True and late.json()["missed"] is True
    states = web.get("/api/monitoring", headers=headers, params={"first": "2026-12-04", "last": "2026-12-04"}).json()
    assert [(s["slot"], s["state"]) for s in states] == [("0800", "missed"), ("1700", "late")]
    series = web.get("/api/monitoring/series", headers=headers,
                     params={"first": "2026-12-04", "last": "2026-12-04"}).json()
    assert series[0]["points"] == [{"day": "2026-12-04", "slot": "1700", "pengurus": 2, "anggota": 40, "kantor": 1}]
    # A period that has not begun is refused, in Bahasa Indonesia.
    future = web.get("/api/monitoring/series", headers=headers, params={"first": "2026-12-04", "last": "2027-01-01"})
    assert future.status_code == 422

    # A correction through the page needs its reason; then it is version 2.
    sign_in(web, memory_node, Role.KOORDINATOR_HARIAN)
    fields = form(memory_node, anggota="45")
    no_file = {"screenshot": ("", b"", "application/octet-stream")}  # the browser's multipart, no new screenshot
    no_reason = web.post("/pemantauan/2026-12-04/1700/koreksi", data=fields, files=no_file)
    assert no_reason.status_code == 422 and 'id="reason-error"' in no_reason.text
    corrected = web.post("/pemantauan/2026-12-04/1700/koreksi", data=fields | {"reason": "Salah baca"},
                         files=no_file, follow_redirects=False)
    assert corrected.status_code == 303
    page = unescape(web.get("/pemantauan/2026-12-04/1700").text)
    assert "Salah baca" in page and 'data-testid="versions"' in page and 'data-state="late"' in page


def test_the_days_before_the_office_began_on_the_node_are_not_listed_as_missed(
        web: TestClient, memory_node: Node, clock: FakeClock) -> None:
    # The office's first account on Thursday 3 December, 10.00 WIB; the page is read on Friday the 4th at 09.00.
    clock.now = datetime(2026, 12, 3, 3, 0, tzinfo=UTC)
    memory_node.accounts.register_user("ketua.awal", "Ketua", Role.KETUA_HELPDESK, OFFICE, "sandi-panjang-sekali-42",
                                       "cli")
    clock.now = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)
    sign_in(web, memory_node, Role.KOORDINATOR_HARIAN)
    page = web.get("/pemantauan").text
    recent = page[page.index('data-testid="recent"'):]
    # Of the days before today only Thursday's 17.00 was the node's: missed. Its 08.00 and the days before are not.
    assert recent.count('data-state="missed"') == 1 and "03/12/2026" in recent and "02/12/2026" not in recent
