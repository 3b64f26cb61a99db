"""FAQ Sipol on the regency of `make run`, on a phone: the coordinator writes and publishes an entry and reads it in the
staff list and on its page; a party liaison, without logging in, searches the public page the way operators write in
WhatsApp and opens the entry: the answer, its basis and the office, no username, no script, no sideways scroll.
Screenshots: test-artifacts/browser/test_a_liaison_finds_.../."""

from __future__ import annotations

from typing import Any

import httpx
from playwright.sync_api import Page, expect

from gateways.cli.local import DEMO_PASSWORD
from tests.browser.browsing import log_in

QUESTION = "Bagaimana cara mengunggah KTA anggota ke SIPOL?"
ANSWER = ("Unggah KTA setiap anggota dalam format PDF, paling besar 2 MB per berkas, lewat menu Keanggotaan. "
          "Pastikan NIK pada KTA sama dengan NIK pada KTP elektronik.")
REFERENCE = "PKPU 4/2022 Pasal 12"
COLLOQUIAL = "kta anggotanya gk bs di upload min"  # as an operator types it in a chat
WRITER = "koordinator"


def publish_entry(base_url: str) -> str:
    """The coordinator's entry, written and published through the API; its id."""
    with httpx.Client(base_url=base_url, timeout=30) as api:
        login = api.post("/api/auth/login", json={"username": WRITER, "password": DEMO_PASSWORD})
        assert login.status_code == 201, login.text
        api.cookies.clear()
        api.headers["Authorization"] = f"Bearer {login.json()['token']}"
        created = api.post("/api/faq", json={
            "question": QUESTION, "phrasings": ["gak bisa upload kta", "kta anggota ditolak sipol"], "answer": ANSWER,
            "bases": [{"kind": "pkpu", "reference": REFERENCE}], "topics": ["membership", "upload"]})
        assert created.status_code == 201, created.text
        entry_id = created.json()["id"]
        published = api.post(f"/api/faq/{entry_id}/publication")
        assert published.status_code == 200, published.text
        return entry_id


def fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"], "sideways scroll"


def test_a_liaison_finds_an_answer_on_the_public_faq_from_a_phone(make_run: Any, browser_page: Any, shot: Any
                                                                   ) -> None:
    entry_id = publish_entry(make_run.regency)

    # The coordinator reads the staff list and the entry on a phone: owner, version, history.
    staff = browser_page(make_run.regency, device="phone")
    log_in(staff, WRITER)
    staff.goto("/faq-sipol")
    expect(staff.get_by_role("heading", name="FAQ Sipol", exact=True)).to_be_visible()
    row = staff.get_by_test_id("faq-list").locator("li", has_text=QUESTION)
    expect(row).to_contain_text("Kantor ini")
    expect(row).to_contain_text("Versi 1")
    fits_the_phone(staff)
    shot(staff, "staf-daftar-faq")
    row.get_by_role("link", name=QUESTION).click()
    expect(staff.get_by_test_id("faq-question")).to_have_text(QUESTION)
    expect(staff.get_by_test_id("faq-meta")).to_contain_text("Terbit")
    expect(staff.get_by_test_id("faq-versions")).to_contain_text(WRITER)
    fits_the_phone(staff)
    shot(staff, "staf-entri")

    # The new entry's form on the phone: sent empty, every refusal shows beside its field, in Bahasa Indonesia.
    staff.goto("/faq-sipol")
    staff.get_by_role("link", name="Tulis entri baru").click()
    staff.get_by_role("button", name="Simpan sebagai draf").click()
    expect(staff.locator("#question-error")).to_have_text("Kolom ini wajib diisi.")
    fits_the_phone(staff)
    shot(staff, "staf-formulir-galat")

    # A liaison, signed in nowhere, opens the public page and asks as operators write in chats.
    liaison = browser_page(make_run.regency, device="phone")
    liaison.goto("/faq")
    expect(liaison.get_by_role("heading", name="Tanya jawab SIPOL")).to_be_visible()
    fits_the_phone(liaison)
    shot(liaison, "publik-beranda")
    liaison.get_by_label("Cari pertanyaan").fill(COLLOQUIAL)
    liaison.get_by_role("button", name="Cari", exact=True).click()
    found = liaison.get_by_test_id("faq-list").get_by_role("link", name=QUESTION)
    expect(found).to_be_visible()
    fits_the_phone(liaison)
    shot(liaison, "publik-hasil-cari")

    # The entry: the answer, its basis and the office that gave it, and nothing of the staff.
    found.click()
    expect(liaison).to_have_url(f"{make_run.regency}/faq/{entry_id}")
    expect(liaison.get_by_test_id("faq-answer")).to_contain_text("paling besar 2 MB")
    expect(liaison.get_by_test_id("faq-bases")).to_contain_text(REFERENCE)
    expect(liaison.get_by_test_id("faq-meta")).to_contain_text("KPU Kabupaten Musi Rawas Utara")
    source = liaison.content()
    assert WRITER not in source and "Versi" not in source
    assert liaison.locator("script").count() == 0, "the public page runs no script"
    fits_the_phone(liaison)
    shot(liaison, "publik-entri")
