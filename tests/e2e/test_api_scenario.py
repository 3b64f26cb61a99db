"""The SOP script through the HTTP API, on every backend, as the desk would walk it."""

from __future__ import annotations

from litestar.testing import TestClient

from domain.roles import Role
from gateways.bootstrap import Node
from tests.e2e.conftest import login_as
from tests.support.samples import jpeg


def test_walk_in_consultation_from_opening_to_closing(api_any_backend: TestClient, node: Node, clock) -> None:
    api = api_any_backend
    desk = login_as(api, node, Role.ANGGOTA_HELPDESK)

    # A party's liaison arrives at the desk; the officer records who they are.
    opened = api.post("/api/consultations", headers=desk, json={
        "channel": "walk_in",
        "consultee": {"name": "Siti Aminah", "party_name": "gerindra", "phone": "(0733) 451234",
                      "email": "Siti.Aminah@Example.org"},
    })
    assert opened.status_code == 201, opened.text
    record = opened.json()
    cid = record["id"]
    assert opened.headers["location"] == f"/api/consultations/{cid}"
    assert record["identity"]["phone"] == "+62733451234"
    assert record["identity"]["party"]["number"] == 2
    assert record["status"] == "opened" and record["opened_by"] == "anggota-helpdesk-kab-16-13"

    def step(path: str, body: dict | None = None, minutes: int = 2) -> dict:
        clock.advance(minutes=minutes)
        response = api.post(f"/api/consultations/{cid}/{path}", headers=desk, json=body or {})
        assert response.status_code == 200, response.text
        return response.json()

    # The officer listens and records the problem as heard, then says it back.
    assert step("problem", {"text": "Unggah KTA anggota gagal, muncul galat 502."})["status"] == "problem_recorded"
    assert step("restatement", {"text": "Jadi unggah KTA gagal dengan galat 502?"})["status"] == "problem_restated"
    # The liaison says that is right.
    assert step("confirmation")["status"] == "problem_confirmed"
    # The officer answers, citing the FAQ and the PKPU.
    answered = step("answer", {"text": "Pecah berkas per wilayah dan unggah di luar jam sibuk.", "bases": [
        {"kind": "faq_sipol", "reference": "FAQ Sipol no. 9"},
        {"kind": "pkpu", "reference": "PKPU 4/2022 Pasal 85 ayat (1)"},
    ]}, minutes=20)
    assert answered["status"] == "answered" and len(answered["bases"]) == 2
    # Not understood the first time: the answer is repeated, then understood.
    assert step("understanding", {"understood": False})["status"] == "not_understood"
    repeated = step("repetition", {"text": "Unggah per kecamatan, satu berkas tiap kali."})
    assert repeated["status"] == "answered" and repeated["repeats"] == 1
    assert step("understanding", {"understood": True})["status"] == "understood"
    # Logged in the helpdesk report; the photo uploaded, then referenced by the key and hash the upload gave; closed.
    assert step("report-entry")["logged_by"] == "anggota-helpdesk-kab-16-13"
    photo = api.post("/api/files", headers=desk, files={"file": ("foto-1.jpg", jpeg(), "image/jpeg")})
    assert photo.status_code == 201, photo.text
    stored = photo.json()
    step("documentation", {"kind": "photo", "storage_key": stored["storage_key"], "sha256": stored["sha256"]})
    closed = step("closure")
    assert closed["status"] == "closed" and closed["next_steps"] == []

    # The record and its history read back as they were written, with the clock's times.
    again = api.get(f"/api/consultations/{cid}", headers=desk).json()
    assert again == closed
    history = api.get(f"/api/consultations/{cid}/history", headers=desk).json()
    assert [h["event"] for h in history] == [
        "Opened", "ProblemRecorded", "ProblemRestated", "ProblemConfirmed", "Answered", "NotUnderstood",
        "AnswerRepeated", "UnderstandingConfirmed", "LoggedInReport", "DocumentationAttached", "Closed",
    ]
    assert history[-1]["at"] > history[0]["at"]
    listed = api.get("/api/consultations", headers=desk).json()
    assert [c["id"] for c in listed["items"]] == [cid] and listed["items"][0]["status"] == "closed"
    assert (listed["total"], listed["offset"], listed["limit"]) == (1, 0, 50)
