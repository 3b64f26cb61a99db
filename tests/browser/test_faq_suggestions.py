"""Answering from the FAQ Sipol on `make run`'s regency (issue 15): the centre's demo FAQ arrives over NATS; as the
desk types a liaison's colloquial problem, the matching entry appears beside the textarea; the answer cites it and
the record names the entry and its version. Looked at on a 1366×900 desktop and on a phone.
Screenshots: test-artifacts/browser/test_the_faq_beside_the_problem_and_in_the_answer/.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.browsing import choose, eventually, log_in

PARTY = ("5", "Partai Nasional Demokrat", "NasDem")
PROBLEM = "min akunnya gak bisa login dari pagi"  # as a liaison writes it in WhatsApp
ENTRY = "Akun SIPOL tidak bisa login atau terkunci"  # the demo FAQ's entry (gateways/data/faq_demo.json)


def test_the_faq_beside_the_problem_and_in_the_answer(make_run, browser_page, shot):
    desk = browser_page(make_run.regency)
    desk.set_viewport_size({"width": 1366, "height": 900})
    log_in(desk, "anggota_helpdesk")

    # The centre's demo entries reach the regency over NATS (the province passes them on).
    desk.goto("/konsultasi/faq-cocok?q=akun+terkunci")
    eventually(desk, lambda: expect(desk.get_by_test_id("faq-matches")).to_contain_text(ENTRY),
               "the centre's demo FAQ at the regency")

    # A walk-in opened; before anything is typed the panel invites typing.
    desk.goto("/konsultasi/baru")
    choose(desk.get_by_label("Saluran", exact=True), "walk_in")
    desk.get_by_label("Nama", exact=True).fill("Rudi Hartono")
    desk.get_by_label("Nomor HP", exact=True).fill("081234567890")
    choose(desk.get_by_label("Partai politik", exact=True), *PARTY)
    desk.get_by_role("button", name="Buka konsultasi", exact=True).click()
    expect(desk).to_have_url(re.compile(r"/konsultasi/[0-9a-f-]{36}$"))
    panel = desk.get_by_test_id("faq-panel")
    expect(panel.get_by_test_id("faq-empty")).to_be_visible()

    # Typed key by key, as the desk does: the matching entry appears beside the textarea, linked to its page.
    problem = desk.get_by_label("Permasalahan", exact=True)
    problem.press_sequentially(PROBLEM, delay=20)
    first = panel.get_by_test_id("faq-matches").locator("li").first
    expect(first).to_contain_text(ENTRY)
    expect(first.locator("a")).to_have_attribute("target", "_blank")
    beside = panel.bounding_box(), problem.bounding_box()
    assert beside[0] and beside[1] and beside[0]["x"] >= beside[1]["x"] + beside[1]["width"] - 1, beside
    shot(desk, "desktop-typing-suggestions")

    # On a phone the panel sits under the textarea; the page never scrolls sideways.
    phone = browser_page(make_run.regency, "phone")
    log_in(phone, "anggota_helpdesk")
    phone.goto(desk.url)
    phone_problem = phone.get_by_label("Permasalahan", exact=True)
    phone_problem.press_sequentially(PROBLEM, delay=20)
    phone_panel = phone.get_by_test_id("faq-panel")
    expect(phone_panel.get_by_test_id("faq-matches")).to_contain_text(ENTRY)
    below = phone_panel.bounding_box(), phone_problem.bounding_box()
    assert below[0] and below[1] and below[0]["y"] >= below[1]["y"] + below[1]["height"] - 1, below
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "sideways scroll"
    phone_panel.scroll_into_view_if_needed()
    shot(phone, "phone-typing-suggestions")

    # Recorded, restated (the restatement's panel already lists the entry, from the page itself), confirmed.
    desk.get_by_role("button", name="Catat permasalahan", exact=True).click()
    expect(desk.get_by_test_id("faq-panel").get_by_test_id("faq-matches")).to_contain_text(ENTRY)
    desk.get_by_label("Pengulangan permasalahan", exact=True).fill("Akun operator partai tidak bisa login?")
    desk.get_by_role("button", name="Simpan pengulangan", exact=True).click()
    desk.get_by_role("button", name="Pihak yang berkonsultasi menyatakan sesuai", exact=True).click()

    # The answer cites the entry, no other basis typed; the record names it by id and version.
    cite = desk.get_by_test_id("faq-cite")
    expect(cite).to_contain_text(ENTRY)
    desk.get_by_label("Jawaban", exact=True).fill("Tunggu 30 menit lalu coba lagi, atau atur ulang kata sandi.")
    cite.locator("li", has_text=ENTRY).get_by_role("checkbox", name="Kutip entri ini").check()
    shot(desk, "desktop-answer-citing")
    desk.get_by_role("button", name="Simpan jawaban", exact=True).click()
    expect(desk.get_by_test_id("faq-basis")).to_contain_text(re.compile(r"FAQ Sipol #[0-9a-f]{8} v1: " + ENTRY))
    shot(desk, "desktop-answered")
