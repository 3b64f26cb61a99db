"""Staff accounts on an in-memory node: registering, signing in, revoking sessions, listing by office."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import pytest

from domain import errors
from domain.roles import Role
from gateways.bootstrap import Node
from projections.user_queries import UserQueries
from services.accounts import AccountCommands as Accounts

if TYPE_CHECKING:
    from tests.conftest import FakeHasher

OFFICE = "kab-16.13"
PASSWORD = "kopi-pagi-2024"
KETUA = "ketua.sari"


@pytest.fixture
def accounts(memory_node: Node) -> Accounts:
    return memory_node.accounts


@pytest.fixture
def users(memory_node: Node) -> UserQueries:
    """The office's list of accounts: a read model of the same log."""
    return memory_node.users


def register(
    accounts: Accounts,
    username: str = "ani.desk",
    role: Role = Role.ANGGOTA_HELPDESK,
    office: str = OFFICE,
    password: str = PASSWORD,
) -> uuid.UUID:
    return accounts.register_user(username, "Ani Lestari", role, office, password, actor=KETUA)


def test_a_registered_user_signs_in_with_their_password(accounts: Accounts) -> None:
    user_id = register(accounts, username="  Ani.Desk ")
    user = accounts.authenticate("ANI.DESK", PASSWORD)
    assert user is not None
    assert (user.id, user.username, user.role, user.office_id, user.active) == (
        user_id,
        "ani.desk",
        Role.ANGGOTA_HELPDESK,
        OFFICE,
        True,
    )
    assert accounts.get_user(user_id) == user


def test_the_password_is_kept_only_as_the_hashers_output(accounts: Accounts) -> None:
    user_id = register(accounts)
    stored = accounts.repository.get(user_id).password_hash
    assert stored == "fake$" + PASSWORD  # what FakeHasher made of it; argon2 in production


def test_a_wrong_password_is_refused(accounts: Accounts) -> None:
    register(accounts)
    assert accounts.authenticate("ani.desk", PASSWORD + "x") is None


def test_an_unknown_user_costs_a_password_check_too(accounts: Accounts, hasher: FakeHasher) -> None:
    # Answering faster for a missing account would tell an attacker which usernames exist.
    before = hasher.verifications
    assert accounts.authenticate("nobody.here", PASSWORD) is None
    assert accounts.authenticate("!", PASSWORD) is None  # not even a valid username
    assert hasher.verifications == before + 2


def test_a_deactivated_user_cannot_sign_in_or_be_changed(accounts: Accounts) -> None:
    user_id = register(accounts)
    accounts.deactivate(user_id, actor=KETUA)
    assert accounts.authenticate("ani.desk", PASSWORD) is None
    assert accounts.session_state(user_id) is None
    with pytest.raises(errors.UserInactive):
        accounts.change_password(user_id, "teh-sore-2024", actor=KETUA)


def test_a_username_is_taken_whatever_its_case(accounts: Accounts) -> None:
    register(accounts)
    with pytest.raises(errors.UsernameTaken) as refused:
        register(accounts, username="ANI.DESK", password="lain-sekali-2024")
    assert refused.value.field == "username"
    # The first account keeps its password.
    assert accounts.authenticate("ani.desk", PASSWORD) is not None


@pytest.mark.parametrize("password", ["pendek", "123456789", "x" * 201])
def test_a_weak_password_is_refused_and_nothing_registered(accounts: Accounts, users: UserQueries, password: str
                                                           ) -> None:
    with pytest.raises(errors.WeakPassword) as refused:
        register(accounts, password=password)
    assert refused.value.field == "password"
    assert not users.exist()


@pytest.mark.parametrize("username", ["ab", "ani desk", "ani@desk", ".ani", "a" * 33, ""])
def test_a_malformed_username_is_refused(accounts: Accounts, users: UserQueries, username: str) -> None:
    with pytest.raises(errors.InvalidUsername):
        register(accounts, username=username)
    assert not users.exist()


def test_a_user_belongs_to_a_real_office_id(accounts: Accounts) -> None:
    with pytest.raises(errors.InvalidOffice):
        register(accounts, office="kab-16.71")


def test_revoking_sessions_moves_the_generation_on(accounts: Accounts) -> None:
    user_id = register(accounts)
    assert accounts.session_state(user_id) == (accounts.get_user(user_id), 0)
    accounts.revoke_sessions(user_id, actor="ani.desk")
    assert accounts.session_state(user_id)[1] == 1
    accounts.revoke_sessions(user_id, actor="ani.desk")
    assert accounts.session_state(user_id)[1] == 2


def test_a_new_password_replaces_the_old_and_ends_sessions(accounts: Accounts) -> None:
    user_id = register(accounts)
    accounts.change_password(user_id, "teh-sore-2024", actor="ani.desk")
    assert accounts.authenticate("ani.desk", PASSWORD) is None
    assert accounts.authenticate("ani.desk", "teh-sore-2024") is not None
    assert accounts.session_state(user_id)[1] == 1


def test_a_new_password_must_be_strong_too(accounts: Accounts) -> None:
    user_id = register(accounts)
    with pytest.raises(errors.WeakPassword):
        accounts.change_password(user_id, "pendek", actor="ani.desk")
    assert accounts.authenticate("ani.desk", PASSWORD) is not None


def test_a_role_change_takes_effect_and_ends_sessions(accounts: Accounts) -> None:
    user_id = register(accounts)
    accounts.change_role(user_id, Role.KOORDINATOR_HARIAN, actor=KETUA)
    view, generation = accounts.session_state(user_id)
    assert (view.role, generation) == (Role.KOORDINATOR_HARIAN, 1)


def test_an_unknown_user_is_not_found(accounts: Accounts) -> None:
    with pytest.raises(errors.NotFound):
        accounts.get_user(uuid.uuid4())
    assert accounts.session_state(uuid.uuid4()) is None


def test_users_are_listed_by_office_in_username_order(accounts: Accounts, users: UserQueries) -> None:
    register(accounts, username="zaki.desk")
    register(accounts, username="ani.desk")
    # One node serves one office's staff: accounts of other offices are refused (tests/unit/test_account_policy.py),
    # so another office's list on this node is empty.
    assert [u.username for u in users.list(OFFICE)] == ["ani.desk", "zaki.desk"]
    assert users.list("prov-16") == []
    assert users.list("kab-16.01") == []


def test_the_list_follows_role_changes_and_deactivations(accounts: Accounts, users: UserQueries) -> None:
    ani, zaki = register(accounts, username="ani.desk"), register(accounts, username="zaki.desk")
    # Each account as the aggregate has it: the list is the same view, read from its own table.
    assert users.list(OFFICE) == [accounts.get_user(ani), accounts.get_user(zaki)]
    # Ani takes over the day's coordination; Zaki leaves the office.
    accounts.change_role(ani, Role.KOORDINATOR_HARIAN, actor=KETUA)
    accounts.deactivate(zaki, actor=KETUA)
    listed = {u.username: (u.role, u.active) for u in users.list(OFFICE)}
    assert listed == {"ani.desk": (Role.KOORDINATOR_HARIAN, True), "zaki.desk": (Role.ANGGOTA_HELPDESK, False)}
    # A password change is no change the list shows.
    accounts.change_password(ani, "teh-sore-2024", actor="ani.desk")
    assert users.list(OFFICE) == [accounts.get_user(ani), accounts.get_user(zaki)]


def test_a_fresh_node_has_no_users(accounts: Accounts, users: UserQueries) -> None:
    assert not users.exist()
    register(accounts)
    assert users.exist()
