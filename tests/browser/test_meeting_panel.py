"""An online meeting (SOP C.c.1–2) as the desk works it on `make run`'s regency: an online-meeting consultation
opened, its meeting scheduled in the office's own time (WIB), a bad slot refused, moved, the invitation
downloadable; looked at on a desktop and on a phone.
Screenshots: test-artifacts/browser/test_an_online_meeting_scheduled_and_moved/.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar
from playwright.sync_api import expect

from tests.browser.browsing import choose, log_in

PARTY = ("5", "Partai Nasional Demokrat", "NasDem")
WIB = ZoneInfo("Asia/Jakarta")


def test_an_online_meeting_scheduled_and_moved(make_run, browser_page, shot):
    desk = browser_page(make_run.regency)
    log_in(desk, "anggota_helpdesk")
    desk.goto("/konsultasi/baru")
    choose(desk.get_by_label("Saluran", exact=True), "online_meeting")
    desk.get_by_label("Nama", exact=True).fill("Siti Rahmawati")
    desk.get_by_label("E-mail", exact=True).fill("siti@partai.example")
    choose(desk.get_by_label("Partai politik", exact=True), *PARTY)
    desk.get_by_role("button", name="Buka konsultasi", exact=True).click()
    expect(desk).to_have_url(re.compile(r"/konsultasi/[0-9a-f-]{36}$"))
    panel = desk.get_by_test_id("meeting-panel")
    expect(panel.get_by_test_id("no-meeting")).to_be_visible()

    # Tomorrow 10.00–10.45 WIB, typed in the office's own time; the host defaults to the desk officer.
    day = (datetime.now(WIB) + timedelta(days=1)).date()
    desk.get_by_label("Tanggal", exact=True).first.fill(day.isoformat())
    desk.get_by_label("Mulai (WIB)", exact=True).first.fill("10:00")
    desk.get_by_label("Selesai (WIB)", exact=True).first.fill("10:45")
    desk.get_by_role("button", name="Jadwalkan pertemuan", exact=True).click()
    meeting = panel.get_by_test_id("meeting")
    expect(meeting).to_have_count(1)
    expect(meeting).to_contain_text("10.00")
    expect(meeting.get_by_test_id("meeting-link")).to_have_attribute("href", re.compile(r"^https://"))
    shot(desk, "meeting-scheduled")

    # The invitation the liaison receives, as the desk can download it: the time in WIB, SEQUENCE 0.
    with desk.expect_download() as download:
        meeting.get_by_test_id("meeting-ics").click()
    ics = Calendar.from_ical(open(download.value.path(), "rb").read())
    (event,) = list(ics.walk("VEVENT"))
    assert event.decoded("DTSTART") == datetime(day.year, day.month, day.day, 10, 0, tzinfo=WIB)
    assert int(event["SEQUENCE"]) == 0 and event["DTSTART"].params["TZID"] == "Asia/Jakarta"

    # A bad slot is refused beside its field, nothing changed; then moved an hour later.
    reschedule = meeting.locator("form[action$='/jadwal-ulang']")
    meeting.get_by_text("Jadwalkan ulang atau batalkan").click()
    reschedule.get_by_label("Tanggal", exact=True).fill(day.isoformat())
    reschedule.get_by_label("Mulai (WIB)", exact=True).fill("11:00")
    reschedule.get_by_label("Selesai (WIB)", exact=True).fill("10:30")
    reschedule.get_by_role("button").click()
    expect(desk.locator("[aria-invalid='true']").first).to_be_visible()
    shot(desk, "meeting-refused-slot")
    meeting = desk.get_by_test_id("meeting-panel").get_by_test_id("meeting")
    expect(meeting).to_contain_text("10.00")
    reschedule = meeting.locator("form[action$='/jadwal-ulang']")
    if not reschedule.is_visible():
        meeting.get_by_text("Jadwalkan ulang atau batalkan").click()
    reschedule.get_by_label("Selesai (WIB)", exact=True).fill("11:45")
    reschedule.get_by_label("Mulai (WIB)", exact=True).fill("11:00")
    reschedule.get_by_label("Tanggal", exact=True).fill(day.isoformat())
    reschedule.get_by_role("button").click()
    meeting = desk.get_by_test_id("meeting-panel").get_by_test_id("meeting")
    expect(meeting).to_contain_text("11.00")
    with desk.expect_download() as download:
        meeting.get_by_test_id("meeting-ics").click()
    (moved,) = list(Calendar.from_ical(open(download.value.path(), "rb").read()).walk("VEVENT"))
    assert str(moved["UID"]) == str(event["UID"]) and int(moved["SEQUENCE"]) == 1

    # On the phone the panel reads top to bottom; the page never scrolls sideways.
    phone = browser_page(make_run.regency, "phone")
    log_in(phone, "anggota_helpdesk")
    phone.goto(desk.url)
    expect(phone.get_by_test_id("meeting-panel")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(phone, "phone-meeting-panel")
