"""Working a consultation all day (issue 17): the step to take first on the screen, each step sent without reloading
the page and focus on what comes next, a refused step summarised at the top with focus on it, a session that ends
mid-step keeping what was typed, and closing asked first. On `make run`'s regency, desktop (1366×900) and phone.
Screenshots: test-artifacts/browser/test_the_workspace_*/.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from gateways.cli.local import DEMO_PASSWORD
from tests.browser.browsing import choose, confirm, log_in, open_email_consultation, status_is

ANSWER = "Unggah ulang berkas KTA dalam format PDF paling besar 2 MB per anggota."


def in_first_screen(page: Page, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    height = page.viewport_size["height"] if page.viewport_size else 0
    return box is not None and box["y"] + min(box["height"], 120) <= height


FOCUS_IN_NEXT_STEPS = ("() => { const box = document.querySelector('[data-testid=next-steps]');"
                       " return !!box && box.contains(document.activeElement); }")


def test_the_workspace_keeps_the_step_first_and_its_place(make_run, browser_page, shot):
    desk = browser_page(make_run.regency, device="desktop")
    desk.set_viewport_size({"width": 1366, "height": 900})
    log_in(desk, "anggota_helpdesk")
    open_email_consultation(desk, "Rina Kartika")

    # The form of the step to take now is on the first screen, not 1,180 px down.
    assert in_first_screen(desk, "textarea[name=text]"), desk.locator("textarea[name=text]").bounding_box()
    shot(desk, "desktop-first-step")

    # A step is sent without reloading the page; focus goes to what comes next.
    desk.evaluate("window.__notReloaded = true")
    desk.get_by_label("Permasalahan", exact=True).fill("KTA anggota tidak dapat diunggah ke SIPOL.")
    desk.get_by_role("button", name="Catat permasalahan", exact=True).click()
    expect(desk.get_by_role("button", name="Simpan jawaban", exact=True)).to_be_visible()
    assert desk.evaluate("window.__notReloaded === true"), "the step reloaded the whole page"
    expect(desk.get_by_test_id("problem")).to_contain_text("KTA anggota")
    desk.wait_for_function(FOCUS_IN_NEXT_STEPS)  # focus moves once htmx has settled the swapped panel
    assert in_first_screen(desk, "#answer_problem-text")

    # A refused step: every error at once in a summary at the top, linked to its fields, with focus on it.
    desk.get_by_role("button", name="Simpan jawaban", exact=True).click()
    summary = desk.get_by_test_id("error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    assert summary.locator("a").count() >= 2, summary.inner_text()  # the answer and its basis, not one per submit
    assert in_first_screen(desk, "[data-testid=error-summary]")
    shot(desk, "desktop-refused-step")
    summary.locator("a").first.click()
    expect(desk.locator("#answer_problem-text")).to_be_focused()

    desk.get_by_label("Jawaban", exact=True).fill(ANSWER)
    choose(desk.get_by_label("Jenis dasar", exact=True), "pkpu", "PKPU")
    desk.get_by_label("Rujukan dasar", exact=True).fill("PKPU 4/2022 Pasal 10")
    desk.get_by_role("button", name="Simpan jawaban", exact=True).click()
    expect(desk.get_by_test_id("answer")).to_contain_text("Unggah ulang")
    expect(desk.get_by_test_id("error-summary")).to_have_count(0)
    desk.get_by_role("button", name="Catat ke laporan helpdesk", exact=True).click()
    status_is(desk, "Dicatat di laporan")

    # Closing asks first and says what will happen; "Batal" changes nothing, "Ya" closes.
    desk.get_by_role("button", name="Tutup konsultasi", exact=True).click()
    dialog = desk.get_by_test_id("confirm-dialog")
    expect(dialog).to_contain_text("tidak dapat diubah lagi")
    shot(desk, "desktop-close-asked")
    dialog.get_by_test_id("confirm-no").click()
    status_is(desk, "Dicatat di laporan")
    desk.get_by_role("button", name="Tutup konsultasi", exact=True).click()
    confirm(desk)
    status_is(desk, "Selesai")
    assert desk.evaluate("window.__notReloaded === true")


def test_the_workspace_on_a_phone_shows_the_step_first(make_run, browser_page, shot):
    phone = browser_page(make_run.regency, device="phone")
    log_in(phone, "anggota_helpdesk")
    open_email_consultation(phone, "Yusuf Hamdani")
    # On a 390×844 phone the step's field is on the first screen (it was 1,977 px down a 2,802-px page).
    assert in_first_screen(phone, "textarea[name=text]"), phone.locator("textarea[name=text]").bounding_box()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(phone, "phone-first-step")


def test_the_workspace_keeps_what_was_typed_when_the_session_ends(make_run, browser_page, shot):
    desk = browser_page(make_run.regency, device="desktop")
    log_in(desk, "anggota_helpdesk")
    consultation = open_email_consultation(desk, "Dewi Lestari")
    typed = "Akun SIPOL terkunci setelah tiga kali salah kata sandi."
    desk.get_by_label("Permasalahan", exact=True).fill(typed)

    # The session ends (another login elsewhere, the 12 hours, a restart of the browser's cookies).
    desk.context.clear_cookies()

    # The clock's background refresh is answered 401 and swaps nothing (it pasted the login page into the box).
    with desk.expect_response(re.compile(r"/jam$")) as polled:
        desk.evaluate(f"htmx.ajax('GET', '/konsultasi/{consultation}/jam',"
                      " {target: '#sop-clock', swap: 'outerHTML'})")
    assert polled.value.status == 401
    expect(desk.get_by_test_id("sop-clock")).not_to_contain_text("Kata sandi")

    # Sending the step asks to log in again, in place; the typed text stays in the field.
    desk.get_by_role("button", name="Catat permasalahan", exact=True).click()
    notice = desk.get_by_test_id("session-ended")
    expect(notice).to_be_visible()
    expect(desk.get_by_label("Permasalahan", exact=True)).to_have_value(typed)
    shot(desk, "session-ended")

    # Logging in again comes back to the consultation with the text put back, not to a bare "405".
    notice.get_by_role("link").click()
    expect(desk).to_have_url(re.compile(r"/masuk\?lanjut="))
    desk.get_by_label("Nama pengguna", exact=True).fill("anggota_helpdesk")
    desk.get_by_label("Kata sandi", exact=True).fill(DEMO_PASSWORD)
    desk.get_by_role("button", name="Masuk", exact=True).click()
    expect(desk).to_have_url(re.compile(rf"/konsultasi/{consultation}$"))
    expect(desk.get_by_label("Permasalahan", exact=True)).to_have_value(typed)
    expect(desk.get_by_test_id("draft-restored")).to_be_visible()
    shot(desk, "draft-restored")
    desk.get_by_role("button", name="Catat permasalahan", exact=True).click()
    expect(desk.get_by_test_id("problem")).to_contain_text("terkunci")

