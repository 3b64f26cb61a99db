"""The staff's daily reports over the API: my report's figures of a day as the read models know them, submitting it,
the office's reports of a day, and the Koordinator Harian's accepting or returning one (as /laporan-harian)."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from domain.roles import Permission
from domain.staff_report_values import CHECK, MAX_NOTES, MAX_REASON, SUBMIT, DayFigures, UnknownStaffReport
from gateways.edge.auth import requires
from gateways.edge.deps import Caller, HelpdeskDep, StaffReportsDep
from projections.staff_reports_queries import StaffReportRow

ReportId = FromPath[UUID]


class SubmitRequest(msgspec.Struct, forbid_unknown_fields=True):
    """My report of `day` (left out: today, in the office's time) with my notes (may be empty)."""

    notes: Annotated[str, msgspec.Meta(max_length=MAX_NOTES + 100)] = ""
    day: date | None = None


class ReturnRequest(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(max_length=MAX_REASON + 100)]


class StaffReportController(Controller):
    path = "/api/staff-reports"
    tags = ["Laporan harian petugas"]
    guards = [requires(Permission.READ_CONSULTATIONS)]

    @get("/", sync_to_thread=True, summary="Laporan harian petugas kantor ini pada satu hari")
    def of_day(self, request: Caller, helpdesk: HelpdeskDep, staff_reports: StaffReportsDep,
               day: FromQuery[date | None] = None) -> list[StaffReportRow]:
        return staff_reports.of_day(request.user.office_id, day or helpdesk.office_today(request.user.office_id))

    @get("/mine/figures", guards=[requires(SUBMIT)], sync_to_thread=True,
         summary="Angka hari saya dari data yang sudah tercatat (isian awal laporan)")
    def my_figures(self, request: Caller, helpdesk: HelpdeskDep, staff_reports: StaffReportsDep,
                   day: FromQuery[date | None] = None) -> DayFigures:
        office_id = request.user.office_id
        return staff_reports.figures(office_id, request.user.username, day or helpdesk.office_today(office_id))

    @post("/", guards=[requires(SUBMIT)], sync_to_thread=True, summary="Kirim (atau kirim ulang) laporan harian saya")
    def submit(self, request: Caller, helpdesk: HelpdeskDep, staff_reports: StaffReportsDep,
               data: JSONBody[SubmitRequest]) -> Response[StaffReportRow]:
        report_id = helpdesk.submit_staff_report(request.user, data.notes, data.day)
        return Response(_row(request, staff_reports, report_id), status_code=201,
                        headers={"Location": f"{self.path}/{report_id}"})

    @get("/{report_id:uuid}", sync_to_thread=True, summary="Satu laporan harian petugas")
    def report(self, request: Caller, staff_reports: StaffReportsDep, report_id: ReportId) -> StaffReportRow:
        return _row(request, staff_reports, report_id)

    @post("/{report_id:uuid}/acceptance", guards=[requires(CHECK)], status_code=200, sync_to_thread=True,
          summary="Terima laporan harian (Koordinator Harian)")
    def accept(self, request: Caller, helpdesk: HelpdeskDep, staff_reports: StaffReportsDep, report_id: ReportId
               ) -> StaffReportRow:
        helpdesk.accept_staff_report(request.user, report_id)
        return _row(request, staff_reports, report_id)

    @post("/{report_id:uuid}/return", guards=[requires(CHECK)], status_code=200, sync_to_thread=True,
          summary="Kembalikan laporan harian dengan alasannya (Koordinator Harian)")
    def send_back(self, request: Caller, helpdesk: HelpdeskDep, staff_reports: StaffReportsDep, report_id: ReportId,
                  data: JSONBody[ReturnRequest]) -> StaffReportRow:
        helpdesk.return_staff_report(request.user, report_id, data.reason)
        return _row(request, staff_reports, report_id)


def _row(request: Caller, staff_reports: StaffReportsDep, report_id: UUID) -> StaffReportRow:
    row = staff_reports.get(request.user.office_id, report_id)
    if row is None:
        raise UnknownStaffReport()
    return row
