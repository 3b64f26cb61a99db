"""The duty roster's pages and API on every backend (issue 16): the Koordinator Harian plans today on /jadwal-piket,
the empty duties show as gaps today and tomorrow, divides the duties; the person on duty presses "Hadir" and is shown
"terlambat" by the office's own clock (WIB, WITA, WIT) and ticks the desk checklist, the missing item reaching the
keeper's page; the desk cannot plan (403 in Bahasa Indonesia); malformed input comes back 4xx with every field's error
at once, on the page and over the API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from html import unescape

import pytest
from litestar.testing import TestClient

from domain.roles import Role
from gateways.app import create_app
from gateways.bootstrap import Node
from gateways.messages import message
from tests.conftest import FakeClock
from tests.e2e.conftest import PASSWORD

MONDAY = "2024-07-29"
# 00:45 UTC on Monday: 07.45 WIB (on time for 08.00), 08.45 WITA and 09.45 WIT (late).
ARRIVAL = datetime(2024, 7, 29, 0, 45, tzinfo=UTC)


def sign_in(web: TestClient, node: Node, role: Role, username: str, full_name: str = "") -> str:
    """Signs in through the login form as an account with `role` (made once); returns the account's id."""
    found = [u for u in node.users.list(node.office.value) if u.username == username]
    user_id = found[0].id if found else node.accounts.register_user(
        username, full_name or f"Petugas {username}", role, node.office.value, PASSWORD, "test")
    web.cookies.clear()
    response = web.post("/masuk", data={"username": username, "password": PASSWORD, "next": "/"},
                        follow_redirects=False)
    assert response.status_code == 303, response.text
    return str(user_id)


@pytest.mark.parametrize(("node_id", "late"), [("kab-16.13", False), ("kab-73.01", True), ("kab-94.01", True)])
def test_the_keeper_plans_and_divides_the_day_and_the_desk_checks_in_by_the_offices_clock(
        office: Callable[[str], Node], clock: FakeClock, node_id: str, late: bool) -> None:
    clock.now = ARRIVAL
    node = office(node_id)
    with TestClient(create_app(node)) as web:
        ani = sign_in(web, node, Role.ANGGOTA_HELPDESK, "ani", "Ani Lestari")
        keeper = sign_in(web, node, Role.KOORDINATOR_HARIAN, "harian", "Hana Harian")
        # The menu leads to the roster; nobody planned today or tomorrow: both shown as gaps first.
        assert 'href="/jadwal-piket"' in web.get("/").text
        page = unescape(web.get("/jadwal-piket").text)
        assert page.count("Belum ada jadwal piket") >= 2 and "Susun jadwal untuk tanggal ini" in page

        # The keeper plans today with the usual hours: two shifts, every duty empty.
        planned = web.post("/jadwal-piket/rencana", data={"day": MONDAY}, follow_redirects=False)
        assert planned.status_code == 303 and planned.headers["location"] == f"/jadwal-piket?tanggal={MONDAY}"
        page = unescape(web.get(f"/jadwal-piket?tanggal={MONDAY}").text)
        assert "Pagi" in page and "Siang" in page and page.count("Kosong") == 2 * 3 + 1
        # Ani takes the morning's front desk: one gap fewer, her full name in the table.
        for duty in ("front_desk", "monitoring_report"):
            assigned = web.post("/jadwal-piket/tugas", data={"day": MONDAY, "shift": "Pagi", "duty": duty,
                                                              "user_id": ani}, follow_redirects=False)
            assert assigned.status_code == 303, assigned.text
        page = unescape(web.get("/jadwal-piket").text)
        assert "Ani Lestari" in page and page.count("Kosong") == 2 * 3 - 1
        assert keeper != ani

        # Ani arrives at 00.45 UTC: on time in a WIB office, late in WITA and WIT; she checks the desk.
        sign_in(web, node, Role.ANGGOTA_HELPDESK, "ani")
        mine = unescape(web.get("/jadwal-piket").text)
        assert "Tugas saya hari ini" in mine and 'action="/jadwal-piket/hadir"' in mine
        assert web.post("/jadwal-piket/hadir", follow_redirects=False).status_code == 303
        mine = unescape(web.get("/jadwal-piket").text)
        assert ("terlambat" in mine) is late and 'action="/jadwal-piket/hadir"' not in mine
        present = ["Daftar hadir tamu", "Perlengkapan tulis menulis", "PC/laptop dan jaringan internet",
                   "Area Helpdesk bersih dan rapi"]
        ticked = web.post("/jadwal-piket/periksa", data={"shift": "Pagi", "present": present, "note": "Dipinjam"},
                          follow_redirects=False)
        assert ticked.status_code == 303, ticked.text
        # Checking in twice is refused beside the form, in Bahasa Indonesia.
        again = web.post("/jadwal-piket/hadir")
        assert again.status_code == 409 and message("roster_already_checked_in") in unescape(again.text)

        # The keeper sees the missing recorder and the check-in on the day's page.
        sign_in(web, node, Role.KOORDINATOR_HARIAN, "harian")
        page = unescape(web.get("/jadwal-piket").text)
        assert "Perlengkapan kurang" in page and "Alat rekam" in page and "Dipinjam" in page
        assert ("terlambat" in page) is late


def test_the_desk_cannot_plan_and_malformed_input_gets_every_error_at_once(office: Callable[[str], Node]) -> None:
    node = office("kab-16.13")
    with TestClient(create_app(node)) as web:
        ani = sign_in(web, node, Role.ANGGOTA_HELPDESK, "ani")
        # The desk reads the roster but may not plan or divide it: 403 with a message in Bahasa Indonesia.
        assert web.get("/jadwal-piket").status_code == 200
        refused = web.post("/jadwal-piket/rencana", data={"day": MONDAY})
        assert refused.status_code == 403 and "Anda tidak berhak membuka halaman ini." in refused.text
        assert "Susun jadwal untuk tanggal ini" not in web.get("/jadwal-piket").text
        api = web.post("/api/roster/days", json={"day": MONDAY})
        assert api.status_code == 403
        # Checking in with no roster for today is refused, not a server error.
        assert web.post("/jadwal-piket/hadir").status_code == 404

        # The keeper's form with a bad date, an impossible time and a shift without its end: every error at once.
        sign_in(web, node, Role.KOORDINATOR_HARIAN, "harian")
        bad = web.post("/jadwal-piket/rencana", data={"day": "29-07-2024", "opens": "25:00", "shift_name_1": "Pagi",
                                                       "shift_starts_1": "08:00", "shift_ends_1": ""})
        assert bad.status_code == 422
        text = unescape(bad.text)
        for code in ("roster_date_invalid", "roster_time_invalid"):
            assert message(code) in text, code
        # The date's error is listed at the top (its field is hidden); the opening and the shift's end are marked.
        assert text.count('aria-invalid="true"') == 2 and text.count(message("roster_time_invalid")) == 2 * 2
        # A closed day (Saturday) asks for hours; a bad date on the picker is a 422, not a 500.
        closed = web.post("/jadwal-piket/rencana", data={"day": "2024-08-03"})
        assert closed.status_code == 409 and message("roster_day_closed") in unescape(closed.text)
        assert web.get("/jadwal-piket?tanggal=kemarin").status_code == 422
        assert web.get("/jadwal-piket?tanggal=0001-01-01").status_code == 422
        assert web.get("/api/roster/coverage?first=9999-12-31").status_code == 422
        # Assigning in a day not planned, or an unknown duty, is a 4xx beside the form.
        assert web.post("/jadwal-piket/tugas", data={"day": MONDAY, "shift": "Pagi", "duty": "front_desk",
                                                     "user_id": ani}).status_code == 404

        # The API: malformed bodies are 400 with the field named; the planned day is read back.
        assert web.post("/api/roster/days", json={"day": "nanti"}).status_code == 400
        assert web.post("/api/roster/days", json={"day": MONDAY, "colour": "red"}).status_code == 400
        created = web.post("/api/roster/days", json={"day": MONDAY})
        assert created.status_code == 201, created.text
        assert [s["name"] for s in created.json()["shifts"]] == ["Pagi", "Siang"]
        unknown = web.post("/api/roster/duties", json={"day": MONDAY, "shift": "Pagi", "duty": "tidur",
                                                       "user_id": ani})
        assert unknown.status_code == 422 and unknown.json()["code"] == "roster_duty_unknown"
        assigned = web.post("/api/roster/duties", json={"day": MONDAY, "shift": "Pagi", "duty": "front_desk",
                                                        "user_id": ani})
        assert assigned.status_code == 200
        coverage = web.get("/api/roster/coverage").json()
        assert [c["planned"] for c in coverage] == [True, False]
        assert {"duty": "front_desk", "shift": "Pagi"} not in coverage[0]["gaps"]
        assert {"duty": "front_desk", "shift": "Siang"} in coverage[0]["gaps"]
