"""The notification pages over HTTP: the menu's badge and the page title's count, the home tile's count, the list
with read and unread, the badge's poll (a bare 401 once the session ended, never the login page), my choices of
e-mail and Telegram (all refusals at once), and the same over the JSON API."""

from __future__ import annotations

import re
from collections.abc import Iterator
from uuid import UUID

import pytest
from litestar.testing import TestClient

from domain.roles import Role
from gateways.app import create_app
from gateways.bootstrap import Node
from services.consultations import IdentityInput
from tests.support.by_hand import KAB
from tests.support.consultations import handed_to_commissioner

PASSWORD = "kuda-lari-cepat-99"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def client(memory_node: Node) -> Iterator[TestClient]:
    for username, role in (("kpu.satu", Role.ANGGOTA_KPU), ("desk.ani", Role.ANGGOTA_HELPDESK)):
        memory_node.accounts.register_user(username, username.title(), role, KAB, PASSWORD, "admin")
    with TestClient(create_app(memory_node)) as test_client:
        signed = test_client.post("/masuk", data={"username": "kpu.satu", "password": PASSWORD, "next": "/"},
                                  follow_redirects=False)
        assert signed.status_code == 303, signed.text
        yield test_client


def handover(node: Node) -> UUID:
    who = IdentityInput(name="Tono Sukarno", party_number=5, phone="081298765432")
    return handed_to_commissioner(node.helpdesk, KAB, who, "Akun terkunci", "Jadi akun terkunci?", "Tidak ada di FAQ",
                                  desk="desk.ani")


def title(html: str) -> str:
    found = re.search(r"<title>(.*?)</title>", html, re.S)
    assert found, html[:300]
    return found.group(1).strip()


def badge(html: str) -> str:
    found = re.search(r'<span class="badge" id="notif-badge"[^>]*>(.*?)</span>', html, re.S)
    assert found, "no badge in the menu"
    return found.group(1).strip()


def test_the_badge_title_and_tile_count_what_waits_and_the_list_marks_it_read(client: TestClient,
                                                                               memory_node: Node) -> None:
    # Nothing yet: no count in the title or the badge.
    home = client.get("/")
    assert not title(home.text).startswith("(") and badge(home.text) == ""
    # The desk hands a problem over: every page says so.
    cid = handover(memory_node)
    home = client.get("/")
    assert title(home.text).startswith("(1) Beranda") and badge(home.text) == "1"
    assert re.search(r'href="/eskalasi">Eskalasi <span class="badge" data-testid="tile-count"[^>]*>1</span>',
                     home.text), "the escalation tile counts the handover waiting"
    assert title(client.get("/akun").text).startswith("(1) Akun saya")
    # The badge's poll answers only the count, with the page's title (htmx swaps both in).
    polled = client.get("/notifikasi/lencana", params={"judul": "Konsultasi · Helpdesk SIPOL"}, headers=HTMX)
    assert polled.status_code == 200
    assert polled.text.strip() == "<title>(1) Konsultasi · Helpdesk SIPOL</title>1"
    # The list shows it unread, with its number and words and without the consultee's name.
    listed = client.get("/notifikasi")
    assert 'data-read="no"' in listed.text and f"HD-{cid.hex[:8]}" in listed.text
    assert "diserahkan kepada Anggota KPU" in listed.text and "Tono" not in listed.text
    position = memory_node.notify.queries.mine(_user_id(memory_node, "kpu.satu")).items[0].position
    # Opening it marks it read and goes to the consultation.
    opened = client.post(f"/notifikasi/{position}/baca", follow_redirects=False)
    assert (opened.status_code, opened.headers["location"]) == (303, f"/konsultasi/{cid}")
    assert 'data-read="yes"' in client.get("/notifikasi").text
    assert badge(client.get("/").text) == ""
    polled = client.get("/notifikasi/lencana", params={"judul": "Beranda"}, headers=HTMX)
    assert polled.text.strip() == "<title>Beranda</title>"
    # Someone else's notification is not mine to mark: nothing happens, back to my list.
    assert client.post("/notifikasi/999999/baca", follow_redirects=False).headers["location"] == "/notifikasi"


def test_the_badge_poll_answers_401_once_the_session_ended(client: TestClient) -> None:
    assert client.get("/notifikasi/lencana", headers=HTMX).status_code == 200
    client.post("/keluar", follow_redirects=False)
    polled = client.get("/notifikasi/lencana", headers=HTMX, follow_redirects=False)
    assert polled.status_code == 401  # htmx swaps nothing in on a 4xx
    assert "<form" not in polled.text and polled.json()["code"] == "unauthenticated"  # no login form in the badge
    # A page itself still sends a person to the login form.
    page = client.get("/notifikasi", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/masuk")


def test_my_choices_are_refused_all_at_once_then_kept(client: TestClient, memory_node: Node) -> None:
    # The account page loads the form in place; alone, for htmx.
    assert 'hx-get="/notifikasi/pengaturan"' in client.get("/akun").text
    fragment = client.get("/notifikasi/pengaturan", headers=HTMX)
    assert fragment.status_code == 200 and "<html" not in fragment.text and 'name="email_kinds"' in fragment.text
    refused = client.post("/notifikasi/pengaturan", data={
        "email": "bukan-alamat", "telegram_chat_id": "12ab", "email_kinds": ["handover_waiting", "case_received"]})
    assert refused.status_code == 422
    assert 'id="email-error"' in refused.text and 'id="telegram_chat_id-error"' in refused.text
    assert 'value="bukan-alamat"' in refused.text  # what was typed stays in the form
    kept = client.post("/notifikasi/pengaturan", data={
        "email": "kpu.satu@kpu.go.id", "email_kinds": ["handover_waiting", "case_received"]})
    assert kept.status_code == 200 and 'id="notify-done"' in kept.text
    assert re.search(r'name="email_kinds" value="case_received"[^>]*checked', kept.text)
    user = memory_node.accounts.get_user(_user_id(memory_node, "kpu.satu"))
    chosen = memory_node.helpdesk.notification_choices(user)
    assert chosen.email == "kpu.satu@kpu.go.id"
    assert {kind.value for kind in chosen.email_kinds} == {"handover_waiting", "case_received"}


def test_the_api_lists_counts_marks_read_and_keeps_choices(client: TestClient, memory_node: Node) -> None:
    token = client.post("/api/auth/login", json={"username": "kpu.satu", "password": PASSWORD}).json()["token"]
    client.cookies.clear()
    bearer = {"Authorization": f"Bearer {token}"}
    cid = handover(memory_node)
    listed = client.get("/api/notifications", headers=bearer).json()
    assert (listed["total"], listed["unread"]) == (1, 1)
    item = listed["items"][0]
    assert (item["kind"], item["link"], item["read"]) == ("handover_waiting", f"/konsultasi/{cid}", False)
    assert "Tono" not in item["text"] and "handed to the commissioner" in item["text_en"]
    counts = client.get("/api/notifications/counts", headers=bearer).json()
    assert counts == {"unread": 1, "unread_by_kind": {"handover_waiting": 1},
                      "waiting_by_kind": {"handover_waiting": 1}}
    assert client.post("/api/notifications/999999/read", headers=bearer).status_code == 404
    read = client.post(f"/api/notifications/{item['position']}/read", headers=bearer)
    assert read.status_code == 200 and read.json()["read"] is True
    assert client.get("/api/notifications/counts", headers=bearer).json()["unread"] == 0
    refused = client.put("/api/notifications/choices", headers=bearer,
                         json={"telegram_kinds": ["near_breach"], "email": "x@"})
    assert refused.status_code == 422, refused.text
    chosen = client.put("/api/notifications/choices", headers=bearer,
                        json={"telegram_chat_id": "123456789", "telegram_kinds": ["near_breach"]})
    assert chosen.status_code == 200, chosen.text
    assert chosen.json()["telegram_kinds"] == ["near_breach"] and chosen.json()["offered"] == []


def _user_id(node: Node, username: str) -> UUID:
    return next(user.id for user in node.users.list(KAB) if user.username == username)
