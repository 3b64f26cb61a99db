"""The frame of every page as people hold it (issue 17): on a phone (390×844) a one-line header with the menu folded
under its button, the consultation list as cards with the status on screen; on a desktop (1366×900) the menu's
groups in a column beside the page; on an upright tablet (820×1180) one header line and the grouped menu one tap
away. The front desk asks before skipping a number and offers the undo. Run on `make run`'s regency; screenshots:
test-artifacts/browser/test_<name>/."""

from __future__ import annotations

import re
from uuid import uuid4

import httpx
from playwright.sync_api import Page, expect

from gateways.cli.local import DEMO_PASSWORD
from tests.browser.browsing import confirm, follow_menu, log_in

PHONE_FRAME = 100  # px: the header with the folded menu, at most, before the page's own content
GROUPS = ("Layanan", "Tim", "Laporan & pemantauan", "Pengaturan")
RUN = uuid4().hex[:6]
LONG_NAME = f"Raden Ajeng Kartika Sekarwangi Purwaningsih {RUN}"


def opened_by_mail(base_url: str) -> None:
    """A consultation with a long name in the regency's list, as the mailbox job would open it."""
    with httpx.Client(base_url=base_url, timeout=30) as api:
        login = api.post("/api/auth/login", json={"username": "anggota_helpdesk", "password": DEMO_PASSWORD})
        assert login.status_code == 201, login.text
        api.cookies.clear()
        opened = api.post("/api/consultations", headers={"Authorization": f"Bearer {login.json()['token']}"},
                          json={"channel": "email", "consultee": {"name": LONG_NAME, "party_number": 1,
                                                                   "email": f"kartika.{RUN}@partai-contoh.id"}})
        assert opened.status_code == 201, opened.text


def content_top(page: Page) -> float:
    """Where the page's own content begins: the top of its first heading."""
    box = page.locator("main h1").first.bounding_box()
    assert box, "no heading"
    return box["y"]


def no_sideways_scroll(page: Page) -> None:
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"


def test_on_a_phone_the_header_is_one_line_and_the_list_shows_the_status(make_run, browser_page, shot) -> None:
    opened_by_mail(make_run.regency)
    page = browser_page(make_run.regency, "phone")
    log_in(page, "ketua_helpdesk")  # the role with the longest menu

    # Home: the header on one line, the menu folded; the content starts within the first 100 px.
    shot(page, "phone-home")
    header = page.locator("header.top").bounding_box()
    assert header and header["height"] <= 60, header
    expect(page.get_by_role("navigation", name="Menu utama")).to_be_hidden()
    for shown in (page.get_by_test_id("menu-label"), page.get_by_role("button", name="Keluar", exact=True)):
        expect(shown).to_be_visible()
        box = shown.bounding_box()
        assert box and box["y"] < header["y"] + header["height"] and box["height"] >= 44, box
    expect(page.locator("header .office-short")).to_have_text("KPU Kab. Musi Rawas Utara")
    assert content_top(page) <= PHONE_FRAME, content_top(page)
    no_sideways_scroll(page)

    # Opened: the groups with their links, who is signed in and the language; the list is one tap away.
    page.get_by_test_id("menu-label").tap()
    shot(page, "phone-menu-open")
    menu = page.get_by_role("navigation", name="Menu utama")
    for group in GROUPS:
        expect(menu.get_by_role("group", name=group)).to_be_visible()
    expect(page.locator("header .who")).to_be_visible()
    no_sideways_scroll(page)
    menu.get_by_role("link", name="Konsultasi", exact=True).tap()
    expect(page).to_have_url(re.compile(r"/konsultasi$"))
    assert content_top(page) <= PHONE_FRAME, content_top(page)

    # The list as cards: the name and its status side by side, nothing beyond the screen's edge.
    card = page.get_by_test_id("consultation-list").locator("tbody tr").filter(has_text=LONG_NAME)
    card.scroll_into_view_if_needed()
    shot(page, "phone-consultation-list")
    status = card.get_by_test_id("consultation-status")
    expect(status).to_have_text("Identitas dicatat")
    for part in (status, card.get_by_role("link", name=LONG_NAME)):
        box = part.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    # Each other cell with its column's name (CSS `content: attr(data-label)`, part of the cell's name).
    expect(card.get_by_role("cell", name="Saluran: Surat elektronik", exact=True)).to_be_visible()
    no_sideways_scroll(page)


def test_on_a_desktop_the_menu_is_a_column_of_labelled_groups(make_run, browser_page, shot) -> None:
    page = browser_page(make_run.regency, "desktop")
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, "ketua_helpdesk")
    shot(page, "desktop-home")
    menu = page.get_by_role("navigation", name="Menu utama")
    expect(page.get_by_test_id("menu-label")).to_be_hidden()

    # The groups one under the other beside the page, every link in view without scrolling the page.
    tops = []
    for group in GROUPS:
        box = menu.get_by_role("group", name=group).bounding_box()
        assert box and box["x"] < 20 and box["width"] < 260, (group, box)
        tops.append(box["y"])
    assert tops == sorted(tops)
    links = menu.get_by_role("link")
    assert links.count() >= 17
    for index in range(links.count()):
        box = links.nth(index).bounding_box()
        assert box and box["y"] + box["height"] <= 900, (links.nth(index).inner_text(), box)
    main = page.locator("main").bounding_box()
    assert main and main["x"] >= 200, main  # beside the menu, not under it
    assert content_top(page) <= 120, content_top(page)

    follow_menu(page, "Konsultasi")
    expect(page).to_have_url(re.compile(r"/konsultasi$"))
    shot(page, "desktop-consultation-list")
    expect(menu.get_by_role("link", name="Konsultasi", exact=True)).to_have_attribute("aria-current", "page")
    assert content_top(page) <= 120, content_top(page)


def test_on_an_upright_tablet_the_header_is_one_line_and_the_menu_opens(make_run, browser_page, shot) -> None:
    page = browser_page(make_run.regency, "tablet")
    page.set_viewport_size({"width": 820, "height": 1180})
    log_in(page, "anggota_helpdesk")
    shot(page, "tablet-home")
    header = page.locator("header.top").bounding_box()
    assert header and header["height"] <= 60, header
    expect(page.locator("header .office-short")).to_have_text("KPU Kab. Musi Rawas Utara")
    expect(page.locator("header .who")).to_be_visible()
    expect(page.get_by_role("button", name="Keluar", exact=True)).to_be_visible()
    assert content_top(page) <= PHONE_FRAME, content_top(page)

    # One tap opens the groups side by side; every link is on screen.
    page.get_by_test_id("menu-label").tap()
    shot(page, "tablet-menu-open")
    menu = page.get_by_role("navigation", name="Menu utama")
    for group in ("Layanan", "Tim", "Laporan & pemantauan", "Pengaturan"):
        expect(menu.get_by_role("group", name=group)).to_be_visible()
    links = menu.get_by_role("link")
    for index in range(links.count()):
        box = links.nth(index).bounding_box()
        assert box and box["y"] + box["height"] <= 1180 and box["height"] >= 44, (links.nth(index).inner_text(), box)
    menu.get_by_role("link", name="Meja depan", exact=True).tap()
    expect(page).to_have_url(re.compile(r"/meja-depan$"))
    shot(page, "tablet-front-desk")


def _skip_and_undo(page: Page, shot, device: str) -> None:  # noqa: ANN001
    page.get_by_role("button", name="Ambil nomor antrian", exact=True).click()
    page.get_by_role("button", name="Panggil berikutnya", exact=True).click()
    expect(page).to_have_url(re.compile(r"/meja-depan/tamu/\d+$"))
    number = page.url.rsplit("/", 1)[1]
    page.goto("/meja-depan")
    skip = page.get_by_role("button", name=f"Lewati nomor {number}", exact=True)

    # Asked first: "Batal" keeps the number called.
    skip.click()
    dialog = page.get_by_test_id("confirm-dialog")
    expect(dialog).to_contain_text(f"Nomor antrian {number} akan dilewati")
    shot(page, f"{device}-skip-asked")
    dialog.get_by_test_id("confirm-no").click()
    expect(dialog).to_have_count(0)
    expect(page.get_by_test_id(f"called-{number}")).to_be_visible()

    # "Ya": skipped, and the notice offers the undo.
    skip.click()
    confirm(page)
    expect(page.get_by_test_id("notice")).to_have_text(f"Nomor antrian {number} dilewati.")
    expect(page.get_by_test_id(f"called-{number}")).to_have_count(0)
    undo = page.get_by_test_id("undo-skip")
    expect(undo).to_have_text("Batalkan lewati")
    no_sideways_scroll(page)
    shot(page, f"{device}-skipped")
    undo.click()
    expect(page.get_by_test_id("notice")).to_have_text(f"Nomor antrian {number} tidak jadi dilewati.")
    expect(page.get_by_test_id(f"called-{number}")).to_be_visible()
    shot(page, f"{device}-skip-undone")


def test_the_front_desk_asks_before_skipping_and_undoes_a_skip(make_run, browser_page, shot) -> None:
    phone = browser_page(make_run.regency, "phone")
    log_in(phone, "anggota_helpdesk")
    follow_menu(phone, "Meja depan")
    assert content_top(phone) <= PHONE_FRAME, content_top(phone)
    _skip_and_undo(phone, shot, "phone")

    desktop = browser_page(make_run.regency, "desktop")
    desktop.set_viewport_size({"width": 1366, "height": 900})
    log_in(desktop, "anggota_helpdesk")
    follow_menu(desktop, "Meja depan")
    _skip_and_undo(desktop, shot, "desktop")
