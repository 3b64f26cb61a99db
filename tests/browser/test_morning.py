"""The team's morning at a WITA regency (issue 16), through the pages only, with the node's clock in the test's hand.

Kepulauan Selayar (kab-73.01, UTC+8) on Monday 29 July 2024: at 07.40 WITA (23.40 UTC the day before) the Koordinator
Harian opens the duty roster, plans the day, sees that nobody reports the SIPOL monitoring and gives the duty to a
desk member; at 07.45 the front desk checks in on its tablet and ticks the desk checklist with the recorder missing,
which the Koordinator Harian sees; at 07.55 the reporter on duty submits the 08.00 report with the beranda's
screenshot, once the figures are confirmed. Nobody submits the 17.00 report: at 17.31 the watcher records it missed,
and the commissioner, signing in on a phone, finds the menu's badge, the count in the page's title and the notice.
Each step is screenshotted (test-artifacts/browser/test_the_teams_morning_at_a_wita_regency/).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone

from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect

from tests.browser.browsing import log_in
from tests.browser.morning_office import COMMISSIONER, DESK, KEEPER, PASSWORD, REPORTER, Staff, register_team, served
from tests.support.settings import settings_for

OFFICE = "kab-73.01"
WITA = timezone(timedelta(hours=8))
DAY = "2024-07-29"
MONITORING = "Laporan pemantauan SIPOL"  # the duty's name on the roster
MISSING = "Alat rekam"
NOTE = "Alat rekam dipinjam bagian umum."
MISSED_NOTICE = "Laporan pemantauan SIPOL pukul 17.00 tanggal 29-07-2024 belum dikirim 30 menit setelah waktunya."


def wita(hour: int, minute: int) -> datetime:
    """A moment of the day in the office's time (UTC+8), as the node's clock keeps it (UTC)."""
    return datetime(2024, 7, 29, hour, minute, tzinfo=WITA).astimezone(UTC)


def beranda_screenshot() -> bytes:
    """What the reporter captured of SIPOL's home page: a small picture with a title bar and three figures."""
    picture = Image.new("RGB", (240, 120), (244, 246, 250))
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, 0, 240, 22), fill=(178, 34, 34))
    draw.text((8, 5), "SIPOL - Beranda", fill=(255, 255, 255))
    for row, (name, value) in enumerate((("Pengurus", "5"), ("Anggota", "1250"), ("Kantor", "1"))):
        draw.text((12, 36 + row * 24), f"{name}: {value}", fill=(20, 20, 20))
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def click(page: Page, button: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()


def sign_in(page: Page, username: str) -> None:
    log_in(page, username, PASSWORD)


def test_the_teams_morning_at_a_wita_regency(clock, open_node, tmp_path, browser_page, shot):  # noqa: PLR0915
    clock.now = wita(7, 30)  # the office's log begins before the day's first report is due
    node = open_node(settings_for("sqlite", tmp_path / "node", node_id=OFFICE))
    register_team(node)
    # 07.30 WITA: the 08.00 report's reminder falls due with nobody yet on the monitoring duty, so it goes to the
    # Koordinator Harian (ticked here, as the follower would, so that who receives it does not race the roster).
    node.reminder_watcher.tick(force=True)
    done: list[str] = []

    @contextmanager
    def step(name: str, page: Page) -> Iterator[None]:
        """One step: screenshotted when it ends; a failure names the step, where it stood and what passed before."""
        try:
            yield
        except Exception as error:
            try:
                shot(page, f"FAILED-{name}")
            except Exception:  # noqa: BLE001 - the step's own failure is what matters
                pass
            raise AssertionError(f"morning step {len(done) + 1} '{name}' failed at {page.url} "
                                 f"(passed before it: {', '.join(done) or 'none'}):\n{error}") from error
        shot(page, name)
        done.append(name)

    with served(node) as base:
        # 07.40 WITA: the Koordinator Harian, at a desktop, finds today without a roster.
        clock.now = wita(7, 40)
        keeper = browser_page(base)
        with step("keeper-finds-no-roster", keeper):
            sign_in(keeper, KEEPER.username)
            keeper.goto("/jadwal-piket")
            today = keeper.get_by_test_id("coverage").locator(".roster-day").first
            expect(today).to_contain_text("Hari ini")
            expect(today).to_contain_text("29 Juli 2024")  # the office's Monday, though UTC still says Sunday
            expect(today).to_contain_text("Belum ada jadwal piket")

        with step("keeper-plans-the-day", keeper):
            click(keeper, "Susun jadwal")
            expect(keeper).to_have_url(re.compile(rf"/jadwal-piket\?tanggal={DAY}$"))
            expect(keeper.get_by_test_id("roster-table")).to_contain_text("Pagi")
            assign(keeper, "Pagi", "Meja layanan tatap muka", DESK)
            # The gap: a day without a monitoring reporter, shown first.
            gaps = today.locator(".roster-gaps")
            expect(gaps).to_contain_text(MONITORING)
            expect(gaps.locator("li").filter(has_text=MONITORING)).to_contain_text("sepanjang hari")
            expect(today).to_have_class(re.compile(r"\broster-gap\b"))

        with step("keeper-assigns-the-reporter", keeper):
            assign(keeper, "Pagi", MONITORING, REPORTER)
            expect(today.locator(".roster-gaps")).not_to_contain_text(MONITORING)
            row = keeper.get_by_test_id("roster-table").locator("tr").filter(has_text=MONITORING)
            expect(row).to_contain_text(REPORTER.full_name)

        # 07.45 WITA: the front desk checks in on its tablet, ten minutes and more before 08.00, and checks the desk.
        clock.now = wita(7, 45)
        desk = browser_page(base, "tablet")
        with step("desk-checks-in", desk):
            sign_in(desk, DESK.username)
            desk.goto("/jadwal-piket")
            mine = desk.get_by_test_id("my-duty")
            expect(mine).to_contain_text("Tugas saya hari ini")
            mine.get_by_role("button", name="Hadir", exact=True).click()
            expect(mine).to_contain_text("Hadir 07.45 WITA")
            expect(mine).not_to_contain_text("terlambat")
            expect(mine.get_by_role("button", name="Hadir", exact=True)).to_have_count(0)

        with step("desk-ticks-the-checklist", desk):
            checklist = desk.get_by_test_id("my-duty").locator("form.roster-checklist")
            items = checklist.locator("label.roster-item")
            expect(items.filter(has_text=MISSING)).to_have_count(1)
            for label in items.all_inner_texts():
                if label.strip() != MISSING:
                    checklist.get_by_label(label.strip(), exact=True).check()
            checklist.get_by_label("Catatan (tidak wajib)", exact=True).fill(NOTE)
            checklist.get_by_role("button", name="Simpan daftar periksa", exact=True).click()
            checklist = desk.get_by_test_id("my-duty").locator("form.roster-checklist")
            expect(checklist).to_contain_text("diperiksa 07.45 WITA")
            expect(checklist.get_by_label(MISSING, exact=True)).not_to_be_checked()

        with step("keeper-sees-the-missing-recorder", keeper):
            keeper.reload()
            missing = keeper.get_by_test_id("missing-items")
            expect(missing).to_contain_text("Perlengkapan kurang")
            expect(missing).to_contain_text(MISSING)
            expect(missing).to_contain_text(NOTE)
            expect(keeper.get_by_test_id("check-ins")).to_contain_text(f"{DESK.full_name} · 07.45 WITA")

        # 07.55 WITA: the reporter on duty reads SIPOL's beranda and reports it for 08.00.
        clock.now = wita(7, 55)
        reporter = browser_page(base)
        with step("reporter-opens-the-0800-report", reporter):
            sign_in(reporter, REPORTER.username)
            reporter.goto("/pemantauan")
            morning = reporter.locator("a[data-slot='0800']")
            expect(morning).to_contain_text("Laporan pukul 08.00")
            expect(morning.locator("[data-state]")).to_have_attribute("data-state", "due")
            morning.click()
            expect(reporter).to_have_url(re.compile(rf"/pemantauan/{DAY}/0800$"))
            expect(reporter.get_by_test_id("monitoring-form")).to_be_visible()

        rows = reporter.get_by_test_id("figures").locator("tbody tr")
        with step("reporter-must-confirm-first", reporter):
            count = rows.count()
            assert count >= 10, f"only {count} parties in the form"
            for i in range(count):
                for name, value in (("pengurus", "5"), ("anggota", str(1200 + i)), ("kantor", "1")):
                    reporter.locator(f"#{name}-{i}").fill(value)
            attach_beranda(reporter)
            with reporter.expect_response(lambda r: r.request.method == "POST") as answer:
                click(reporter, "Sampaikan laporan")
            assert answer.value.status == 422, f"an unconfirmed report answered {answer.value.status}"
            expect(reporter.locator("#confirm-error")).to_be_visible()
            expect(reporter.locator("#anggota-0")).to_have_value("1200")  # what was typed is kept

        with step("reporter-submits-with-the-screenshot", reporter):
            attach_beranda(reporter)  # a browser never keeps a chosen file across a page
            reporter.locator("input[name='confirm']").check()
            click(reporter, "Sampaikan laporan")
            expect(reporter).to_have_url(re.compile(rf"/pemantauan/{DAY}/0800$"))
            expect(reporter.get_by_test_id("slot-state").locator("[data-state]")).to_have_attribute(
                "data-state", "on_time")
            frozen = reporter.get_by_test_id("frozen")
            expect(frozen).to_contain_text("1200")
            expect(reporter.get_by_test_id("hash")).to_contain_text(re.compile(r"SHA-256 [0-9a-f]{64}"))
            expect(reporter.locator("main")).to_contain_text("07.55 WITA")
            picture = reporter.locator("main figure img")
            picture.scroll_into_view_if_needed()
            reporter.wait_for_function("() => { const i = document.querySelector('main figure img');"
                                       " return i && i.complete && i.naturalWidth === 240; }")
            served_back = reporter.request.get(picture.get_attribute("src") or "")
            assert served_back.ok and served_back.body() == beranda_screenshot()

        # 17.31 WITA: the 17.00 report was never submitted; the watcher (as the follower runs it) records the miss.
        clock.now = wita(17, 31)
        node.monitoring_watcher.tick(force=True)
        node.reminder_watcher.tick(force=True)  # and tomorrow's roster, still unplanned since 14.00: a gap reminder
        commissioner = browser_page(base, "phone")
        with step("commissioner-sees-the-badge", commissioner):
            sign_in(commissioner, COMMISSIONER.username)
            badge = commissioner.get_by_test_id("notif-badge")
            expect(badge).to_have_text("1")
            # On the phone the menu is folded: its button carries the count.
            expect(commissioner.get_by_test_id("menu-label")).to_contain_text("1")
            expect(commissioner).to_have_title(re.compile(r"^\(1\) "))
            # The home page's Pemantauan SIPOL tile counts it too.
            tile = commissioner.locator("main a.tile[href='/pemantauan']")
            expect(tile.get_by_test_id("tile-count")).to_have_text("1")
            no_sideways_scroll(commissioner)

        with step("commissioner-reads-the-notice", commissioner):
            commissioner.goto("/notifikasi")
            expect(commissioner.get_by_test_id("unread-count")).to_contain_text("1 belum dibaca")
            notice = commissioner.get_by_test_id("notification").filter(has_text=MISSED_NOTICE)
            expect(notice).to_have_count(1)
            expect(notice).to_have_attribute("data-kind", "report_missed")
            expect(notice).to_contain_text("Laporan terlewat")
            expect(notice).to_contain_text("29-07-2024 17.31 WITA")
            no_sideways_scroll(commissioner)

        with step("commissioner-opens-the-missed-report", commissioner):
            commissioner.get_by_test_id("notification").first.get_by_role("button").click()
            expect(commissioner).to_have_url(re.compile(r"/pemantauan$"))
            evening = commissioner.locator("a[data-slot='1700']")
            expect(evening.locator("[data-state]")).to_have_attribute("data-state", "missed")
            expect(commissioner.locator("a[data-slot='0800'] [data-state]")).to_have_attribute("data-state",
                                                                                                "on_time")
            expect(commissioner.get_by_test_id("notif-badge")).to_have_text("")  # read now
            no_sideways_scroll(commissioner)

        # The alert reached the reporter on duty and the Koordinator Harian too, not the desk member off that duty.
        # The Koordinator Harian was also reminded of the 08.00 report at 07.30 (nobody on that duty yet) and of
        # tomorrow's empty roster at 14.00; today's 07.00 gap reminder fell before the office began (07.30).
        for name, page, unread in (("reporter-alerted", reporter, "1"), ("keeper-alerted", keeper, "3")):
            with step(name, page):
                page.goto("/notifikasi")
                expect(page.get_by_test_id("notif-badge")).to_have_text(unread)
                expect(page.get_by_test_id("notification").filter(has_text=MISSED_NOTICE)).to_have_count(1)
        for kind in ("coverage_gap", "monitoring_due"):
            expect(keeper.locator(f"[data-testid='notification'][data-kind='{kind}']")).to_have_count(1)
        with step("desk-not-alerted", desk):
            desk.goto("/notifikasi")
            expect(desk.get_by_test_id("unread-count")).to_contain_text("0 belum dibaca")
            expect(desk.get_by_test_id("notification")).to_have_count(0)


def assign(keeper: Page, shift: str, duty: str, who: Staff) -> None:
    """The Koordinator Harian's "Bagi tugas" form: a shift, a duty, a member of staff."""
    form = keeper.locator("form[action='/jadwal-piket/tugas']")
    form.get_by_label("Giliran", exact=True).select_option(label=shift)
    form.get_by_label("Tugas", exact=True).select_option(label=duty)
    form.get_by_label("Petugas", exact=True).select_option(label=f"{who.full_name} ({who.username})")
    form.get_by_role("button", name="Tugaskan", exact=True).click()
    expect(keeper).to_have_url(re.compile(rf"/jadwal-piket\?tanggal={DAY}$"))
    expect(keeper.get_by_test_id("roster-errors")).to_have_count(0)


def attach_beranda(page: Page) -> None:
    page.get_by_label("Tangkapan layar beranda SIPOL (wajib)", exact=True).set_input_files(
        files=[{"name": "beranda-sipol-0800.png", "mimeType": "image/png", "buffer": beranda_screenshot()}])


def no_sideways_scroll(page: Page) -> None:
    """Nothing on the phone's page is wider than the screen."""
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the page is {width[0]} px wide on a {width[1]} px screen"
