"""Documentation is a stored file (issue 11 §1.9, §3): uploaded first and checked by its content, then cited by the
key and SHA-256 the upload gave; a reference to nothing, or a program dressed as a photo, is refused."""

from __future__ import annotations

import hashlib

import pytest
from litestar.testing import TestClient

from domain.roles import Role
from gateways.bootstrap import Node
from tests.e2e.conftest import Login
from tests.support.samples import EXE, HTML, jpeg, png

WALK_IN = {"channel": "walk_in", "consultee": {"name": "Siti Aminah", "party_number": 1, "phone": "081234567890"}}


def kept_files(node: Node) -> list[str]:
    root = node.settings.data_path / "files"
    return [str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()] if root.exists() else []


def upload(api: TestClient, headers: dict[str, str], name: str, content: bytes, declared: str) -> object:
    return api.post("/api/files", headers=headers, files={"file": (name, content, declared)})


def logged_walk_in(api: TestClient, desk: dict[str, str]) -> str:
    """A walk-in whose answer is understood and logged: all it lacks before closing is its photo."""
    cid = api.post("/api/consultations", headers=desk, json=WALK_IN).json()["id"]
    for path, body in [("problem", {"text": "Lupa kata sandi SIPOL."}), ("restatement", {"text": "Sandi lupa?"}),
                       ("confirmation", {}),
                       ("answer", {"text": "Atur ulang sandi.", "bases": [{"kind": "faq_sipol", "reference": "1"}]}),
                       ("understanding", {"understood": True}), ("report-entry", {})]:
        response = api.post(f"/api/consultations/{cid}/{path}", headers=desk, json=body)
        assert response.status_code == 200, f"{path}: {response.text}"
    return cid


def test_a_photo_is_stored_by_its_content_and_cited_by_the_key_the_upload_gave(api: TestClient, as_role: Login,
                                                                               memory_node: Node) -> None:
    desk = as_role(Role.ANGGOTA_HELPDESK)
    cid = logged_walk_in(api, desk)

    # The desk uploads the photo; the answer names the key, the hash, the type the bytes are and their size.
    photo = png(7)
    stored = upload(api, desk, "foto-tamu.png", photo, "image/png")
    assert stored.status_code == 201, stored.text
    digest = hashlib.sha256(photo).hexdigest()
    assert stored.json() == {"storage_key": f"{digest[:2]}/{digest}.png", "sha256": digest,
                             "media_type": "image/png", "size": len(photo)}
    assert memory_node.files.get(stored.json()["storage_key"]) == photo

    # The record cites it and may close.
    cited = api.post(f"/api/consultations/{cid}/documentation", headers=desk,
                     json={"kind": "photo", **{k: stored.json()[k] for k in ("storage_key", "sha256")}})
    assert cited.status_code == 200, cited.text
    assert api.post(f"/api/consultations/{cid}/closure", headers=desk, json={}).json()["status"] == "closed"


@pytest.mark.parametrize(("name", "declared", "kept_as"), [
    ("foto.jpg", "application/octet-stream", "image/jpeg"),  # a declaration that says nothing
    ("foto.jpg", "", "image/jpeg"),
    ("foto.png", "image/png", "image/jpeg"),  # the right kind, the wrong type: the bytes decide the extension
    ("foto.jpeg", "image/jpg", "image/jpeg"),
])
def test_a_declared_type_that_is_wrong_but_harmless_is_corrected_by_the_content(
    api: TestClient, as_role: Login, name: str, declared: str, kept_as: str
) -> None:
    desk = as_role(Role.ANGGOTA_HELPDESK)
    stored = upload(api, desk, name, jpeg(), declared)
    assert stored.status_code == 201, stored.text
    assert stored.json()["media_type"] == kept_as and stored.json()["storage_key"].endswith(".jpg")


@pytest.mark.parametrize(("name", "content", "declared", "code"), [
    ("photo.jpg", EXE, "image/jpeg", "file_type_refused"),  # a program named and declared as a photo
    ("foto.png", HTML, "image/png", "file_type_refused"),  # a page declared as a PNG
    ("catatan.txt", b"bukan gambar", "text/plain", "file_type_refused"),
    ("foto.jpg", jpeg(), "audio/mpeg", "file_type_mismatch"),  # a photo sent as a recording
    ("foto.jpg", jpeg(), "text/html", "file_type_mismatch"),
    ("kosong.jpg", b"", "image/jpeg", "file_empty"),
])
def test_a_file_that_is_not_what_the_desk_keeps_is_refused_and_nothing_is_stored(
    api: TestClient, as_role: Login, memory_node: Node, name: str, content: bytes, declared: str, code: str
) -> None:
    desk = as_role(Role.ANGGOTA_HELPDESK)
    refused = upload(api, desk, name, content, declared)
    assert refused.status_code == 422, refused.text
    body = refused.json()
    assert (body["code"], body["field"]) == (code, "file")
    assert body["message"] != body["message_en"]  # Bahasa Indonesia first
    assert kept_files(memory_node) == []


def test_a_file_larger_than_the_store_keeps_is_refused_saying_the_limit(api: TestClient, as_role: Login) -> None:
    desk = as_role(Role.ANGGOTA_HELPDESK)
    # Over the store's 20 MB but within the request's limit: the store refuses it.
    big = png() + b"\x00" * (20 * 1024 * 1024)
    refused = upload(api, desk, "besar.png", big, "image/png")
    assert refused.status_code == 422
    assert refused.json()["code"] == "file_too_large" and "paling besar 20 MB" in refused.json()["message"]
    # Over the request's limit: the same words, from the 413.
    huge = png() + b"\x00" * (26 * 1024 * 1024)
    too_large = upload(api, desk, "besar.png", huge, "image/png")
    assert too_large.status_code == 413
    assert too_large.json()["code"] == "file_too_large"
    assert "paling besar 20 MB" in too_large.json()["message"] and "at most 20 MB" in too_large.json()["message_en"]


def test_an_upload_that_is_no_file_or_no_utf8_is_a_400_saying_why(api: TestClient, as_role: Login,
                                                                   memory_node: Node) -> None:
    desk = as_role(Role.ANGGOTA_HELPDESK)
    # A byte 0xff in a form field's text: Litestar's multipart parser raised a UnicodeDecodeError, a 500.
    garbled = (b'--XX\r\nContent-Disposition: form-data; name="kind"\r\n\r\nphoto\xff\r\n'
               b'--XX\r\nContent-Disposition: form-data; name="file"; filename="foto.png"\r\n'
               b"Content-Type: image/png\r\n\r\n" + png() + b"\r\n--XX--\r\n")
    multipart = {**desk, "Content-Type": "multipart/form-data; boundary=XX"}
    response = api.post("/api/files", content=garbled, headers=multipart)
    assert (response.status_code, response.json()["code"]) == (400, "body_not_utf8")
    # No file part at all: the field is named.
    missing = api.post("/api/files", headers=desk, files={"foto": ("foto.png", png(), "image/png")})
    assert (missing.status_code, missing.json()["field"]) == (400, "file")
    assert kept_files(memory_node) == []


def test_only_the_desk_uploads(api: TestClient, as_role: Login) -> None:
    assert upload(api, {}, "foto.png", png(), "image/png").status_code == 401
    refused = upload(api, as_role(Role.ANGGOTA_KPU), "foto.png", png(), "image/png")
    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")


def test_a_walk_in_cannot_close_on_a_reference_to_nothing(api: TestClient, as_role: Login) -> None:
    desk = as_role(Role.ANGGOTA_HELPDESK)
    cid = logged_walk_in(api, desk)
    stored = upload(api, desk, "foto.png", png(1), "image/png").json()
    before = api.get(f"/api/consultations/{cid}", headers=desk).json()

    # A key nothing was stored under, a stored key cited with another file's hash, a hash cited with a made-up key.
    other = hashlib.sha256(png(2)).hexdigest()
    for key, digest in [("2024/07/29/foto-1.jpg", "ab" * 32), (stored["storage_key"], other),
                        (f"{other[:2]}/{other}.png", other), ("../../secret.key", stored["sha256"])]:
        response = api.post(f"/api/consultations/{cid}/documentation", headers=desk,
                            json={"kind": "photo", "storage_key": key, "sha256": digest})
        assert response.status_code == 422, (key, response.text)
        body = response.json()
        assert (body["code"], body["field"]) == ("documentation_not_stored", "storage_key")
        assert "Unggah berkasnya" in body["message"]

    # Nothing was recorded, and the walk-in still may not close.
    assert api.get(f"/api/consultations/{cid}", headers=desk).json() == before
    closing = api.post(f"/api/consultations/{cid}/closure", headers=desk, json={})
    assert (closing.status_code, closing.json()["code"]) == (409, "documentation_required")


def test_a_stored_file_damaged_on_disk_documents_nothing(api: TestClient, as_role: Login, memory_node: Node) -> None:
    desk = as_role(Role.ANGGOTA_HELPDESK)
    cid = logged_walk_in(api, desk)
    stored = upload(api, desk, "foto.png", png(3), "image/png").json()
    (memory_node.settings.data_path / "files" / stored["storage_key"]).write_bytes(png(4))
    response = api.post(f"/api/consultations/{cid}/documentation", headers=desk,
                        json={"kind": "photo", "storage_key": stored["storage_key"], "sha256": stored["sha256"]})
    assert (response.status_code, response.json()["code"]) == (422, "documentation_not_stored")
