"""The groups' register and clips from groups over HTTP on a real node (issue 14): a coordinator registers a group
with two liaisons and the list shows them masked; a clip with a screenshot opens a messaging consultation with the
group's party; a clip joins an open consultation; bad input is refused with nothing written; a double submit is one."""

from __future__ import annotations

import hashlib
from uuid import uuid4

from litestar.testing import TestClient

from domain.roles import Role
from gateways.bootstrap import Node
from tests.e2e.conftest import Login, open_consultation
from tests.support.samples import EXE, jpeg, png

SENT = "2024-07-29T08:10"  # the office's local time (WIB), before the fake clock's 08:30


def register_group(api: TestClient, coordinator: dict[str, str]) -> str:
    created = api.post("/api/groups", headers=coordinator, json={
        "platform": "whatsapp", "name": "LO PKB Kab. Muara Enim", "party_number": 1})
    assert created.status_code == 201, created.text
    group_id = created.json()["id"]
    for name, phone in (("Budi Santoso", "0812-3456-7890"), ("Sari Dewi", "+62 813 9876 5432")):
        added = api.post(f"/api/groups/{group_id}/members", headers=coordinator,
                         json={"name": name, "role": "liaison", "phone": phone})
        assert added.status_code == 201, added.text
    return group_id


def clip(api: TestClient, headers: dict[str, str], fields: dict[str, str], file: tuple | None = None,
         key: str | None = None):  # noqa: ANN201 - the response
    files = {"file": file} if file else None
    extra = {"Idempotency-Key": key} if key else {}
    # Litestar's test client sends a multipart body only with a file; a text-only clip names an empty one.
    return api.post("/api/clips", headers={**headers, **extra}, data=fields,
                    files=files or {"file": ("", b"", "application/octet-stream")})


def stored_files(node: Node) -> set[str]:
    root = node.settings.data_path / "files"
    return {str(p) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def test_a_coordinator_registers_a_group_and_the_list_shows_its_liaisons_masked(api: TestClient, as_role: Login
                                                                                ) -> None:
    coordinator, desk = as_role(Role.KOORDINATOR), as_role(Role.ANGGOTA_HELPDESK)
    # The desk reads the register; it does not keep it.
    refused = api.post("/api/groups", headers=desk, json={"platform": "whatsapp", "name": "X", "party_number": 1})
    assert refused.status_code == 403
    group_id = register_group(api, coordinator)

    [listed] = api.get("/api/groups", headers=desk).json()
    assert (listed["id"], listed["platform"], listed["party"]) == (group_id, "whatsapp", "Partai Kebangkitan Bangsa")
    assert [(m["name"], m["phone"]) for m in listed["members"]] == [("B••• S•••", "+62•••••890"),
                                                                    ("S••• D•••", "+62•••••432")]
    assert "Budi" not in api.get("/api/groups", headers=desk).text
    # The detail, at the office, names them in full.
    detail = api.get(f"/api/groups/{group_id}", headers=desk).json()
    assert [m["phone"] for m in detail["members"]] == ["+6281234567890", "+6281398765432"]
    # A bad phone, in Bahasa Indonesia first.
    bad = api.post(f"/api/groups/{group_id}/members", headers=coordinator, json={"name": "Ani", "phone": "12"})
    assert bad.status_code == 422 and bad.json()["field"] == "phone" and bad.json()["message"]


def test_a_clip_with_a_screenshot_opens_a_messaging_consultation_once(api: TestClient, as_role: Login,
                                                                      memory_node: Node) -> None:
    desk = as_role(Role.ANGGOTA_HELPDESK)
    group_id = register_group(api, as_role(Role.KOORDINATOR_HARIAN))
    shot = png(11)
    fields = {"sender": "Budi Santoso", "text": "Akun SIPOL kami terkunci sejak pagi.", "sent_at": SENT,
              "group_id": group_id}
    key = str(uuid4())

    # The same clip posted three times (a double tap and a retry): one consultation.
    answers = [clip(api, desk, fields, ("tangkapan.png", shot, "image/png"), key) for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 200, 200], answers[0].text
    assert len({a.json()["consultation_id"] for a in answers}) == 1
    cid = answers[0].json()["consultation_id"]
    assert api.get("/api/consultations", headers=desk).json()["total"] == 1

    view = api.get(f"/api/consultations/{cid}", headers=desk).json()
    assert (view["channel"], view["problem"]) == ("messaging", "Akun SIPOL kami terkunci sejak pagi.")
    assert view["identity"]["party"]["name"] == "Partai Kebangkitan Bangsa"
    assert view["identity"]["phone"] == "+6281234567890"  # the liaison's number, from the register
    [doc] = view["documentation"]
    assert (doc["kind"], doc["sha256"]) == ("screenshot", hashlib.sha256(shot).hexdigest())
    served = api.get(f"/konsultasi/{cid}/dokumentasi/{doc['storage_key']}", headers=desk)
    assert served.status_code == 200 and served.content == shot
    [row] = api.get(f"/api/clips/consultations/{cid}", headers=desk).json()
    assert (row["sender"], row["group_name"], row["sent_at"]) == ("B••• S•••", "LO PKB Kab. Muara Enim",
                                                                  "2024-07-29T01:10:00Z")
    assert memory_node.groups.party_of_group("whatsapp", "x") is None  # a WhatsApp group has no chat id


def test_a_clip_joins_an_open_consultation_as_evidence(api: TestClient, as_role: Login) -> None:
    desk = as_role(Role.ANGGOTA_HELPDESK)
    cid = open_consultation(api, "Siti Aminah", headers=desk)
    answer = clip(api, desk, {"sender": "Siti", "sent_at": SENT, "group_name": "Grup LO Sumsel",
                              "platform": "whatsapp", "consultation_id": cid}, ("s.png", png(12), "image/png"))
    assert answer.status_code == 201, answer.text
    assert answer.json() == {"consultation_id": cid, "opened": False, "new": True}
    view = api.get(f"/api/consultations/{cid}", headers=desk).json()
    assert [d["kind"] for d in view["documentation"]] == ["screenshot"]
    assert api.get("/api/consultations", headers=desk).json()["total"] == 1


def test_bad_clips_are_refused_in_bahasa_indonesia_and_write_nothing(api: TestClient, as_role: Login,
                                                                    memory_node: Node) -> None:
    desk = as_role(Role.ANGGOTA_HELPDESK)
    base = {"sender": "0812 1111 2222", "sent_at": SENT, "group_name": "Grup LO", "platform": "whatsapp"}
    # Neither text nor image.
    empty = clip(api, desk, {**base, "text": "  "})
    assert empty.status_code == 422 and empty.json()["code"] == "clip_empty"
    assert "teks" in empty.json()["message"].lower()
    # A program named as a screenshot; a picture declared as a video: their bytes are not what they claim.
    forged = clip(api, desk, {**base, "text": "x"}, ("foto.png", EXE, "image/png"))
    assert forged.status_code == 422 and forged.json()["code"] == "file_type_refused"
    declared = clip(api, desk, {**base, "text": "x"}, ("video.mp4", jpeg(1), "video/mp4"))
    assert declared.status_code == 422 and declared.json()["code"] == "file_type_mismatch"
    # A 50 MB video: refused with the size limit.
    video = clip(api, desk, {**base, "text": "Video"}, ("rekaman.mp4", b"\0" * (50 * 1024 * 1024), "video/mp4"))
    assert video.status_code == 413 and "20 MB" in video.json()["message"], video.text
    # No time, or one to come.
    assert clip(api, desk, {**base, "text": "x", "sent_at": ""}).json()["code"] == "clip_time_required"
    assert clip(api, desk, {**base, "text": "x", "sent_at": "2030-01-01T00:00"}).json()["code"] == "clip_from_future"
    # Nothing was written: no consultation, no clip, no file.
    assert api.get("/api/consultations", headers=desk).json()["total"] == 0
    assert stored_files(memory_node) == set()
