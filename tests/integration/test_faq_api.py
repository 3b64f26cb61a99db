"""The FAQ Sipol API on every backend (issue 15): who may write, drafts kept from the rest of the office, the draft →
published → revised → retired flow with every version kept, search, and refusals as 4xx with Indonesian messages
naming the field, nothing written."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from litestar.testing import TestClient

from domain.roles import Role
from gateways.app import create_app
from gateways.bootstrap import Node
from tests.e2e.conftest import login_as

ENTRY = {
    "question": "Akun SIPOL terkunci setelah salah kata sandi, bagaimana membukanya?",
    "phrasings": ["akun sipol ke kunci", "gak bisa login sipol"],
    "answer": "Tunggu 30 menit lalu coba lagi, atau minta Helpdesk KPU mengatur ulang kata sandi.",
    "bases": [{"kind": "keputusan_kpu", "reference": "Keputusan KPU 23/2022 Bab III"}],
    "topics": ["account"],
}


@pytest.fixture
def api(node: Node) -> Iterator[TestClient]:
    with TestClient(create_app(node)) as client:
        yield client


def test_the_coordinator_keeps_an_entry_through_its_versions_and_the_desk_reads_what_stands(api: TestClient,
                                                                                           node: Node) -> None:
    writer, desk = login_as(api, node, Role.KOORDINATOR_HARIAN), login_as(api, node, Role.ANGGOTA_HELPDESK)
    # The desk may not write; the commissioner neither.
    assert api.post("/api/faq", headers=desk, json=ENTRY).status_code == 403
    assert api.post("/api/faq", headers=login_as(api, node, Role.ANGGOTA_KPU), json=ENTRY).status_code == 403

    created = api.post("/api/faq", headers=writer, json=ENTRY)
    assert created.status_code == 201, created.text
    entry_id = created.json()["id"]
    assert created.headers["location"] == f"/api/faq/{entry_id}"

    # A draft is the writers' own: the desk neither lists, finds nor opens it.
    assert [e["entry_id"] for e in api.get("/api/faq", headers=writer).json()["items"]] == [entry_id]
    assert api.get("/api/faq", headers=desk).json() == {"items": [], "total": 0, "page": 1, "per_page": 50}
    assert api.get("/api/faq", headers=desk, params={"status": "draft"}).status_code == 403
    assert api.get(f"/api/faq/{entry_id}", headers=desk).status_code == 404
    drafted = api.get(f"/api/faq/{entry_id}", headers=writer).json()
    assert drafted["entry"]["status"] == "draft" and drafted["entry"]["revision"] == 1
    assert drafted["entry"]["bases"] == [["keputusan_kpu", "Keputusan KPU 23/2022 Bab III"]]

    # The draft is edited, then published: the desk now reads and finds it.
    edited = api.put(f"/api/faq/{entry_id}", headers=writer, json={**ENTRY, "topics": ["account", "other"]})
    assert edited.status_code == 200 and edited.json()["entry"]["topics"] == ["account", "other"]
    published = api.post(f"/api/faq/{entry_id}/publication", headers=writer)
    assert published.status_code == 200 and published.json()["entry"]["status"] == "published"
    assert [e["entry_id"] for e in api.get("/api/faq", headers=desk).json()["items"]] == [entry_id]
    found = api.get("/api/faq", headers=desk, params={"q": "gak bisa login sipol"}).json()["items"]
    assert found and found[0]["entry_id"] == entry_id
    assert api.get("/api/faq", headers=desk, params={"q": "gak bisa login sipol", "topic": "board"}).json()[
        "items"] == []

    # A published entry is revised, not edited; the version it replaced is kept with who wrote it.
    again = api.put(f"/api/faq/{entry_id}", headers=writer, json=ENTRY)
    assert again.status_code == 409 and again.json()["code"] == "faq_already_published"
    assert again.json()["message"] == "Entri FAQ ini sudah terbit; ubah dengan membuat revisi."
    revised = api.post(f"/api/faq/{entry_id}/revision", headers=writer,
                       json={**ENTRY, "answer": "Minta Helpdesk KPU mengatur ulang kata sandi akun SIPOL."})
    assert revised.status_code == 200, revised.text
    detail = api.get(f"/api/faq/{entry_id}", headers=desk).json()
    assert detail["entry"]["revision"] == 2 and detail["entry"]["answer"].startswith("Minta Helpdesk")
    assert {v["revision"] for v in detail["versions"]} >= {1, 2}
    assert all(v["actor"] == "koordinator-harian-kab-16-13" for v in detail["versions"])

    # Retired with a reason: no longer what the desk reads; a retired entry is not published again.
    no_reason = api.post(f"/api/faq/{entry_id}/retirement", headers=writer, json={"reason": " "})
    assert no_reason.status_code == 422 and no_reason.json()["field"] == "reason"
    retired = api.post(f"/api/faq/{entry_id}/retirement", headers=writer, json={"reason": "Aturan berubah."})
    assert retired.status_code == 200 and retired.json()["entry"]["status"] == "retired"
    assert api.get("/api/faq", headers=desk).json()["items"] == []
    refused = api.post(f"/api/faq/{entry_id}/publication", headers=writer)
    assert refused.status_code == 409 and refused.json()["code"] == "faq_retired"


def test_refusals_name_each_field_in_indonesian_and_write_nothing(api: TestClient, node: Node) -> None:
    writer = login_as(api, node, Role.KETUA_HELPDESK)
    # The domain refuses the values, naming the field: an empty question, an unknown topic.
    bad = api.post("/api/faq", headers=writer, json={**ENTRY, "question": "  "})
    assert bad.status_code == 422, bad.text
    assert bad.json()["errors"] == [{"field": "question", "message": "Kolom ini wajib diisi.", "detail": None}]
    odd = api.post("/api/faq", headers=writer, json={**ENTRY, "topics": ["account", "cuaca"]})
    assert odd.status_code == 422 and odd.json()["field"] == "topics[1]"
    assert odd.json()["message"] == "Topik FAQ tidak dikenal."
    no_topic = api.post("/api/faq", headers=writer, json={**ENTRY, "topics": []})
    assert no_topic.status_code == 422 and no_topic.json()["message"] == "Pilih sedikitnya satu topik."
    # The body's shape is refused before: a basis kind nobody knows, an unknown field, a question far too long.
    kind = api.post("/api/faq", headers=writer, json={**ENTRY, "bases": [{"kind": "hoax", "reference": "x"}]})
    assert kind.status_code == 400 and kind.json()["errors"][0]["field"] == "bases[0].kind"
    assert kind.json()["errors"][0]["message"] == "Pilihan tidak dikenal."
    assert api.post("/api/faq", headers=writer, json={**ENTRY, "owner": "pusat"}).status_code == 400
    assert api.post("/api/faq", headers=writer, json={**ENTRY, "question": "x" * 1001}).status_code == 400
    long = api.post("/api/faq", headers=writer, json={**ENTRY, "question": "x" * 501})
    assert long.status_code == 422 and long.json()["field"] == "question"
    assert api.get("/api/faq", headers=writer).json()["total"] == 0

    # Unknown entries, bad filters.
    missing = "00000000-0000-4000-8000-000000000000"
    assert api.get(f"/api/faq/{missing}", headers=writer).status_code == 404
    assert api.put(f"/api/faq/{missing}", headers=writer, json=ENTRY).status_code == 404
    assert api.get("/api/faq", headers=writer, params={"status": "lost"}).status_code == 400
    assert api.get("/api/faq", headers=writer, params={"page": 0}).status_code == 400
    assert api.get("/api/faq", headers=writer, params={"q": "a\x00b"}).status_code == 400
    # Nobody signed in reaches none of it.
    assert api.get("/api/faq").status_code == 401


def test_every_refused_field_is_named_at_once(api: TestClient, node: Node) -> None:
    writer = login_as(api, node, Role.KETUA_HELPDESK)
    bad = api.post("/api/faq", headers=writer, json={**ENTRY, "question": "  ", "topics": ["cuaca"]})
    named = {e["field"]: e["message"] for e in bad.json()["errors"]}
    assert named == {"question": "Kolom ini wajib diisi.", "topics[0]": "Topik FAQ tidak dikenal."}
