"""The SOP's reports through the API: local days, real PDF and XLSX files, and a recap frozen then corrected."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import openpyxl
import pypdf
from litestar.testing import TestClient

from domain.roles import Role

DAY = "2024-07-29"
RECAP = f"/api/reports/rekapitulasi_harian/{DAY}/{DAY}"


def open_consultation(api: TestClient, desk: dict[str, str], name: str, phone: str) -> str:
    response = api.post("/api/consultations", headers=desk, json={
        "channel": "walk_in", "consultee": {"name": name, "party_number": 2, "phone": phone}})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_a_day_is_the_offices_local_day_in_every_format(api: TestClient, as_role, clock) -> None:
    # 23:30 WIB on 29 July (16:30 UTC), and one hour later: 00:30 WIB on 30 July, still 29 July in UTC.
    clock.now = datetime(2024, 7, 29, 16, 30, tzinfo=UTC)
    desk = as_role(Role.ANGGOTA_HELPDESK)
    open_consultation(api, desk, "Larut Malam", "0812 1111 2222")
    clock.now = datetime(2024, 7, 29, 17, 30, tzinfo=UTC)
    open_consultation(api, desk, "Lewat Tengah Malam", "0812 3333 4444")

    first = api.get("/api/reports/daily/daftar_hadir", headers=desk, params={"day": DAY}).json()
    second = api.get("/api/reports/daily/daftar_hadir", headers=desk, params={"day": "2024-07-30"}).json()
    assert [row[2] for row in first["rows"]] == ["Larut Malam"]
    assert [row[2] for row in second["rows"]] == ["Lewat Tengah Malam"]
    assert first["period"] == "Senin, 29 Juli 2024 (00.00–24.00 WIB)"
    assert first["rows"][0][1] == "29-07 23.30 WIB"

    # The same list as a PDF a reader opens: letterhead, title, the row, page numbers, the signature block.
    pdf = api.get("/api/reports/daily/daftar_hadir", headers=desk, params={"day": DAY, "format": "pdf"})
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert "attachment" in pdf.headers["content-disposition"]
    text = pdf_text(pdf.content)
    for expected in ("KOMISI PEMILIHAN UMUM", "DAFTAR HADIR HELPDESK KONSULTASI", "Larut Malam", "+6281211112222",
                     "Halaman 1 dari 1", "Koordinator Harian Helpdesk"):
        assert expected in text, expected
    assert "Lewat Tengah Malam" not in text

    # And as a workbook: the header row, then the consultee's row with a numeric row number.
    xlsx = api.get("/api/reports/daily/daftar_hadir", headers=desk, params={"day": DAY, "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[:3] == ("No", "Tanggal/Waktu", "Nama"))
    assert rows[header + 1][:3] == (1, "29-07 23.30 WIB", "Larut Malam")

    csv = api.get("/api/reports/daily/daftar_hadir", headers=desk, params={"day": DAY, "format": "csv"})
    assert csv.content.startswith(b"\xef\xbb\xbf") and "Larut Malam" in csv.content.decode("utf-8-sig")


def test_a_submitted_recap_is_frozen_and_a_correction_is_version_two(api: TestClient, as_role, clock) -> None:
    clock.now = datetime(2024, 7, 29, 9, 0, tzinfo=UTC)  # 16.00 WIB
    desk, secretary = as_role(Role.ANGGOTA_HELPDESK), as_role(Role.SEKRETARIS_HELPDESK)
    open_consultation(api, desk, "Pertama", "0812 5555 0001")

    # Only the Sekretaris submits the daily recap.
    assert api.post(RECAP, headers=desk).status_code == 403
    submitted = api.post(RECAP, headers=secretary)
    assert submitted.status_code == 201, submitted.text
    v1 = submitted.json()
    assert v1["version"] == 1 and len(v1["content_hash"]) == 64 and v1["corrects"] is None
    # Submitting again is refused: a submitted recap changes only by a correction.
    again = api.post(RECAP, headers=secretary)
    assert (again.status_code, again.json()["code"]) == (409, "report_already_submitted")

    # Later that day another consultation comes in; the recap is corrected.
    clock.now = datetime(2024, 7, 29, 10, 0, tzinfo=UTC)
    open_consultation(api, desk, "Kedua", "0812 5555 0002")
    no_reason = api.post(f"{RECAP}/corrections", headers=secretary, json={"reason": " "})
    assert (no_reason.status_code, no_reason.json()["field"]) == (422, "reason")
    corrected = api.post(f"{RECAP}/corrections", headers=secretary, json={"reason": "Konsultasi sore belum masuk."})
    assert corrected.status_code == 201, corrected.text
    v2 = corrected.json()
    assert (v2["version"], v2["corrects"]) == (2, 1) and v2["content_hash"] != v1["content_hash"]

    # Both versions stay retrievable, each with its own hash and its own content.
    versions = api.get(RECAP, headers=secretary).json()
    assert [(v["version"], v["content_hash"]) for v in versions] == [(1, v1["content_hash"]), (2, v2["content_hash"])]
    first = pdf_text(api.get(f"{RECAP}/versions/1", headers=secretary).content)
    second = pdf_text(api.get(f"{RECAP}/versions/2", headers=secretary).content)
    assert "Pertama" in first and "Kedua" not in first and v1["content_hash"] in first.replace("\n", "")
    assert "Pertama" in second and "Kedua" in second and "mengoreksi versi 1" in second
    sheet = openpyxl.load_workbook(io.BytesIO(
        api.get(f"{RECAP}/versions/2", headers=secretary, params={"format": "xlsx"}).content)).active
    names = {row[2] for row in sheet.iter_rows(values_only=True) if row and isinstance(row[0], int)}
    assert names == {"Pertama", "Kedua"}

    # The Ketua's periodic report to the commissioner covers a range of days.
    ketua = as_role(Role.KETUA_HELPDESK)
    periodic = api.post(f"/api/reports/laporan_berkala/{DAY}/2024-07-30", headers=ketua)
    assert periodic.status_code == 201 and periodic.json()["version"] == 1
    backwards = api.get("/api/reports/laporan_berkala/2024-07-30/2024-07-29/draft", headers=ketua)
    assert (backwards.status_code, backwards.json()["field"]) == (422, "end")


def test_a_consultation_as_it_stood_at_a_moment(api: TestClient, as_role, clock) -> None:
    desk = as_role(Role.ANGGOTA_HELPDESK)
    opened_at = clock.now
    cid = open_consultation(api, desk, "Riwayat", "0812 9999 0000")
    clock.advance(minutes=3)
    api.post(f"/api/consultations/{cid}/problem", headers=desk, json={"text": "Lupa kata sandi SIPOL."})
    clock.advance(minutes=3)
    api.post(f"/api/consultations/{cid}/restatement", headers=desk, json={"text": "Jadi lupa kata sandi?"})

    def at(moment: datetime) -> dict:
        response = api.get(f"/api/consultations/{cid}/state", headers=desk, params={"at": moment.isoformat()})
        assert response.status_code == 200, response.text
        return response.json()

    # One minute after opening: identity only. Four minutes: the problem heard, not yet said back.
    assert at(opened_at.replace(second=59))["status"] == "opened"
    four = at(opened_at + timedelta(minutes=4))
    assert (four["status"], four["problem"], four["restatement"]) == ("problem_recorded", "Lupa kata sandi SIPOL.", None)
    assert at(clock.now)["restatement"] == "Jadi lupa kata sandi?"
    # A local time without a zone is read in the office's zone (WIB); before the opening there was nothing.
    local = (opened_at + timedelta(hours=7, minutes=4)).replace(tzinfo=None)
    assert at(local)["status"] == "problem_recorded"
    before = api.get(f"/api/consultations/{cid}/state", headers=desk,
                     params={"at": (opened_at - timedelta(minutes=1)).isoformat()})
    assert before.status_code == 404


def test_a_staff_name_with_control_characters_is_refused_not_printed(api: TestClient, as_role) -> None:
    # Found by tests/e2e/test_fuzz_api.py: ?staff= is printed on the staff member's daily report, and a control
    # character in it made the XLSX export answer 500.
    desk = as_role(Role.ANGGOTA_HELPDESK)
    daily = "/api/reports/daily/laporan_harian"
    refused = api.get(daily, headers=desk, params={"staff": "petugas\x1b", "format": "xlsx"})
    assert refused.status_code == 400, refused.text
    assert (refused.json()["code"], refused.json()["field"]) == ("validation_failed", "staff")
    named = api.get(daily, headers=desk, params={"staff": "anggota-helpdesk-kab-16-13", "format": "xlsx"})
    assert named.status_code == 200 and named.content[:2] == b"PK"  # a workbook (a ZIP file)
