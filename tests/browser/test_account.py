"""Akun saya: a commissioner turns on two-step verification on a phone, then signs in with the code it shows.

Run on `make run`'s regency. The second factor is turned off again at the end with the administrator's command
(`helpdesk user totp-reset`), as for someone who lost the phone, so the other browser tests sign in as before.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pyotp
from playwright.sync_api import Page, expect

from tests.browser.browsing import DEMO_PASSWORD, follow_menu, log_out
from tests.support.served import helpdesk_command

USER = "anggota_kpu"


def test_a_commissioner_turns_on_two_step_verification_and_signs_in_with_a_code(make_run, browser_page, shot):
    page = browser_page(make_run.regency, "phone")
    try:
        totp = _turn_on(page, shot)
        log_out(page)

        # Signing in: the password alone leads to a second question, the code.
        _password(page)
        code = page.get_by_label("Kode autentikator", exact=True)
        expect(code).to_be_visible()
        expect(page).to_have_url(re.compile(r"/masuk"))
        shot(page, "asked-for-the-code")

        # A wrong code is refused and the page says so; the right one signs in.
        code.fill(str((int(totp.now()) + 500_000) % 1_000_000).zfill(6))
        with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/masuk")) as refused:
            page.get_by_role("button", name="Masuk", exact=True).click()
        assert refused.value.status == 401
        expect(page.locator("#login-error")).to_be_visible()
        shot(page, "wrong-code")
        page.get_by_label("Kode autentikator", exact=True).fill(totp.now())
        page.get_by_role("button", name="Masuk", exact=True).click()
        expect(page).not_to_have_url(re.compile(r"/masuk"))
        expect(page.get_by_role("heading", level=1)).to_contain_text("Selamat datang")
        shot(page, "signed-in-with-the-code")
    finally:
        _reset(make_run.data)


def _password(page: Page) -> None:
    page.goto("/masuk")
    page.get_by_label("Nama pengguna", exact=True).fill(USER)
    page.get_by_label("Kata sandi", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()


def _turn_on(page: Page, shot) -> pyotp.TOTP:  # noqa: ANN001
    _password(page)
    expect(page).not_to_have_url(re.compile(r"/masuk"))
    follow_menu(page, "Akun saya")  # on the phone the menu is folded under its button first
    expect(page.get_by_role("heading", name="Akun saya", level=1)).to_be_visible()
    expect(page.get_by_test_id("totp-status")).to_contain_text("Belum aktif")
    shot(page, "account-page")
    page.get_by_role("button", name="Siapkan aplikasi autentikator").click()
    totp = pyotp.TOTP(page.get_by_test_id("totp-secret").inner_text().replace(" ", ""))
    expect(page.get_by_test_id("totp-uri")).to_contain_text("otpauth://totp/")
    shot(page, "secret-shown")
    page.get_by_label("Kode autentikator", exact=True).fill(totp.now())
    page.get_by_role("button", name="Aktifkan").click()
    expect(page.get_by_test_id("totp-status")).to_contain_text("Aktif")
    shot(page, "two-step-on")
    return totp


def _reset(data: Path | None) -> None:
    """The office administrator's command, on the regency's own data, while its node runs."""
    assert data is not None
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")}
    env |= {"HELPDESK_NODE_ID": "kab-16.13", "HELPDESK_DATABASE": "sqlite", "HELPDESK_NATS_URL": "",
            "HELPDESK_DATA_DIR": str(data / "kab-16.13")}
    done = subprocess.run([*helpdesk_command(), "user", "totp-reset", "--username", USER], env=env, text=True,
                          capture_output=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
