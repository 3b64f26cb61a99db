"""Each step of the consultation API answers with the record as it saved it (no second load): byte for byte what a
read of the record returns right after, on every backend."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from domain.roles import Role
from gateways.bootstrap import Node
from tests.e2e.conftest import login_as
from tests.support.samples import jpeg


def _same_as_read(api: TestClient, headers: dict[str, str], answered: Any) -> dict[str, Any]:
    """The step's answer, checked against the record read afresh."""
    assert answered.status_code in (200, 201), answered.text
    record = answered.json()
    read = api.get(f"/api/consultations/{record['id']}", headers=headers)
    assert read.status_code == 200, read.text
    assert answered.content == read.content
    return record


def test_every_step_answers_with_the_record_a_read_returns(api_any_backend: TestClient, node: Node, clock) -> None:
    api = api_any_backend
    desk = login_as(api, node, Role.ANGGOTA_HELPDESK)

    # A liaison walks in; the desk opens the consultation, then puts the phone number right.
    opened = api.post("/api/consultations", headers=desk, json={
        "channel": "walk_in", "consultee": {"name": "Siti Aminah", "party_name": "gerindra", "phone": "(0733) 451234"}})
    cid = _same_as_read(api, desk, opened)["id"]
    assert opened.headers["location"] == f"/api/consultations/{cid}"

    def step(path: str, body: dict[str, Any] | None = None, headers: dict[str, str] = desk) -> dict[str, Any]:
        clock.advance(minutes=1)
        return _same_as_read(api, headers, api.post(f"/api/consultations/{cid}/{path}", headers=headers,
                                                    json=body or {}))

    step("identity", {"name": "Siti Aminah", "party_name": "gerindra", "phone": "0812-3456-7890",
                      "email": "siti.aminah@example.org"})
    # The problem, said back, corrected by the liaison, then confirmed.
    step("problem", {"text": "Unggah KTA anggota gagal, muncul galat 502."})
    step("restatement", {"text": "Jadi unggah KTA gagal dengan galat 502?"})
    step("correction", {"text": "Unggah KTA gagal hanya untuk berkas di atas 5 MB."})
    step("restatement", {"text": "Jadi unggah KTA di atas 5 MB gagal?"})
    assert step("confirmation")["status"] == "problem_confirmed"
    # Answered with its basis; not understood, repeated, then understood.
    step("answer", {"text": "Pecah berkas per wilayah.", "bases": [{"kind": "pkpu",
                                                                     "reference": "PKPU 4/2022 Pasal 85 ayat (1)"}]})
    step("understanding", {"understood": False})
    assert step("repetition", {"text": "Unggah per kecamatan."})["repeats"] == 1
    step("understanding", {"understood": True})
    # Logged, documented with the photo the upload kept, closed.
    step("report-entry")
    photo = api.post("/api/files", headers=desk, files={"file": ("foto-1.jpg", jpeg(), "image/jpeg")})
    assert photo.status_code == 201, photo.text
    step("documentation", {"kind": "photo", "storage_key": photo.json()["storage_key"],
                           "sha256": photo.json()["sha256"]})
    assert step("closure")["status"] == "closed"


def test_a_handover_and_the_commissioners_answer_answer_with_the_record_a_read_returns(
    api_any_backend: TestClient, node: Node
) -> None:
    api = api_any_backend
    desk = login_as(api, node, Role.ANGGOTA_HELPDESK)
    commissioner = login_as(api, node, Role.ANGGOTA_KPU)
    cid = _same_as_read(api, desk, api.post("/api/consultations", headers=desk, json={
        "channel": "walk_in", "consultee": {"name": "Budi", "party_number": 1, "phone": "081234567890"}}))["id"]
    for path, body in [("problem", {"text": "Pendaftaran partai baru di luar jadwal?"}),
                       ("restatement", {"text": "Bolehkah partai baru mendaftar di luar jadwal?"}),
                       ("confirmation", {})]:
        _same_as_read(api, desk, api.post(f"/api/consultations/{cid}/{path}", headers=desk, json=body))

    # Not in the FAQ: the desk hands it to the commissioner, who answers.
    handed = api.post(f"/api/consultations/{cid}/handover", headers=desk, json={"reason": "Tidak ada di FAQ Sipol."})
    assert _same_as_read(api, desk, handed)["status"] == "with_commissioner"
    answered = api.post(f"/api/consultations/{cid}/answer", headers=commissioner, json={
        "text": "Tidak dapat; tunggu jadwal berikutnya.", "bases": [{"kind": "uu", "reference": "UU 7/2017"}]})
    assert _same_as_read(api, commissioner, answered)["answered_by"] == "anggota-kpu-kab-16-13"
