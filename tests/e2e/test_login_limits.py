"""Issue 12, finding 5: wrong logins are limited per account and per address, the client's address is believed from
X-Forwarded-For only when a configured proxy sends it, and the person is told how long to wait. Served by uvicorn
with the node's own proxy options, as `helpdesk serve` runs it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import httpx
import msgspec
import pytest
import uvicorn
from litestar.testing import TestClient

from domain.roles import Role
from gateways.app import create_app
from gateways.bootstrap import Node
from gateways.config import Settings
from gateways.edge.client_address import proxy_options
from tests.e2e.conftest import PASSWORD
from tests.support.ports import free_port
from tests.support.waiting import wait_until

OFFICE = "kab-16.13"


@pytest.fixture
def serve(open_node: Callable[[Settings], Node], memory_settings: Settings
          ) -> Iterator[Callable[..., tuple[Node, httpx.Client]]]:
    """Runs a node's app under uvicorn on a port of its own, with the proxy options `helpdesk serve` gives it."""
    servers: list[tuple[uvicorn.Server, threading.Thread]] = []

    def start(**overrides: object) -> tuple[Node, httpx.Client]:
        settings = msgspec.structs.replace(memory_settings, **overrides)
        node = open_node(settings)
        for role in (Role.KETUA_HELPDESK, Role.ANGGOTA_HELPDESK, Role.KOORDINATOR):
            node.accounts.register_user(role.value.replace("_", "-"), f"Petugas {role.value}", role, OFFICE, PASSWORD,
                                        "test")
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(create_app(node), host="127.0.0.1", port=port, log_level="warning",
                                               **proxy_options(settings)))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        servers.append((server, thread))
        wait_until(lambda: server.started, what="uvicorn started", limit=30)
        return node, httpx.Client(base_url=f"http://127.0.0.1:{port}")

    yield start
    for server, thread in servers:
        server.should_exit = True
        thread.join(timeout=30)


def _login(client: httpx.Client, username: str, password: str, address: str | None = None) -> httpx.Response:
    headers = {"X-Forwarded-For": address} if address else {}
    return client.post("/api/auth/login", json={"username": username, "password": password}, headers=headers)


def test_32_wrong_logins_from_one_address_lock_no_other_account(serve: Callable[..., tuple[Node, httpx.Client]]
                                                               ) -> None:
    # The office's proxy sits on this machine; the front office's tablets share the address 10.1.1.5.
    _, client = serve(trusted_proxies="127.0.0.1")
    tablets, elsewhere = "10.1.1.5", "10.9.9.9"

    # Someone at the tablets guesses the Ketua's password 32 times (the review's lock-out of the whole office).
    statuses = [_login(client, "ketua-helpdesk", f"tebakan-{n}", tablets).status_code for n in range(32)]
    assert statuses[:4] == [401] * 4 and statuses[4] == 429 and set(statuses[5:]) == {429}

    # A colleague logs in from the same tablets, and another from elsewhere: neither is held up.
    assert _login(client, "anggota-helpdesk", PASSWORD, tablets).status_code == 201
    assert _login(client, "koordinator", PASSWORD, elsewhere).status_code == 201

    # The Ketua's account waits, from anywhere and with the right password, and is told for how long.
    waiting = _login(client, "ketua-helpdesk", PASSWORD, elsewhere)
    assert waiting.status_code == 429
    assert 0 < int(waiting.headers["Retry-After"]) <= 300
    body = waiting.json()
    assert body["code"] == "login_throttled"
    assert body["message"] == "Terlalu banyak percobaan masuk yang salah. Coba lagi dalam 5 menit."


def test_the_wait_is_said_on_the_login_page_too(serve: Callable[..., tuple[Node, httpx.Client]]) -> None:
    node, client = serve()
    for n in range(5):
        client.post("/masuk", data={"username": "ketua-helpdesk", "password": f"tebakan-{n}", "next": "/"})
    page = client.post("/masuk", data={"username": "ketua-helpdesk", "password": PASSWORD, "next": "/"})
    assert page.status_code == 429
    assert int(page.headers["Retry-After"]) > 0
    assert "Coba lagi dalam 5 menit" in page.text
    # Five minutes later (the node's clock), the right password gets in.
    node.clock.advance(minutes=5)  # type: ignore[attr-defined] - the tests' FakeClock
    assert client.post("/masuk", data={"username": "ketua-helpdesk", "password": PASSWORD, "next": "/"}
                       ).status_code == 303


def test_forwarded_addresses_are_believed_only_from_a_trusted_proxy(serve: Callable[..., tuple[Node, httpx.Client]]
                                                                   ) -> None:
    # No proxy configured: a made-up X-Forwarded-For does not give a guesser a fresh address for each try.
    _, direct = serve(login_address_failures=3)
    tries = [_login(direct, f"orang-{n}", "kata-sandi-tebakan", f"10.0.0.{n}").status_code for n in range(3)]
    assert tries == [401, 401, 429]  # the failure that reaches the bound says so at once
    refused = _login(direct, "anggota-helpdesk", PASSWORD, "10.0.0.99")
    assert refused.status_code == 429, "every try came from 127.0.0.1, whatever the header said"

    # Behind the configured proxy, each client is its own address: one guessing does not stop another.
    _, proxied = serve(login_address_failures=3, trusted_proxies="127.0.0.0/8")
    tries = [_login(proxied, f"orang-{n}", "kata-sandi-tebakan", "10.0.0.7").status_code for n in range(3)]
    assert tries == [401, 401, 429]
    assert _login(proxied, "koordinator", PASSWORD, "10.0.0.7").status_code == 429
    assert _login(proxied, "anggota-helpdesk", PASSWORD, "10.0.0.8").status_code == 201


def test_the_same_in_process_address_serves_everyone(api: TestClient, memory_node: Node) -> None:
    # Without uvicorn (the test client, one address for all): still only the guessed account waits.
    for role in (Role.KETUA_HELPDESK, Role.ANGGOTA_HELPDESK):
        memory_node.accounts.register_user(role.value, "Petugas", role, OFFICE, PASSWORD, "test")
    for n in range(32):
        api.post("/api/auth/login", json={"username": Role.KETUA_HELPDESK.value, "password": f"salah-{n}"})
    ok = api.post("/api/auth/login", json={"username": Role.ANGGOTA_HELPDESK.value, "password": PASSWORD})
    assert ok.status_code == 201, ok.text
