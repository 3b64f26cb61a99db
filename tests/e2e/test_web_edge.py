"""The web edge (issue 12 §4): a write from another site is refused, every response carries the security headers,
a short session key stops the node, and odd bytes or bodies before login are 4xx, never 500."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest
from litestar.testing import TestClient

from domain.roles import Role
from gateways.app import create_app
from gateways.bootstrap import Node, build_node
from gateways.config import ConfigError, Settings, load_settings
from gateways.edge.auth import COOKIE_NAME
from gateways.edge.security import CONTENT_SECURITY_POLICY
from tests.conftest import settings_for
from tests.e2e.conftest import PASSWORD, Login, login_as

OWN = "http://testserver.local"  # the test client's Host
FOREIGN = "https://jahat.example"
WALK_IN = {"channel": "walk_in", "consultee": {"name": "Andi", "party_number": 1, "phone": "081234567890"}}


def sign_in_with_cookie(api: TestClient, node: Node, role: Role) -> None:
    """A browser's session: the cookie, no bearer token."""
    login_as(api, node, role)  # registers the account (and clears the cookie it got)
    username = f"{role.value.replace('_', '-')}-kab-16-13"
    response = api.post("/api/auth/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 201 and COOKIE_NAME in api.cookies


def written(api: TestClient, bearer: dict[str, str]) -> int:
    return api.get("/api/consultations", headers=bearer).json()["total"]


# CSRF (finding 8).

def test_a_cross_site_write_with_the_session_cookie_is_refused(api: TestClient, memory_node: Node) -> None:
    reader = login_as(api, memory_node, Role.KETUA_HELPDESK)
    sign_in_with_cookie(api, memory_node, Role.ANGGOTA_HELPDESK)
    # Another site's page posting JSON to the API with the desk's cookie: refused, in Bahasa Indonesia first.
    forged = api.post("/api/consultations", json=WALK_IN, headers={"Origin": FOREIGN})
    assert forged.status_code == 403, forged.text
    assert forged.json()["code"] == "cross_site_request"
    assert forged.json()["message"].startswith("Permintaan ditolak: perubahan data hanya dapat dikirim dari halaman")
    # The same without Origin, as an old browser sends it: a foreign Referer, or the fetch metadata, gives it away;
    # a page that hides where it is sends Origin "null".
    for headers in ({"Referer": f"{FOREIGN}/halaman"}, {"Sec-Fetch-Site": "cross-site"}, {"Origin": "null"},
                    {"Origin": "http://testserver.local.jahat.example"}, {"Origin": "http://testserver.local:8080"}):
        assert api.post("/api/consultations", json=WALK_IN, headers=headers).status_code == 403, headers
    # A form page: a foreign form posting to the front desk with the cookie is refused as a page, nothing written.
    page = api.post("/meja-depan/tiket", headers={"Origin": FOREIGN}, follow_redirects=False)
    assert page.status_code == 403 and page.headers["content-type"].startswith("text/html")
    honest = api.post("/meja-depan/tiket", headers={"Origin": OWN}, follow_redirects=False)
    assert honest.headers["location"] == "/meja-depan?tiket=1"  # the forged post took no number
    # Logging someone into an account of the attacker's (login CSRF) is refused the same way.
    assert api.post("/masuk", data={"username": "x", "password": "y"}, headers={"Origin": FOREIGN}).status_code == 403
    assert written(api, reader) == 0


def test_a_cookie_write_to_the_api_must_be_json(api: TestClient, memory_node: Node) -> None:
    reader = login_as(api, memory_node, Role.KETUA_HELPDESK)
    sign_in_with_cookie(api, memory_node, Role.ANGGOTA_HELPDESK)
    # text/plain is what a foreign page can send without a preflight: refused even from our own origin.
    plain = api.post("/api/consultations", content=msgspec.json.encode(WALK_IN),
                     headers={"Content-Type": "text/plain", "Origin": OWN})
    assert plain.status_code == 415, plain.text
    assert plain.json()["code"] == "body_type_refused" and "application/json" in plain.json()["message"]
    form = api.post("/api/consultations", data={"channel": "walk_in"}, headers={"Origin": OWN})
    assert form.status_code == 415
    assert written(api, reader) == 0


def test_same_origin_cookie_writes_and_bearer_writes_go_through(api: TestClient, memory_node: Node) -> None:
    desk_bearer = login_as(api, memory_node, Role.ANGGOTA_HELPDESK)
    sign_in_with_cookie(api, memory_node, Role.ANGGOTA_HELPDESK)
    # The node's own page, by Origin or (older browsers) by Referer, or a client that is no browser page at all.
    assert api.post("/api/consultations", json=WALK_IN, headers={"Origin": OWN}).status_code == 201
    assert api.post("/api/consultations", json=WALK_IN, headers={"Referer": f"{OWN}/konsultasi/baru",
                                                                  "Sec-Fetch-Site": "same-origin"}).status_code == 201
    assert api.post("/api/consultations", json=WALK_IN).status_code == 201
    ticket = api.post("/meja-depan/tiket", headers={"Origin": OWN}, follow_redirects=False)
    assert ticket.status_code == 303
    # A bearer token is never sent by a browser on its own: no Origin needed, any body type the route reads.
    api.cookies.clear()
    assert api.post("/api/consultations", json=WALK_IN, headers=desk_bearer).status_code == 201
    plain = api.post("/api/consultations", content=msgspec.json.encode(WALK_IN),
                     headers={**desk_bearer, "Content-Type": "text/plain"})
    assert plain.status_code == 201, plain.text
    assert written(api, desk_bearer) == 5


def test_behind_a_proxy_the_public_url_is_the_only_origin(memory_settings: Settings, open_node) -> None:
    node = open_node(msgspec.structs.replace(memory_settings, public_url="https://helpdesk.kpu-palembang.go.id"))
    with TestClient(create_app(node)) as api:
        sign_in_with_cookie(api, node, Role.ANGGOTA_HELPDESK)
        assert api.post("/api/consultations", json=WALK_IN, headers={"Origin": OWN}).status_code == 403
        proxied = api.post("/api/consultations", json=WALK_IN,
                           headers={"Origin": "https://helpdesk.kpu-palembang.go.id"})
        assert proxied.status_code == 201, proxied.text


@pytest.mark.parametrize("url", ["helpdesk.kpu.go.id", "https://helpdesk.kpu.go.id/sipol", "ftp://x", "https://h:99999"])
def test_a_public_url_that_is_no_origin_stops_the_node(url: str) -> None:
    with pytest.raises(ConfigError, match="HELPDESK_PUBLIC_URL"):
        load_settings({}, node_id="kab-16.13", database="memory", public_url=url)


# Headers on every response (finding 10).

def test_every_response_carries_the_security_headers(api: TestClient, as_role: Login) -> None:
    desk = as_role(Role.ANGGOTA_HELPDESK)
    answers = {
        "API": api.get("/api/me", headers=desk),
        "page": api.get("/konsultasi", headers=desk),
        "login form": api.get("/masuk"),
        "unknown path": api.get("/tidak-ada"),
        "refusal": api.get("/api/audit/entries", headers=desk),
        "error before login": api.post("/api/auth/login", content=b"[" * 10_000,
                                       headers={"Content-Type": "application/json"}),
        "OpenAPI": api.get("/schema/openapi.json"),
    }
    for what, response in answers.items():
        headers = response.headers
        assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY, what
        assert "script-src 'self';" in CONTENT_SECURITY_POLICY and "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
        assert headers["referrer-policy"] == "same-origin", what
        assert headers["x-content-type-options"] == "nosniff", what
        assert headers["x-frame-options"] == "DENY", what
        # Names and phone numbers on a shared front-desk tablet: nothing is kept.
        assert headers["cache-control"] == "no-store", what
        assert len(headers.get_list("content-security-policy")) == 1, what
    assert [answers[k].status_code for k in ("page", "unknown path", "refusal", "error before login")] == [
        200, 404, 403, 400]
    # Static files are the same for everyone: cached (for an hour), with the same headers otherwise.
    static = api.get("/static/app.css")
    assert static.status_code == 200 and static.headers["cache-control"] == "public, max-age=3600"
    assert static.headers["x-content-type-options"] == "nosniff"


def test_pages_carry_no_inline_script_or_style(api: TestClient, as_role: Login) -> None:
    desk = as_role(Role.ANGGOTA_HELPDESK)
    for path in ("/masuk", "/konsultasi", "/konsultasi/baru", "/meja-depan", "/dasbor", "/eskalasi"):
        html = api.get(path, headers=desk).text
        assert "<style" not in html and " style=" not in html and " onclick=" not in html, path
        scripts = html.count("<script")
        assert scripts == html.count('<script src="/static/'), path
        # htmx is told to add no <style> of its own and to evaluate nothing (the CSP would refuse both).
        assert '"includeIndicatorStyles": false' in html and '"allowEval": false' in html, path


# The session-signing key (finding 18).

def test_a_short_secret_key_stops_the_node_naming_the_key() -> None:
    with pytest.raises(ConfigError, match=r"HELPDESK_SECRET_KEY: 1 bita terlalu pendek .*\(1 bytes is too short"):
        load_settings({"HELPDESK_SECRET_KEY": "a"}, node_id="kab-16.13", database="memory")
    with pytest.raises(ConfigError, match="HELPDESK_SECRET_KEY"):
        load_settings({}, node_id="kab-16.13", database="memory", secret_key="x" * 31)
    assert load_settings({}, node_id="kab-16.13", database="memory", secret_key="x" * 32).secret_key == "x" * 32


def test_a_short_key_file_stops_the_node_naming_it(tmp_path: Path) -> None:
    settings = settings_for("sqlite", tmp_path / "node")
    (tmp_path / "node").mkdir(parents=True)
    (tmp_path / "node" / "secret.key").write_text("pendek\n", encoding="ascii")
    with pytest.raises(ConfigError, match=r"HELPDESK_SECRET_KEY: berkas kunci .*secret.key berisi 6 bita.*"
                                          r"\(the key file .*secret.key holds 6 bytes"):
        build_node(settings).close()


# Findings 11–13: odd bytes and bodies before login.

def test_odd_bytes_and_bodies_before_login_are_4xx(api: TestClient) -> None:
    deep = b"[" * 10_000
    # Deeply nested JSON to the one API write that needs no login, and to a guarded one (login is asked first).
    login = api.post("/api/auth/login", content=deep, headers={"Content-Type": "application/json"})
    assert (login.status_code, login.json()["code"]) == (400, "body_too_deep")
    guarded = api.post("/api/consultations", content=deep, headers={"Content-Type": "application/json"})
    assert guarded.status_code == 401
    # A byte beyond ASCII in a bearer token, a cookie, an Origin or a Referer.
    assert api.get("/api/me", headers={"Authorization": b"Bearer \xff\xfe.\xe9"}).status_code == 401
    assert api.get("/api/me", headers={"Cookie": b"helpdesk_session=\xff"}).status_code == 401
    for name in ("Origin", "Referer"):
        odd = api.post("/api/auth/login", json={"username": "x", "password": "y"}, headers={name: b"http://\xff\xfe"})
        assert odd.status_code == 403, (name, odd.text)
    # OPTIONS on a guarded route, without login: 405 naming what it takes.
    assert api.options("/api/audit/entries").status_code == 405
