"""A reader who chose English reads the day in English (Babel's locale data, "Saturday, 5 December 2026"), on the front
desk of `make run`; switched back, the same line is in Bahasa Indonesia as before."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.browser.browsing import log_in

ENGLISH_DAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
INDONESIAN_DAYS = "Senin|Selasa|Rabu|Kamis|Jumat|Sabtu|Minggu"


def _office_days() -> list[str]:
    """The regency's day (WIB) in English as Python's C locale writes it, and the next (the page may be read as the
    day turns)."""
    now = datetime.now(ZoneInfo("Asia/Jakarta"))
    return [f"{d:%A}, {d.day} {d:%B %Y}" for d in (now, now + timedelta(days=1))]


def test_the_front_desk_names_the_day_in_english_and_back_in_bahasa_indonesia(make_run, browser_page, shot):
    page = browser_page(make_run.regency)
    log_in(page, "anggota_helpdesk")
    page.goto("/meja-depan")
    day_line = page.locator(".frontdesk-day")
    expect(day_line).to_contain_text(re.compile(rf"Antrian tatap muka, ({INDONESIAN_DAYS}), \d{{1,2}} \w+ \d{{4}}"))
    shot(page, "front-desk-indonesian")

    page.get_by_role("link", name="EN", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(day_line).to_contain_text(re.compile(rf"Walk-in queue, ({ENGLISH_DAYS}), \d{{1,2}} [A-Z][a-z]+ \d{{4}}"))
    assert any(day in day_line.inner_text() for day in _office_days()), day_line.inner_text()
    shot(page, "front-desk-english")

    page.get_by_role("link", name="ID", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(day_line).to_contain_text(re.compile(rf"Antrian tatap muka, ({INDONESIAN_DAYS}),"))
