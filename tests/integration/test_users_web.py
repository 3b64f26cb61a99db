"""The team's accounts page (/tim, issue 16) over the app on every backend: the Ketua Helpdesk adds a Koordinator
Harian, is offered only the roles it appoints, is refused (4xx, in Bahasa Indonesia) a forged post giving a
commissioner's role and the deactivation of its own account, deactivates and resets after a confirmation page, and
the reset password, shown once, signs in; the desk gets 403; everyone reaches their own /akun from the menu."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from html import unescape

import pytest
from litestar.testing import TestClient

from domain.roles import Role
from gateways.app import create_app
from gateways.bootstrap import Node
from gateways.messages import message
from tests.e2e.conftest import PASSWORD

OFFICE = "kab-16.13"
KETUA = "ketua.sari"


@pytest.fixture
def regency(office: Callable[[str], Node]) -> Node:
    return office(OFFICE)


@pytest.fixture
def web(regency: Node) -> Iterator[TestClient]:
    with TestClient(create_app(regency)) as client:
        yield client


def sign_in(web: TestClient, username: str, password: str = PASSWORD) -> int:
    """Signs in through the login form; the status of the answer (303 when it worked)."""
    web.cookies.clear()
    return web.post("/masuk", data={"username": username, "password": password, "next": "/"},
                    follow_redirects=False).status_code


def account(node: Node, username: str, role: Role) -> str:
    node.accounts.register_user(username, f"Petugas {username}", role, OFFICE, PASSWORD, "test")
    return username


@pytest.fixture
def ketua(web: TestClient, regency: Node) -> TestClient:
    account(regency, KETUA, Role.KETUA_HELPDESK)
    assert sign_in(web, KETUA) == 303
    return web


def user_id(node: Node, username: str) -> str:
    return str(next(u.id for u in node.users.list(OFFICE) if u.username == username))


def one_time_password(html: str) -> str:
    found = re.search(r'data-testid="new-password">([^<]+)<', html)
    assert found, "no password shown"
    return found.group(1)


def row(html: str, username: str) -> str:
    found = re.search(rf'<tr data-testid="staff-{re.escape(username)}"[^>]*>(.*?)</tr>', html, re.S)
    assert found, f"no row for {username}"
    return found.group(1)


def test_the_ketua_adds_a_koordinator_harian_who_signs_in_with_the_password_shown_once(
        ketua: TestClient, regency: Node) -> None:
    # The menu leads to the team's accounts; the form offers only the roles the Ketua appoints.
    home = ketua.get("/")
    assert 'href="/tim"' in home.text and 'href="/akun"' in home.text
    listing = ketua.get("/tim")
    assert listing.status_code == 200
    form = listing.text.split('data-testid="new-role"', 1)[1].split("</select>", 1)[0]
    offered = re.findall(r'<option value="([a-z_]+)"', form)
    assert offered == ["sekretaris_helpdesk", "koordinator", "koordinator_harian", "anggota_helpdesk"]

    # A form with every field wrong says so beside each field at once, and makes nothing.
    wrong = ketua.post("/tim", data={"full_name": " ", "username": "A B", "role": "koordinator_harian"})
    assert wrong.status_code == 422
    assert message("text_required", "id") in unescape(wrong.text) and 'id="full_name-error"' in wrong.text
    assert message("invalid_username", "id") in unescape(wrong.text) and 'id="username-error"' in wrong.text
    assert len(regency.users.list(OFFICE)) == 1

    # The Ketua adds a Koordinator Harian; the first password is on the answer, not kept anywhere the page reads.
    added = ketua.post("/tim", data={"full_name": "Rina Marlina", "username": "rina.harian",
                                     "role": "koordinator_harian"})
    assert added.status_code == 201, added.text
    assert added.headers["cache-control"] == "no-store"
    password = one_time_password(added.text)
    listing = ketua.get("/tim")
    assert password not in listing.text
    shown = row(listing.text, "rina.harian")
    assert "Rina Marlina" in shown and "Koordinator Harian" in shown and "Aktif" in shown

    # The new account signs in with it.
    assert sign_in(ketua, "rina.harian", password) == 303
    assert [u.role for u in regency.users.list(OFFICE) if u.username == "rina.harian"] == [Role.KOORDINATOR_HARIAN]


def test_a_forged_post_giving_a_commissioner_role_is_refused_in_bahasa(ketua: TestClient, regency: Node) -> None:
    # A form edited by hand to create a commissioner: refused with the catalogue's message, nothing made.
    for role in ("anggota_kpu", "ketua_helpdesk", "raja"):
        refused = ketua.post("/tim", data={"full_name": "Joko Palsu", "username": "joko.palsu", "role": role})
        assert refused.status_code == 403, (role, refused.status_code)
        assert message("role_not_appointable", "id") in unescape(refused.text)
    assert "joko.palsu" not in [u.username for u in regency.users.list(OFFICE)]

    # Nor may an account of the desk be raised to a commissioner.
    desk = user_id(regency, account(regency, "petugas.dodi", Role.ANGGOTA_HELPDESK))
    raised = ketua.post(f"/tim/{desk}/peran", data={"role": "anggota_kpu"})
    assert raised.status_code == 403
    assert message("role_not_appointable", "id") in unescape(raised.text)
    assert [u.role for u in regency.users.list(OFFICE) if u.username == "petugas.dodi"] == [Role.ANGGOTA_HELPDESK]

    # A role it appoints is given.
    promoted = ketua.post(f"/tim/{desk}/peran", data={"role": "koordinator"})
    assert promoted.status_code == 200
    assert "Koordinator" in row(promoted.text, "petugas.dodi")


def test_the_ketua_cannot_deactivate_itself_or_a_commissioner(ketua: TestClient, regency: Node) -> None:
    # Neither its own row nor a commissioner's offers any action.
    commissioner = user_id(regency, account(regency, "komisioner.joko", Role.ANGGOTA_KPU))
    listing = ketua.get("/tim").text
    assert "/nonaktifkan" not in row(listing, KETUA) and "/nonaktifkan" not in row(listing, "komisioner.joko")

    # Posted anyway: refused, in Bahasa, both still active.
    itself = ketua.post(f"/tim/{user_id(regency, KETUA)}/nonaktifkan")
    assert itself.status_code == 403
    assert message("own_account_change", "id") in unescape(itself.text)
    other = ketua.post(f"/tim/{commissioner}/nonaktifkan")
    assert other.status_code == 403
    assert message("role_not_appointable", "id") in unescape(other.text)
    assert all(u.active for u in regency.users.list(OFFICE))

    # Nor is the commissioner's password, or its own, reset here (its own is changed on /akun).
    for target in (commissioner, user_id(regency, KETUA)):
        refused = ketua.post(f"/tim/{target}/kata-sandi")
        assert refused.status_code == 403 and 'data-testid="new-password"' not in refused.text
    assert sign_in(ketua, "komisioner.joko") == 303 and sign_in(ketua, KETUA) == 303


def test_deactivating_and_resetting_ask_first_and_the_reset_password_signs_in(ketua: TestClient, regency: Node
                                                                              ) -> None:
    desk = user_id(regency, account(regency, "petugas.ani", Role.ANGGOTA_HELPDESK))
    # Resetting: a confirmation page first, changing nothing.
    asked = ketua.get(f"/tim/{desk}/kata-sandi")
    assert asked.status_code == 200 and 'data-testid="confirm-question"' in asked.text
    assert f'action="/tim/{desk}/kata-sandi"' in asked.text
    assert sign_in(ketua, "petugas.ani") == 303  # the old password still works
    assert sign_in(ketua, KETUA) == 303

    # Confirmed: a new password, shown once and never cached; the old one stops working, the new one signs in.
    reset = ketua.post(f"/tim/{desk}/kata-sandi")
    assert reset.status_code == 200 and reset.headers["cache-control"] == "no-store"
    password = one_time_password(reset.text)
    assert password not in ketua.get("/tim").text
    assert sign_in(ketua, "petugas.ani") != 303
    assert sign_in(ketua, "petugas.ani", password) == 303

    # Deactivating: asked first, then done; the account can no longer sign in, and the list says so.
    assert sign_in(ketua, KETUA) == 303
    asked = ketua.get(f"/tim/{desk}/nonaktifkan")
    assert asked.status_code == 200 and f'action="/tim/{desk}/nonaktifkan"' in asked.text
    assert all(u.active for u in regency.users.list(OFFICE))
    done = ketua.post(f"/tim/{desk}/nonaktifkan")
    assert done.status_code == 200
    assert "Nonaktif" in row(done.text, "petugas.ani")
    assert sign_in(ketua, "petugas.ani", password) != 303

    # A deactivated account's password is not reset.
    assert sign_in(ketua, KETUA) == 303
    again = ketua.post(f"/tim/{desk}/kata-sandi")
    assert again.status_code == 409
    assert message("user_inactive", "id") in unescape(again.text) and 'data-testid="new-password"' not in again.text

    # The member of the team comes back: reactivated after a confirmation, the last password signs in again, and a
    # second reactivation is refused as a conflict.
    asked = ketua.get(f"/tim/{desk}/aktifkan")
    assert asked.status_code == 200 and f'action="/tim/{desk}/aktifkan"' in asked.text
    assert f'href="/tim/{desk}/aktifkan"' in ketua.get("/tim").text
    back = ketua.post(f"/tim/{desk}/aktifkan")
    assert back.status_code == 200 and '<td data-testid="active">Aktif</td>' in row(back.text, "petugas.ani")
    twice = ketua.post(f"/tim/{desk}/aktifkan")
    assert twice.status_code == 409 and message("user_already_active", "id") in unescape(twice.text)
    assert sign_in(ketua, "petugas.ani", password) == 303


def test_the_desk_gets_403_and_reaches_only_its_own_account(web: TestClient, regency: Node) -> None:
    account(regency, "petugas.meja", Role.ANGGOTA_HELPDESK)
    target = user_id(regency, account(regency, "petugas.lain", Role.ANGGOTA_HELPDESK))
    assert sign_in(web, "petugas.meja") == 303
    home = web.get("/")
    assert 'href="/tim"' not in home.text and 'href="/akun"' in home.text
    assert web.get("/tim").status_code == 403
    assert web.post("/tim", data={"full_name": "X Y", "username": "xy.baru", "role": "anggota_helpdesk"}
                    ).status_code == 403
    assert web.post(f"/tim/{target}/kata-sandi").status_code == 403
    assert web.post(f"/tim/{target}/nonaktifkan").status_code == 403
    assert web.post(f"/tim/{target}/aktifkan").status_code == 403
    assert all(u.active for u in regency.users.list(OFFICE))

    # Its own password is changed on /akun, and signs in afterwards.
    changed = web.post("/akun/kata-sandi", data={"current_password": PASSWORD, "new_password": "teh-manis-sore-hari",
                                                 "repeat": "teh-manis-sore-hari"})
    assert changed.status_code == 200 and 'id="account-done"' in changed.text
    assert sign_in(web, "petugas.meja", "teh-manis-sore-hari") == 303
