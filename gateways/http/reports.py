"""The reports API: the SOP's daily lists, the daily recap and periodic report (submit, correct, versions)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from domain.frozen_report import ReportKind
from domain.offices import OfficeId
from domain.roles import Permission
from gateways.edge.auth import requires
from gateways.edge.deps import NO_CONTROL_CHARACTERS, Caller, HelpdeskDep, ReportDeskDep
from gateways.edge.reports import DailyList, ReportDesk
from gateways.exports.csv import render_csv
from gateways.exports.loaded import render_pdf, render_xlsx
from gateways.reports.dates import stamp
from services.documents import ReportDocument, filename
from services.frozen_reports import ReportVersionView


class Format(StrEnum):
    JSON = "json"
    PDF = "pdf"
    XLSX = "xlsx"
    CSV = "csv"


class Separator(StrEnum):
    """The CSV's separator: a comma, or a semicolon for Indonesian Excel (its list separator)."""

    COMMA = "koma"
    SEMICOLON = "titik-koma"


SEPARATORS = {Separator.COMMA: ",", Separator.SEMICOLON: ";"}


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
    Format.CSV: "text/csv",  # Litestar adds "; charset=utf-8" to a text/ type: once
}
RENDER = {Format.PDF: render_pdf, Format.XLSX: render_xlsx}

FormatQuery = Annotated[Format, QueryParameter(description="json | pdf | xlsx | csv")]
# The staff member's username, printed on the report.
StaffQuery = Annotated[str | None, QueryParameter(max_length=64, pattern=NO_CONTROL_CHARACTERS)]
# The CSV's separator; default: the office's setting (csv_separator).
SeparatorQuery = Annotated[Separator | None, QueryParameter(description="koma | titik-koma (CSV)")]


def _send(desk: ReportDesk, document: ReportDocument, fmt: Format, stem: str, separator: Separator | None = None
          ) -> Response[bytes] | ReportDocument:
    """The document in the format asked for; a PDF or workbook is a printed document, given its number."""
    if fmt is Format.JSON:
        return document
    name = filename(f"{stem}_{desk.office.value}", fmt.value)
    if fmt is Format.CSV:
        body = render_csv(document, SEPARATORS[separator] if separator else desk.builder.csv_separator)
    else:
        body = RENDER[fmt](desk.builder.numbered(document))
    return Response(body, media_type=MEDIA[fmt], headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _summary(office: OfficeId, v: ReportVersionView) -> VersionSummary:
    return VersionSummary(v.version, v.content_hash, v.submitter, v.submitter_role,
                          stamp(v.submitted_at, office), v.corrects, v.reason)


def _note(desk: ReportDesk, v: ReportVersionView) -> str:
    corrects = f", mengoreksi versi {v.corrects} ({v.reason})" if v.corrects else ""
    return (f"Versi {v.version}{corrects} · diserahkan {desk.builder.full_name(v.submitter)},"
            f" {stamp(v.submitted_at, desk.office)} · SHA-256 {v.content_hash}")


class ReportController(Controller):
    path = "/api/reports"
    tags = ["Laporan"]
    guards = [requires(Permission.READ_CONSULTATIONS)]

    @get("/daily/{name:str}", sync_to_thread=True,
         summary="Daftar hadir, daftar permasalahan, jawaban/solusi, atau laporan harian seorang petugas")
    def daily(self, request: Caller, report_desk: ReportDeskDep, name: FromPath[DailyList],
              day: FromQuery[date | None] = None, staff: StaffQuery = None, format: FormatQuery = Format.JSON,
              pemisah: SeparatorQuery = None) -> Response[bytes] | ReportDocument:
        d = day or report_desk.today()
        report_desk.check(d, d, field="day")
        document = report_desk.daily(name, d, staff or request.user.username)
        return _send(report_desk, document, format, f"{name.value}_{d.isoformat()}", pemisah)

    @get("/compliance", sync_to_thread=True, summary="Kepatuhan mutu baku waktu SOP per langkah, untuk rentang tanggal")
    def compliance(self, report_desk: ReportDeskDep, start: FromQuery[date | None] = None,
                   end: FromQuery[date | None] = None, format: FormatQuery = Format.JSON,
                   pemisah: SeparatorQuery = None) -> Response[bytes] | ReportDocument:
        first, last = start or report_desk.today(), end or start or report_desk.today()
        report_desk.check(first, last, field="end")
        document = report_desk.builder.compliance(first, last)
        return _send(report_desk, document, format, f"kepatuhan_sop_{first}_{last}", pemisah)

    @get("/{kind:str}/{start:date}/{end:date}", sync_to_thread=True,
         summary="Versi laporan yang telah diserahkan (rekapitulasi harian atau laporan berkala)")
    def versions(self, request: Caller, report_desk: ReportDeskDep, kind: FromPath[ReportKind],
                 start: FromPath[date], end: FromPath[date]) -> list[VersionSummary]:
        found = report_desk.versions(request.user, kind, start, end)
        return [_summary(report_desk.office, v) for v in found]

    @get("/{kind:str}/{start:date}/{end:date}/draft", sync_to_thread=True,
         summary="Pratinjau isi laporan sebelum diserahkan")
    def draft(self, request: Caller, report_desk: ReportDeskDep, kind: FromPath[ReportKind], start: FromPath[date],
              end: FromPath[date], format: FormatQuery = Format.JSON, pemisah: SeparatorQuery = None
              ) -> Response[bytes] | ReportDocument:
        report_desk.check(start, end, kind, field="end")
        document = report_desk.draft(kind, start, end, request.user.username)
        return _send(report_desk, document, format, f"{kind.value}_{start}_{end}_draf", pemisah)

    @post("/{kind:str}/{start:date}/{end:date}", sync_to_thread=True, status_code=201,
          summary="Serahkan laporan: isinya dibekukan (hash, penyerah, waktu)")
    def submit(self, request: Caller, report_desk: ReportDeskDep, kind: FromPath[ReportKind], start: FromPath[date],
               end: FromPath[date]) -> VersionSummary:
        version = report_desk.submit(request.user, kind, start, end, field="end")
        return _summary(report_desk.office, version)

    @post("/{kind:str}/{start:date}/{end:date}/corrections", sync_to_thread=True, status_code=201,
          summary="Koreksi: versi baru yang merujuk versi yang dikoreksi; versi lama tetap tersimpan")
    def correct(self, request: Caller, report_desk: ReportDeskDep, kind: FromPath[ReportKind], start: FromPath[date],
                end: FromPath[date], data: JSONBody[CorrectionRequest]) -> VersionSummary:
        version = report_desk.correct(request.user, kind, start, end, data.reason, field="end")
        return _summary(report_desk.office, version)

    @get("/{kind:str}/{start:date}/{end:date}/versions/{version:int}", sync_to_thread=True,
         summary="Satu versi yang diserahkan, sebagaimana dibekukan (PDF, XLSX, CSV atau JSON)")
    def version(self, request: Caller, helpdesk: HelpdeskDep, report_desk: ReportDeskDep, kind: FromPath[ReportKind],
                start: FromPath[date], end: FromPath[date], version: FromPath[int], format: FormatQuery = Format.PDF,
                pemisah: SeparatorQuery = None) -> Response[bytes] | ReportDocument:
        v = helpdesk.report_version(request.user.office_id, kind, start, end, version)
        # Signed by who submitted the version (older versions also name who made the draft: the same person).
        document = report_desk.builder.frozen(v.content, _note(report_desk, v), v.submitter, v.version)
        return _send(report_desk, document, format, f"{kind.value}_{start}_{end}_v{version}", pemisah)
