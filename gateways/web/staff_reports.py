"""The staff's daily reports page (/laporan-harian; SOP A.4b.4, A.4c.3): a staff member's report of the day,
prefilled with what the read models know of it (consultations served by channel, SOP steps ended, handovers), their
notes, submitted; the office's reports of the day, which the Koordinator Harian accepts or returns with a reason."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from litestar import Controller, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from domain.errors import DomainError
from domain.roles import Permission, may
from domain.sop import Step
from domain.staff_report import staff_report_id
from domain.staff_report_values import CHECK, SUBMIT, ReportState
from gateways.edge.auth import requires
from gateways.edge.deps import Caller, HelpdeskDep, Here, HereDep, StaffReportsDep, UsersDep
from gateways.edge.errors import STATUS_OF_KIND
from gateways.messages import label
from gateways.reports.dates import long_date, stamp
from gateways.web.forms import Form, field_errors
from gateways.web.render import ROLE_NAMES, language, page
from projections.staff_reports_queries import StaffReportQueries
from projections.user_queries import UserQueries
from services.helpdesk import Helpdesk

ReportId = FromPath[UUID]
STATE_NAMES = {ReportState.SUBMITTED: "Menunggu diperiksa", ReportState.RETURNED: "Dikembalikan",
               ReportState.ACCEPTED: "Diterima (sudah diperiksa)"}


class StaffReportPages(Controller):
    path = "/laporan-harian"
    include_in_schema = False
    guards = [requires(Permission.READ_CONSULTATIONS)]

    @get("/", sync_to_thread=True)
    def reports(self, request: Caller, here: HereDep, helpdesk: HelpdeskDep, staff_reports: StaffReportsDep,
                users: UsersDep, hari: FromQuery[str | None] = None) -> Template:
        return _page(request, here, helpdesk, staff_reports, users, _day(hari, helpdesk, request), {}, {})

    @post("/", guards=[requires(SUBMIT)], sync_to_thread=True)
    def submit(self, request: Caller, here: HereDep, helpdesk: HelpdeskDep, staff_reports: StaffReportsDep,
               users: UsersDep, data: Form) -> Response[Any] | Template:
        day = _day(str(data.get("day", "") or ""), helpdesk, request)
        values = {"notes": str(data.get("notes", "") or "")}
        return _run(request, here, helpdesk, staff_reports, users, day, values, None,
                    lambda: helpdesk.submit_staff_report(request.user, values["notes"], day))

    @post("/{report_id:uuid}/terima", guards=[requires(CHECK)], sync_to_thread=True)
    def accept(self, request: Caller, here: HereDep, helpdesk: HelpdeskDep, staff_reports: StaffReportsDep,
               users: UsersDep, report_id: ReportId) -> Response[Any] | Template:
        day = helpdesk.staff_report_of(request.user.office_id, report_id).day
        return _run(request, here, helpdesk, staff_reports, users, day, {}, str(report_id),
                    lambda: helpdesk.accept_staff_report(request.user, report_id))

    @post("/{report_id:uuid}/kembalikan", guards=[requires(CHECK)], sync_to_thread=True)
    def send_back(self, request: Caller, here: HereDep, helpdesk: HelpdeskDep, staff_reports: StaffReportsDep,
                  users: UsersDep, report_id: ReportId, data: Form) -> Response[Any] | Template:
        day = helpdesk.staff_report_of(request.user.office_id, report_id).day
        values = {"reason": str(data.get("reason", "") or "")}
        return _run(request, here, helpdesk, staff_reports, users, day, values, str(report_id),
                    lambda: helpdesk.return_staff_report(request.user, report_id, values["reason"]))


def _day(text: str | None, helpdesk: Helpdesk, request: Caller) -> date:
    """The day asked for (YYYY-MM-DD), or the office's today when none or no date is given."""
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return helpdesk.office_today(request.user.office_id)


def _run(request: Caller, here: Here, helpdesk: Helpdesk, staff_reports: StaffReportQueries, users: UserQueries,
         day: date, values: dict[str, str], acting: str | None, command: Callable[[], object]
         ) -> Response[Any] | Template:
    """One command; back to the day's page, or the page again with the refusal beside the form it came from."""
    try:
        command()
    except DomainError as error:
        if error.kind in ("forbidden", "not_found"):
            raise
        return _page(request, here, helpdesk, staff_reports, users, day, values,
                     field_errors(error, language(request)), status_code=STATUS_OF_KIND[error.kind], acting=acting)
    return Redirect(f"/laporan-harian?hari={day.isoformat()}", status_code=303)


def _page(request: Caller, here: Here, helpdesk: Helpdesk, staff_reports: StaffReportQueries, users: UserQueries,
          day: date, values: dict[str, str], errors: dict[str, str], status_code: int = 200,
          acting: str | None = None) -> Template:
    me, office_id = request.user, request.user.office_id
    lang = language(request)
    reports = {r.user_id: r for r in staff_reports.of_day(office_id, day)}
    mine = staff_reports.get(office_id, staff_report_id(office_id, str(me.id), day))
    writer = may(me.role, SUBMIT)
    # Before it is submitted (or once returned) the report shows what the read models know now.
    figures = staff_reports.figures(office_id, me.username, day) if writer and (
        mine is None or mine.state is ReportState.RETURNED) else (mine.figures if mine else None)
    staff = [u for u in users.list(office_id) if u.active and may(u.role, SUBMIT)]
    return page(request, here, "staff_reports/index.html", status_code=status_code, day=day,
                day_name=long_date(day, lang), today=helpdesk.office_today(office_id), mine=mine, figures=figures,
                can_submit=writer and (mine is None or mine.state is ReportState.RETURNED),
                can_check=may(me.role, CHECK), staff=staff, reports=reports, states=STATE_NAMES,
                role_names=ROLE_NAMES, values=values if acting is None else {},
                errors=errors if acting is None else {}, step_values=values if acting else {},
                step_errors=errors if acting else {}, acting=acting,
                channel_name=lambda code: label("channel", code, lang),
                step_name=lambda code: Step(code).label, stamp=lambda moment: stamp(moment, here.office, lang))
