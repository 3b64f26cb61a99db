"""The province's "Pemantauan SIPOL" page and API on a memory node (issue 16): every regency of the province listed,
those with nothing received shown as "Belum diterima"; a received report shown with its state and figures; a day to
come or before any service day refused in Bahasa Indonesia, never a 500. The regency's own page is unchanged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from html import unescape
from pathlib import Path

from litestar.testing import TestClient

from domain.monitoring_copy import MonitoringRelease
from domain.monitoring_values import PartyFigures, Slot
from domain.roles import Role
from gateways.app import create_app
from gateways.bootstrap import Node
from gateways.config import Settings
from services.inbox import SIGNED, Delivery, Outcome
from services.integration import Envelope, MonitoringShared, encode, subject
from tests.conftest import FakeClock
from tests.e2e.conftest import PASSWORD
from tests.support.settings import settings_for

PROV, KAB, KOTA = "prov-16", "kab-16.13", "kota-16.71"
DAY = date(2026, 12, 4)
T0 = datetime(2026, 12, 4, 0, 50, tzinfo=UTC)


def signed_in(node: Node) -> TestClient:
    node.accounts.register_user("komisioner", "Komisioner", Role.ANGGOTA_KPU, node.settings.node_id, PASSWORD, "t")
    client = TestClient(create_app(node))
    response = client.post("/masuk", data={"username": "komisioner", "password": PASSWORD, "next": "/"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return client


def province(tmp_path: Path, open_node: Callable[[Settings], Node]) -> Node:
    return open_node(settings_for("memory", tmp_path / "prov", node_id=PROV))


def test_the_province_lists_every_regency_and_shows_what_came(tmp_path: Path, clock: FakeClock,
                                                              open_node: Callable[[Settings], Node]) -> None:
    clock.now = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
    node = province(tmp_path, open_node)
    report = MonitoringRelease(office_id=KAB, day=DAY, slot=Slot.MORNING, due_at=T0, missed=False, version=1,
                               changed_at=T0, submitted_at=T0, content_hash="cd" * 32, screenshot_sha256="ef" * 32,
                               figures=(PartyFigures("Partai Contoh", 1, 5, 321, 2),))
    envelope = Envelope(1, KAB, PROV, 1, T0, MonitoringShared(report))
    (receipt,) = node.helpdesk.receive_batch([Delivery(1, subject(envelope), encode(envelope), envelope,
                                                       seal=SIGNED)])
    assert receipt.outcome is Outcome.APPLIED
    with signed_in(node) as client:
        page = unescape(client.get("/pemantauan", params={"day": DAY.isoformat()}).text)
        # Every regency of South Sumatra is listed: Musi Rawas Utara on time, Palembang not received.
        assert 'data-testid="regencies"' in page and "Belum diterima" in page
        kab_row = page.split(f'<tr data-office="{KAB}">')[1].split("</tr>")[0]
        kota_row = page.split(f'<tr data-office="{KOTA}">')[1].split("</tr>")[0]
        assert 'data-state="on_time"' in kab_row and 'data-state="not_received"' in kab_row
        assert kota_row.count('data-state="not_received"') == 2
        assert "<td>321</td>" in page
        api = client.get("/api/monitoring/regencies", params={"day": DAY.isoformat()}).json()
        assert len(api["regencies"]) > 10 and api["figures"]["0800"][0]["anggota"] == 321
        # A day to come, or one before any service day: refused (4xx), never a 500.
        for bad in ("2026-12-05", "0001-01-01"):
            assert 400 <= client.get("/api/monitoring/regencies", params={"day": bad}).status_code < 500
            assert 400 <= client.get("/pemantauan", params={"day": bad}).status_code < 500
        assert client.get("/pemantauan", params={"day": "bukan-tanggal"}).status_code == 400


def test_the_regencys_own_page_stays_as_it_was(memory_node: Node, clock: FakeClock) -> None:
    clock.now = T0
    with signed_in(memory_node) as client:
        page = unescape(client.get("/pemantauan").text)
        assert page.count('data-state="due"') == 2 and 'data-testid="regencies"' not in page
