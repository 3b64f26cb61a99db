"""Bad input gets a clear 4xx naming the field, and loses nothing; no input produces a 500."""

from __future__ import annotations

import json
import re

import pytest
from litestar.testing import TestClient

from domain.errors import all_error_classes
from domain.roles import Role
from gateways.messages import MESSAGES
from tests.e2e.conftest import Login

UUID0 = "00000000-0000-4000-8000-000000000000"


def open_consultation(api: TestClient, headers: dict[str, str], consultee: dict) -> object:
    return api.post("/api/consultations", headers=headers, json={"channel": "email", "consultee": consultee})


@pytest.mark.parametrize(("consultee", "field", "code"), [
    ({"name": "Andi", "party_number": 1, "phone": "0812-abc"}, "phone", "invalid_phone"),
    ({"name": "Andi", "party_number": 1, "phone": "12345"}, "phone", "invalid_phone"),
    ({"name": "Andi", "party_number": 1, "email": "andi@"}, "email", "invalid_email"),
    ({"name": "Andi", "party_number": 1, "email": "andi at kpu.go.id"}, "email", "invalid_email"),
    ({"name": "Andi", "party_number": 1}, "phone", "contact_required"),
    ({"name": "Andi", "party_number": 99, "phone": "081234567890"}, "party_number", "unknown_party"),
    ({"name": "Andi", "phone": "081234567890"}, "party_name", "text_required"),
    ({"name": "  ", "party_number": 1, "phone": "081234567890"}, "name", "text_required"),
])
def test_a_bad_identity_is_refused_naming_the_field(
    api: TestClient, as_role: Login, consultee: dict, field: str, code: str
) -> None:
    desk = as_role(Role.ANGGOTA_HELPDESK)
    response = open_consultation(api, desk, consultee)
    assert response.status_code == 422, response.text
    body = response.json()
    assert (body["code"], body["field"]) == (code, field)
    assert body["errors"][0]["field"] == field
    assert api.get("/api/consultations", headers=desk).json() == []  # nothing was written


def test_a_body_of_the_wrong_shape_names_the_field(api: TestClient, as_role: Login) -> None:
    desk = as_role(Role.ANGGOTA_HELPDESK)
    response = api.post("/api/consultations", headers=desk, json={"channel": "fax", "consultee": {"name": "A"}})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_failed" and body["field"] == "channel"
    assert body["errors"][0]["message"] == "Pilihan tidak dikenal."
    missing = api.post("/api/consultations", headers=desk, json={"channel": "email", "consultee": {}})
    assert missing.json()["field"] == "consultee.name"
    assert missing.json()["errors"][0]["message"] == "Kolom ini wajib diisi."


def test_malformed_json_is_refused(api: TestClient, as_role: Login) -> None:
    desk = as_role(Role.ANGGOTA_HELPDESK)
    response = api.post("/api/consultations", headers={**desk, "Content-Type": "application/json"},
                        content=b'{"channel": "email", ')
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_body"


def test_an_oversized_body_is_refused(api: TestClient, as_role: Login) -> None:
    desk = as_role(Role.ANGGOTA_HELPDESK)
    huge = json.dumps({"channel": "email", "consultee": {"name": "A" * 2_000_000}}).encode()
    response = api.post("/api/consultations", headers={**desk, "Content-Type": "application/json"}, content=huge)
    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large"


def test_an_overlong_field_is_refused_before_the_domain(api: TestClient, as_role: Login) -> None:
    desk = as_role(Role.ANGGOTA_HELPDESK)
    response = open_consultation(api, desk, {"name": "A" * 151, "party_number": 1, "phone": "081234567890"})
    assert response.status_code == 400
    assert response.json()["field"] == "consultee.name"
    assert "maksimal 150" in response.json()["errors"][0]["message"]


JUNK = [
    None, [], "teks", 0, -1, 1e308, True, {}, {"text": None}, {"text": {}}, {"text": ["a"]},
    {"text": "\u0000\ud7ff\U0010ffff"}, {"understood": "ya"}, {"bases": [{"kind": "uu"}]},
    {"channel": "walk_in", "consultee": {"name": "A", "party_number": 10**30}},
    {"kind": "photo", "storage_key": "", "sha256": ""}, {"a": {"b": {"c": {"d": [[[[]]]]}}}},
    {"username": "x" * 64, "password": "y", "full_name": "z", "role": "raja"},
]


def test_no_junk_body_on_any_route_produces_a_500(api: TestClient, as_role: Login) -> None:
    headers = as_role(Role.KETUA_HELPDESK) | {"Content-Type": "application/json"}
    desk = as_role(Role.ANGGOTA_HELPDESK)
    cid = open_consultation(api, desk, {"name": "A", "party_number": 1, "phone": "081234567890"}).json()["id"]
    sent = 0
    for route in api.app.routes:
        for method in route.methods - {"OPTIONS", "HEAD"}:
            for target in (cid, UUID0, "bukan-uuid"):
                path = re.sub(r"\{[^}]+:uuid\}", target, route.path)
                for caller in (headers, desk | {"Content-Type": "application/json"}):
                    for junk in JUNK:
                        response = api.request(method, path, headers=caller, content=json.dumps(junk).encode())
                        assert response.status_code < 500, f"{method} {path} {junk!r}: {response.text}"
                        sent += 1
    assert sent > 1000


def test_health_names_the_node_and_needs_no_login(api: TestClient) -> None:
    response = api.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["node"] == "kab-16.13" and body["tier"] == "kabkota" and body["parent"] == "prov-16"
    assert body["office"] == "KPU Kabupaten Musi Rawas Utara"
    assert body["database"] == {"backend": "memory", "status": "ok", "detail": None}
    assert re.match(r"^\d+\.\d+", body["version"])


def test_openapi_is_served_as_json_with_no_cdn(api: TestClient) -> None:
    response = api.get("/schema/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    assert "/api/consultations/{consultation_id}/answer" in document["paths"]
    assert "cdn" not in api.get("/schema").text.lower()


def test_the_catalogue_speaks_every_error_in_both_languages() -> None:
    codes = {cls.code for cls in all_error_classes()}
    missing = codes - MESSAGES.keys()
    assert not missing, f"no message for {sorted(missing)}"
    for code, (indonesian, english) in MESSAGES.items():
        assert indonesian and english and indonesian != english, code
