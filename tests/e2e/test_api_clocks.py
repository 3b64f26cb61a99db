"""The SOP clocks over HTTP: the steps running now and compliance; a bad date is refused in Bahasa Indonesia."""

from __future__ import annotations

from litestar.testing import TestClient

from domain.roles import Role
from gateways.bootstrap import Node
from tests.conftest import FakeClock
from tests.e2e.conftest import Login

WALK_IN = {"channel": "walk_in", "consultee": {"name": "Andi", "party_number": 1, "phone": "081234567890"}}
BASIS = [{"kind": "faq_sipol", "reference": "FAQ 9"}]


def test_open_clocks_and_compliance(api: TestClient, as_role: Login, memory_node: Node, clock: FakeClock) -> None:
    desk = as_role(Role.ANGGOTA_HELPDESK)
    waiting = api.post("/api/consultations", headers=desk, json=WALK_IN).json()["id"]
    served = api.post("/api/consultations", headers=desk, json=WALK_IN).json()["id"]
    clock.advance(minutes=3)
    for path, body in [("problem", {"text": "Lupa kata sandi."}), ("restatement", {"text": "Jadi lupa sandi?"}),
                       ("confirmation", {}), ("answer", {"text": "Ajukan reset.", "bases": BASIS})]:
        assert api.post(f"/api/consultations/{served}/{path}", headers=desk, json=body).status_code == 200
    clock.advance(minutes=8)
    memory_node.sop_watcher.tick(force=True)

    reader = as_role(Role.KOORDINATOR)
    response = api.get("/api/clocks/open", headers=reader)
    assert response.status_code == 200, response.text
    [running] = response.json()
    assert running["consultation_id"] == waiting
    assert (running["step"], running["level"], running["left_s"], running["channel"]) == (
        "problem", "breach", -60, "walk_in"
    )
    assert set(running) == {"consultation_id", "kind", "channel", "step", "step_label", "started_at", "due_at",
                            "elapsed_s", "left_s", "level"}
    assert running["kind"] == "consultation"

    response = api.get("/api/clocks/compliance", headers=reader, params={"by": "staff"})
    assert response.status_code == 200, response.text
    rows = response.json()
    assert {(r["step"], r["measured"], r["met"]) for r in rows} == {("attendance", 2, 2), ("problem", 1, 1),
                                                                     ("answer", 1, 1)}
    assert {r["key"] for r in rows} == {"anggota-helpdesk-kab-16-13"}
    assert set(rows[0]) == {"key", "step", "measured", "met", "warned", "breached", "share"}

    today = clock().date().isoformat()  # 08:41 WIB: the same day in UTC
    by_day = api.get("/api/clocks/compliance", headers=reader, params={"start": today, "end": today, "by": "day"})
    assert by_day.status_code == 200 and {r["key"] for r in by_day.json()} == {today}
    assert api.get("/api/clocks/compliance", headers=reader, params={"start": "2000-01-01"}).json() == []


def test_a_bad_date_or_grouping_is_refused_in_bahasa_indonesia(api: TestClient, as_role: Login) -> None:
    reader = as_role(Role.KOORDINATOR)
    for params in ({"start": "kemarin"}, {"end": "2024-13-40"}, {"by": "partai"}):
        response = api.get("/api/clocks/compliance", headers=reader, params=params)
        assert response.status_code == 400, response.text
        body = response.json()
        assert body["code"] == "validation_failed"
        assert body["message"] == "Data yang dikirim tidak valid."
        assert body["errors"] and body["errors"][0]["field"] in params
    backwards = api.get("/api/clocks/compliance", headers=reader, params={"start": "2024-07-29", "end": "2024-07-28"})
    assert backwards.status_code == 422 and backwards.json()["field"] == "end"
    # The same bounds as the reports: at most 366 days, none after the office's today.
    too_long = api.get("/api/clocks/compliance", headers=reader, params={"start": "0001-01-01", "end": "2024-07-28"})
    assert too_long.status_code == 422 and too_long.json()["code"] == "period_too_long"
    future = api.get("/api/clocks/compliance", headers=reader, params={"start": "2099-01-01"})
    assert future.status_code == 422 and future.json()["code"] == "period_not_begun"


def test_the_clocks_need_a_login(api: TestClient) -> None:
    assert api.get("/api/clocks/open").status_code == 401
