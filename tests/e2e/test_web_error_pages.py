"""Error pages keep the office's frame (the header, and the signed-in person's menu when there is a session) and say
what to do next; a step's address opened by GET leads to its consultation; a login that must wait says how long, why
(the account, or every account from this address) and what to do (issue 17, findings S6, S11 and "bare error
pages")."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from html import unescape

import msgspec
import pytest
from litestar import get
from litestar.testing import TestClient

from domain.errors import LoginThrottled
from domain.roles import Role
from gateways.app import create_app
from gateways.bootstrap import Node
from gateways.config import Settings
from gateways.web.errors import MESSAGES
from tests.e2e.conftest import PASSWORD, open_consultation, sign_in

MENU = 'aria-label="Menu utama"'
OFFICE_NAME = 'data-testid="office-name"'


def links(html: str) -> dict[str, str]:
    """The error page's next steps: test id -> href."""
    return {testid: unescape(href) for href, testid in
            re.findall(r'<a class="button[^"]*" href="([^"]+)" data-testid="(error-[\w-]+)"', html)}


def shown(html: str, testid: str) -> str:
    found = re.search(rf'data-testid="{testid}">([^<]+)<', html)
    assert found, f"no {testid} on the page"
    return unescape(found.group(1))


def test_a_missing_page_keeps_the_signed_in_menu_and_says_what_to_do(api: TestClient, memory_node: Node) -> None:
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK, "petugas")
    # No route answers this address: the login check never ran, the page still knows who is signed in.
    response = api.get("/konsultasi-lama/123", headers={"referer": "http://testserver.local/konsultasi?status=open"})
    assert response.status_code == 404
    page = response.text
    assert MENU in page and OFFICE_NAME in page and "Petugas petugas" in page
    assert re.search(r"<h1[^>]*>Halaman tidak ditemukan</h1>", page)
    assert shown(page, "error-next") == "Periksa alamatnya, atau buka halaman yang Anda cari lewat menu."
    assert links(page) == {"error-back": "/konsultasi?status=open", "error-home": "/"}
    # A referer elsewhere is no way back.
    assert "error-back" not in links(api.get("/tidak-ada", headers={"referer": "https://contoh.test/x"}).text)


def test_without_a_session_the_plain_frame_and_a_way_to_log_in(api: TestClient) -> None:
    response = api.get("/tidak-ada")
    assert response.status_code == 404
    assert OFFICE_NAME in response.text and MENU not in response.text
    assert links(response.text) == {"error-login": "/masuk?lanjut=/tidak-ada"}
    # In English too.
    api.cookies.set("helpdesk_lang", "en")
    english = api.get("/tidak-ada").text
    assert re.search(r"<h1[^>]*>Page not found</h1>", english) and '<html lang="en">' in english


def test_a_refused_page_keeps_the_menu_and_says_whom_to_ask(api: TestClient, memory_node: Node) -> None:
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK, "petugas")
    response = api.get("/audit")
    assert response.status_code == 403
    assert MENU in response.text and MESSAGES[403] in unescape(response.text)
    assert "Ketua Helpdesk" in shown(response.text, "error-next")
    assert links(response.text) == {"error-home": "/"}


def test_a_step_opened_by_get_leads_to_its_consultation(api: TestClient, memory_node: Node) -> None:
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK, "petugas")
    consultation = open_consultation(api, "Ani Langkah", "0812 1111 2222")
    # As after logging in again with the step's address kept, or from the browser's history.
    for step in ("jawaban", "permasalahan", "tutup"):
        response = api.get(f"/konsultasi/{consultation}/{step}", follow_redirects=False)
        assert response.status_code == 303, step
        assert response.headers["location"] == f"/konsultasi/{consultation}"
    case = uuid.uuid4()
    response = api.get(f"/eskalasi/kasus/{case}/jawab", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, f"/eskalasi/kasus/{case}")
    # Any other address that takes a form only: the frame, and the way back to the form.
    response = api.get("/keluar", headers={"referer": f"http://testserver.local/konsultasi/{consultation}"})
    assert response.status_code == 405 and MENU in response.text and "allow" in response.headers
    assert shown(response.text, "error-next") == "Kembali ke halaman sebelumnya dan kirim formulirnya dari sana."
    assert links(response.text)["error-back"] == f"/konsultasi/{consultation}"


@get("/uji/tunggu", include_in_schema=False, sync_to_thread=False)
def waiting_page() -> None:
    raise LoginThrottled(retry_after_seconds=250, by="address")


@get("/uji/rusak", include_in_schema=False, sync_to_thread=False)
def broken_page() -> None:
    raise RuntimeError("a fault no rule foresaw")


@pytest.fixture
def faulty(memory_node: Node) -> Iterator[TestClient]:
    """The node's app with two pages that fail: one must wait (429), one breaks (500)."""
    app = create_app(memory_node)
    app.register(waiting_page)
    app.register(broken_page)
    with TestClient(app) as client:
        yield client


def test_a_page_that_must_wait_and_a_broken_page_keep_the_frame(faulty: TestClient, memory_node: Node) -> None:
    sign_in(faulty, memory_node, Role.KOORDINATOR, "koordinator")
    waiting = faulty.get("/uji/tunggu")
    assert waiting.status_code == 429 and waiting.headers["retry-after"] == "250"
    assert MENU in waiting.text
    assert shown(waiting.text, "error-text") == "Terlalu banyak permintaan dalam waktu singkat."
    assert shown(waiting.text, "error-next") == "Coba lagi dalam 5 menit."
    assert links(waiting.text) == {"error-retry": "/uji/tunggu", "error-home": "/"}

    broken = faulty.get("/uji/rusak")
    assert broken.status_code == 500 and MENU in broken.text and "a fault" not in broken.text
    assert shown(broken.text, "error-text") == "Terjadi kesalahan. Tidak ada data yang berubah."
    assert "pengelola node" in shown(broken.text, "error-next")
    assert links(broken.text) == {"error-retry": "/uji/rusak", "error-home": "/"}


@pytest.fixture
def strict_node(memory_settings: Settings, open_node: Callable[[Settings], Node]) -> Node:
    """A node whose address limit is three wrong logins (one address serves every test client)."""
    node = open_node(msgspec.structs.replace(memory_settings, login_address_failures=3))
    node.accounts.register_user("ketua", "Ketua Uji", Role.KETUA_HELPDESK, "kab-16.13", PASSWORD, "test")
    return node


def _log_in(client: TestClient, username: str, password: str) -> tuple[int, str, str | None]:
    response = client.post("/masuk", data={"username": username, "password": password, "next": "/"},
                           follow_redirects=False)
    error = re.search(r'id="login-error">([^<]+)<', response.text)
    return response.status_code, unescape(error.group(1)) if error else "", response.headers.get("retry-after")


def test_a_login_that_must_wait_says_why_how_long_and_what_to_do(memory_node: Node) -> None:
    memory_node.accounts.register_user("ketua", "Ketua Uji", Role.KETUA_HELPDESK, "kab-16.13", PASSWORD, "test")
    with TestClient(create_app(memory_node)) as client:
        for n in range(4):
            assert _log_in(client, "ketua", f"tebakan-{n}")[0] == 401
        status, text, retry = _log_in(client, "ketua", "tebakan-4")
        assert status == 429 and retry is not None and 0 < int(retry) <= 300
        assert text == ("Akun ini dikunci sementara karena kata sandinya terlalu sering salah. Coba lagi dalam 5 menit."
                        " Lupa kata sandi? Minta Ketua Helpdesk kantor Anda membuat kata sandi baru untuk Anda.")
        client.cookies.set("helpdesk_lang", "en")
        assert "Try again in 5 minutes." in _log_in(client, "ketua", PASSWORD)[1]


def test_a_login_from_an_address_that_must_wait_says_so(strict_node: Node) -> None:
    with TestClient(create_app(strict_node)) as client:
        assert [_log_in(client, f"orang-{n}", "salah")[0] for n in range(2)] == [401, 401]
        status, text, retry = _log_in(client, "orang-2", "salah")
        assert status == 429 and retry is not None and 0 < int(retry) <= 15 * 60
        assert text.startswith("Terlalu banyak percobaan masuk yang salah dari perangkat atau jaringan ini, sehingga"
                               " setiap akun harus menunggu sebelum masuk dari sini. Coba lagi dalam 15 menit.")
        # The Ketua, with the right password, is held by the address, and told so.
        status, text, _ = _log_in(client, "ketua", PASSWORD)
        assert status == 429 and "perangkat atau jaringan ini" in text and "perangkat lain" in text
        assert 'aria-label="Menu utama"' not in client.get("/masuk").text
