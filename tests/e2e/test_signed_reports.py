"""The reports an office signs, through the HTTP API and the account page (issue 17): the daily recap as a recap with
its figures first, one number per document, signatures named from the staff read model with their NIPs, and the CSV
as Indonesian Excel reads it."""

from __future__ import annotations

import csv
import io

import openpyxl
import pypdf
from litestar.testing import TestClient

from domain.roles import Role
from gateways.bootstrap import Node
from tests.e2e.conftest import sign_in
from tests.support.report_day import DAY, busy_day

RECAP = f"/api/reports/rekapitulasi_harian/{DAY}/{DAY}"


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_the_daily_recap_puts_its_figures_first_and_is_signed_in_the_usual_form(
        api: TestClient, memory_node: Node, clock) -> None:
    day = busy_day(api, memory_node, clock)
    secretary = day.headers["sekretaris"]
    assert api.post(RECAP, headers=secretary).status_code == 201
    text = pdf_text(api.get(f"{RECAP}/versions/1", headers=secretary).content)
    # Counts by channel, step compliance, escalations and the open matters come before the list.
    order = [text.index(heading) for heading in (
        "A. Jumlah konsultasi per saluran", "B. Kepatuhan mutu baku waktu SOP per langkah", "C. Eskalasi",
        "D. Konsultasi yang masih terbuka", "Daftar konsultasi")]
    assert order == sorted(order)
    open_matters = text[order[3]:order[4]]
    # The consultation waiting on the commissioner heads the open matters; the closed ones are not among them.
    assert open_matters.index("Yohanes Kristianto") < open_matters.index("Ñoman Ṣuryadi")
    assert "Larasati" not in open_matters and "Teuku Rizal" not in open_matters
    assert "Melewati standar" in text and "Masih menunggu jawaban Anggota KPU atau helpdesk di atas" in text
    # The staff by their full names, never their usernames; the Ketua acknowledges, the Sekretaris signs.
    assert "Dewi Lestari" in text and "petugas" not in text.replace("Petugas", "")
    for line in ("Mengetahui,", "Ketua Helpdesk", "Drs. Ahmad Ḥasan Basri, M.Si.", "NIP. 197203151998031002",
                 "Sekretaris Helpdesk", "Siti Aminah Ṣāliḥah, S.Kom.", "NIP. 198501012010012001"):
        assert line in text, line
    assert "Kepada" not in text


def test_each_printed_document_has_its_own_number_and_keeps_it(api: TestClient, memory_node: Node, clock) -> None:
    day = busy_day(api, memory_node, clock)
    secretary = day.headers["sekretaris"]
    # A draft is not numbered: only what is submitted is a document of the office.
    assert "Nomor" not in pdf_text(api.get(f"{RECAP}/draft", headers=secretary, params={"format": "pdf"}).content)
    assert api.post(RECAP, headers=secretary).status_code == 201
    first = pdf_text(api.get(f"{RECAP}/versions/1", headers=secretary).content)
    assert "Nomor: 001/HD.SIPOL/1613/VII/2024" in first
    # Printed again (and as a workbook): the same number.
    assert "Nomor: 001/HD.SIPOL/1613/VII/2024" in pdf_text(api.get(f"{RECAP}/versions/1", headers=secretary).content)
    sheet = openpyxl.load_workbook(io.BytesIO(api.get(f"{RECAP}/versions/1", headers=secretary,
                                                      params={"format": "xlsx"}).content)).active
    assert "Nomor: 001/HD.SIPOL/1613/VII/2024" in [c.value for row in sheet.iter_rows() for c in row]
    # The Daftar Hadir of the day is the next document; the corrected recap, version 2, the one after.
    hadir = api.get("/api/reports/daily/daftar_hadir", headers=secretary, params={"day": DAY, "format": "pdf"})
    assert "Nomor: 002/HD.SIPOL/1613/VII/2024" in pdf_text(hadir.content)
    day.remote("email", "Sore Hari", {"email": "sore@partai-contoh.example"})
    assert api.post(f"{RECAP}/corrections", headers=secretary, json={"reason": "Surel sore."}).status_code == 201
    assert "Nomor: 003/HD.SIPOL/1613/VII/2024" in pdf_text(api.get(f"{RECAP}/versions/2", headers=secretary).content)


def test_the_csv_is_for_indonesian_excel_on_request_with_one_charset(api: TestClient, memory_node: Node, clock
                                                                      ) -> None:
    day = busy_day(api, memory_node, clock)
    desk = day.headers["koord-harian"]
    url = "/api/reports/daily/daftar_hadir"
    plain = api.get(url, headers=desk, params={"day": DAY, "format": "csv"})
    assert plain.headers["content-type"] == "text/csv; charset=utf-8"  # once, not "…; charset=utf-8; charset=utf-8"
    semicolon = api.get(url, headers=desk, params={"day": DAY, "format": "csv", "pemisah": "titik-koma"})
    text = semicolon.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("No;Tanggal/Waktu;Nama;Nomor HP;")
    lines = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert [line[3] for line in lines[1:]] == ["0812-1111-2222", "0813-3333-4444", "0852-5555-6666"]
    assert lines[2][4] == "-"  # no e-mail: a dash, not "'-"
    refused = api.get(url, headers=desk, params={"day": DAY, "format": "csv", "pemisah": "tab"})
    assert refused.status_code == 400


def test_a_staff_member_records_their_nip_on_the_account_page_and_signs_with_it(api: TestClient, memory_node: Node
                                                                                 ) -> None:
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK, "dewi")
    page = api.get("/akun")
    assert 'action="/akun/nip"' in page.text and 'name="nip"' in page.text
    wrong = api.post("/akun/nip", data={"nip": "1985 0101"})
    assert wrong.status_code == 422 and 'id="nip-error"' in wrong.text and 'value="1985 0101"' in wrong.text
    kept = api.post("/akun/nip", data={"nip": "19900220 201903 2 011"})
    assert kept.status_code == 200 and "NIP disimpan" in kept.text and 'value="199002202019032011"' in kept.text
    # Her daily report is signed by her, with the NIP; its superior, unknown here, is left to write by hand.
    pdf = api.get("/api/reports/daily/laporan_harian", params={"format": "pdf"})
    text = pdf_text(pdf.content)
    assert "Petugas dewi" in text and "NIP. 199002202019032011" in text
    assert "Mengetahui," in text and "Koordinator Harian Helpdesk" in text and "NIP. " + "." * 32 in text
