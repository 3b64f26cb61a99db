"""The audit viewer and the error pages as people see them, on a desktop and a phone (issue 17, S10 and the bare error
pages): events and keys in words, times in WIB, newest first, staff by name; an error keeps the header and menu and
says what to do next."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.browsing import follow_menu, log_in
from tests.browser.browsing import open_email_consultation as open_consultation
from tests.browser.conftest import DEVICES

SEALED_TYPE = re.compile(r"^[A-Z]\w+\.[A-Z]\w+$")  # `User.Registered`: what the chain stores, never shown as such
MENU = "nav[aria-label='Menu utama']"


def _entries_in_words(page: Page, table: str) -> None:
    """Every event of the table in words (the sealed type only as the cell's title), times in WIB, newest first."""
    events = page.locator(f"table[data-testid='{table}'] [data-testid='event']")
    expect(events.first).to_be_visible()
    shown = [text.strip() for text in events.all_inner_texts()]
    assert not [text for text in shown if SEALED_TYPE.match(text)], shown
    assert SEALED_TYPE.match(events.first.get_attribute("title") or ""), "the sealed type on hover"
    times = page.locator(f"table[data-testid='{table}'] time")
    assert all(text.endswith("WIB") for text in times.all_inner_texts())
    moments = times.evaluate_all("ts => ts.map(t => t.getAttribute('datetime'))")
    assert moments == sorted(moments, reverse=True), "newest first"


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_the_koordinator_reads_the_audit_trail_in_words(make_run: Any, browser_page: Any, shot: Any,
                                                        device: str) -> None:
    desk = browser_page(make_run.regency)
    log_in(desk, "anggota_helpdesk")
    consultation = open_consultation(desk, f"Wulan Audit {device}")

    page = browser_page(make_run.regency, device)
    log_in(page, "koordinator")
    follow_menu(page, "Audit")
    expect(page).to_have_url(re.compile(r"/audit$"))
    _entries_in_words(page, "audit-entries")
    expect(page.get_by_test_id("entries-page")).to_contain_text("terbaru di atas")
    shot(page, f"audit-{device}")

    # The desk's consultation: who opened it by full name, its keys and values in words, the pseudonyms sealed.
    page.get_by_label("Konsultasi", exact=True).fill(consultation)
    page.get_by_role("button", name="Cari", exact=True).click()
    expect(page).to_have_url(re.compile(rf"konsultasi={consultation}"))
    opened = page.get_by_test_id("audit-entry").filter(has_text="Konsultasi dibuka")
    expect(opened).to_have_count(1)
    expect(opened.get_by_test_id("actor")).to_have_text("Anggota Helpdesk (demo)")
    expect(opened.get_by_test_id("actor")).to_have_attribute("title", "anggota_helpdesk")
    summary = opened.locator(".kv").inner_text()
    assert "Identitas · nama: psn:" in summary and "Saluran: Surat elektronik" in summary, summary
    assert "Pelaku: Anggota Helpdesk (demo)" in summary, summary
    assert "identity." not in summary and "Wulan" not in summary and "anggota_helpdesk" not in summary, summary
    _entries_in_words(page, "audit-entries")
    shot(page, f"audit-one-consultation-{device}")

    page.locator(f"main a[href='/audit/konsultasi/{consultation}']").first.click()
    expect(page).to_have_url(re.compile(rf"/audit/konsultasi/{consultation}$"))
    _entries_in_words(page, "consultation-history")
    shot(page, f"audit-history-{device}")


def _context_page(browser: Any, base_url: str, device: str) -> tuple[Any, Page, list[str]]:
    # A context of its own: Chromium logs every 4xx document as a console error, which browser_page counts as a fault;
    # here the 4xx is the page under test. Uncaught page errors are still collected and must stay none.
    context = browser.new_context(base_url=base_url, locale="id-ID", timezone_id="Asia/Jakarta", **DEVICES[device])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return context, page, errors


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_error_pages_keep_the_frame_and_say_what_to_do(make_run: Any, browser: Any, shot: Any, device: str) -> None:
    context, page, errors = _context_page(browser, make_run.regency, device)
    try:
        # Not signed in: the office's header, no menu, and the way to log in.
        response = page.goto("/tidak-ada")
        assert response is not None and response.status == 404
        expect(page.get_by_test_id("office-name")).to_be_visible()
        expect(page.locator(MENU)).to_have_count(0)
        expect(page.get_by_role("heading", level=1)).to_have_text("Halaman tidak ditemukan")
        expect(page.get_by_test_id("error-login")).to_have_attribute("href", "/masuk?lanjut=/tidak-ada")
        shot(page, f"404-signed-out-{device}")

        # Signed in as the desk: the menu stays, and the page says what to do.
        log_in(page, "anggota_helpdesk")
        response = page.goto("/tidak-ada")
        assert response is not None and response.status == 404
        expect(page.locator(MENU)).to_have_count(1)  # folded under its button on a phone
        expect(page.get_by_test_id("error-next")).to_have_text(
            "Periksa alamatnya, atau buka halaman yang Anda cari lewat menu.")
        page.get_by_test_id("error-home").click()
        expect(page).to_have_url(re.compile(r"/$"))
        page.goto("/tidak-ada")
        shot(page, f"404-signed-in-{device}")

        # A page the role may not open: the menu, the reason, and whom to ask.
        response = page.goto("/audit")
        assert response is not None and response.status == 403
        expect(page.get_by_test_id("error-text")).to_have_text("Anda tidak berhak membuka halaman ini.")
        expect(page.get_by_test_id("error-next")).to_contain_text("Ketua Helpdesk")
        shot(page, f"403-{device}")
        assert errors == []
    finally:
        context.close()
