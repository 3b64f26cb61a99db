"""One story across the three offices of `make run`, through the pages only, as the staff would play it.

A walk-in at the regency's front desk (tablet) signs the guest book; the desk records the problem and hands it
to the commissioner, who forwards it from a phone to the province; the province forwards it to the centre, which
answers; the answer comes back to the regency's workspace, is repeated until understood, logged and
documented, and the consultation is closed. The Sekretaris submits the day's recap, and the centre's auditor
finds the consultation's entries from all three offices with their chains intact. Each step is screenshotted
(test-artifacts/browser/test_one_story_across_three_offices/).
"""

from __future__ import annotations

import hashlib
import re
import shutil
import struct
import subprocess
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from uuid import UUID

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from domain.casefile import case_id
from gateways.reports.labels import STATUSES
from tests.browser.browsing import beside, choose, confirm, draw_signature, eventually, log_in, log_out, status_is

NAME = "Rahmat Hidayat"
PARTY = ("5", "Partai Nasional Demokrat", "NasDem")  # value or visible text, whichever the list uses
INVALID_PHONE = "12345"
PHONE = "0812 7777 1234"
PROBLEM = "Akun operator kecamatan tidak bisa dibuat di Sipol."
RESTATED = "Jadi akun operator tingkat kecamatan gagal dibuat?"
ANSWER = "Akun kecamatan dibuat oleh operator kabupaten partai melalui menu Kepengurusan."
BASIS = ("keputusan_kpu", "Keputusan KPU/Juknis")
REFERENCE = "Keputusan KPU 260/2022"
REPEATED = "Operator kabupaten partai yang membuat akun kecamatan, bukan operator kecamatan sendiri."
OFFICES = ("kab-16.13", "prov-16", "pusat")
INTACT = re.compile(r"utuh|valid|terverifikasi|intact|verified", re.IGNORECASE)
BROKEN = re.compile(r"rusak|bermasalah|tidak utuh|tidak valid|(tidak|belum) terverifikasi|gagal|broken|invalid|"
                    r"failed", re.IGNORECASE)
E164 = "+6281277771234"  # PHONE as stored: never shown whole in the audit trail
EMAIL_NAME = "Dewi Lestari"
# The centre's answer to the walk-in's case becomes an FAQ Sipol entry there (issue 15); the e-mail asks the same in
# chat words, the regency's desk finds the entry beside the problem and answers citing it, without escalating.
FAQ_QUESTION = "Akun operator tingkat kecamatan tidak bisa dibuat di Sipol"
EMAIL_PROBLEM = "min akun operator kecamatan gak bisa dibikin di sipol gimana ya"


def render_pdf_pages(pdf: Path) -> None:
    """Each page of a PDF as PNG beside it (pdftoppm from poppler-utils), when the machine has it."""
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "80", str(pdf), str(pdf.with_suffix(""))], check=True, timeout=60)


def tiny_png(width: int = 2, height: int = 2, colour: bytes = b"\xff\x00\x00") -> bytes:
    """A small PNG of one colour: by default 2×2 red, the documentation photo of the meeting."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + colour * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def sipol_screenshot() -> bytes:
    """The screenshot of SIPOL's error the consultee shows the desk: what the province must see to answer."""
    return tiny_png(64, 40, b"\x20\x60\xc0")


def attach_screenshot(desk: Page) -> None:
    choose(desk.get_by_label("Jenis dokumentasi", exact=True), "screenshot", "Tangkapan layar")
    desk.get_by_label("Berkas dokumentasi", exact=True).set_input_files(
        files=[{"name": "sipol-gagal-unggah.png", "mimeType": "image/png", "buffer": sipol_screenshot()}])
    click(desk, "Unggah dokumentasi")


def screenshot_arrived(page: Page) -> None:
    """The desk's screenshot came up with the case, checked by its SHA-256, and shows on the case's page (the guest's
    drawn signature, also kept at the regency, never leaves it)."""
    evidence = page.get_by_test_id("case-evidence")
    eventually(page, lambda: expect(evidence.locator("img")).to_have_count(1, timeout=1000),
               "the desk's screenshot on the case page above")
    expect(evidence.locator("li")).to_have_count(1)
    evidence.locator("img").scroll_into_view_if_needed()  # it loads lazily, when it comes into view
    page.wait_for_function("() => { const i = document.querySelector('[data-testid=case-evidence] img');"
                           " return i.complete && i.naturalWidth === 64; }")
    shown = page.request.get(evidence.locator("img").get_attribute("src") or "")
    assert shown.ok and shown.body() == sipol_screenshot()


def typed_and_suggested(desk: Page, problem: str, question: str) -> None:
    """Types the problem key by key, as the desk does; the FAQ panel beside it shows the entry asked."""
    field = desk.get_by_label("Permasalahan", exact=True)
    field.fill("")
    field.press_sequentially(problem, delay=10)
    expect(desk.get_by_test_id("faq-panel")).to_contain_text(question, timeout=3000)


def click(page: Page, button: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()


def fill(page: Page, label: str, text: str) -> None:
    page.get_by_label(label, exact=True).fill(text)


def posted(page: Page, button: str) -> Any:
    """Clicks a form's button and returns the response to its POST (before any redirect)."""
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        click(page, button)
    page.wait_for_load_state()
    return answer.value


def no_error_shown(page: Page) -> None:
    errors = page.locator("main .error:visible")
    assert errors.count() == 0, f"the page shows an error: {errors.all_inner_texts()}"


def test_one_story_across_three_offices(make_run, browser_page, shot):  # noqa: PLR0915 - one story, told in order
    kab, prov, pusat = make_run.regency, make_run.province, make_run.centre
    done: list[str] = []

    @contextmanager
    def step(name: str, page: Page) -> Iterator[None]:
        """One step of the story: screenshotted when it ends; when it fails, the screenshot shows where, and the
        failure names the step and the ones that passed before it."""
        try:
            yield
        except Exception as error:
            try:
                shot(page, f"FAILED-{name}")
            except Exception:  # noqa: BLE001 - the step's own failure is what matters
                pass
            raise AssertionError(f"story step {len(done) + 1} '{name}' failed at {page.url} "
                                 f"(passed before it: {', '.join(done) or 'none'}):\n{error}") from error
        shot(page, name)
        done.append(name)

    # The regency's front desk, on the tablet.
    desk = browser_page(kab, "tablet")
    with step("desk-logs-in", desk):
        log_in(desk, "anggota_helpdesk")

    with step("take-a-number", desk):
        desk.goto("/meja-depan")
        click(desk, "Ambil nomor antrian")
        no_error_shown(desk)

    with step("call-next", desk):
        click(desk, "Panggil berikutnya")
        expect(desk).to_have_url(re.compile(r"/meja-depan/tamu/\d+$"))
        number = desk.url.rsplit("/", 1)[1]
        guest_form = desk.url

    with step("queue-board", desk):
        board = desk.context.new_page()
        board.goto("/antrian")
        expect(board.get_by_test_id("now-serving")).to_contain_text(number)
        shot(board, "queue-board-now-serving")
        board.close()

    with step("guest-form-invalid-phone", desk):
        desk.goto(guest_form)
        fill(desk, "Nama", NAME)
        choose(desk.get_by_label("Partai politik", exact=True), *PARTY)
        fill(desk, "Nomor HP", INVALID_PHONE)
        draw_signature(desk)
        response = posted(desk, "Simpan daftar hadir")
        assert response.status == 422, f"an invalid phone answered {response.status}, not 422"
        phone = desk.get_by_label("Nomor HP", exact=True)
        message = desk.locator("#phone-error")
        expect(message).to_be_visible()
        expect(message).not_to_be_empty()
        expect(phone).to_have_attribute("aria-invalid", "true")
        expect(phone).to_have_attribute("aria-describedby", re.compile(r"\bphone-error\b"))
        beside(phone, message)
        expect(desk.get_by_label("Nama", exact=True)).to_have_value(NAME)  # what was typed is kept

    with step("guest-form-valid", desk):
        fill(desk, "Nama", NAME)
        choose(desk.get_by_label("Partai politik", exact=True), *PARTY)
        fill(desk, "Nomor HP", PHONE)
        draw_signature(desk)
        click(desk, "Simpan daftar hadir")
        expect(desk).to_have_url(re.compile(r"/konsultasi/[0-9a-f-]{36}$"), timeout=15_000)
        cid = desk.url.rsplit("/", 1)[1]
        status_is(desk, STATUSES["opened"])
        expect(desk.get_by_test_id("sop-clock")).to_be_visible()
        expect(desk.locator("main")).to_contain_text(NAME)

    workspace = f"/konsultasi/{cid}"

    for name, action, status in [
        ("record-problem", lambda: (fill(desk, "Permasalahan", PROBLEM), click(desk, "Catat permasalahan")),
         "problem_recorded"),
        ("restate-problem", lambda: (fill(desk, "Pengulangan permasalahan", RESTATED),
                                     click(desk, "Simpan pengulangan")), "problem_restated"),
        ("consultee-confirms", lambda: click(desk, "Pihak yang berkonsultasi menyatakan sesuai"), "problem_confirmed"),
        # The consultee's screenshot of SIPOL's error: it travels up with the case (the province must see it).
        ("attach-sipol-screenshot", lambda: attach_screenshot(desk), "problem_confirmed"),
        ("hand-to-commissioner", lambda: (fill(desk, "Alasan diserahkan", "Tidak tercakup FAQ Sipol."),
                                          click(desk, "Serahkan ke Anggota KPU")), "with_commissioner"),
    ]:
        with step(name, desk):
            action()
            status_is(desk, STATUSES[status])
            no_error_shown(desk)

    # The commissioner, on a phone.
    commissioner = browser_page(kab, "phone")
    with step("commissioner-opens-from-inbox", commissioner):
        log_in(commissioner, "anggota_kpu")
        commissioner.goto("/eskalasi")
        commissioner.locator(f"main a[href='{workspace}']").first.click()
        expect(commissioner).to_have_url(re.compile(re.escape(workspace) + "$"))
        status_is(commissioner, STATUSES["with_commissioner"])
        expect(commissioner.locator("main")).to_contain_text(PROBLEM)

    with step("commissioner-forwards-to-province", commissioner):
        fill(commissioner, "Catatan untuk provinsi", "Mohon arahan provinsi.")
        click(commissioner, "Teruskan ke KPU Provinsi")
        confirm(commissioner)
        status_is(commissioner, STATUSES["escalated"])
        no_error_shown(commissioner)

    case = f"/eskalasi/kasus/{case_id('kab-16.13', UUID(cid))}"

    def open_case(page: Page, office: str) -> None:
        page.goto("/eskalasi")
        link = page.locator(f"main a[href='{case}']")
        eventually(page, lambda: expect(link.first).to_be_visible(timeout=1000),
                   f"the case {case} in the inbox of {office}")
        link.first.click()
        expect(page).to_have_url(re.compile(re.escape(case) + "$"))
        expect(page.get_by_test_id("case-status")).to_be_visible()
        expect(page.locator("main")).to_contain_text(PROBLEM)

    # The province, on a desktop.
    province = browser_page(prov)
    with step("province-opens-case", province):
        log_in(province, "anggota_helpdesk")
        open_case(province, "prov-16")
        screenshot_arrived(province)

    with step("province-accepts", province):
        click(province, "Terima kasus")
        expect(province.get_by_role("button", name="Teruskan ke KPU RI", exact=True)).to_be_visible()
        no_error_shown(province)

    with step("province-forwards-to-centre", province):
        fill(province, "Catatan", "Perlu keputusan pusat.")
        click(province, "Teruskan ke KPU RI")
        confirm(province)
        expect(province.get_by_role("button", name="Teruskan ke KPU RI", exact=True)).to_have_count(0)
        no_error_shown(province)

    # The centre, on a desktop.
    centre = browser_page(pusat)
    with step("centre-opens-case", centre):
        log_in(centre, "anggota_helpdesk")
        open_case(centre, "pusat")
        screenshot_arrived(centre)  # passed on by the province

    with step("centre-accepts", centre):
        click(centre, "Terima kasus")
        expect(centre.get_by_role("button", name="Kirim jawaban", exact=True)).to_be_visible()
        no_error_shown(centre)

    with step("centre-answers", centre):
        fill(centre, "Jawaban", ANSWER)
        choose(centre.get_by_label("Jenis dasar", exact=True), *BASIS)
        fill(centre, "Rujukan dasar", REFERENCE)
        click(centre, "Kirim jawaban")
        expect(centre.get_by_role("button", name="Kirim jawaban", exact=True)).to_have_count(0)
        expect(centre.locator("main")).to_contain_text(ANSWER)
        no_error_shown(centre)

    # The learning loop at the centre: its answer becomes an FAQ entry, published to every office below.
    keeper = browser_page(pusat)
    with step("centre-drafts-faq-from-answer", keeper):
        log_in(keeper, "koordinator")
        keeper.goto(case)
        click(keeper, "Jadikan FAQ Sipol")
        expect(keeper).to_have_url(re.compile(r"/faq-sipol/[0-9a-f-]{36}/ubah$"))
        expect(keeper.get_by_label("Jawaban", exact=True)).to_have_value(ANSWER)  # prefilled from the case
        fill(keeper, "Pertanyaan", FAQ_QUESTION)
        keeper.get_by_label("Akun", exact=True).check()
        click(keeper, "Simpan draf")
        expect(keeper).to_have_url(re.compile(r"/faq-sipol/[0-9a-f-]{36}$"))
        no_error_shown(keeper)

    with step("centre-publishes-faq", keeper):
        keeper.get_by_role("link", name="Terbitkan", exact=True).click()
        click(keeper, "Ya, terbitkan")
        expect(keeper.locator("main")).to_contain_text("Terbit")
        expect(keeper.locator("main")).to_contain_text(FAQ_QUESTION)
        no_error_shown(keeper)

    # Back at the regency's front desk.
    with step("answer-back-at-regency", desk):
        desk.goto(workspace)
        eventually(desk, lambda: expect(desk.get_by_test_id("status")).to_contain_text(
            STATUSES["answered"], timeout=1000), "the centre's answer in the regency's workspace")
        expect(desk.locator("main")).to_contain_text(ANSWER)
        expect(desk.locator("main")).to_contain_text(REFERENCE)

    # Issue 16: the desk that handed it over is told the answer came back: a count on the menu's badge, the notice
    # in its list, and opening it leads back to the workspace, where the story goes on.
    with step("answer-notified-at-regency", desk):
        eventually(desk, lambda: expect(desk.get_by_test_id("notif-badge")).to_have_text(
            re.compile(r"^[1-9][0-9]*$"), timeout=1000), "an unread count on the regency desk's menu badge")
        desk.goto("/notifikasi")
        consultation_number = f"HD-{UUID(cid).hex[:8]}"
        notice = desk.get_by_test_id("notification").filter(has_text=consultation_number).filter(
            has_text="Jawaban kembali dari atas")
        expect(notice).to_have_count(1)
        expect(notice).to_have_attribute("data-read", "no")
        expect(notice).to_contain_text(f"Jawaban untuk konsultasi {consultation_number}")
        shot(desk, "answer-notice-listed")
        notice.get_by_role("button", name=f"Buka {consultation_number}", exact=True).click()
        expect(desk).to_have_url(re.compile(re.escape(workspace) + "$"))
        status_is(desk, STATUSES["answered"])

    for name, action, status in [
        ("not-understood", lambda: click(desk, "Belum dipahami"), "not_understood"),
        ("repeat-answer", lambda: (fill(desk, "Penjelasan ulang", REPEATED), click(desk, "Ulangi jawaban")),
         "answered"),
        ("understood", lambda: click(desk, "Dipahami"), "understood"),
        ("log-in-report", lambda: click(desk, "Catat ke laporan helpdesk"), "logged"),
    ]:
        with step(name, desk):
            action()
            status_is(desk, STATUSES[status])
            no_error_shown(desk)

    with step("upload-documentation", desk):
        choose(desk.get_by_label("Jenis dokumentasi", exact=True), "photo", "Foto")
        desk.get_by_label("Berkas dokumentasi", exact=True).set_input_files(
            files=[{"name": "dokumentasi-tatap-muka.png", "mimeType": "image/png", "buffer": tiny_png()}])
        response = posted(desk, "Unggah dokumentasi")
        assert response.status < 400, f"the upload answered {response.status}"
        no_error_shown(desk)
        status_is(desk, STATUSES["logged"])
        # The photo is kept in the S3 server, under the regency's prefix (its cloud folder, beside the guest's
        # signature), byte for byte, and nowhere in the node's own folder.
        digest = hashlib.sha256(tiny_png()).hexdigest()
        photo = f"kab-16-13/{digest[:2]}/{digest}.png"
        assert photo in make_run.s3.object_names("kab-16-13/")
        assert make_run.s3.object_bytes(photo) == tiny_png()
        assert not list((make_run.data / "kab-16.13" / "files").glob(f"*/{digest}.png"))

    with step("close-consultation", desk):
        click(desk, "Tutup konsultasi")
        confirm(desk)
        status_is(desk, STATUSES["closed"])
        no_error_shown(desk)

    # The Sekretaris submits the day's recap.
    secretary = browser_page(kab)
    with step("secretary-submits-recap", secretary):
        log_in(secretary, "sekretaris_helpdesk")
        secretary.goto("/laporan")
        expect(secretary.get_by_label("Tanggal", exact=True)).to_be_visible()
        # One page per report: the recap's card leads to its page, where submitting asks first.
        secretary.get_by_test_id("report-card").filter(has_text="Rekapitulasi harian").get_by_role("link").click()
        with secretary.expect_response(lambda r: r.request.method == "POST") as answer:
            click(secretary, "Serahkan rekapitulasi")
            confirm(secretary)
        secretary.wait_for_load_state()
        response = answer.value
        assert response.status < 400, f"submitting the recap answered {response.status}"
        no_error_shown(secretary)
        # Submitted: it cannot be submitted again, only corrected with a reason.
        expect(secretary.get_by_role("button", name="Serahkan rekapitulasi", exact=True)).to_have_count(0)
        expect(secretary.get_by_label("Alasan koreksi", exact=True)).to_be_visible()
        expect(secretary.get_by_role("button", name="Simpan koreksi", exact=True)).to_be_visible()

    with step("guest-book-printed-with-signature", secretary):
        # The Daftar Hadir lists the walk-in from the guest book, with the signature drawn at the front desk.
        secretary.get_by_test_id("report-nav").get_by_role("link", name="Daftar Hadir", exact=True).click()
        preview = secretary.get_by_test_id("preview-daftar_hadir")
        expect(preview).to_contain_text(NAME)
        signature = preview.locator("img.signature-thumb")
        expect(signature).to_have_count(1)
        signature.scroll_into_view_if_needed()
        assert signature.evaluate("img => img.complete && img.naturalWidth > 0"), "the signature did not load"
        link = secretary.get_by_test_id("daily-daftar_hadir").get_by_role("link", name=re.compile("PDF"))
        pdf = secretary.request.get(link.get_attribute("href") or "")
        assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
        printed = shot.folder / "daftar-hadir.pdf"
        printed.write_bytes(pdf.body())
        [sheet] = PdfReader(printed).pages
        assert NAME in sheet.extract_text(), "the walk-in's name is not on the printed Daftar Hadir"
        # The letterhead's logo and the one signature.
        assert len(sheet.images) == 2, f"the printed Daftar Hadir holds {len(sheet.images)} images, not 2"
        render_pdf_pages(printed)  # PNG beside the screenshots, to look at

    with step("secretary-logs-out", secretary):
        log_out(secretary)

    # An e-mail at the regency's desk: answered from the FAQ without restating (SOP C.a), logged, closed.
    with step("email-consultation-opened", desk):
        desk.goto("/konsultasi/baru")
        choose(desk.get_by_label("Saluran", exact=True), "email")
        fill(desk, "Nama", EMAIL_NAME)
        fill(desk, "E-mail", "operator@partai.example")
        choose(desk.get_by_label("Partai politik", exact=True), *PARTY)
        click(desk, "Buka konsultasi")
        expect(desk).to_have_url(re.compile(r"/konsultasi/[0-9a-f-]{36}$"))
        expect(desk.get_by_test_id("script-note")).to_be_visible()
        no_error_shown(desk)

    with step("email-problem-recorded", desk):
        # The centre's entry has reached the regency over NATS (through the province): it is beside the problem.
        eventually(desk, lambda: typed_and_suggested(desk, EMAIL_PROBLEM, FAQ_QUESTION),
                   "the centre's new FAQ entry beside the regency's problem form")
        click(desk, "Catat permasalahan")
        status_is(desk, STATUSES["problem_recorded"])
        # Restating is offered, not required: the answer form is there at once.
        expect(desk.get_by_role("button", name="Simpan jawaban", exact=True)).to_be_visible()

    with step("email-answered-citing-the-faq", desk):
        cite = desk.get_by_test_id("faq-cite").locator("li").filter(has_text=FAQ_QUESTION)
        cite.get_by_label("Kutip entri ini").check()
        fill(desk, "Jawaban", ANSWER)
        click(desk, "Simpan jawaban")
        status_is(desk, STATUSES["answered"])  # at the desk: not handed over, not escalated
        expect(desk.get_by_test_id("faq-basis")).to_contain_text(
            re.compile(r"FAQ Sipol #[0-9a-f]{8} v1: " + re.escape(FAQ_QUESTION)))
        no_error_shown(desk)

    with step("email-logged-and-closed", desk):
        click(desk, "Catat ke laporan helpdesk")  # no "understood?" asked of an e-mail
        status_is(desk, STATUSES["logged"])
        click(desk, "Tutup konsultasi")  # and no photo needed
        confirm(desk)
        status_is(desk, STATUSES["closed"])
        expect(desk.get_by_test_id("restatement")).to_have_count(0)
        no_error_shown(desk)

    # The centre's auditor.
    auditor = browser_page(pusat)
    with step("auditor-searches-consultation", auditor):
        log_in(auditor, "koordinator")
        auditor.goto("/audit")
        fill(auditor, "Konsultasi", cid)
        click(auditor, "Cari")
        expect(auditor.get_by_label("Konsultasi", exact=True)).to_have_value(cid)
        # The found entries: the rows of the tables other than the chain verification.
        entries = auditor.locator("main table:not([data-testid='chain-status']) tbody tr")

        def every_office_there() -> None:
            for office in OFFICES:
                expect(entries.filter(has_text=office).first).to_be_visible(timeout=1000)

        eventually(auditor, every_office_there, "entries of kab-16.13, prov-16 and pusat in the centre's audit")
        found = " ".join(entries.all_inner_texts())
        assert E164 not in found and "0812 7777 1234" not in found, "the consultee's phone number is shown whole"
        # Issue 12: nor any part of the number or the name (the chain carries pseudonyms).
        assert "7777" not in found and NAME not in found and "psn:" in found, "the consultee shown at the centre"

    with step("auditor-sees-chains-intact", auditor):
        chains = auditor.get_by_test_id("chain-status")
        expect(chains.first).to_be_visible()
        rows = chains.locator("tbody tr")
        texts = rows.all_inner_texts() if rows.count() else chains.all_inner_texts()
        for office in OFFICES:
            assert any(office in text for text in texts), f"no chain of {office} in {texts}"
        for text in texts:
            assert INTACT.search(text) and not BROKEN.search(text), f"chain status: {text!r}"

    with step("auditor-opens-consultation-history", auditor):
        auditor.locator(f"main a[href='/audit/konsultasi/{cid}']").first.click()
        expect(auditor).to_have_url(re.compile(rf"/audit/konsultasi/{cid}$"))
        history = auditor.locator("main")
        for office in OFFICES:
            expect(history).to_contain_text(office)
        assert E164 not in history.inner_text(), "the consultee's phone number is shown whole"
