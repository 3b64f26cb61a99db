"""Staff daily reports over the app on every backend (issue 16): the desk finds its report of today prefilled with
what it served, adds notes and submits it on /laporan-harian; the Koordinator Harian sees the office's reports of
today (who has not sent one too), returns one with a reason and accepts it once submitted again. Refusals: a 403 in
Bahasa Indonesia for a role that may not, a 4xx beside the field for bad input, nothing half-written."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from html import unescape

import pytest
from litestar.testing import TestClient

from domain.roles import Role
from domain.staff_report_values import MAX_NOTES, ReportState
from domain.values import Channel
from gateways.app import create_app
from gateways.bootstrap import Node
from gateways.messages import message
from gateways.web.errors import MESSAGES as PAGE_MESSAGES
from tests.e2e.conftest import PASSWORD
from tests.unit.test_staff_reports import serve

OFFICE = "kab-16.13"


@pytest.fixture
def regency(office: Callable[[str], Node]) -> Node:
    return office(OFFICE)


@pytest.fixture
def web(regency: Node) -> Iterator[TestClient]:
    with TestClient(create_app(regency)) as client:
        yield client


def account(node: Node, role: Role, username: str) -> None:
    if not any(u.username == username for u in node.users.list(OFFICE)):
        node.accounts.register_user(username, f"Petugas {username}", role, OFFICE, PASSWORD, "test")


def sign_in(web: TestClient, node: Node, role: Role, username: str) -> None:
    account(node, role, username)
    web.cookies.clear()
    response = web.post("/masuk", data={"username": username, "password": PASSWORD, "next": "/"},
                        follow_redirects=False)
    assert response.status_code == 303, response.text


def test_the_desk_submits_its_prefilled_report_and_the_koordinator_harian_checks_it(web: TestClient, regency: Node
                                                                                      ) -> None:
    account(regency, Role.ANGGOTA_HELPDESK, "lh-budi")  # a colleague who has not sent a report
    sign_in(web, regency, Role.ANGGOTA_HELPDESK, "lh-ani")
    serve(regency, "lh-ani", Channel.EMAIL)
    serve(regency, "lh-ani", Channel.WALK_IN, hand_over=True)
    # The menu leads to the page; my report is prefilled with what I served today.
    assert 'href="/laporan-harian"' in web.get("/").text
    # Only its own menu entry is marked current (not "Laporan", whose path it starts with).
    page = web.get("/laporan-harian").text
    assert 'href="/laporan-harian" aria-current="page"' in page and 'href="/laporan" aria-current' not in page
    mine = unescape(web.get("/laporan-harian").text)
    assert "Laporan saya" in mine and "Surat elektronik 1" in mine and "Tatap muka 1" in mine and "(jumlah 2)" in mine
    # Overlong notes are refused beside the field, with a 422, and nothing is submitted.
    long = web.post("/laporan-harian", data={"notes": "x" * (MAX_NOTES + 1)})
    assert long.status_code == 422 and 'id="notes-error"' in long.text
    assert regency.staff_reports.of_day(OFFICE, regency.helpdesk.office_today(OFFICE)) == []
    sent = web.post("/laporan-harian", data={"notes": "Satu tamu diserahkan ke Anggota KPU"}, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    # The desk may not check reports: a 403 in Bahasa Indonesia.
    [report] = regency.staff_reports.of_day(OFFICE, regency.helpdesk.office_today(OFFICE))
    refused = web.post(f"/laporan-harian/{report.id}/terima")
    assert refused.status_code == 403 and PAGE_MESSAGES[403] in unescape(refused.text)
    # Sending it twice while it waits is refused (409) and said.
    twice = web.post("/laporan-harian", data={"notes": "lagi"})
    assert twice.status_code == 409 and message("staff_report_already_submitted") in unescape(twice.text)

    # The Koordinator Harian sees today's reports: Ani's waiting, Budi's missing.
    sign_in(web, regency, Role.KOORDINATOR_HARIAN, "lh-harian")
    board = web.get("/laporan-harian").text
    assert 'data-user="lh-ani" data-state="submitted"' in board and 'data-user="lh-budi" data-state="missing"' in board
    # A return needs its reason (422 beside the report); then it goes back with it.
    no_reason = web.post(f"/laporan-harian/{report.id}/kembalikan", data={"reason": " "})
    assert no_reason.status_code == 422 and message("text_required") in unescape(no_reason.text)
    assert regency.staff_reports.get(OFFICE, report.id).state is ReportState.SUBMITTED  # type: ignore[union-attr]
    back = web.post(f"/laporan-harian/{report.id}/kembalikan", data={"reason": "Sebutkan nomor konsultasinya"},
                    follow_redirects=False)
    assert back.status_code == 303

    # Ani reads the reason and submits again; the Koordinator Harian accepts it.
    sign_in(web, regency, Role.ANGGOTA_HELPDESK, "lh-ani")
    assert "Sebutkan nomor konsultasinya" in unescape(web.get("/laporan-harian").text)
    again = web.post("/laporan-harian", data={"notes": "Diserahkan: HD-nomor di atas"}, follow_redirects=False)
    assert again.status_code == 303
    sign_in(web, regency, Role.KOORDINATOR_HARIAN, "lh-harian")
    assert web.post(f"/laporan-harian/{report.id}/terima", follow_redirects=False).status_code == 303
    done = regency.staff_reports.get(OFFICE, report.id)
    assert done is not None and (done.state, done.submissions, done.checked_by) == (ReportState.ACCEPTED, 2,
                                                                                     "lh-harian")
    assert 'data-user="lh-ani" data-state="accepted"' in web.get("/laporan-harian").text


def test_the_api_mirrors_the_commands(web: TestClient, regency: Node) -> None:
    sign_in(web, regency, Role.ANGGOTA_HELPDESK, "lh-api-desk")
    serve(regency, "lh-api-desk", Channel.MESSAGING)
    figures = web.get("/api/staff-reports/mine/figures").json()
    assert figures["consultations"] == [{"channel": "messaging", "consultations": 1}]
    long = web.post("/api/staff-reports", json={"notes": "x" * (MAX_NOTES + 1)})
    assert long.status_code == 422 and long.json()["field"] == "notes"
    created = web.post("/api/staff-reports", json={"notes": "Grup WA ramai"})
    assert created.status_code == 201 and created.json()["state"] == "submitted"
    report_id = created.json()["id"]
    assert web.post(f"/api/staff-reports/{report_id}/acceptance").status_code == 403
    # The Ketua reads the day's reports but checks none.
    sign_in(web, regency, Role.KETUA_HELPDESK, "lh-api-ketua")
    assert [r["username"] for r in web.get("/api/staff-reports").json()] == ["lh-api-desk"]
    assert web.post("/api/staff-reports", json={"notes": ""}).status_code == 403
    sign_in(web, regency, Role.KOORDINATOR_HARIAN, "lh-api-harian")
    returned = web.post(f"/api/staff-reports/{report_id}/return", json={"reason": "Lengkapi catatan"})
    assert returned.status_code == 200 and returned.json()["state"] == "returned"
    assert web.post(f"/api/staff-reports/{report_id}/acceptance").status_code == 409
