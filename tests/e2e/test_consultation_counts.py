"""The consultation list's totals without a text or staff filter come from the counts the read model keeps
(projections/consultations.py), not from counting the rows: on memory, SQLite and PostgreSQL they follow each status a
consultation passes through, by status and by channel, and a rebuild makes the same counts again."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from domain.roles import Role
from gateways.bootstrap import Node
from tests.conftest import FakeClock
from tests.e2e.conftest import login_as

BASES = [{"kind": "pkpu", "reference": "PKPU 4/2022 Pasal 85"}]
FILTERS: list[dict[str, str]] = [
    {}, {"status": "opened"}, {"status": "problem_recorded"}, {"status": "answered"}, {"status": "closed"},
    {"channel": "email"}, {"channel": "walk_in"}, {"channel": "email", "status": "answered"},
]


def opened(api: TestClient, desk: dict[str, str], channel: str, name: str, *steps: tuple[str, dict[str, Any]]) -> str:
    consultee = {"name": name, "party_number": 3, "phone": "(0733) 451234"}
    response = api.post("/api/consultations", headers=desk, json={"channel": channel, "consultee": consultee})
    assert response.status_code == 201, response.text
    cid = response.json()["id"]
    for path, body in steps:
        step = api.post(f"/api/consultations/{cid}/{path}", headers=desk, json=body)
        assert step.status_code == 200, step.text
    return cid


def totals(api: TestClient, desk: dict[str, str]) -> list[tuple[int, int]]:
    """For each filter: the total the list reports, and how many consultations it actually lists."""
    found = []
    for params in FILTERS:
        response = api.get("/api/consultations", headers=desk, params={**params, "limit": 200})
        assert response.status_code == 200, response.text
        found.append((response.json()["total"], len(response.json()["items"])))
    return found


def test_totals_follow_every_status_and_a_rebuild_makes_them_again(
    api_any_backend: TestClient, node: Node, clock: FakeClock
) -> None:
    api, desk = api_any_backend, login_as(api_any_backend, node, Role.ANGGOTA_HELPDESK)
    # Two e-mails (one answered), a walk-in with its problem recorded, a message only opened.
    mail = opened(api, desk, "email", "Tono Sugiarto", ("problem", {"text": "Keanggotaan ganda."}),
                  ("answer", {"text": "Unggah surat pengunduran diri.", "bases": BASES}))
    opened(api, desk, "email", "Budi Santoso", ("problem", {"text": "Akun terkunci."}))
    opened(api, desk, "walk_in", "Siti Aminah", ("problem", {"text": "Lupa kata sandi."}))
    opened(api, desk, "messaging", "Dewi Lestari")
    assert totals(api, desk) == [(4, 4), (1, 1), (2, 2), (1, 1), (0, 0), (2, 2), (1, 1), (1, 1)]

    # The answered e-mail is logged and closed: it leaves "answered" for "closed".
    for step in ("report-entry", "closure"):
        assert api.post(f"/api/consultations/{mail}/{step}", headers=desk, json={}).status_code == 200
    after = [(4, 4), (1, 1), (2, 2), (0, 0), (1, 1), (2, 2), (1, 1), (0, 0)]
    assert totals(api, desk) == after
    # A page past the end still says how many there are.
    assert api.get("/api/consultations", headers=desk, params={"status": "problem_recorded", "offset": 5}
                   ).json()["total"] == 2

    # Rebuilt from the log, the read model counts the same.
    node.projections.rebuild("consultations")
    assert totals(api, desk) == after
