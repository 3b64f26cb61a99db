"""The SOP's reports through the API: the guest book as the Daftar Hadir with its signatures, local days, real PDF
and XLSX files, a recap frozen then corrected (a correction that changes nothing refused), and bounded ranges."""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import msgspec
import openpyxl
import pypdf
from litestar.testing import TestClient
from PIL import Image, ImageDraw

from domain.frozen_report import ReportKind
from domain.roles import Role
from gateways.bootstrap import Node
from gateways.messages import message
from services.consultations import IdentityInput
from tests.e2e.conftest import open_consultation

DAY = "2024-07-29"
RECAP = f"/api/reports/rekapitulasi_harian/{DAY}/{DAY}"
OFFICE = "kab-16.13"
DESK = "petugas-meja"


def drawn_png(seed: int = 1) -> bytes:
    """A signature as the guest-book canvas sends it: dark ink on white, 600 × 200 pixels."""
    picture = Image.new("RGB", (600, 200), "white")
    stroke = [(30 + t * 5.4, 100 + math.sin(t / 7 + seed) * 50) for t in range(100)]
    ImageDraw.Draw(picture).line(stroke, fill=(26, 26, 26), width=5)
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


def sign_guest_book(node: Node, name: str, phone: str, email: str | None = None) -> UUID:
    """A walk-in at the front desk: a number taken, called, and the guest book signed (which opens the consultation)."""
    helpdesk = node.helpdesk
    number = helpdesk.take_ticket(OFFICE)
    assert helpdesk.call_next_ticket(OFFICE, DESK) == number
    who = IdentityInput(name=name, party_number=2, phone=phone, email=email)
    return helpdesk.record_guest(OFFICE, number, who, drawn_png(number), DESK, node.files.put)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_the_daftar_hadir_is_the_guest_book_of_the_offices_local_day_with_its_signatures(
    api: TestClient, as_role, clock, memory_node: Node
) -> None:
    # 23:30 WIB on 29 July (16:30 UTC), and one hour later: 00:30 WIB on 30 July, still 29 July in UTC.
    clock.now = datetime(2024, 7, 29, 16, 30, tzinfo=UTC)
    desk = as_role(Role.ANGGOTA_HELPDESK)
    late = sign_guest_book(memory_node, "Larut Malam", "0812 1111 2222", "larut@partai.example")
    # An e-mail consultation of the same evening is no guest of the front desk: not in the Daftar Hadir.
    by_mail = api.post("/api/consultations", headers=desk, json={
        "channel": "email", "consultee": {"name": "Lewat Surel", "party_number": 2, "email": "surel@partai.example"}})
    assert by_mail.status_code == 201, by_mail.text
    clock.now = datetime(2024, 7, 29, 17, 30, tzinfo=UTC)
    sign_guest_book(memory_node, "Lewat Tengah Malam", "0812 3333 4444")

    first = api.get("/api/reports/daily/daftar_hadir", headers=desk, params={"day": DAY}).json()
    second = api.get("/api/reports/daily/daftar_hadir", headers=desk, params={"day": "2024-07-30"}).json()
    assert [c["title"] for c in first["columns"]] == [
        "No", "Tanggal/Waktu", "Nama", "Nomor HP", "Alamat E-mail", "Partai Politik", "Tanda Tangan"]
    assert [row[2] for row in first["rows"]] == ["Larut Malam"]
    assert [row[2] for row in second["rows"]] == ["Lewat Tengah Malam"]
    assert first["period"] == "Senin, 29 Juli 2024 (00.00–24.00 WIB)"
    no, when, _, phone, email, party, signature = first["rows"][0]
    assert (no, when, phone, email) == (1, "29-07-2024 23.30 WIB", "0812-1111-2222", "larut@partai.example")
    assert party == memory_node.parties.resolve(2, None).name
    guest = memory_node.frontdesk.guest_of_consultation(OFFICE, late)
    assert guest is not None
    assert (signature["type"], signature["key"]) == ("image", guest.signature_key)
    assert second["rows"][0][4] == "-"  # no e-mail given

    # The same list as a PDF a reader opens: letterhead, title, the row, the drawn signature printed in its cell.
    pdf = api.get("/api/reports/daily/daftar_hadir", headers=desk, params={"day": DAY, "format": "pdf"})
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert "attachment" in pdf.headers["content-disposition"]
    [page] = pypdf.PdfReader(io.BytesIO(pdf.content)).pages
    text = page.extract_text()
    for expected in ("KOMISI PEMILIHAN UMUM", "DAFTAR HADIR HELPDESK KONSULTASI", "Larut Malam", "0812-1111-2222",
                     "larut@partai.example", "Halaman 1 dari 1", "Koordinator Harian Helpdesk"):
        assert expected in text, expected
    assert "Lewat Tengah Malam" not in text and "Lewat Surel" not in text
    assert len(page.images) == 2  # the letterhead's logo and the one guest's signature

    # And as a workbook: the header row, the guest's row with a numeric row number, the signature anchored beside.
    xlsx = api.get("/api/reports/daily/daftar_hadir", headers=desk, params={"day": DAY, "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[:3] == ("No", "Tanggal/Waktu", "Nama"))
    assert rows[header + 1][:5] == (1, "29-07-2024 23.30 WIB", "Larut Malam", "0812-1111-2222",
                                    "larut@partai.example")
    [picture] = sheet._images
    assert (picture.anchor._from.col, picture.anchor._from.row) == (6, header + 1)  # column G, the guest's row

    # A CSV holds no pictures: it names the stored file.
    data = api.get("/api/reports/daily/daftar_hadir", headers=desk, params={"day": DAY, "format": "csv"}).content
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert lines[1][2] == "Larut Malam" and lines[1][6] == guest.signature_key


def test_a_guest_book_line_shows_the_corrected_identity_and_what_was_signed(
    api: TestClient, as_role, memory_node: Node
) -> None:
    desk = as_role(Role.ANGGOTA_HELPDESK)
    cid = sign_guest_book(memory_node, "Budi Santoso", "0812 1111 2222")
    # The officer misheard the name; the consultee also gives an e-mail address.
    corrected = api.post(f"/api/consultations/{cid}/identity", headers=desk, json={
        "name": "Budi Santosa", "party_number": 2, "phone": "0812 1111 2222", "email": "budi@partai.example"})
    assert corrected.status_code == 200, corrected.text
    row = api.get("/api/reports/daily/daftar_hadir", headers=desk, params={"day": DAY}).json()["rows"][0]
    assert row[2] == "Budi Santosa\n(saat tanda tangan: Budi Santoso)"
    assert row[3] == "0812-1111-2222"  # unchanged: written once
    assert row[4] == "budi@partai.example\n(saat tanda tangan: -)"
    assert row[6]["text"] == "Tanda tangan Budi Santoso"  # the signature vouches for what was signed


def test_a_submitted_recap_is_frozen_and_a_correction_is_version_two(api: TestClient, as_role, clock) -> None:
    clock.now = datetime(2024, 7, 29, 9, 0, tzinfo=UTC)  # 16.00 WIB
    desk, secretary = as_role(Role.ANGGOTA_HELPDESK), as_role(Role.SEKRETARIS_HELPDESK)
    open_consultation(api, "Pertama", "0812 5555 0001", party_number=2, headers=desk)

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
    open_consultation(api, "Kedua", "0812 5555 0002", party_number=2, headers=desk)
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
    periodic = api.post(f"/api/reports/laporan_berkala/2024-07-23/{DAY}", headers=ketua)
    assert periodic.status_code == 201 and periodic.json()["version"] == 1
    backwards = api.get("/api/reports/laporan_berkala/2024-07-30/2024-07-29/draft", headers=ketua)
    assert (backwards.status_code, backwards.json()["field"]) == (422, "end")


def test_a_consultation_as_it_stood_at_a_moment(api: TestClient, as_role, clock) -> None:
    desk = as_role(Role.ANGGOTA_HELPDESK)
    opened_at = clock.now
    cid = open_consultation(api, "Riwayat", "0812 9999 0000", party_number=2, headers=desk)
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
    assert (four["status"], four["problem"], four["restatement"]) == (
        "problem_recorded", "Lupa kata sandi SIPOL.", None)
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


def test_a_correction_that_changes_nothing_is_refused_over_http(api: TestClient, as_role, clock, memory_node: Node
                                                                ) -> None:
    desk, secretary = as_role(Role.ANGGOTA_HELPDESK), as_role(Role.SEKRETARIS_HELPDESK)
    clock.now = datetime(2024, 7, 29, 9, 0, tzinfo=UTC)  # 16.00 WIB
    open_consultation(api, "Pertama", "0812 5555 0001", party_number=2, headers=desk)
    v1 = api.post(RECAP, headers=secretary).json()

    # An hour later nothing new has come in: the same substance is the same bytes, whenever and by whomever made.
    clock.advance(minutes=60)
    events = memory_node.helpdesk.recorder.max_notification_id()
    unchanged = api.post(f"{RECAP}/corrections", headers=secretary, json={"reason": "Periksa ulang."})
    assert (unchanged.status_code, unchanged.json()["code"]) == (409, "correction_unchanged"), unchanged.text
    assert unchanged.json()["message"] == message("correction_unchanged")
    assert reports_written_since(memory_node, events) == []
    draft = api.get(f"{RECAP}/draft", headers=secretary, params={"format": "json"}).json()
    assert draft["rows"] and [v["version"] for v in api.get(RECAP, headers=secretary).json()] == [1]

    # Something did change: version 2; asking again for the same is refused again.
    open_consultation(api, "Kedua", "0812 5555 0002", party_number=2, headers=desk)
    v2 = api.post(f"{RECAP}/corrections", headers=secretary, json={"reason": "Konsultasi sore belum masuk."})
    assert v2.status_code == 201 and v2.json()["version"] == 2
    again = api.post(f"{RECAP}/corrections", headers=secretary, json={"reason": "Sekali lagi."})
    assert (again.status_code, again.json()["code"]) == (409, "correction_unchanged")

    # The frozen content holds the substance only; the version names who submitted it, and signs with them.
    stored = memory_node.helpdesk.report_version(OFFICE, ReportKind.DAILY_RECAP, date(2024, 7, 29),
                                                 date(2024, 7, 29), 1)
    assert stored.content_hash == v1["content_hash"]
    assert not {"made_at", "made_by"} & json.loads(stored.content).keys()
    text = pdf_text(api.get(f"{RECAP}/versions/1", headers=secretary).content)
    assert "Sekretaris Helpdesk" in text and "Petugas sekretaris_helpdesk" in text


def reports_written_since(node: Node, position: int) -> list[str]:
    """The frozen-report events after `position` (the SOP watcher may record its thresholds meanwhile)."""
    notifications = node.helpdesk.recorder.select_notifications(position + 1, 1000)
    return [n.topic for n in notifications if "FrozenReport" in n.topic]


def test_a_version_frozen_with_its_maker_and_time_still_renders(api: TestClient, as_role, memory_node: Node) -> None:
    """Versions submitted before the content held the substance only carry made_at and made_by: they decode as
    they are (their hash covers those bytes) and sign with the version's submitter."""
    secretary = as_role(Role.SEKRETARIS_HELPDESK)
    older = msgspec.json.encode({
        "kind": "rekapitulasi_harian", "office_id": OFFICE, "office_name": memory_node.office_name,
        "period_start": DAY, "period_end": DAY, "made_at": "2024-07-29T09:00:00Z", "made_by": "sekretaris-lama",
        "by_channel": {"walk_in": 1}, "by_status": {"opened": 1}, "handed_over": 0, "escalated": 0, "repeated": 0,
        "lines": [{"opened": "29-07 15.58 WIB", "consultee": "Versi Lama", "party": "PKB", "channel": "walk_in",
                   "problem": "", "answer_source": "", "status": "opened", "staff": "petugas"}],
        "steps": [],
    })
    day = date(2024, 7, 29)
    memory_node.helpdesk.submit_report(OFFICE, ReportKind.DAILY_RECAP, day, day, older, "sekretaris-helpdesk-kab-16-13",
                                       Role.SEKRETARIS_HELPDESK)
    as_json = api.get(f"{RECAP}/versions/1", headers=secretary, params={"format": "json"})
    assert as_json.status_code == 200, as_json.text
    assert as_json.json()["rows"][0][2] == "Versi Lama"
    assert as_json.json()["signatures"][0]["name"] == "Petugas sekretaris_helpdesk"  # the submitter's full name
    pdf = api.get(f"{RECAP}/versions/1", headers=secretary)
    assert pdf.status_code == 200 and "Versi Lama" in pdf_text(pdf.content)


def test_report_ranges_are_bounded_and_days_to_come_are_refused(api: TestClient, as_role, clock,
                                                               memory_node: Node) -> None:
    clock.now = datetime(2024, 7, 29, 9, 0, tzinfo=UTC)  # 16.00 WIB on the 29th
    ketua, secretary = as_role(Role.KETUA_HELPDESK), as_role(Role.SEKRETARIS_HELPDESK)
    helpdesk = memory_node.helpdesk
    events = helpdesk.recorder.max_notification_id()

    def refused(response, code: str, field: str = "end") -> None:
        assert response.status_code == 422, response.text
        body = response.json()
        assert (body["code"], body["field"]) == (code, field)
        assert body["message"] == message(code) and body["message_en"] == message(code, "en")

    # Ten thousand years, as a frozen periodic report, its draft or the compliance figures: at most 366 days.
    refused(api.post("/api/reports/laporan_berkala/0001-01-01/9999-12-31", headers=ketua), "period_too_long")
    refused(api.get("/api/reports/laporan_berkala/0001-01-01/9999-12-31/draft", headers=ketua), "period_too_long")
    refused(api.get("/api/reports/compliance", headers=ketua, params={"start": "2023-07-29", "end": DAY}),
            "period_too_long")
    assert "366" in message("period_too_long") and "366" in message("period_too_long", "en")
    # A recap for 2099, or a range ending tomorrow: the day has not come.
    refused(api.post("/api/reports/rekapitulasi_harian/2099-01-01/2099-01-01", headers=secretary), "period_not_begun")
    refused(api.post(f"/api/reports/laporan_berkala/{DAY}/2024-07-30", headers=ketua), "period_not_begun")
    refused(api.get("/api/reports/compliance", headers=ketua, params={"start": DAY, "end": "2024-07-30"}),
            "period_not_begun")
    refused(api.get("/api/reports/daily/daftar_hadir", headers=ketua, params={"day": "2024-07-30"}),
            "period_not_begun", "day")
    assert "akhir jam pelayanan" in message("period_not_begun")
    # Nothing was written by any of them.
    assert reports_written_since(memory_node, events) == []
    assert helpdesk.report_versions(OFFICE, ReportKind.PERIODIC, date(1, 1, 1), date(9999, 12, 31)) == []

    # Today itself may be reported (the recap is made at the end of service hours), and a full leap year too.
    assert api.post(RECAP, headers=secretary).status_code == 201
    assert api.get("/api/reports/daily/daftar_hadir", headers=ketua, params={"day": DAY}).status_code == 200
    year = api.post("/api/reports/laporan_berkala/2023-07-30/2024-07-29", headers=ketua)  # 366 days
    assert year.status_code == 201, year.text
