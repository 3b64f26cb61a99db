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


# Each field is named by its path in the request body, as the 400s of a malformed body name it.
@pytest.mark.parametrize(("consultee", "field", "code"), [
    ({"name": "Andi", "party_number": 1, "phone": "0812-abc"}, "consultee.phone", "invalid_phone"),
    ({"name": "Andi", "party_number": 1, "phone": "12345"}, "consultee.phone", "invalid_phone"),
    ({"name": "Andi", "party_number": 1, "email": "andi@"}, "consultee.email", "invalid_email"),
    ({"name": "Andi", "party_number": 1, "email": "andi at kpu.go.id"}, "consultee.email", "invalid_email"),
    ({"name": "Andi", "party_number": 1}, "consultee.phone", "contact_required"),
    ({"name": "Andi", "party_number": 99, "phone": "081234567890"}, "consultee.party_number", "unknown_party"),
    ({"name": "Andi", "phone": "081234567890"}, "consultee.party_number", "party_required"),
    ({"name": "  ", "party_number": 1, "phone": "081234567890"}, "consultee.name", "text_required"),
])
def test_a_bad_identity_is_refused_naming_the_field(
    api: TestClient, as_role: Login, consultee: dict, field: str, code: str
) -> None:
    desk = as_role(Role.ANGGOTA_HELPDESK)
    response = open_consultation(api, desk, consultee)
    assert response.status_code == 422, response.text
    body = response.json()
    assert (body["code"], body["field"]) == (code, field)
    assert [error["field"] for error in body["errors"]] == [field]
    assert api.get("/api/consultations", headers=desk).json()["items"] == []  # nothing was written


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
    body = response.json()
    # The person is told the limit, in both languages, and nothing was opened.
    assert body["code"] == "body_too_large"
    assert "paling besar 1 MB" in body["message"] and "at most 1 MB" in body["message_en"]
    assert api.get("/api/consultations", headers=desk).json()["total"] == 0


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


def test_control_characters_are_refused_in_a_name_dropped_from_a_text_and_exports_render(api_any_backend: TestClient,
                                                                                       node: Node) -> None:
    # Found by tests/e2e/test_fuzz_api.py: a problem text holding "\x1f" was stored, then every XLSX export of the
    # day answered 500 (XML cannot hold it); on PostgreSQL a NUL stopped the read models of the whole office.
    api = api_any_backend
    desk = login_as(api, node, Role.ANGGOTA_HELPDESK)
    named = open_consultation(api, desk, {"name": "Andi\x00", "party_number": 1, "phone": "081234567890"})
    assert named.status_code == 422, named.text
    assert (named.json()["code"], named.json()["field"]) == ("invisible_characters", "consultee.name")
    assert named.json()["message"] != named.json()["message_en"]  # Bahasa Indonesia first
    cid = open_consultation(api, desk, {"name": "Andi", "party_number": 1, "phone": "081234567890"}).json()["id"]
    # In a free text they are dropped, as pasted along with the words; tabs and line breaks are typed: they stay.
    kept = api.post(f"/api/consultations/{cid}/problem", headers=desk,
                    json={"text": "Lupa\x00 sandi.\x1f\r\n\tAkun SIPOL."})
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
    assert api.get("/api/consultations", headers=headers).json()["items"] == []
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


# Found by sending the API inputs it had not seen (issue 11 §3): each was a 500, some before any login.

def consultations_written(api: TestClient, headers: dict[str, str]) -> int:
    return api.get("/api/consultations", headers=headers).json()["total"]


@pytest.mark.parametrize(("content", "code"), [
    (b"[" * 10_000, "body_too_deep"),  # msgspec's RecursionError
    (b'{"channel": "email", "consultee": ' * 5_000, "body_too_deep"),
    (b'{"channel": "email", "consultee": {"name": "Andi \xff\xfe", "party_number": 1, "phone": "081234567890"}}',
     "body_not_utf8"),  # msgspec's UnicodeDecodeError
    (b'{"channel\xc3": "email"}', "body_not_utf8"),
])
def test_a_body_msgspec_cannot_read_is_a_400_saying_why(api: TestClient, as_role: Login, content: bytes,
                                                         code: str) -> None:
    desk = as_role(Role.ANGGOTA_HELPDESK)
    response = api.post("/api/consultations", headers={**desk, "Content-Type": "application/json"}, content=content)
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == code and body["message"] != body["message_en"]
    assert "Tidak ada yang disimpan" in body["message"]
    assert consultations_written(api, desk) == 0


@pytest.mark.parametrize("where", ["bearer", "cookie"])
def test_a_byte_beyond_ascii_in_a_token_is_a_401_not_a_500(api: TestClient, as_role: Login, where: str) -> None:
    desk = as_role(Role.ANGGOTA_HELPDESK)
    genuine = desk["Authorization"].removeprefix("Bearer ")
    forged = (genuine[:-3] + "é" + genuine[-2:]).encode("latin-1")  # one byte changed: 0xe9 in the signature
    header = {"Authorization": b"Bearer " + forged} if where == "bearer" else {"Cookie": b"helpdesk_session=" + forged}
    response = api.get("/api/consultations", headers=header)
    assert response.status_code == 401, response.text
    assert response.json()["code"] == "unauthenticated"
    assert response.json()["message"] == "Silakan masuk (login) terlebih dahulu."
    # A page sends the person to the login form, as for any session that has ended.
    page = api.get("/konsultasi", headers=header, follow_redirects=False)
    assert (page.status_code, page.headers["location"]) == (303, "/masuk?lanjut=/konsultasi")


def test_options_is_a_405_naming_the_methods_with_or_without_login(api: TestClient, as_role: Login) -> None:
    desk = as_role(Role.ANGGOTA_HELPDESK)
    cid = open_consultation(api, desk, {"name": "Andi", "party_number": 1, "phone": "081234567890"}).json()["id"]
    for headers in ({}, desk):
        listed = api.options("/api/consultations", headers=headers)
        assert listed.status_code == 405, listed.text
        assert listed.headers["allow"] == "GET, POST"
        assert listed.json()["code"] == "method_not_allowed" and listed.json()["message"]
        step = api.options(f"/api/consultations/{cid}/problem", headers=headers)
        assert (step.status_code, step.headers["allow"]) == (405, "POST")
        # The pages answer alike, as a page.
        page = api.options("/konsultasi", headers=headers)
        assert (page.status_code, page.headers["allow"]) == (405, "GET")
        assert page.headers["content-type"].startswith("text/html")
        assert "Metode tidak diizinkan" in page.text
    # Another method the route does not take: the same Allow, without OPTIONS.
    deleted = api.delete("/api/consultations", headers=desk)
    assert (deleted.status_code, deleted.headers["allow"]) == (405, "GET, POST")
    # Every route of the app, none of them a 500.
    for route in api.app.routes:
        path = re.sub(r"\{[^}]+:uuid\}", UUID0, route.path)
        path = re.sub(r"\{[^}]+:(date|int)\}", "1", path)
        assert api.options(re.sub(r"\{[^}]+\}", "x", path)).status_code in (404, 405), route.path
    assert consultations_written(api, desk) == 1


@pytest.mark.parametrize("name", [
    "\u200b", "\u200b\u200b\u200b",  # zero-width spaces
    "\ufeff",  # a byte-order mark
    "\u202eidnA",  # a bidi override: "Andi" read backwards
    "Andi\u2028Budi",  # a line separator
    "\x7f", "Andi\x85", "\x80\x9f",  # DEL and C1 controls
    "An\u00addi",  # a soft hyphen (a format character)
])
def test_a_name_with_invisible_characters_is_refused_and_nothing_is_stored(api: TestClient, as_role: Login,
                                                                           name: str) -> None:
    desk = as_role(Role.ANGGOTA_HELPDESK)
    response = open_consultation(api, desk, {"name": name, "party_number": 1, "phone": "081234567890"})
    assert response.status_code == 422, response.text
    body = response.json()
    assert (body["code"], body["field"]) == ("invisible_characters", "consultee.name")
    assert "karakter tak terlihat" in body["message"]
    assert consultations_written(api, desk) == 0


def test_a_party_or_staff_name_with_invisible_characters_is_refused(api: TestClient, as_role: Login) -> None:
    desk, ketua = as_role(Role.ANGGOTA_HELPDESK), as_role(Role.KETUA_HELPDESK)
    party = open_consultation(api, desk, {"name": "Andi", "party_name": "Partai\u200b Baru", "phone": "081234567890"})
    assert (party.status_code, party.json()["code"], party.json()["field"]) == (
        422, "invisible_characters", "consultee.party_name")
    staff = api.post("/api/users", headers=ketua, json={"username": "ani.baru", "full_name": "\u202e\ufeff",
                                                        "role": "anggota_helpdesk", "password": "kata-sandi-baru-1"})
    assert (staff.status_code, staff.json()["code"], staff.json()["field"]) == (
        422, "invisible_characters", "full_name")
    assert consultations_written(api, desk) == 0
    assert "ani.baru" not in {user["username"] for user in api.get("/api/users", headers=ketua).json()}


def test_invisible_characters_are_dropped_from_a_free_text(api: TestClient, as_role: Login) -> None:
    desk = as_role(Role.ANGGOTA_HELPDESK)
    cid = open_consultation(api, desk, {"name": "Andi", "party_number": 1, "phone": "081234567890"}).json()["id"]
    # Only invisible characters: nothing is left, so nothing is recorded.
    empty = api.post(f"/api/consultations/{cid}/problem", headers=desk, json={"text": "\u200b\ufeff\u202e"})
    assert (empty.status_code, empty.json()["code"], empty.json()["field"]) == (422, "text_required", "text")
    # Pasted with the words: the words are kept, a line separator still separates lines.
    kept = api.post(f"/api/consultations/{cid}/problem", headers=desk,
                    json={"text": "\ufeffLupa\u200b sandi\u2028akun\x85 \u202eSIPOL\x7f."})
    assert kept.status_code == 200, kept.text
    assert kept.json()["problem"] == "Lupa sandi\nakun SIPOL."


def test_every_wrong_field_of_an_identity_is_refused_at_once(api: TestClient, as_role: Login) -> None:
    desk = as_role(Role.ANGGOTA_HELPDESK)
    # A bad name, a bad phone and a bad e-mail: all three in one answer, each at its path in the body.
    response = open_consultation(api, desk, {"name": "\u200b", "party_number": 1, "phone": "12", "email": "andi@"})
    assert response.status_code == 422, response.text
    body = response.json()
    assert (body["code"], body["field"]) == ("invalid_fields", "consultee.name")
    assert [(e["field"], e["message"]) for e in body["errors"]] == [
        ("consultee.name", MESSAGES["invisible_characters"][0]),
        ("consultee.phone", MESSAGES["invalid_phone"][0]),
        ("consultee.email", MESSAGES["invalid_email"][0]),
    ]
    # No party either: four fields, one answer.
    four = open_consultation(api, desk, {"name": "", "phone": "12", "email": "andi@"}).json()
    assert [e["field"] for e in four["errors"]] == [
        "consultee.name", "consultee.party_number", "consultee.phone", "consultee.email"]
    assert consultations_written(api, desk) == 0
    # Correcting an identity takes the consultee itself as the body: the same errors, at its own paths.
    cid = open_consultation(api, desk, {"name": "Andi", "party_number": 1, "phone": "081234567890"}).json()["id"]
    before = api.get(f"/api/consultations/{cid}", headers=desk).json()
    corrected = api.post(f"/api/consultations/{cid}/identity", headers=desk,
                         json={"name": "\ufeff", "party_number": 1, "phone": "12", "email": "andi@"})
    assert corrected.status_code == 422
    assert [e["field"] for e in corrected.json()["errors"]] == ["name", "phone", "email"]
    assert api.get(f"/api/consultations/{cid}", headers=desk).json() == before


def test_an_unknown_or_wrong_field_is_named_by_its_public_path(api: TestClient, as_role: Login) -> None:
    desk = as_role(Role.ANGGOTA_HELPDESK)
    consultee = {"name": "Andi", "party_number": 1, "phone": "081234567890"}
    extra = api.post("/api/consultations", headers=desk, json={"channel": "email", "consultee": consultee,
                                                               "is_admin": True})
    assert (extra.status_code, extra.json()["field"]) == (400, "is_admin")  # was `data.is_admin`
    assert extra.json()["errors"][0]["message"] == "Kolom ini tidak dikenal."
    inner = api.post("/api/consultations", headers=desk, json={"channel": "email",
                                                               "consultee": {**consultee, "is_admin": True}})
    assert inner.json()["field"] == "consultee.is_admin"
    missing = api.post("/api/consultations", headers=desk, json={"channel": "email"})
    assert missing.json()["field"] == "consultee"  # was `data.consultee`
    cid = open_consultation(api, desk, consultee).json()["id"]
    basis = api.post(f"/api/consultations/{cid}/answer", headers=desk,
                     json={"text": "Jawab", "bases": [{"kind": "uu", "reference": "UU 7/2017"}, {"kind": "uu"}]})
    assert basis.json()["field"] == "bases[1].reference"
    # A body that is no object at all names no field.
    for shapeless in ([], "teks", 7, None):
        response = api.post("/api/consultations", headers=desk, json=shapeless)
        assert response.status_code == 400, shapeless
        assert (response.json()["code"], response.json()["field"]) == ("body_wrong_shape", None)
    assert consultations_written(api, desk) == 1
