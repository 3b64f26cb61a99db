"""HTTP fixtures: a Litestar test client over a node, and logged-in callers with each SOP role."""

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


@pytest.fixture
def as_role(api: TestClient, memory_node: Node) -> Login:
    return lambda role, office="kab-16.13": login_as(api, memory_node, role, office)
