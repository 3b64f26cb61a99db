"""Signing in on each office of `make run`, in both languages, with the keyboard, on a tablet and a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.browsing import beside, log_in, log_out

OFFICES = [  # fixture attribute, office name, tier as the header shows it, node id
    ("regency", "KPU Kabupaten Musi Rawas Utara", "Kabupaten/Kota", "kab-16.13"),
    ("province", "KPU Provinsi Sumatera Selatan", "Provinsi", "prov-16"),
    ("centre", "KPU", "Pusat", "pusat"),
]


@pytest.mark.parametrize(("office", "name", "tier", "node"), OFFICES, ids=[o[3] for o in OFFICES])
def test_log_in_see_the_office_switch_to_english_and_log_out(make_run, browser_page, shot, office, name, tier, node):
    page = browser_page(getattr(make_run, office))
    page.goto("/")  # not signed in: sent to the login form
    expect(page).to_have_url(re.compile(r"/masuk"))
    expect(page.get_by_role("heading", name="Masuk ke Helpdesk SIPOL")).to_be_visible()
    expect(page.get_by_test_id("office-name")).to_have_text(name)
    shot(page, "login-form")

    # A wrong password: the message is shown beside the form, and the form says which field it belongs to.
    page.get_by_label("Nama pengguna", exact=True).fill("anggota_helpdesk")
    page.get_by_label("Kata sandi", exact=True).fill("bukan-kata-sandinya")
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/masuk")) as answer:
        page.get_by_role("button", name="Masuk", exact=True).click()
    assert answer.value.status == 401
    error = page.locator("#login-error")
    expect(error).to_have_text("Nama pengguna atau kata sandi salah.")
    username = page.get_by_label("Nama pengguna", exact=True)
    expect(username).to_have_attribute("aria-describedby", re.compile(r"\blogin-error\b"))
    expect(username).to_have_attribute("aria-invalid", "true")
    expect(username).to_have_value("anggota_helpdesk")
    beside(page.locator("form[action='/masuk']"), error)
    shot(page, "wrong-password")

    log_in(page, "anggota_helpdesk")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Selamat datang")
    header = page.locator("header")
    expect(page.get_by_test_id("office-name")).to_have_text(name)
    expect(header).to_contain_text(f"Tingkat: {tier}")
    expect(header).to_contain_text(node)
    expect(header).to_contain_text("Anggota Helpdesk")
    expect(page.get_by_role("navigation", name="Menu utama")).to_be_visible()
    shot(page, "home")

    page.get_by_role("link", name="EN", exact=True).click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Log out", exact=True)).to_be_visible()
    expect(page.get_by_test_id("office-name")).to_have_text(name)
    shot(page, "home-english")

    log_out(page, "Log out")
    expect(page.get_by_role("button", name="Log in", exact=True)).to_be_visible()  # still English
    shot(page, "logged-out")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/masuk"))  # the session is gone


def test_tab_from_the_top_reaches_the_skip_link_first(make_run, browser_page, shot):
    page = browser_page(make_run.regency)
    log_in(page, "ketua_helpdesk")
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_text("Lewati ke isi")
    expect(focused).to_have_attribute("href", "#isi")
    expect(focused).to_be_in_viewport()
    shot(page, "skip-link-focused")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#isi$"))
    expect(page.locator("main#isi")).to_be_focused()
    shot(page, "skipped-to-content")


@pytest.mark.parametrize("device", ["tablet", "phone"])
def test_the_menu_is_reachable_on_tablet_and_phone(make_run, browser_page, shot, device):
    page = browser_page(make_run.regency, device)
    log_in(page, "ketua_helpdesk")  # the role with the longest menu
    menu = page.get_by_role("navigation", name="Menu utama")
    links = menu.get_by_role("link")
    if device == "phone":  # folded under one button, the page's content first
        expect(links.first).to_be_hidden()
        label = page.get_by_test_id("menu-label")
        box = label.bounding_box()
        assert box and box["height"] >= 44 and box["y"] + box["height"] < 240, box  # header and button only
        shot(page, "menu-folded")
        label.tap()
    expect(links.first).to_be_visible()
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
    names = []
    for index in range(links.count()):
        link = links.nth(index)
        link.scroll_into_view_if_needed()
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, f"{link.inner_text()} is off screen"
        assert box["height"] >= 44, f"{link.inner_text()}: touch target {box['height']:.0f} px high (< 44)"
        names.append(link.inner_text().strip())
    assert {"Beranda", "Konsultasi", "Laporan"} <= set(names), names
    shot(page, "menu")
    target = links.filter(has_text="Konsultasi")
    href = target.get_attribute("href")
    target.tap()
    expect(page).to_have_url(re.compile(re.escape(href) + "$"))
    shot(page, "menu-followed")
