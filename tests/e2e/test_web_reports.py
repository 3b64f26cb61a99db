"""The reports pages: /laporan, an index of one card per report keeping the period chosen, and each report on its
own page: a day's lists with previews and real downloads (the Daftar Hadir with the signatures of the guest book), and
the daily recap submitted (the form saying first what will happen), refused without a reason or without a change, and
corrected through its forms; only the roles that may submit see the buttons; days to come are refused beside their
field."""

from __future__ import annotations

import html as html_lib
import io
import re
from datetime import date

import pypdf
from litestar.testing import TestClient

from domain.frozen_report import ReportKind
from domain.roles import Role
from gateways.bootstrap import Node
from gateways.messages import message
from tests.conftest import FakeClock
from tests.e2e.conftest import open_consultation, sign_in
from tests.e2e.test_web_frontdesk import GUEST, PNG

DAY = "2024-07-29"  # the FakeClock's day (08.30 WIB)


def opened_then_secretary(api: TestClient, node: Node, name: str) -> None:
    """The desk officer opens a consultation for `name` today; then the secretary signs in."""
    sign_in(api, node, Role.ANGGOTA_HELPDESK, "petugas")
    open_consultation(api, name, party_number=2)
    sign_in(api, node, Role.SEKRETARIS_HELPDESK, "sekretaris")


def sign_guest_book(api: TestClient, name: str) -> None:
    """A walk-in at the front desk, through its pages: a number taken, called, the guest book signed."""
    api.post("/meja-depan/tiket")
    called = api.post("/meja-depan/panggil", follow_redirects=False)
    assert called.status_code == 303, called.text
    signed = api.post(called.headers["location"], data={**GUEST, "name": name}, follow_redirects=False)
    assert signed.status_code == 303, signed.text


def section(html: str, testid: str) -> str:
    """The table marked `testid`, from its start tag to its end."""
    start = html.index(f'data-testid="{testid}"')
    return html[start:html.index("</table>", start)]


def links(html: str, label: str) -> list[str]:
    return [html_lib.unescape(href) for href in re.findall(rf'<a href="([^"]+)"[^>]*>{re.escape(label)}<', html)]


def versions_shown(html: str) -> list[tuple[str, str, str]]:
    rows = re.findall(
        r'data-testid="version-number">(\d+)</td>\s*<td class="hash"[^>]* data-testid="version-hash">([0-9a-f]+)</td>'
        r'.*?data-testid="version-corrects">([^<]*)</td>', html, re.S)
    return [(n, h, c.strip()) for n, h, c in rows]


REPORTS = ["daftar-hadir", "daftar-permasalahan", "jawaban-solusi", "laporan-harian", "dokumentasi-foto",
           "rekapitulasi", "kepatuhan", "berkala"]


def cards(html: str) -> dict[str, str]:
    """The index's cards: each report's page, by its name in the URL."""
    found = re.findall(r'data-report="([^"]+)">\s*<a href="([^"]+)"', html)
    return {slug: html_lib.unescape(href) for slug, href in found}


def confirmation(html: str, action: str) -> str:
    """The sentence the form posting to `action` asks to confirm before it submits."""
    form = re.search(rf'<form method="post" action="{re.escape(action)}"[^>]*>', html)
    assert form, action
    said = re.search(r'data-confirm="([^"]+)"', form.group(0))
    assert said, form.group(0)
    return html_lib.unescape(said.group(1))


def recap_versions(node: Node) -> list:
    d = date.fromisoformat(DAY)
    return node.helpdesk.report_versions("kab-16.13", ReportKind.DAILY_RECAP, d, d)


def test_the_days_lists_preview_a_consultation_and_download_as_pdf_xlsx_csv(api: TestClient, memory_node: Node
                                                                            ) -> None:
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK, "petugas")
    sign_guest_book(api, "Siti Pratinjau")
    open_consultation(api, "Lewat Surel", party_number=2)  # opened at the desk's computer, not through the guest book
    response = api.get("/laporan")
    assert response.status_code == 200, response.text
    index = response.text
    assert 'id="tanggal"' in index and f'value="{DAY}"' in index and '<label for="tanggal">Tanggal</label>' in index
    # The index previews nothing: one card per report, each its own page, the period kept in the link.
    assert "<table" not in index and "Siti Pratinjau" not in index
    found = cards(index)
    assert list(found) == REPORTS
    assert found["daftar-hadir"] == f"/laporan/daftar-hadir?tanggal={DAY}&dari=2024-07-23&sampai={DAY}"
    pages = {}
    for slug, url in found.items():
        response = api.get(url)
        assert response.status_code == 200, (url, response.text)
        pages[slug] = response.text
        # Each page names itself in the navigation between the reports, and has its own period picker.
        assert f'href="/laporan/{slug}?' in response.text and 'aria-current="page">' in response.text
        assert 'data-testid="period-picker"' in response.text
    page = pages["daftar-hadir"]
    assert '<label for="tanggal">Tanggal</label>' in page and '<label for="dari">' not in page
    assert '<label for="dari">Dari tanggal</label>' in pages["berkala"]
    attendance = section(page, "preview-daftar_hadir")
    assert "Siti Pratinjau" in attendance and "Lewat Surel" not in attendance  # the guest book only
    assert "Siti Pratinjau" in section(pages["daftar-permasalahan"], "preview-daftar_permasalahan")
    assert "Siti Pratinjau" in section(pages["laporan-harian"], "preview-laporan_harian")  # opened by the officer
    # The signature is shown in the preview, from the front desk's own route.
    [source] = re.findall(r'<img class="signature-thumb" src="(/meja-depan/tanda-tangan/[^"]+)" alt="([^"]*)"',
                          attendance)
    assert source[1] == "Tanda tangan Siti Pratinjau"
    image = api.get(source[0])
    assert image.status_code == 200 and image.content == PNG

    pdfs = [url for html in pages.values() for url in links(html, "Unduh PDF")]
    assert f"/api/reports/daily/daftar_hadir?day={DAY}&format=pdf" in links(page, "Unduh PDF")
    assert len(pdfs) == 6  # five daily lists and the SOP-compliance report
    for url in pdfs:
        download = api.get(url)
        assert download.status_code == 200, (url, download.text[:200])
        assert download.headers["content-type"] == "application/pdf" and download.content.startswith(b"%PDF")
    hadir = api.get(f"/api/reports/daily/daftar_hadir?day={DAY}&format=pdf").content
    [pdf_page] = pypdf.PdfReader(io.BytesIO(hadir)).pages
    assert len(pdf_page.images) == 2  # the letterhead's logo and the drawn signature, printed
    [xlsx] = [u for u in links(page, "Unduh XLSX") if "daftar_hadir" in u]
    assert api.get(xlsx).headers["content-type"].startswith("application/vnd.openxmlformats")
    [csv] = [u for u in links(page, "Unduh CSV") if "daftar_hadir" in u]
    assert "Siti Pratinjau" in api.get(csv).content.decode("utf-8-sig")
    # And one for Excel set to Indonesian, whose list separator is the semicolon.
    [semicolons] = [u for u in links(page, "Unduh CSV untuk Excel Indonesia (titik koma)") if "daftar_hadir" in u]
    header = api.get(semicolons).content.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("No;Tanggal/Waktu;Nama;") and "," not in header

    # Another day shows that day's lists only.
    other = api.get("/laporan/daftar-hadir", params={"tanggal": "2024-07-28"}).text
    assert "Siti Pratinjau" not in other and "day=2024-07-28&amp;format=pdf" in other


def test_an_unreadable_date_is_shown_beside_its_field(api: TestClient, memory_node: Node) -> None:
    sign_in(api, memory_node, Role.KOORDINATOR, "koordinator")
    response = api.get("/laporan", params={"tanggal": "kemarin"})
    assert response.status_code == 422
    assert 'aria-describedby="tanggal-error"' in response.text and 'id="tanggal-error"' in response.text
    backwards = api.get("/laporan", params={"tanggal": DAY, "dari": "2024-07-29", "sampai": "2024-07-01"})
    assert backwards.status_code == 422 and 'id="sampai-error"' in backwards.text
    # The same beside the fields of a report's own page.
    own = api.get("/laporan/rekapitulasi", params={"tanggal": "kemarin"})
    assert own.status_code == 422 and 'id="tanggal-error"' in own.text
    assert api.get("/laporan/berkala", params={"dari": "2024-07-29", "sampai": "2024-07-01"}).status_code == 422
    assert api.get("/laporan/tidak-ada").status_code == 404


def test_the_secretary_submits_then_corrects_the_recap_through_the_forms(
    api: TestClient, memory_node: Node, clock: FakeClock
) -> None:
    opened_then_secretary(api, memory_node, "Pertama")
    page = api.get(cards(api.get("/laporan", params={"tanggal": DAY}).text)["rekapitulasi"]).text
    assert "Serahkan rekapitulasi" in page and "Rekapitulasi tanggal ini belum diserahkan." in page
    assert "Pertama" in section(page, "recap-draft")
    # The form says what submitting does, for the page to ask before it submits.
    assert confirmation(page, f"/laporan/rekap/{DAY}") == (
        "Rekapitulasi tanggal Senin, 29 Juli 2024 akan diserahkan dan dibekukan;"
        " perubahan berikutnya menjadi versi baru.")
    # The submit comes first: before the draft's preview.
    assert page.index(f'action="/laporan/rekap/{DAY}"') < page.index('data-testid="recap-draft"')

    submitted = api.post(f"/laporan/rekap/{DAY}", follow_redirects=False)
    assert submitted.status_code == 303
    assert submitted.headers["location"] == f"/laporan/rekapitulasi?tanggal={DAY}"
    [v1] = recap_versions(memory_node)
    page = api.get(submitted.headers["location"]).text
    assert versions_shown(page) == [("1", v1.content_hash, "–")]
    assert "Serahkan rekapitulasi" not in page and '<label for="reason">Alasan koreksi</label>' in page
    assert confirmation(page, f"/laporan/rekap/{DAY}/koreksi") == (
        "Koreksi rekapitulasi tanggal Senin, 29 Juli 2024 akan disimpan sebagai versi baru;"
        " versi lama tetap tersimpan.")
    # Each version downloads as it was frozen.
    [pdf] = [u for u in links(page, "Unduh PDF") if "/versions/1" in u]
    assert pdf == f"/api/reports/rekapitulasi_harian/{DAY}/{DAY}/versions/1?format=pdf"
    assert api.get(pdf).headers["content-type"] == "application/pdf"

    # Submitting again is refused with the reason: a submitted recap changes only by a correction.
    again = api.post(f"/laporan/rekap/{DAY}", follow_redirects=False)
    assert again.status_code == 409 and "Ajukan koreksi" in again.text
    assert len(recap_versions(memory_node)) == 1

    # A correction without a reason: 422, the message beside "Alasan koreksi", nothing recorded.
    clock.advance(minutes=30)
    opened_then_secretary(api, memory_node, "Kedua")
    empty = api.post(f"/laporan/rekap/{DAY}/koreksi", data={"reason": "  "}, follow_redirects=False)
    assert empty.status_code == 422
    field = re.search(r'<textarea id="reason"[^>]*>', empty.text).group(0)
    assert 'aria-invalid="true"' in field and 'aria-describedby="reason-error"' in field
    assert '<p class="error" id="reason-error">Cantumkan alasan koreksi.</p>' in empty.text
    assert len(recap_versions(memory_node)) == 1

    # With a reason: version 2, referring to version 1; both listed.
    corrected = api.post(f"/laporan/rekap/{DAY}/koreksi", data={"reason": "Konsultasi siang belum masuk."},
                         follow_redirects=False)
    assert corrected.status_code == 303
    assert corrected.headers["location"] == f"/laporan/rekapitulasi?tanggal={DAY}"
    v1_again, v2 = recap_versions(memory_node)
    assert (v2.version, v2.corrects, v2.reason) == (2, 1, "Konsultasi siang belum masuk.")
    page = api.get(corrected.headers["location"]).text
    assert versions_shown(page) == [("1", v1.content_hash, "–"),
                                    ("2", v2.content_hash, "Versi 1: Konsultasi siang belum masuk.")]
    assert v1_again.content_hash == v1.content_hash != v2.content_hash
    second = api.get(f"/api/reports/rekapitulasi_harian/{DAY}/{DAY}/versions/2", params={"format": "csv"})
    assert "Kedua" in second.content.decode("utf-8-sig")


def test_a_desk_officer_sees_no_submit_button_and_is_refused(api: TestClient, memory_node: Node) -> None:
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK, "petugas")
    open_consultation(api, "Pertama", party_number=2)
    page = api.get("/laporan/rekapitulasi").text + api.get("/laporan/berkala").text
    assert "Rekapitulasi tanggal ini belum diserahkan." in page
    assert "Serahkan rekapitulasi" not in page and "Serahkan laporan berkala" not in page
    refused = api.post(f"/laporan/rekap/{DAY}", follow_redirects=False)
    assert refused.status_code == 403 and "Anda tidak berhak membuka halaman ini." in refused.text
    assert api.post(f"/laporan/rekap/{DAY}/koreksi", data={"reason": "x"}, follow_redirects=False).status_code == 403
    assert recap_versions(memory_node) == []


def test_the_chair_submits_the_periodic_report_for_a_range(api: TestClient, memory_node: Node) -> None:
    sign_in(api, memory_node, Role.SEKRETARIS_HELPDESK, "sekretaris")
    assert "Serahkan laporan berkala" not in api.get("/laporan/berkala").text
    assert api.post("/laporan/berkala/2024-07-23/2024-07-29", data={"tanggal": DAY},
                    follow_redirects=False).status_code == 403

    sign_in(api, memory_node, Role.KETUA_HELPDESK, "ketua")
    page = api.get("/laporan/berkala", params={"tanggal": DAY, "dari": "2024-07-22", "sampai": "2024-07-29"}).text
    assert '<label for="dari">Dari tanggal</label>' in page and '<label for="sampai">Sampai tanggal</label>' in page
    assert 'action="/laporan/berkala/2024-07-22/2024-07-29"' in page and "Serahkan laporan berkala" in page
    said = confirmation(page, "/laporan/berkala/2024-07-22/2024-07-29")
    assert said.startswith("Laporan berkala ") and said.endswith(
        " akan diserahkan dan dibekukan; perubahan berikutnya menjadi versi baru.")
    done = api.post("/laporan/berkala/2024-07-22/2024-07-29", data={"tanggal": DAY}, follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"] == f"/laporan/berkala?tanggal={DAY}&dari=2024-07-22&sampai=2024-07-29"
    page = api.get(done.headers["location"]).text
    periodic = page[page.index('data-testid="periodic"'):]
    assert versions_shown(periodic)[0][0] == "1"
    assert "/api/reports/laporan_berkala/2024-07-22/2024-07-29/versions/1?format=pdf" in periodic
    empty = api.post("/laporan/berkala/2024-07-22/2024-07-29/koreksi", data={"tanggal": DAY, "reason": ""},
                     follow_redirects=False)
    assert empty.status_code == 422 and 'id="periodic-reason-error"' in empty.text


def test_a_correction_that_changes_nothing_is_refused_through_the_form(
    api: TestClient, memory_node: Node, clock: FakeClock
) -> None:
    opened_then_secretary(api, memory_node, "Pertama")
    assert api.post(f"/laporan/rekap/{DAY}", follow_redirects=False).status_code == 303
    clock.advance(minutes=45)  # later, and nothing new: the draft is what was submitted
    same = api.post(f"/laporan/rekap/{DAY}/koreksi", data={"reason": "Periksa ulang."}, follow_redirects=False)
    assert same.status_code == 409
    assert html_lib.escape(message("correction_unchanged", "id"), quote=False) in same.text
    assert len(recap_versions(memory_node)) == 1


def test_days_to_come_are_refused_beside_their_field(api: TestClient, memory_node: Node) -> None:
    sign_in(api, memory_node, Role.KETUA_HELPDESK, "ketua")
    future = message("period_not_begun", "id")
    tomorrow = api.get("/laporan", params={"tanggal": "2024-07-30"})
    assert tomorrow.status_code == 422
    assert f'<p class="error" id="tanggal-error">{future}</p>' in tomorrow.text
    assert 'data-testid="report-day">Senin, 29 Juli 2024' in tomorrow.text  # today's lists shown instead
    ahead = api.get("/laporan", params={"tanggal": DAY, "dari": "2024-07-23", "sampai": "2024-07-30"})
    assert ahead.status_code == 422 and f'<p class="error" id="sampai-error">{future}</p>' in ahead.text
    too_long = api.get("/laporan", params={"tanggal": DAY, "dari": "2023-07-29", "sampai": DAY})
    assert too_long.status_code == 422
    assert f'<p class="error" id="sampai-error">{message("period_too_long", "id")}</p>' in too_long.text
    refused = api.post("/laporan/berkala/2024-07-23/2024-07-30", data={"tanggal": DAY}, follow_redirects=False)
    assert refused.status_code == 422 and future in refused.text
    assert memory_node.helpdesk.report_versions(
        "kab-16.13", ReportKind.PERIODIC, date(2024, 7, 23), date(2024, 7, 30)) == []
