"""The office's duty set-up over the pages and the API on every backend (issue 16): the Koordinator Harian sets the
service hours of a weekday, marks the registration period's long days and a closed day, and keeps the office's own
desk checklist; the desk reads them and is refused the forms; every malformed field comes back at once with a 4xx; a
new checklist is the one the next planned day is ticked against."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from html import unescape

from litestar.testing import TestClient

from domain.roles import Role
from domain.roster_hours import Hours
from gateways.app import create_app
from gateways.bootstrap import Node
from gateways.messages import message
from tests.integration.test_roster_web import sign_in

WEEK = {f"{part}_{n}": "" for n in range(7) for part in ("opens", "closes")}


def test_the_keeper_keeps_the_hours_the_marked_days_and_the_checklist(office: Callable[[str], Node]) -> None:
    node = office("kab-16.13")
    with TestClient(create_app(node)) as web:
        # The desk reads the set-up (the decree's checklist, the national holidays ahead) but changes nothing.
        sign_in(web, node, Role.ANGGOTA_HELPDESK, "ani")
        page = unescape(web.get("/jadwal-piket/pengaturan").text)
        assert "Daftar hadir tamu" in page and "Alat rekam" in page and 'action="/jadwal-piket/pengaturan/jam"' in page
        assert 'action="/jadwal-piket/pengaturan/tandai"' not in page
        assert web.post("/jadwal-piket/pengaturan/daftar-periksa", data={"items": "Buku tamu"}).status_code == 403

        # The keeper: Saturday mornings open, Sunday closed, Monday to Friday as they were.
        sign_in(web, node, Role.KOORDINATOR_HARIAN, "harian")
        week = {**WEEK, **{f"opens_{n}": "08:00" for n in range(6)}, **{f"closes_{n}": "16:00" for n in range(5)},
                "closes_5": "12:00"}
        assert web.post("/jadwal-piket/pengaturan/jam", data=week, follow_redirects=False).status_code == 303
        assert node.roster.setup(node.office.value).week[5] is not None
        # A week with a reversed day and a bad time: both refused at once, nothing saved.
        wrong = {**week, "opens_0": "17:00", "closes_0": "08:00", "opens_1": "8 pagi"}
        refused = web.post("/jadwal-piket/pengaturan/jam", data=wrong)
        assert refused.status_code == 422
        assert message("roster_hours_invalid") in unescape(refused.text)
        assert message("roster_time_invalid") in unescape(refused.text)
        assert node.roster.setup(node.office.value).week[0] == Hours(time(8), time(16))

        # The registration period's long days, then a mark with every field wrong.
        marked = web.post("/jadwal-piket/pengaturan/tandai", data={
            "first": "2024-08-01", "last": "2024-08-10", "opens": "08:00", "closes": "20:00",
            "note": "Masa pendaftaran partai politik"}, follow_redirects=False)
        assert marked.status_code == 303
        assert node.roster.hours_on(node.office.value, date(2024, 8, 4)).hours == Hours(time(8), time(20))  # a Sunday
        bad = unescape(web.post("/jadwal-piket/pengaturan/tandai", data={
            "first": "kemarin", "last": "2024-08-10", "opens": "20:00", "closes": "08:00", "note": ""}).text)
        for code in ("roster_date_invalid", "roster_hours_invalid"):
            assert message(code) in bad, code
        page = unescape(web.get("/jadwal-piket/pengaturan").text)
        assert "Masa pendaftaran partai politik" in page

        # The office's own checklist, one item per line; an empty one is refused.
        kept = web.post("/jadwal-piket/pengaturan/daftar-periksa",
                        data={"items": "Buku tamu\n\nPerekam suara\nMeja bersih"}, follow_redirects=False)
        assert kept.status_code == 303
        assert node.roster.setup(node.office.value).checklist == ["Buku tamu", "Perekam suara", "Meja bersih"]
        empty = web.post("/jadwal-piket/pengaturan/daftar-periksa", data={"items": "  \n "})
        assert empty.status_code == 422 and message("roster_checklist_invalid") in unescape(empty.text)

        # The API mirrors it: the set-up read back, a week of six days is a 400 naming the field.
        setup = web.get("/api/roster/setup").json()
        assert setup["checklist"] == ["Buku tamu", "Perekam suara", "Meja bersih"]
        assert web.post("/api/roster/setup/week", json={"week": [None] * 6}).status_code == 400
        closed = web.post("/api/roster/setup/marks", json={"first": "2024-08-12", "last": "2024-08-12",
                                                           "note": "Kantor ditutup"})
        assert closed.status_code == 200
        assert {"day": "2024-08-12", "hours": None, "note": "Kantor ditutup"} in closed.json()["marks"]
        released = web.post("/api/roster/setup/marks/release", json={"first": "2024-08-01", "last": "2024-08-31"})
        assert released.status_code == 200 and released.json()["marks"] == []
        assert web.get("/api/roster/days/2024-08-01").status_code == 404
