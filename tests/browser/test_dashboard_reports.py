"""The dashboard and the reports on the regency of `make run`, as the Koordinator and the Sekretaris use them: the
charts at the top, the running SOP steps folded into groups by step and by person (each row named by the consultee,
their party and the staff member's full name, the one due first at the top), a phone without sideways scrolling; the
reports one page each, the recap's submit on the first screen, asking before it submits. Screenshots:
test-artifacts/browser/test_the_koordinator_.../ and test_the_secretary_.../."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

import httpx
from playwright.sync_api import Page, expect

from gateways.cli.local import DEMO_PASSWORD
from tests.browser.browsing import confirm, log_in

RUN = uuid4().hex[:6]
PASSWORD = "kata-sandi-uji-2024"
OFFICE_DESK = {"width": 1366, "height": 900}  # the office's desktop screens
STAFF = {f"ani{RUN}": f"Ani Lestari {RUN}", f"bima{RUN}": f"Bima Saputra {RUN}"}


def api_as(base_url: str, username: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=base_url, timeout=30)
    login = client.post("/api/auth/login", json={"username": username, "password": password})
    assert login.status_code == 201, login.text
    client.headers["Authorization"] = f"Bearer {login.json()['token']}"
    client.cookies.clear()
    return client


def opened(api: httpx.Client, name: str, party_number: int) -> str:
    response = api.post("/api/consultations", json={"channel": "walk_in", "consultee": {
        "name": name, "party_number": party_number, "phone": "081234567890"}})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"the page is {width} px wide: it scrolls sideways"


def test_the_koordinator_reads_running_steps_by_step_and_person_on_a_desktop_and_a_phone(
    make_run, browser_page, shot
) -> None:
    # The Ketua adds two desk officers; Ani opens three walk-ins a moment apart, Bima one, and Bima takes down one of
    # Ani's problems, which the consultee confirms (its answer step is then Bima's).
    ketua = api_as(make_run.regency, "ketua_helpdesk", DEMO_PASSWORD)
    for username, full_name in STAFF.items():
        added = ketua.post("/api/users", json={"username": username, "full_name": full_name,
                                               "role": "anggota_helpdesk", "password": PASSWORD})
        assert added.status_code == 201, added.text
    parties = {p["number"]: p["name"] for p in ketua.get("/api/reference/parties").json() if p.get("number")}
    ani, bima = (api_as(make_run.regency, username, PASSWORD) for username in STAFF)
    anis = [opened(ani, f"Tamu {n} {RUN}", n) for n in (1, 2, 3)]
    opened(bima, f"Tamu 4 {RUN}", 1)
    for step, body in (("problem", {"text": "Akun terkunci"}), ("restatement", {"text": "Akun operator terkunci"}),
                       ("confirmation", None)):
        done = bima.post(f"/api/consultations/{anis[2]}/{step}", json=body)
        assert done.status_code == 200, done.text

    desk = browser_page(make_run.regency)
    desk.set_viewport_size(OFFICE_DESK)
    log_in(desk, "koordinator")
    desk.goto("/dasbor")
    # The charts first, on the first screen; the running steps below them.
    charts, running = desk.get_by_test_id("charts").bounding_box(), desk.get_by_test_id("running").bounding_box()
    assert charts and running and charts["y"] < OFFICE_DESK["height"] and charts["y"] < running["y"]
    # Folded into groups, the page stays short whatever the office's load.
    assert desk.evaluate("document.documentElement.scrollHeight") < 5 * OFFICE_DESK["height"]

    # By person, by full name: Ani holds her first two walk-ins, the one due first at the top; Bima the other two.
    people = desk.get_by_test_id("groups-person")
    group = people.get_by_test_id("group-person").filter(has=desk.get_by_text(STAFF[f"ani{RUN}"], exact=True))
    expect(group.get_by_test_id("group-count")).to_have_text("2 berjalan")
    cards = group.get_by_test_id("running-step")
    expect(cards.first).to_be_hidden()  # folded until opened
    group.locator("summary").click()
    expect(cards).to_have_count(2)
    assert cards.get_by_test_id("running-title").all_inner_texts() == [f"Tamu 1 {RUN}", f"Tamu 2 {RUN}"]
    expect(cards.first.get_by_test_id("running-party")).to_have_text(f"1. {parties[1]}")
    bimas = people.get_by_test_id("group-person").filter(has=desk.get_by_text(STAFF[f"bima{RUN}"], exact=True))
    expect(bimas.get_by_test_id("group-count")).to_have_text("2 berjalan")
    # By step: each row names the staff member; no consultation is named by the start of its id.
    answers = desk.get_by_test_id("groups-step").locator('[data-testid="group-step"][data-key="3"]')
    answers.locator("summary").click()
    mine = answers.get_by_test_id("running-step").filter(has=desk.get_by_text(f"Tamu 3 {RUN}", exact=True))
    expect(mine.get_by_test_id("running-staff")).to_have_text(STAFF[f"bima{RUN}"])
    expect(mine.get_by_test_id("running-party")).to_have_text(f"3. {parties[3]}")
    assert not desk.get_by_role("link", name=re.compile(r"^[0-9a-f]{8}$")).count()
    shot(desk, "dashboard-desktop-1366")

    # On a phone: the same groups, the rows as cards, nothing wider than the screen.
    phone = browser_page(make_run.regency, "phone")
    log_in(phone, "koordinator")
    phone.goto("/dasbor")
    for grouping in ("groups-step", "groups-person"):
        phone.get_by_test_id(grouping).locator("summary").first.click()
    expect(phone.get_by_test_id("running-step").first).to_be_visible()
    no_sideways_scroll(phone)
    shot(phone, "dashboard-phone-390")


def test_the_secretary_submits_a_recap_from_its_own_page_after_confirming(make_run, browser_page, shot) -> None:
    # Yesterday's recap (today's is the story's): chosen on the index, submitted on its own page.
    yesterday = (datetime.now(ZoneInfo("Asia/Jakarta")) - timedelta(days=1)).date().isoformat()
    secretary = browser_page(make_run.regency)
    secretary.set_viewport_size(OFFICE_DESK)
    log_in(secretary, "sekretaris_helpdesk")
    secretary.goto("/laporan")
    secretary.get_by_label("Tanggal", exact=True).fill(yesterday)
    secretary.get_by_role("button", name="Tampilkan", exact=True).click()
    expect(secretary.get_by_test_id("report-card")).to_have_count(8)
    shot(secretary, "reports-index")
    secretary.get_by_test_id("report-card").filter(has_text="Rekapitulasi harian").get_by_role("link").click()
    expect(secretary).to_have_url(re.compile(rf"/laporan/rekapitulasi\?tanggal={yesterday}&"))

    # The submit button is on the first screen, not 2,800 px down.
    submit = secretary.get_by_role("button", name="Serahkan rekapitulasi", exact=True)
    box = submit.bounding_box()
    assert box and box["y"] + box["height"] <= OFFICE_DESK["height"], f"the submit button is at {box}"
    shot(secretary, "recap-page-desktop")
    submit.click()
    # Asked first, saying what will happen; then submitted: version 1, to be corrected only with a reason.
    expect(secretary.get_by_test_id("confirm-dialog")).to_contain_text(
        "akan diserahkan dan dibekukan; perubahan berikutnya menjadi versi baru.")
    shot(secretary, "recap-confirm")
    confirm(secretary)
    expect(secretary.get_by_test_id("recap-versions-row")).to_have_count(1)
    expect(secretary.get_by_label("Alasan koreksi", exact=True)).to_be_visible()
    shot(secretary, "recap-submitted")

    # The same page on a phone: the period, the versions and the correction, nothing wider than the screen.
    phone = browser_page(make_run.regency, "phone")
    log_in(phone, "sekretaris_helpdesk")
    phone.goto(f"/laporan/rekapitulasi?tanggal={yesterday}")
    expect(phone.get_by_test_id("recap-versions-row")).to_have_count(1)
    no_sideways_scroll(phone)
    shot(phone, "recap-page-phone")
