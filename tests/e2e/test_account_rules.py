"""Issue 12, findings 6, 7 and 9 through the API, the pages and the command line: who appoints whom, one node for
one office's staff, the password policy, and the second factor (an authenticator app)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pyotp
import pytest
from litestar.testing import TestClient

from domain.roles import Role
from gateways.bootstrap import Node, build_node
from gateways.config import load_settings
from tests.e2e.conftest import PASSWORD, Login
from tests.support.other_office_accounts import PASSWORD as OLD_PASSWORD
from tests.support.other_office_accounts import legacy_account

ROOT = Path(__file__).resolve().parents[2]


def _new_user(role: str, username: str = "petugas.baru") -> dict[str, str]:
    return {"username": username, "full_name": "Petugas Baru", "role": role, "password": "teh-manis-sore-hari"}


# Who appoints whom (finding 6).

@pytest.mark.parametrize("role", ["anggota_kpu", "ketua_helpdesk"])
def test_the_ketua_cannot_create_a_commissioner_or_another_ketua(api: TestClient, as_role: Login, role: str) -> None:
    refused = api.post("/api/users", headers=as_role(Role.KETUA_HELPDESK), json=_new_user(role))
    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "role_not_appointable"
    assert "administrator kantor" in refused.json()["message"]


def test_the_ketua_cannot_deactivate_a_commissioner_or_itself(api: TestClient, as_role: Login) -> None:
    ketua = as_role(Role.KETUA_HELPDESK)
    as_role(Role.ANGGOTA_KPU)
    staff = {u["role"]: u["id"] for u in api.get("/api/users", headers=ketua).json()}
    refused = api.post(f"/api/users/{staff['anggota_kpu']}/deactivation", headers=ketua)
    assert (refused.status_code, refused.json()["code"]) == (403, "role_not_appointable")
    itself = api.post(f"/api/users/{staff['ketua_helpdesk']}/deactivation", headers=ketua)
    assert (itself.status_code, itself.json()["code"]) == (403, "own_account_change")
    demoted = api.post(f"/api/users/{staff['ketua_helpdesk']}/role", headers=ketua, json={"role": "anggota_helpdesk"})
    assert (demoted.status_code, demoted.json()["code"]) == (403, "own_account_change")
    # Both accounts are as they were.
    assert all(u["active"] for u in api.get("/api/users", headers=ketua).json())


def test_the_ketua_appoints_changes_and_deactivates_the_team(api: TestClient, as_role: Login) -> None:
    ketua = as_role(Role.KETUA_HELPDESK)
    assert api.get("/api/users/roles", headers=ketua).json() == [
        "sekretaris_helpdesk", "koordinator", "koordinator_harian", "anggota_helpdesk"]
    created = api.post("/api/users", headers=ketua, json=_new_user("anggota_helpdesk")).json()
    promoted = api.post(f"/api/users/{created['id']}/role", headers=ketua, json={"role": "koordinator_harian"})
    assert promoted.json()["role"] == "koordinator_harian"
    raised = api.post(f"/api/users/{created['id']}/role", headers=ketua, json={"role": "anggota_kpu"})
    assert (raised.status_code, raised.json()["code"]) == (403, "role_not_appointable")
    assert api.post(f"/api/users/{created['id']}/deactivation", headers=ketua).json()["active"] is False


# One node, one office's staff (finding 7).

def test_an_old_account_of_another_office_cannot_log_in_by_api_or_page(api: TestClient, memory_node: Node) -> None:
    legacy_account(memory_node, Role.ANGGOTA_KPU, "kota-16.71", username="budi.kota")
    by_api = api.post("/api/auth/login", json={"username": "budi.kota", "password": OLD_PASSWORD})
    assert (by_api.status_code, by_api.json()["code"]) == (403, "account_of_other_office")
    assert "kantor lain" in by_api.json()["message"]
    by_page = api.post("/masuk", data={"username": "budi.kota", "password": OLD_PASSWORD, "next": "/"},
                       follow_redirects=False)
    assert by_page.status_code == 403 and "kantor lain" in by_page.text
    assert "helpdesk_session" not in by_page.cookies


def _helpdesk(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gateways.cli.main", *args], cwd=ROOT, env=env, text=True,
                          capture_output=True, timeout=120, check=False)


def test_the_cli_refuses_an_account_for_another_office_and_turns_a_second_factor_off(tmp_path: Path) -> None:
    env = {**os.environ, "HELPDESK_NODE_ID": "kab-16.13", "HELPDESK_DATABASE": "sqlite",
           "HELPDESK_DATA_DIR": str(tmp_path / "node"), "HELPDESK_NATS_URL": ""}
    refused = _helpdesk("user", "add", "--username", "budi.kota", "--full-name", "Budi", "--role", "anggota_helpdesk",
                        "--office", "kota-16.71", "--password", "teh-manis-sore-hari", env=env)
    assert refused.returncode == 1
    assert "hanya melayani petugas kantornya sendiri" in refused.stderr and "kab-16.13" in refused.stderr
    weak = _helpdesk("user", "add", "--username", "pak.kpu", "--full-name", "Komisioner", "--role", "anggota_kpu",
                     "--password", " " * 10, env=env)
    assert weak.returncode == 1 and "spasi" in weak.stderr
    made = _helpdesk("user", "add", "--username", "pak.kpu", "--full-name", "Komisioner", "--role", "anggota_kpu",
                     "--password", "teh-manis-sore-hari", env=env)
    assert made.returncode == 0, made.stderr

    # The commissioner sets up an authenticator app, then loses the phone.
    settings = load_settings({k: v for k, v in env.items() if k.startswith("HELPDESK_")})
    node = build_node(settings)
    try:
        user = node.accounts.authenticate("pak.kpu", "teh-manis-sore-hari")
        assert user is not None
        secret = node.accounts.start_totp(user.id).secret
        node.accounts.confirm_totp(user.id, pyotp.TOTP(secret).now())
    finally:
        node.close()
    reset = _helpdesk("user", "totp-reset", "--username", "pak.kpu", env=env)
    assert reset.returncode == 0, reset.stderr
    assert secret not in reset.stdout + reset.stderr
    node = build_node(settings)
    try:
        assert not node.accounts.account_security(user.id).totp_on
    finally:
        node.close()


# The password policy (finding 9).

def test_ten_spaces_are_refused_by_the_api_and_the_account_page(api: TestClient, as_role: Login) -> None:
    ketua = as_role(Role.KETUA_HELPDESK)
    refused = api.post("/api/users", headers=ketua, json={**_new_user("anggota_helpdesk"), "password": " " * 10})
    assert (refused.status_code, refused.json()["code"], refused.json()["field"]) == (422, "password_blank", "password")
    mine = api.post("/api/me/password", headers=ketua,
                    json={"current_password": PASSWORD, "new_password": "Ketua-Helpdesk-Kab-16-13-x"})
    assert mine.json()["code"] == "password_has_username"
    # The account page says why, beside the field.
    api.post("/api/auth/login", json={"username": "ketua-helpdesk-kab-16-13", "password": PASSWORD})
    page = api.post("/akun/kata-sandi", data={"current_password": PASSWORD, "new_password": "bismillah2024",
                                             "repeat": "bismillah2024"})
    assert page.status_code == 422
    assert "terlalu umum" in page.text
    assert page.headers["Cache-Control"] == "no-store"


# The second factor (finding 9).

def test_a_commissioner_turns_on_two_step_login_by_api_and_logs_in_with_a_code(api: TestClient, as_role: Login,
                                                                              memory_node: Node) -> None:
    commissioner = as_role(Role.ANGGOTA_KPU)
    name = "anggota-kpu-kab-16-13"
    assert api.get("/api/me/security", headers=commissioner).json() == {
        "totp_offered": True, "totp_on": False, "totp_pending": False}
    enrolment = api.post("/api/me/totp", headers=commissioner)
    assert enrolment.status_code == 201 and enrolment.headers["Cache-Control"] == "no-store"
    secret, uri = enrolment.json()["secret"], enrolment.json()["uri"]
    assert uri.startswith("otpauth://totp/Helpdesk%20SIPOL:") and secret in uri
    code = pyotp.TOTP(secret).at(memory_node.clock())
    assert api.post("/api/me/totp/confirmation", headers=commissioner, json={"code": code}).status_code == 200
    # Turning it on ended the sessions made without a code.
    assert api.get("/api/me", headers=commissioner).status_code == 401

    asked = api.post("/api/auth/login", json={"username": name, "password": PASSWORD})
    assert (asked.status_code, asked.json()["code"], asked.json()["field"]) == (401, "totp_required", "totp_code")
    wrong = api.post("/api/auth/login", json={"username": name, "password": PASSWORD, "totp_code": "12345x"})
    assert wrong.json()["code"] == "totp_invalid"
    good = api.post("/api/auth/login", json={"username": name, "password": PASSWORD, "totp_code": code})
    assert good.status_code == 201, good.text


def test_the_account_page_sets_up_the_app_and_the_login_page_asks_for_its_code(api: TestClient, as_role: Login,
                                                                              memory_node: Node) -> None:
    as_role(Role.KETUA_HELPDESK)
    name = "ketua-helpdesk-kab-16-13"
    signed_in = api.post("/masuk", data={"username": name, "password": PASSWORD, "next": "/"}, follow_redirects=False)
    assert signed_in.status_code == 303
    started = api.post("/akun/totp")
    assert started.status_code == 200 and started.headers["Cache-Control"] == "no-store"
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', started.text).group(1).replace(" ", "")
    assert "otpauth://totp/" in started.text
    confirmed = api.post("/akun/totp/konfirmasi", data={"code": pyotp.TOTP(secret).at(memory_node.clock())})
    assert confirmed.status_code == 200 and "Verifikasi dua langkah aktif" in confirmed.text
    api.post("/keluar")

    # The password is right: the page asks for the code, carrying a signed proof rather than the password.
    step = api.post("/masuk", data={"username": name, "password": PASSWORD, "next": "/konsultasi"})
    assert step.status_code == 200 and 'name="code"' in step.text and PASSWORD not in step.text
    pending = re.search(r'name="pending" value="([^"]+)"', step.text).group(1)
    wrong = api.post("/masuk", data={"pending": pending, "code": "000000" if pyotp.TOTP(secret).at(
        memory_node.clock()) != "000000" else "111111", "next": "/konsultasi"})
    assert wrong.status_code == 401 and 'name="code"' in wrong.text
    done = api.post("/masuk", data={"pending": pending, "code": pyotp.TOTP(secret).at(memory_node.clock()),
                                    "next": "/konsultasi"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/konsultasi"
    assert "helpdesk_session" in done.cookies
    # The proof is no session.
    assert api.get("/api/me", headers={"Authorization": f"Bearer {pending}"}).status_code == 401


def test_a_stolen_session_guesses_the_current_password_under_the_login_limits(api: TestClient, as_role: Login
                                                                             ) -> None:
    desk = as_role(Role.ANGGOTA_HELPDESK)
    tries = [api.post("/api/me/password", headers=desk, json={"current_password": f"tebakan-{n}",
                                                              "new_password": "teh-manis-sore-hari"})
             for n in range(5)]
    assert [t.status_code for t in tries] == [401, 401, 401, 401, 429]
    assert tries[0].json()["field"] == "current_password"
    assert "Coba lagi dalam 5 menit" in tries[-1].json()["message"] and tries[-1].headers["Retry-After"]
    # The account waits at the login too, with the right password.
    login = api.post("/api/auth/login", json={"username": "anggota-helpdesk-kab-16-13", "password": PASSWORD})
    assert login.status_code == 429
