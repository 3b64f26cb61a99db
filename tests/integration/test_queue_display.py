"""The waiting room's queue screen (/antrian/layar/<token>, issue 16) over the app: the desk finds its address on
/antrian; opened without any login it shows the queue's numbers and never a consultee's or staff member's name, polls
itself, and keeps working when the staff's session ends; a wrong token gets a plain Bahasa 404; a configured token
replaces the derived one (rotation stops the old screen); one address asking too often gets a 429."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import msgspec
import pytest
from litestar.testing import TestClient

from domain.roles import Role
from gateways.app import create_app
from gateways.bootstrap import Node
from gateways.config import ConfigError, load_settings
from gateways.edge.sessions import COOKIE_NAME
from gateways.web.queue_display import DISPLAY_REQUESTS_PER_MINUTE
from gateways.web.tracking import qr_svg
from tests.e2e.conftest import PASSWORD
from tests.e2e.test_web_frontdesk import GUEST
from tests.support.settings import settings_for

OFFICE = "kab-16.13"
DESK = "petugas.meja"
NOT_VALID = "Alamat layar antrian ini tidak berlaku. Minta alamat yang baru kepada petugas helpdesk."


def sign_in_desk(client: TestClient, node: Node) -> None:
    node.accounts.register_user(DESK, "Rina Petugas Meja", Role.ANGGOTA_HELPDESK, OFFICE, PASSWORD, "test")
    client.cookies.clear()
    signed_in = client.post("/masuk", data={"username": DESK, "password": PASSWORD, "next": "/"},
                            follow_redirects=False)
    assert signed_in.status_code == 303, signed_in.text


def display_path(client: TestClient) -> str:
    """The screen's address as the staff's /antrian shows it (with its QR code), as a path."""
    board = client.get("/antrian")
    assert board.status_code == 200
    found = re.search(r'value="([^"]+)" data-testid="display-url"', board.text)
    assert found, "no display address on /antrian"
    assert str(qr_svg(found.group(1))) in board.text
    assert found.group(1).startswith("http://testserver.local/antrian/layar/")
    return found.group(1).removeprefix("http://testserver.local")


def shown(html: str, name: str) -> str:
    found = re.search(rf'data-testid="{name}"[^>]*>([^<]*)<', html)
    assert found, f"no {name} on the screen"
    return found.group(1).strip()


@pytest.fixture
def regency(office: Callable[[str], Node]) -> Node:
    return office(OFFICE)


@pytest.fixture
def web(regency: Node) -> Iterator[TestClient]:
    with TestClient(create_app(regency)) as client:
        yield client


def test_the_screen_shows_numbers_only_without_a_login(web: TestClient, regency: Node) -> None:
    # The desk takes three numbers, serves the first (its guest book names the consultee) and calls the second.
    sign_in_desk(web, regency)
    path = display_path(web)
    for _ in range(3):
        web.post("/meja-depan/tiket")
    web.post("/meja-depan/panggil")
    signed = web.post("/meja-depan/tamu/1", data=GUEST, follow_redirects=False)
    assert signed.status_code == 303, signed.text
    web.post("/meja-depan/panggil")

    # The screen, opened by nobody signed in, shows the numbers.
    web.cookies.clear()
    screen = web.get(path)
    assert screen.status_code == 200
    assert shown(screen.text, "now-serving") == "2"
    assert re.findall(r"<li>(\d+)</li>", screen.text) == ["3"]
    assert shown(screen.text, "board-waiting") == "1"
    # Never a name, a phone number or a username: neither the consultee's nor the staff's.
    for private in (GUEST["name"], GUEST["phone"], "0812", "Rina", DESK):
        assert private not in screen.text
    # It asks for itself, from this node only (no script from elsewhere).
    assert f'hx-get="{path}" hx-trigger="every 10s" hx-select="#board"' in screen.text
    assert re.findall(r'<script src="([^"]+)"', screen.text) == ["/static/htmx.min.js"]


def test_the_screen_keeps_working_when_the_staff_session_ends(web: TestClient, regency: Node) -> None:
    sign_in_desk(web, regency)
    path = display_path(web)
    web.post("/meja-depan/tiket")
    # The desk signs out: its session ends; the screen goes on, with the old cookie or none at all.
    stale = dict(web.cookies)
    assert web.post("/keluar", follow_redirects=False).status_code in (302, 303)
    web.cookies.clear()
    web.cookies.update(stale)
    assert web.get("/antrian", follow_redirects=False).status_code in (302, 303)  # the staff's page needs a login
    assert shown(web.get(path).text, "board-waiting") == "1"
    web.cookies.clear()
    web.cookies.set(COOKIE_NAME, "not-a-session")
    still = web.get(path)
    assert still.status_code == 200 and shown(still.text, "board-waiting") == "1"


def test_a_wrong_token_gets_a_plain_bahasa_404(web: TestClient, regency: Node) -> None:
    sign_in_desk(web, regency)
    path = display_path(web)
    web.cookies.clear()
    for wrong in (path[:-1] + ("A" if path[-1] != "A" else "B"), "/antrian/layar/tebakan", path + "x"):
        refused = web.get(wrong)
        assert refused.status_code == 404, wrong
        assert NOT_VALID in refused.text and 'data-testid="now-serving"' not in refused.text
        # The notice carries the board's id: a screen whose token was rotated shows it instead of old numbers.
        assert 'id="board"' in refused.text


def test_a_configured_token_replaces_the_derived_one(tmp_path: Path, open_node: Callable[..., Node]) -> None:
    settings = settings_for("memory", tmp_path / "node")
    derived_node = open_node(settings)
    with TestClient(create_app(derived_node)) as client:
        sign_in_desk(client, derived_node)
        derived = display_path(client)
    rotated = msgspec.structs.replace(settings, queue_display_token="ruang-tunggu-lantai-1")
    rotated_node = open_node(rotated)
    with TestClient(create_app(rotated_node)) as client:
        sign_in_desk(client, rotated_node)
        assert display_path(client) == "/antrian/layar/ruang-tunggu-lantai-1"
        client.cookies.clear()
        assert client.get("/antrian/layar/ruang-tunggu-lantai-1").status_code == 200
        assert client.get(derived).status_code == 404  # the old screen stops


def test_a_token_too_short_is_refused_at_start_up(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="QUEUE_DISPLAY_TOKEN"):
        load_settings({}, node_id=OFFICE, database="memory", data_dir=str(tmp_path), queue_display_token="1234")


def test_one_address_asking_too_often_waits(web: TestClient, regency: Node) -> None:
    sign_in_desk(web, regency)
    path = display_path(web)
    web.cookies.clear()
    for _ in range(DISPLAY_REQUESTS_PER_MINUTE):
        assert web.get(path).status_code == 200
    waited = web.get(path)
    assert waited.status_code == 429 and int(waited.headers["retry-after"]) > 0
    assert "Terlalu banyak permintaan" in waited.text and 'data-testid="now-serving"' not in waited.text
