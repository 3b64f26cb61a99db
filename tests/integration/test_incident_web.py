"""Special incidents over the app on every backend (issue 16): the desk reports on /kejadian-khusus, the Koordinator
Harian receives and passes, the Koordinator closes; a role that may not take a step gets a 403 in Bahasa Indonesia,
bad input comes back with every field's error at once and nothing written; the JSON API mirrors the same commands."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from html import unescape

import pytest
from litestar.testing import TestClient

from domain.incident_values import IncidentState
from domain.roles import Role
from gateways.app import create_app
from gateways.bootstrap import Node
from gateways.messages import message
from gateways.web.errors import MESSAGES as PAGE_MESSAGES
from tests.e2e.conftest import PASSWORD

OFFICE = "kab-16.13"
REPORT = {"category": "power", "description": "Listrik padam di ruang Helpdesk", "location": "Ruang Helpdesk",
          "occurred_at": ""}


@pytest.fixture
def regency(office: Callable[[str], Node]) -> Node:
    return office(OFFICE)


@pytest.fixture
def web(regency: Node) -> Iterator[TestClient]:
    with TestClient(create_app(regency)) as client:
        yield client


def sign_in(web: TestClient, node: Node, role: Role) -> str:
    """Signs in through the login form as this role's account (made once); the session cookie authenticates."""
    username = f"kk-{role.value.replace('_', '-')}"
    if not any(u.username == username for u in node.users.list(OFFICE)):
        node.accounts.register_user(username, f"Petugas {role.value}", role, OFFICE, PASSWORD, "test")
    web.cookies.clear()
    response = web.post("/masuk", data={"username": username, "password": PASSWORD, "next": "/"},
                        follow_redirects=False)
    assert response.status_code == 303, response.text
    return username


def test_an_incident_is_reported_received_passed_and_closed_on_the_page(web: TestClient, regency: Node) -> None:
    # The desk finds the page in the menu and reports wrongly: every field's refusal at once, nothing written.
    sign_in(web, regency, Role.ANGGOTA_HELPDESK)
    assert 'href="/kejadian-khusus"' in web.get("/").text
    bad = web.post("/kejadian-khusus", data={"category": "gempa", "description": " ", "location": "",
                                             "occurred_at": "kemarin"})
    assert bad.status_code == 422, bad.text
    text = unescape(bad.text)
    for code, field in (("unknown_incident_category", "category"), ("text_required", "description"),
                        ("text_required", "location"), ("incident_time_invalid", "occurred_at")):
        assert f'id="{field}-error"' in text and message(code) in text
    assert regency.incidents.list(OFFICE) == []
    # A good report is listed with its state.
    created = web.post("/kejadian-khusus", data=REPORT, follow_redirects=False)
    assert created.status_code == 303, created.text
    [row] = regency.incidents.list(OFFICE)
    listing = unescape(web.get("/kejadian-khusus").text)
    assert "Listrik padam di ruang Helpdesk" in listing and "Dilaporkan oleh kk-anggota-helpdesk" in listing
    # The desk is offered no step and may take none: a 403 in Bahasa Indonesia, the state unchanged.
    assert f"/kejadian-khusus/{row.id}/terima" not in listing
    refused = web.post(f"/kejadian-khusus/{row.id}/terima")
    assert refused.status_code == 403 and PAGE_MESSAGES[403] in unescape(refused.text)
    assert regency.incidents.get(OFFICE, row.id).state is IncidentState.REPORTED  # type: ignore[union-attr]

    # The Koordinator Harian receives it and passes it on; an empty note is refused beside the incident.
    sign_in(web, regency, Role.KOORDINATOR_HARIAN)
    assert f"/kejadian-khusus/{row.id}/terima" in web.get("/kejadian-khusus").text
    assert web.post(f"/kejadian-khusus/{row.id}/terima", follow_redirects=False).status_code == 303
    empty = web.post(f"/kejadian-khusus/{row.id}/teruskan", data={"note": "  "})
    assert empty.status_code == 422 and message("text_required") in unescape(empty.text)
    assert regency.incidents.get(OFFICE, row.id).state is IncidentState.RECEIVED  # type: ignore[union-attr]
    passed = web.post(f"/kejadian-khusus/{row.id}/teruskan", data={"note": "Genset belum menyala"},
                      follow_redirects=False)
    assert passed.status_code == 303
    # Receiving twice is out of turn (409, said in Bahasa Indonesia); closing is not the Koordinator Harian's.
    twice = web.post(f"/kejadian-khusus/{row.id}/terima")
    assert twice.status_code == 409 and message("incident_out_of_turn") in unescape(twice.text)
    assert web.post(f"/kejadian-khusus/{row.id}/tutup", data={"resolution": "x"}).status_code == 403

    # The Koordinator closes it with how it was resolved.
    sign_in(web, regency, Role.KOORDINATOR)
    closed = web.post(f"/kejadian-khusus/{row.id}/tutup", data={"resolution": "Listrik PLN pulih pukul 11.00"},
                      follow_redirects=False)
    assert closed.status_code == 303
    done = regency.incidents.get(OFFICE, row.id)
    assert done is not None and done.state is IncidentState.CLOSED and done.closed_by == "kk-koordinator"
    page = unescape(web.get("/kejadian-khusus").text)
    assert "Ditutup oleh kk-koordinator" in page and "Listrik PLN pulih pukul 11.00" in page


def test_the_api_mirrors_the_commands_and_refuses_the_same(web: TestClient, regency: Node) -> None:
    sign_in(web, regency, Role.ANGGOTA_HELPDESK)
    # Every wrong field at once, nothing written.
    bad = web.post("/api/incidents", json={"category": "gempa", "description": "", "location": " "})
    assert bad.status_code == 422, bad.text
    assert {e["field"] for e in bad.json()["errors"]} == {"category", "description", "location"}
    assert web.get("/api/incidents").json() == []
    created = web.post("/api/incidents", json={"category": "equipment", "description": "Printer macet",
                                               "location": "Meja 1", "occurred_at": "2024-07-29T08:00"})
    assert created.status_code == 201, created.text
    incident_id = created.json()["id"]
    assert web.post(f"/api/incidents/{incident_id}/receipt").status_code == 403
    sign_in(web, regency, Role.KOORDINATOR_HARIAN)
    received = web.post(f"/api/incidents/{incident_id}/receipt")
    assert received.status_code == 200 and received.json()["state"] == "received"
    passed = web.post(f"/api/incidents/{incident_id}/passing", json={"note": "Perlu teknisi"})
    assert passed.json()["state"] == "passed" and passed.json()["pass_note"] == "Perlu teknisi"
    sign_in(web, regency, Role.KOORDINATOR)
    closed = web.post(f"/api/incidents/{incident_id}/closing", json={"resolution": "Printer diganti"})
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    assert web.get("/api/incidents", params={"closed": "false"}).json() == []
