"""Bad input gets a clear 4xx naming the field, and loses nothing; no input produces a 500."""

from __future__ import annotations

import json
import re
import sqlite3

import psycopg
import pytest
from eventsourcing import persistence
from litestar.testing import TestClient

from domain.errors import all_error_classes
from domain.roles import Role
from gateways.bootstrap import Node
from gateways.messages import MESSAGES
from tests.e2e.conftest import Login, login_as

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


def test_control_characters_in_a_text_are_refused_and_every_export_still_renders(api_any_backend: TestClient,
                                                                                 node: Node) -> None:
    # Found by tests/e2e/test_fuzz_api.py: a problem text holding "\x1f" was stored, then every XLSX export of the
    # day answered 500 (XML cannot hold it); on PostgreSQL a NUL stopped the read models of the whole office.
    api = api_any_backend
    desk = login_as(api, node, Role.ANGGOTA_HELPDESK)
    named = open_consultation(api, desk, {"name": "Andi\x00", "party_number": 1, "phone": "081234567890"})
    assert named.status_code == 422, named.text
    assert (named.json()["code"], named.json()["field"]) == ("invalid_characters", "name")
    assert named.json()["message"] != named.json()["message_en"]  # Bahasa Indonesia first
    cid = open_consultation(api, desk, {"name": "Andi", "party_number": 1, "phone": "081234567890"}).json()["id"]
    refused = api.post(f"/api/consultations/{cid}/problem", headers=desk, json={"text": "Lupa\x1fsandi"})
    assert (refused.status_code, refused.json()["code"], refused.json()["field"]) == (422, "invalid_characters", "text")
    # Tabs and line breaks are what people type: they stay.
    kept = api.post(f"/api/consultations/{cid}/problem", headers=desk, json={"text": "Lupa sandi.\r\n\tAkun SIPOL."})
    assert kept.status_code == 200 and kept.json()["problem"] == "Lupa sandi.\r\n\tAkun SIPOL."
    for name in ("daftar_hadir", "daftar_permasalahan", "laporan_harian"):
        export = api.get(f"/api/reports/daily/{name}", headers=desk, params={"format": "xlsx"})
        assert export.status_code == 200, f"{name}: {export.text}"


@pytest.mark.parametrize(("params", "field"), [
    ({"offset": str(2**63)}, "offset"),  # was a 500: SQLite takes no integer that large
    ({"office": "kab-16.13\x00"}, "office"),  # the four text filters were 500 on PostgreSQL (NUL)
    ({"party": "PKB\x00"}, "party"),
    ({"actor": "\x00"}, "actor"),
    ({"consultation": "bukan-uuid\x00"}, "consultation"),
])
def test_an_audit_filter_that_cannot_match_is_refused_naming_it(api_any_backend: TestClient, node: Node,
                                                                 params: dict, field: str) -> None:
    ketua = login_as(api_any_backend, node, Role.KETUA_HELPDESK)
    response = api_any_backend.get("/api/audit/entries", headers=ketua, params=params)
    assert response.status_code == 400, response.text
    assert (response.json()["code"], response.json()["field"]) == ("validation_failed", field)


def test_the_first_and_last_days_of_the_calendar_bound_no_audit_search(api: TestClient, as_role: Login) -> None:
    # Found by tests/e2e/test_fuzz_api.py: since=0001-01-01 and until=9999-12-31 were 500 (their midnights in UTC
    # are not datetimes); every entry lies between them.
    ketua = as_role(Role.KETUA_HELPDESK)
    everything = api.get("/api/audit/entries", headers=ketua).json()
    assert everything
    for params in ({"since": "0001-01-01"}, {"until": "9999-12-31"}, {"since": "0001-01-02", "until": "9999-12-30"}):
        response = api.get("/api/audit/entries", headers=ketua, params=params)
        assert (response.status_code, response.json()) == (200, everything), params
    assert api.get(f"/api/audit/consultations/{UUID0}", headers=ketua).json() == []
    assert api.get("/api/audit/consultations/bukan-uuid%00", headers=ketua).status_code == 404


@pytest.mark.parametrize("failure", [
    psycopg.OperationalError("server closed the connection unexpectedly"),
    persistence.OperationalError("connection pool timed out"),
    sqlite3.OperationalError("database is locked"),
])
def test_a_store_that_cannot_be_reached_is_a_503_to_try_again_and_nothing_is_half_written(
    api: TestClient, as_role: Login, memory_node: Node, monkeypatch: pytest.MonkeyPatch, failure: Exception,
) -> None:
    headers = as_role(Role.ANGGOTA_HELPDESK)
    body = {"channel": "walk_in", "consultee": {"name": "Siti Aminah", "party_number": 1, "phone": "081234567890"}}

    def unreachable(*_: object, **__: object) -> None:
        raise failure

    with monkeypatch.context() as patch:
        patch.setattr(memory_node.helpdesk.recorder, "insert_events", unreachable)
        response = api.post("/api/consultations", json=body, headers=headers)
        page = api.get("/konsultasi", headers=headers)
    assert response.status_code == 503, response.text
    assert response.json()["code"] == "store_unavailable"
    assert "coba lagi" in response.json()["message"] and response.headers["retry-after"] == "5"
    assert page.status_code in (200, 503)  # the page reads only; it may well work
    assert api.get("/api/consultations", headers=headers).json() == []
    # The store back: the same request goes through.
    assert api.post("/api/consultations", json=body, headers=headers).status_code == 201


def test_a_bug_is_still_a_500_not_disguised_as_the_store_away(
    api: TestClient, as_role: Login, memory_node: Node, monkeypatch: pytest.MonkeyPatch,
) -> None:
    headers = as_role(Role.ANGGOTA_HELPDESK)
    body = {"channel": "walk_in", "consultee": {"name": "Siti Aminah", "party_number": 1, "phone": "081234567890"}}

    def broken(*_: object, **__: object) -> None:
        raise psycopg.ProgrammingError('column "x" does not exist')

    monkeypatch.setattr(memory_node.helpdesk.recorder, "insert_events", broken)
    response = api.post("/api/consultations", json=body, headers=headers)
    assert response.status_code == 500 and response.json()["code"] == "internal_error"
