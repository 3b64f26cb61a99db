"""Issue 12, accounts: the password policy, who appoints whom, one office per node, the login limits and the second
factor — the domain's rules and the services that ask them, on an in-memory node."""

from __future__ import annotations

from datetime import timedelta

import msgspec
import pyotp
import pytest

from domain import errors
from domain.audit_summary import summarise
from domain.login_limits import LoginLimits, account_failed, address_failed, wait
from domain.roles import APPOINTS, Permission, Role, appointable_roles, check_may_appoint, check_may_manage, may
from domain.users import User, check_password_strength
from gateways.bootstrap import Node
from gateways.login_attempts import MemoryLoginAttempts
from gateways.messages import MESSAGES
from gateways.passwords import common_passwords
from services.sign_in import SignIn
from tests.conftest import START, FakeClock
from tests.support.other_office_accounts import legacy_account

OFFICE = "kab-16.13"
PASSWORD = "kopi-pagi-di-rupit"
COMMON = common_passwords()


# The password policy.

@pytest.mark.parametrize(("password", "refusal"), [
    (" " * 10, errors.BlankPassword),  # the finding: ten spaces were accepted
    (" " * 30, errors.BlankPassword),
    ("k  o  p  i  p  a  g  i  r", errors.BlankPassword),  # more spaces than anything else
    ("indonesia1", errors.CommonPassword),
    ("rahasia123", errors.CommonPassword),
    ("sipol2024", errors.WeakPassword),  # too short before anything else
    ("sipol20242024", errors.CommonPassword),  # a common word with digits after it
    ("kpu12345678", errors.CommonPassword),  # a core of three letters
    ("Bismillah2024!", errors.CommonPassword),  # case, digits and a symbol around a common word
    ("#bismillah123", errors.CommonPassword),
    ("qwertyuiop", errors.CommonPassword),
    ("1234567890", errors.CommonPassword),  # digits only
    ("aaaaaaaaaaaa", errors.CommonPassword),  # one character
    ("pass word 1234", errors.CommonPassword),  # spaces do not hide the word
    ("Ani.Desk-kopi-pagi", errors.PasswordHasUsername),  # the username, whatever its case
    ("x" * 201, errors.WeakPassword),
])
def test_a_weak_password_is_refused_saying_why(password: str, refusal: type[errors.WeakPassword]) -> None:
    with pytest.raises(refusal) as refused:
        check_password_strength(password, "ani.desk", COMMON)
    assert type(refused.value) is refusal
    assert refused.value.field == "password"
    # Said in Bahasa Indonesia first, by the one catalogue.
    indonesian, english = MESSAGES[refused.value.code]
    assert indonesian and english and indonesian != english


@pytest.mark.parametrize("password", ["kopi pagi di rupit", "Sungai-Rawas-Tenang-7", "teh manis sore hari"])
def test_a_few_uncommon_words_are_accepted(password: str) -> None:
    check_password_strength(password, "ani.desk", COMMON)


def test_the_list_holds_the_indonesian_ones_and_names_its_source() -> None:
    assert {"indonesia1", "rahasia123", "sipol2024", "kpu12345", "bismillah", "sayangku", "password"} <= COMMON
    assert len(COMMON) >= 300


# Who appoints whom.

def test_the_ketua_appoints_the_team_but_not_commissioners_or_another_ketua() -> None:
    assert appointable_roles(Role.KETUA_HELPDESK) == [
        Role.SEKRETARIS_HELPDESK, Role.KOORDINATOR, Role.KOORDINATOR_HARIAN, Role.ANGGOTA_HELPDESK]
    for role in (Role.ANGGOTA_KPU, Role.KETUA_HELPDESK):
        with pytest.raises(errors.RoleNotAppointable):
            check_may_appoint(Role.KETUA_HELPDESK, role)
        # Nor deactivates or changes one.
        with pytest.raises(errors.RoleNotAppointable):
            check_may_manage(Role.KETUA_HELPDESK, role, own=False)
    with pytest.raises(errors.RoleNotAppointable):
        check_may_manage(Role.KETUA_HELPDESK, Role.ANGGOTA_HELPDESK, own=False, new_role=Role.ANGGOTA_KPU)


def test_nobody_deactivates_or_demotes_themselves() -> None:
    with pytest.raises(errors.OwnAccountChange):
        check_may_manage(Role.KETUA_HELPDESK, Role.KETUA_HELPDESK, own=True)
    with pytest.raises(errors.OwnAccountChange):
        check_may_manage(Role.KETUA_HELPDESK, Role.KETUA_HELPDESK, own=True, new_role=Role.ANGGOTA_HELPDESK)


def test_only_a_role_that_manages_users_appoints_anyone() -> None:
    # The appointments table and the permission to manage users say the same thing.
    assert set(APPOINTS) == {role for role in Role if may(role, Permission.MANAGE_USERS)}
    for role in Role:
        if role not in APPOINTS:
            assert appointable_roles(role) == []


@pytest.fixture
def ketua(memory_node: Node):  # noqa: ANN201 - the Ketua's view
    accounts = memory_node.accounts
    return accounts.get_user(accounts.register_user("ketua.sari", "Sari", Role.KETUA_HELPDESK, OFFICE, PASSWORD, "cli"))


def test_the_service_asks_the_table(memory_node: Node, ketua) -> None:  # noqa: ANN001
    accounts = memory_node.accounts
    desk = accounts.add_staff(ketua, "ani.desk", "Ani", Role.ANGGOTA_HELPDESK, PASSWORD)
    with pytest.raises(errors.RoleNotAppointable):
        accounts.add_staff(ketua, "pak.komisioner", "Komisioner", Role.ANGGOTA_KPU, PASSWORD)
    commissioner = accounts.register_user("pak.kpu", "Komisioner", Role.ANGGOTA_KPU, OFFICE, PASSWORD, "cli")
    with pytest.raises(errors.RoleNotAppointable):
        accounts.deactivate_staff(ketua, commissioner)
    with pytest.raises(errors.OwnAccountChange):
        accounts.deactivate_staff(ketua, ketua.id)
    with pytest.raises(errors.RoleNotAppointable):
        accounts.change_staff_role(ketua, desk, Role.KETUA_HELPDESK)
    accounts.change_staff_role(ketua, desk, Role.KOORDINATOR_HARIAN)
    accounts.deactivate_staff(ketua, desk)
    assert accounts.get_user(commissioner).active and accounts.get_user(ketua.id).active
    assert not accounts.get_user(desk).active


# One node, one office's staff.

def test_an_account_of_another_office_is_refused_and_an_old_one_cannot_sign_in(memory_node: Node) -> None:
    accounts = memory_node.accounts
    with pytest.raises(errors.OtherOfficeAccount) as refused:
        accounts.register_user("budi.kota", "Budi", Role.ANGGOTA_HELPDESK, "kota-16.71", PASSWORD, "cli")
    assert refused.value.field == "office_id"
    old = legacy_account(memory_node, Role.ANGGOTA_KPU, "kota-16.71", username="budi.lama")
    assert accounts.authenticate("budi.lama", "kata-sandi-uji-123") is None
    assert accounts.session_state(old) is None
    with pytest.raises(errors.AccountOfOtherOffice):
        accounts.check_login("budi.lama", "kata-sandi-uji-123", None)


# The login limits.

def test_an_account_locks_after_five_failures_longer_each_time() -> None:
    limits = LoginLimits()
    seen = None
    for _ in range(4):
        seen = account_failed(seen, START, limits)
    assert wait(seen, START) is None
    seen = account_failed(seen, START, limits)
    assert wait(seen, START) == timedelta(minutes=5)
    later = START + timedelta(minutes=5)
    assert wait(seen, later) is None
    for _ in range(5):
        seen = account_failed(seen, later, limits)
    assert wait(seen, later) == timedelta(minutes=10)  # the second lock doubles
    for _ in range(20 * 5):
        seen = account_failed(seen, later, limits)
    assert wait(seen, later) == timedelta(hours=24)  # never longer than a day


def test_an_address_waits_only_after_many_failures_in_its_window() -> None:
    limits = LoginLimits()
    seen = None
    for _ in range(99):
        seen = address_failed(seen, START, limits)
    assert wait(seen, START) is None
    seen = address_failed(seen, START + timedelta(minutes=3), limits)
    assert wait(seen, START + timedelta(minutes=3)) == timedelta(minutes=12)
    assert address_failed(seen, START + timedelta(minutes=15), limits).count == 1  # a new window


@pytest.fixture
def sign_in(memory_node: Node, clock: FakeClock) -> SignIn:
    for name in ("ani.desk", "budi.desk"):
        memory_node.accounts.register_user(name, name, Role.ANGGOTA_HELPDESK, OFFICE, PASSWORD, "cli")
    return SignIn(memory_node.accounts, MemoryLoginAttempts(), LoginLimits(), clock)


def test_thirty_two_wrong_logins_lock_one_account_and_nobody_else(sign_in: SignIn, clock: FakeClock) -> None:
    # Someone at the front office's shared address guesses Ani's password 32 times.
    for attempt in range(32):
        with pytest.raises((errors.InvalidCredentials, errors.LoginThrottled)):
            sign_in.sign_in("ani.desk", f"tebakan-{attempt}", "10.1.1.5")
    # Budi logs in from the same address and from another.
    assert sign_in.sign_in("budi.desk", PASSWORD, "10.1.1.5")[0].username == "budi.desk"
    assert sign_in.sign_in("budi.desk", PASSWORD, "10.9.9.9")[0].username == "budi.desk"
    # Ani's account waits, even with the right password, and is told how long.
    with pytest.raises(errors.LoginThrottled) as waiting:
        sign_in.sign_in("ani.desk", PASSWORD, "10.9.9.9")
    assert 0 < waiting.value.params["retry_after_seconds"] <= 5 * 60
    clock.advance(minutes=5)
    assert sign_in.sign_in("ani.desk", PASSWORD, "10.9.9.9")[0].username == "ani.desk"


def test_guessing_across_many_accounts_from_one_address_is_stopped(sign_in: SignIn) -> None:
    for attempt in range(100):
        with pytest.raises((errors.InvalidCredentials, errors.LoginThrottled)):
            sign_in.sign_in(f"orang-{attempt}", "kata-sandi-tebakan", "10.6.6.6")
    with pytest.raises(errors.LoginThrottled):
        sign_in.sign_in("budi.desk", PASSWORD, "10.6.6.6")
    assert sign_in.sign_in("budi.desk", PASSWORD, "10.1.1.5")  # from elsewhere, at once


# The second factor.

def test_a_commissioner_sets_up_an_app_and_then_login_asks_for_its_code(memory_node: Node, clock: FakeClock) -> None:
    accounts = memory_node.accounts
    user_id = accounts.register_user("pak.kpu", "Komisioner", Role.ANGGOTA_KPU, OFFICE, PASSWORD, "cli")
    enrolment = accounts.start_totp(user_id)
    assert enrolment.uri.startswith("otpauth://totp/") and f"secret={enrolment.secret}" in enrolment.uri
    # Until a code confirms it, login asks for none.
    assert accounts.check_login("pak.kpu", PASSWORD, None)[0].id == user_id
    with pytest.raises(errors.TotpCodeWrong):
        accounts.confirm_totp(user_id, "000000" if pyotp.TOTP(enrolment.secret).at(clock()) != "000000" else "111111")
    accounts.confirm_totp(user_id, pyotp.TOTP(enrolment.secret).at(clock()))
    assert accounts.account_security(user_id).totp_on
    with pytest.raises(errors.TotpRequired):
        accounts.check_login("pak.kpu", PASSWORD, None)
    with pytest.raises(errors.TotpInvalid):
        accounts.check_login("pak.kpu", PASSWORD, "123")
    clock.advance(minutes=3)
    assert accounts.check_login("pak.kpu", PASSWORD, pyotp.TOTP(enrolment.secret).at(clock()))[0].id == user_id
    # The phone is lost: the administrator turns it off, and the password alone signs in again.
    assert accounts.reset_totp("pak.kpu", "cli") is True
    assert accounts.check_login("pak.kpu", PASSWORD, None)[0].id == user_id
    assert accounts.reset_totp("pak.kpu", "cli") is False


def test_the_desk_is_not_offered_a_second_factor(memory_node: Node) -> None:
    accounts = memory_node.accounts
    user_id = accounts.register_user("ani.desk", "Ani", Role.ANGGOTA_HELPDESK, OFFICE, PASSWORD, "cli")
    assert not accounts.account_security(user_id).totp_offered
    with pytest.raises(errors.TotpNotOffered):
        accounts.start_totp(user_id)


def test_the_secret_stays_out_of_the_audit_summary(memory_node: Node) -> None:
    accounts = memory_node.accounts
    user_id = accounts.register_user("ketua.sari", "Sari", Role.KETUA_HELPDESK, OFFICE, PASSWORD, "cli")
    secret = accounts.start_totp(user_id).secret
    issued = [e for e in accounts.repository.event_store.get(user_id) if isinstance(e, User.TotpSecretIssued)]
    # The event's fields as the audit projection hands them to the summary (projections/audit.py).
    summary = summarise("User.TotpSecretIssued", msgspec.to_builtins(dict(vars(issued[0]))))
    assert summary["actor"] == "ketua.sari"
    assert secret not in " ".join(summary.values()) and not any("secret" in key for key in summary)


# The settings.

def test_trusted_proxies_are_addresses_or_networks_and_reach_uvicorn() -> None:
    from gateways.config import ConfigError, load_settings
    from gateways.edge.client_address import proxy_options

    base = {"HELPDESK_NODE_ID": OFFICE}
    assert proxy_options(load_settings(base)) == {"proxy_headers": False, "forwarded_allow_ips": []}
    settings = load_settings({**base, "HELPDESK_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8"})
    assert proxy_options(settings) == {"proxy_headers": True, "forwarded_allow_ips": ["127.0.0.1", "10.0.0.0/8"]}
    for wrong in ("10.0.0.1/8", "proxy.local"):
        with pytest.raises(ConfigError, match="HELPDESK_TRUSTED_PROXIES"):
            load_settings({**base, "HELPDESK_TRUSTED_PROXIES": wrong})
    with pytest.raises(ConfigError, match="HELPDESK_LOGIN_ACCOUNT_FAILURES"):
        load_settings({**base, "HELPDESK_LOGIN_ACCOUNT_FAILURES": "0"})
