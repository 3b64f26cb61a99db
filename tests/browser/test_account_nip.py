"""Akun saya: the Sekretaris records her NIP, printed under her name on the reports she signs (issue 17). A mistyped
one is refused beside the field and kept in it to correct; the saved one is shown back in its 18 digits."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.browsing import follow_menu, log_in


def test_the_secretary_records_her_nip_on_her_account_page(make_run, browser_page, shot):
    page = browser_page(make_run.regency, "desktop")
    log_in(page, "sekretaris_helpdesk")
    follow_menu(page, "Akun saya")
    field = page.get_by_label("NIP", exact=True)
    expect(field).to_be_visible()

    # Seventeen digits: refused, the message beside the field, what was typed still there.
    field.fill("19850101 201001 2 00")
    page.get_by_role("button", name="Simpan NIP").click()
    expect(page.locator("#nip-error")).to_be_visible()
    expect(page.get_by_label("NIP", exact=True)).to_have_value("19850101 201001 2 00")
    shot(page, "nip-refused")

    # Typed in its groups, kept as its 18 digits.
    page.get_by_label("NIP", exact=True).fill("19850101 201001 2 001")
    page.get_by_role("button", name="Simpan NIP").click()
    expect(page.locator("#account-done")).to_contain_text("NIP disimpan")
    expect(page.get_by_label("NIP", exact=True)).to_have_value("198501012010012001")
    shot(page, "nip-saved")
