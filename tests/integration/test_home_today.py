"""The home page's "Hari ini" panel (issue 16): the desk member sees their own duties today and a link to check
in, then "Hadir" once checked in; the two SIPOL monitoring slots with their state at a regency (none at a province);
the Koordinator Harian sees today's and tomorrow's roster gaps — all read from the read models."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from html import unescape

from litestar.testing import TestClient

from domain.roles import Role
from gateways.app import create_app
from gateways.bootstrap import Node
from tests.conftest import FakeClock
from tests.integration.test_roster_web import MONDAY, sign_in


def panel(web: TestClient) -> str:
    html = unescape(web.get("/").text)
    start = html.index('data-testid="today"')
    return html[start:html.index("</section>", start)]


def test_the_desk_sees_its_duty_and_checks_in_the_keeper_sees_the_gaps_and_the_slots_show_their_state(
        office: Callable[[str], Node], clock: FakeClock) -> None:
    clock.now = datetime(2024, 7, 29, 0, 40, tzinfo=UTC)  # 07.40 WIB on Monday
    node = office("kab-16.13")
    with TestClient(create_app(node)) as web:
        ani = sign_in(web, node, Role.ANGGOTA_HELPDESK, "ani", "Ani Lestari")
        assert "Jadwal piket hari ini belum disusun." in panel(web)
        sign_in(web, node, Role.KOORDINATOR_HARIAN, "harian", "Hana Harian")
        unplanned = panel(web)
        assert 'data-testid="today-gaps"' in unplanned and "Perlu diisi" in unplanned
        assert web.post("/jadwal-piket/rencana", data={"day": MONDAY}, follow_redirects=False).status_code == 303
        assert web.post("/jadwal-piket/tugas", data={"day": MONDAY, "shift": "Pagi", "duty": "front_desk",
                                                     "user_id": ani}, follow_redirects=False).status_code == 303
        keeper = panel(web)
        # Pagi and Siang with three duties each, less Ani's, plus the day's monitoring reporter: 6 gaps today.
        assert "hari ini 6," in keeper and "Anda tidak terjadwal jaga hari ini." in keeper

        sign_in(web, node, Role.ANGGOTA_HELPDESK, "ani")
        mine = panel(web)
        assert "Meja layanan tatap muka (Pagi, 08.00)" in mine  # the duty in Indonesian, never its code
        assert "(Pagi, 08.00)" in mine and 'href="/jadwal-piket">Catat kehadiran' in mine
        assert 'data-testid="today-gaps"' not in mine  # the desk does not divide duties
        # The 08.00 report is due; at 08.31 it is missed.
        assert 'data-testid="today-slot-0800"' in mine and 'data-state="due"' in mine
        assert web.post("/jadwal-piket/hadir", follow_redirects=False).status_code == 303
        clock.now = datetime(2024, 7, 29, 1, 31, tzinfo=UTC)
        later = panel(web)
        assert "Catat kehadiran" not in later and ">Hadir<" in later
        slot = later[later.index('data-testid="today-slot-0800"'):]
        assert 'data-state="missed"' in slot[:400]


def test_a_province_monitors_no_sipol_slots_of_its_own(office: Callable[[str], Node]) -> None:
    node = office("prov-16")
    with TestClient(create_app(node)) as web:
        sign_in(web, node, Role.ANGGOTA_HELPDESK, "ani")
        shown = panel(web)
        assert 'data-testid="today-duty"' in shown and "today-slot-" not in shown
