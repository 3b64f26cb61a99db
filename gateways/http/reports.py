"""The reports API: the SOP's daily lists, the daily recap and periodic report (submit, correct, versions)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from domain.frozen_report import InvalidPeriod, ReportKind, check_days, check_period
from domain.roles import Permission
from gateways.bootstrap import Node
from gateways.exports.csv import render_csv
from gateways.exports.pdf import render_pdf
from gateways.exports.xlsx import render_xlsx
from gateways.http.auth import requires
from gateways.http.deps import NO_CONTROL_CHARACTERS, Caller, NodeDep
from gateways.reports.dates import stamp, today
from services.documents import ReportDocument, filename
from services.frozen_reports import ReportVersionView


class Format(StrEnum):
    JSON = "json"
    PDF = "pdf"
    XLSX = "xlsx"
    CSV = "csv"


class DailyList(StrEnum):
    ATTENDANCE = "daftar_hadir"
    PROBLEMS = "daftar_permasalahan"
    ANSWERS = "jawaban_solusi"
    STAFF_DAILY = "laporan_harian"


class VersionSummary(msgspec.Struct, frozen=True):
    """One version of a submitted report, without its content (download it in the format you need)."""

    version: int
    content_hash: str
    submitter: str
    submitter_role: str
    submitted_at: str
    corrects: int | None
    reason: str | None


class CorrectionRequest(msgspec.Struct, frozen=True):
    reason: str


MEDIA = {
    Format.PDF: "application/pdf",
    Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Format.CSV: "text/csv; charset=utf-8",
}
RENDER = {Format.PDF: render_pdf, Format.XLSX: render_xlsx, Format.CSV: render_csv}

FormatQuery = Annotated[Format, QueryParameter(description="json | pdf | xlsx | csv")]
# The staff member's username, printed on the report.
StaffQuery = Annotated[str | None, QueryParameter(max_length=64, pattern=NO_CONTROL_CHARACTERS)]


def _send(node: Node, document: ReportDocument, fmt: Format, stem: str) -> Response[bytes] | ReportDocument:
    if fmt is Format.JSON:
        return document
    name = filename(f"{stem}_{node.office.value}", fmt.value)
    return Response(
        RENDER[fmt](document), media_type=MEDIA[fmt], headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


def _day(node: Node, day: date | None) -> date:
    return day or today(node.clock(), node.office)


def _check_range(node: Node, first: date, last: date, kind: ReportKind | None = None, field: str = "end") -> None:
    """The domain's bounds on report days (in order, at most 366, none after the office's today), checked before
    anything is built; a frozen report's kind adds its own shape (a recap covers one day)."""
    office_today = today(node.clock(), node.office)
    try:
        if kind is None:
            check_days(first, last, office_today)
        else:
            check_period(kind, first, last, office_today)
    except InvalidPeriod as error:
        # The domain names the report's field; the API names its own parameter (`end`, or a daily list's `day`).
        raise type(error)(field=field, **error.params) from None


def _summary(node: Node, v: ReportVersionView) -> VersionSummary:
    return VersionSummary(v.version, v.content_hash, v.submitter, v.submitter_role,
                          stamp(v.submitted_at, node.office), v.corrects, v.reason)


def _note(node: Node, v: ReportVersionView) -> str:
    corrects = f", mengoreksi versi {v.corrects} ({v.reason})" if v.corrects else ""
    return (f"Versi {v.version}{corrects} · diserahkan {v.submitter}, {stamp(v.submitted_at, node.office)}"
            f" · SHA-256 {v.content_hash}")


class ReportController(Controller):
    path = "/api/reports"
    tags = ["Laporan"]
    guards = [requires(Permission.READ_CONSULTATIONS)]

    @get("/daily/{name:str}", sync_to_thread=True,
         summary="Daftar hadir, daftar permasalahan, jawaban/solusi, atau laporan harian seorang petugas")
    def daily(self, request: Caller, node: NodeDep, name: FromPath[DailyList], day: FromQuery[date | None] = None,
              staff: StaffQuery = None, format: FormatQuery = Format.JSON) -> Response[bytes] | ReportDocument:
        d = _day(node, day)
        _check_range(node, d, d, field="day")
        builder = node.reports
        document = {
            DailyList.ATTENDANCE: lambda: builder.attendance(d),
            DailyList.PROBLEMS: lambda: builder.problems(d),
            DailyList.ANSWERS: lambda: builder.answers(d),
            DailyList.STAFF_DAILY: lambda: builder.staff_daily(d, staff or request.user.username),
        }[name]()
        return _send(node, document, format, f"{name.value}_{d.isoformat()}")

    @get("/compliance", sync_to_thread=True, summary="Kepatuhan mutu baku waktu SOP per langkah, untuk rentang tanggal")
    def compliance(self, node: NodeDep, start: FromQuery[date | None] = None, end: FromQuery[date | None] = None,
                   format: FormatQuery = Format.JSON) -> Response[bytes] | ReportDocument:
        first, last = _day(node, start), _day(node, end or start)
        _check_range(node, first, last)
        return _send(node, node.reports.compliance(first, last), format, f"kepatuhan_sop_{first}_{last}")

    @get("/{kind:str}/{start:date}/{end:date}", sync_to_thread=True,
         summary="Versi laporan yang telah diserahkan (rekapitulasi harian atau laporan berkala)")
    def versions(self, request: Caller, node: NodeDep, kind: FromPath[ReportKind], start: FromPath[date], end: FromPath[date]
                 ) -> list[VersionSummary]:
        found = node.helpdesk.report_versions(request.user.office_id, kind, start, end)
        return [_summary(node, v) for v in found]

    @get("/{kind:str}/{start:date}/{end:date}/draft", sync_to_thread=True,
         summary="Pratinjau isi laporan sebelum diserahkan")
    def draft(self, request: Caller, node: NodeDep, kind: FromPath[ReportKind], start: FromPath[date], end: FromPath[date],
              format: FormatQuery = Format.JSON) -> Response[bytes] | ReportDocument:
        _check_range(node, start, end, kind)
        content = node.reports.content(kind.value, start, end)
        document = node.reports.frozen(msgspec.json.encode(content), "Draf — belum diserahkan", request.user.username)
        return _send(node, document, format, f"{kind.value}_{start}_{end}_draf")

    @post("/{kind:str}/{start:date}/{end:date}", sync_to_thread=True, status_code=201,
          summary="Serahkan laporan: isinya dibekukan (hash, penyerah, waktu)")
    def submit(self, request: Caller, node: NodeDep, kind: FromPath[ReportKind], start: FromPath[date], end: FromPath[date]
               ) -> VersionSummary:
        user = request.user
        _check_range(node, start, end, kind)
        content = node.reports.content(kind.value, start, end)
        version = node.helpdesk.submit_report(user.office_id, kind, start, end, msgspec.json.encode(content),
                                              user.username, user.role)
        return _summary(node, version)

    @post("/{kind:str}/{start:date}/{end:date}/corrections", sync_to_thread=True, status_code=201,
          summary="Koreksi: versi baru yang merujuk versi yang dikoreksi; versi lama tetap tersimpan")
    def correct(self, request: Caller, node: NodeDep, kind: FromPath[ReportKind], start: FromPath[date], end: FromPath[date],
                data: JSONBody[CorrectionRequest]) -> VersionSummary:
        user = request.user
        _check_range(node, start, end, kind)
        content = node.reports.content(kind.value, start, end)
        version = node.helpdesk.correct_report(user.office_id, kind, start, end, msgspec.json.encode(content),
                                               data.reason, user.username, user.role)
        return _summary(node, version)

    @get("/{kind:str}/{start:date}/{end:date}/versions/{version:int}", sync_to_thread=True,
         summary="Satu versi yang diserahkan, sebagaimana dibekukan (PDF, XLSX, CSV atau JSON)")
    def version(self, request: Caller, node: NodeDep, kind: FromPath[ReportKind], start: FromPath[date], end: FromPath[date],
                version: FromPath[int], format: FormatQuery = Format.PDF) -> Response[bytes] | ReportDocument:
        v = node.helpdesk.report_version(request.user.office_id, kind, start, end, version)
        # Signed by who submitted the version (older versions also name who made the draft: the same person).
        document = node.reports.frozen(v.content, _note(node, v), v.submitter)
        return _send(node, document, format, f"{kind.value}_{start}_{end}_v{version}")
