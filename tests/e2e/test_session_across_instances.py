"""The session check's cache (services/session_cache.py) across instances of the node over one store, as
`helpdesk serve --workers N` runs them: a deactivation, a password change or a role change made through one instance,
or by the command line in another process, holds at the very next request through another."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from uuid import UUID

import pyotp
import pytest
from litestar.testing import TestClient

from domain.roles import Role
from gateways.app import create_app
from gateways.bootstrap import Node
from gateways.config import Settings
from tests.e2e.conftest import PASSWORD, login_as
from tests.support.settings import settings_per_param

ROOT = Path(__file__).resolve().parents[2]
KETUA = "ketua.sari"
NEW_PASSWORD = "teh-manis-sore-hari"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def shared_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """One node's settings on a store two instances can share (the in-memory store cannot be shared)."""
    yield from settings_per_param(request, tmp_path)


@pytest.fixture
def instances(shared_settings: Settings, open_node: Callable[[Settings], Node]) -> tuple[Node, Node]:
    """Two instances of the same node over one store: each its own application, and so its own session cache."""
    return open_node(shared_settings), open_node(shared_settings)


@pytest.fixture
def first_api(instances: tuple[Node, Node]) -> Iterator[TestClient]:
    with TestClient(create_app(instances[0])) as client:
        yield client


def _signed_in(api: TestClient, node: Node, role: Role) -> tuple[dict[str, str], UUID]:
    """Bearer headers for a new account with `role` and the account's id; its session state is then cached (two
    requests: the second served from the cache)."""
    headers = login_as(api, node, role)
    me = api.get("/api/me", headers=headers)
    assert me.status_code == 200, me.text
    assert api.get("/api/me", headers=headers).status_code == 200
    assert len(node.accounts.session_cache) >= 1
    return headers, UUID(me.json()["id"])


def test_an_account_deactivated_through_another_instance_is_refused_at_the_next_request(
    instances: tuple[Node, Node], first_api: TestClient
) -> None:
    first, second = instances
    # The desk works through the first instance.
    desk, desk_id = _signed_in(first_api, first, Role.ANGGOTA_HELPDESK)

    # The Ketua deactivates the account through the second instance.
    second.accounts.deactivate(desk_id, KETUA)

    # The first instance refuses the very next request, and every one after.
    assert first_api.get("/api/me", headers=desk).status_code == 401
    assert first_api.get("/api/consultations", headers=desk).status_code == 401


def test_a_password_changed_through_another_instance_ends_the_session_and_the_new_one_signs_in(
    instances: tuple[Node, Node], first_api: TestClient
) -> None:
    first, second = instances
    desk, desk_id = _signed_in(first_api, first, Role.ANGGOTA_HELPDESK)

    # The desk changes the password on the other instance (a tablet served by another worker).
    second.accounts.change_password(desk_id, NEW_PASSWORD, "anggota-helpdesk-kab-16-13")

    # The old session ends at once on the first instance; the new password signs in there, the old one does not.
    assert first_api.get("/api/me", headers=desk).status_code == 401
    username = "anggota-helpdesk-kab-16-13"
    assert first_api.post("/api/auth/login", json={"username": username, "password": PASSWORD}).status_code == 401
    again = first_api.post("/api/auth/login", json={"username": username, "password": NEW_PASSWORD})
    assert again.status_code == 201, again.text
    assert first_api.get("/api/me", headers={"Authorization": f"Bearer {again.json()['token']}"}).status_code == 200


def test_a_role_changed_through_another_instance_ends_the_session_and_the_new_role_governs_the_next_one(
    instances: tuple[Node, Node], first_api: TestClient
) -> None:
    first, second = instances
    ketua, ketua_id = _signed_in(first_api, first, Role.KETUA_HELPDESK)
    assert first_api.get("/api/users", headers=ketua).status_code == 200

    # The administrator makes the account a desk member's, through the second instance.
    second.accounts.change_role(ketua_id, Role.ANGGOTA_HELPDESK, "admin")

    # The session made under the old role ends; signed in again, the account has the new role and its limits.
    assert first_api.get("/api/users", headers=ketua).status_code == 401
    again = first_api.post("/api/auth/login", json={"username": "ketua-helpdesk-kab-16-13", "password": PASSWORD})
    assert again.status_code == 201, again.text
    headers = {"Authorization": f"Bearer {again.json()['token']}"}
    assert first_api.get("/api/me", headers=headers).json()["role"] == "anggota_helpdesk"
    assert first_api.get("/api/users", headers=headers).status_code == 403


def test_a_second_factor_turned_off_by_the_command_line_in_another_process_ends_the_session(
    instances: tuple[Node, Node], first_api: TestClient, shared_settings: Settings
) -> None:
    first, _ = instances
    # A commissioner turns on an authenticator app and signs in with its code.
    login_as(first_api, first, Role.ANGGOTA_KPU)
    username = "anggota-kpu-kab-16-13"
    user = first.accounts.authenticate(username, PASSWORD)
    assert user is not None
    secret = first.accounts.start_totp(user.id).secret
    code = pyotp.TOTP(secret).at(first.clock())  # the node's clock, the tests' own
    first.accounts.confirm_totp(user.id, code)
    signed = first_api.post("/api/auth/login", json={"username": username, "password": PASSWORD, "totp_code": code})
    assert signed.status_code == 201, signed.text
    headers = {"Authorization": f"Bearer {signed.json()['token']}"}
    assert first_api.get("/api/me", headers=headers).status_code == 200
    assert first_api.get("/api/me", headers=headers).status_code == 200

    # The phone is lost: the administrator turns the second factor off with the command line, another process.
    reset = subprocess.run([sys.executable, "-m", "gateways.cli.main", "user", "totp-reset", "--username", username],
                           cwd=ROOT, env=_cli_environment(shared_settings), text=True, capture_output=True,
                           timeout=120, check=False)
    assert reset.returncode == 0, reset.stderr

    # Every session of the account ends, on this instance too, at the next request.
    assert first_api.get("/api/me", headers=headers).status_code == 401


def _cli_environment(settings: Settings) -> dict[str, str]:
    values = {"HELPDESK_NODE_ID": settings.node_id, "HELPDESK_DATA_DIR": str(settings.data_dir),
              "HELPDESK_NATS_URL": "",
              "HELPDESK_DATABASE": "sqlite" if settings.backend == "sqlite" else settings.database}
    if settings.backend == "postgresql":
        values["HELPDESK_POSTGRES_SCHEMA"] = settings.postgres_schema
    return {**os.environ, **values}

