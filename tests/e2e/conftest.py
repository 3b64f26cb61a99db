"""HTTP fixtures: a Litestar test client over a node, and logged-in callers with each SOP role (by bearer token, or
signed in through the login form, the session cookie then authenticating)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from litestar.testing import TestClient

from domain.roles import Role
from gateways.app import create_app
from gateways.bootstrap import Node

PASSWORD = "kata-sandi-uji-123"
Login = Callable[[Role, str], dict[str, str]]


def _client(node: Node) -> Iterator[TestClient]:
    with TestClient(create_app(node)) as client:
        yield client


@pytest.fixture
def api(memory_node: Node) -> Iterator[TestClient]:
    yield from _client(memory_node)


@pytest.fixture
def api_any_backend(node: Node) -> Iterator[TestClient]:
    yield from _client(node)


def login_as(client: TestClient, node: Node, role: Role, office: str = "kab-16.13") -> dict[str, str]:
    """Registers a user with `role` at `office` (once) and returns bearer headers for them."""
    username = f"{role.value.replace('_', '-')}-{office.replace('.', '-')}"
    if not any(u.username == username for u in node.users.list(office)):
        node.accounts.register_user(username, f"Petugas {role.value}", role, office, PASSWORD, "test")
    response = client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 201, response.text
    client.cookies.clear()  # callers authenticate by bearer token unless a test says otherwise
    return {"Authorization": f"Bearer {response.json()['token']}"}


def sign_in(api: TestClient, node: Node, role: Role, username: str | None = None) -> None:
    """Registers `username` (the role's name unless told) at kab-16.13 once and signs in through the login form; the
    session cookie then authenticates."""
    username = username or role.value.replace("_", "-")
    if not any(u.username == username for u in node.users.list("kab-16.13")):
        node.accounts.register_user(username, f"Petugas {username}", role, "kab-16.13", PASSWORD, "test")
    api.cookies.clear()
    response = api.post("/masuk", data={"username": username, "password": PASSWORD, "next": "/"},
                        follow_redirects=False)
    assert response.status_code == 303, response.text


def client_for(node: Node, role: Role, username: str) -> Iterator[TestClient]:
    """A test client of its own over `node`, signed in through the login form as a new user with `role` at the
    node's office."""
    node.accounts.register_user(username, f"Petugas {username}", role, node.office.value, PASSWORD, "test")
    with TestClient(create_app(node)) as client:
        response = client.post("/masuk", data={"username": username, "password": PASSWORD, "next": "/"},
                               follow_redirects=False)
        assert response.status_code == 303, response.text
        yield client


def open_consultation(api: TestClient, name: str, phone: str = "081234567890", *, channel: str = "walk_in",
                      party_number: int = 1, email: str | None = None, headers: dict[str, str] | None = None) -> str:
    """Opens a consultation through the API (as the signed-in session, or with `headers`); its id. The consultee
    gives `email` when told, else `phone`."""
    contact = {"email": email} if email else {"phone": phone}
    response = api.post("/api/consultations", headers=headers, json={
        "channel": channel, "consultee": {"name": name, "party_number": party_number, **contact}})
    assert response.status_code == 201, response.text
    return response.json()["id"]


@pytest.fixture
def as_role(api: TestClient, memory_node: Node) -> Login:
    return lambda role, office="kab-16.13": login_as(api, memory_node, role, office)
