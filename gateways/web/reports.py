"""The reports pages: /laporan, an index of the reports for the day and the range chosen, and one page per report
(/laporan/<jenis>), each with its own period picker, preview, downloads and, for the daily recap and the periodic
report, its versions and its submit and correct forms (each asking for confirmation first).

Downloads are the JSON API's own URLs (the session cookie authenticates there too); submitting and correcting
call the same use cases as gateways/http/reports.py (gateways/edge/reports.py), the content built and encoded once.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from domain.errors import DomainError
from domain.frozen_report import ReportKind
from domain.roles import Permission
from gateways.edge.auth import requires
from gateways.edge.deps import Caller, HereDep, ReportDeskDep
from gateways.edge.errors import STATUS_OF_KIND
from gateways.edge.reports import ReportDesk
from gateways.web.forms import Form, field_errors
from gateways.web.i18n import translator
from gateways.web.render import language, page
from gateways.web.report_kinds import PAGES, RANGE, RECAP, index_cards
from gateways.web.report_parts import Period, parse_day, period, ranged


def error_status(error: DomainError) -> int:
    return STATUS_OF_KIND.get(error.kind, 422)


def report_url(slug: str, shown: Period) -> str:
    """The report's page after a submit or a correction: the recap's day; the periodic report's range, with the day
    the index was showing."""
    if PAGES[slug].span == "day":
        return f"/laporan/{slug}?{urlencode({'tanggal': shown.day.isoformat()})}"
    return f"/laporan/{slug}?{shown.query()}"


class ReportPages(Controller):
    path = "/laporan"
    include_in_schema = False
    guards = [requires(Permission.READ_CONSULTATIONS)]

    @get("/", sync_to_thread=True)
    def reports(self, request: Caller, here: HereDep, report_desk: ReportDeskDep, tanggal: FromQuery[str | None] = None,
                dari: FromQuery[str | None] = None, sampai: FromQuery[str | None] = None) -> Template:
        lang = language(request)
        shown = period(report_desk, lang, translator(lang), tanggal, dari, sampai)
        return page(request, here, "reports/index.html", status_code=422 if shown.errors else 200, shown=shown,
                    cards=index_cards(report_desk, request.user, shown))

    @get("/{slug:str}", sync_to_thread=True)
    def report(self, request: Caller, here: HereDep, report_desk: ReportDeskDep, slug: FromPath[str],
               tanggal: FromQuery[str | None] = None, dari: FromQuery[str | None] = None,
               sampai: FromQuery[str | None] = None) -> Template:
        if slug not in PAGES:
            raise NotFoundException()
        return self._asked(request, here, report_desk, slug, tanggal, dari, sampai)

    # The router takes /laporan/berkala for the start of the periodic report's POST paths, never for /{slug}: its page
    # is named here.
    @get("/berkala", sync_to_thread=True)
    def periodic(self, request: Caller, here: HereDep, report_desk: ReportDeskDep,
                 tanggal: FromQuery[str | None] = None, dari: FromQuery[str | None] = None,
                 sampai: FromQuery[str | None] = None) -> Template:
        return self._asked(request, here, report_desk, RANGE, tanggal, dari, sampai)

    @post("/rekap/{day:date}", sync_to_thread=True, guards=[requires(Permission.SUBMIT_RECAP)])
    def submit_recap(self, request: Caller, here: HereDep, report_desk: ReportDeskDep, day: FromPath[date]
                     ) -> Response[Any] | Template:
        shown = ranged(report_desk, language(request), day, None, None)
        try:
            report_desk.submit(request.user, ReportKind.DAILY_RECAP, day, day)
        except DomainError as error:
            return self._page(request, here, report_desk, RECAP, shown, status_code=error_status(error),
                              errors=field_errors(error, language(request)))
        return Redirect(report_url(RECAP, shown), status_code=303)

    @post("/rekap/{day:date}/koreksi", sync_to_thread=True, guards=[requires(Permission.SUBMIT_RECAP)])
    def correct_recap(self, request: Caller, here: HereDep, report_desk: ReportDeskDep, day: FromPath[date],
                      data: Form) -> Response[Any] | Template:
        shown = ranged(report_desk, language(request), day, None, None)
        reason = str(data.get("reason", ""))
        try:
            report_desk.correct(request.user, ReportKind.DAILY_RECAP, day, day, reason)
        except DomainError as error:
            return self._page(request, here, report_desk, RECAP, shown, status_code=error_status(error),
                              errors=field_errors(error, language(request)), reason=reason)
        return Redirect(report_url(RECAP, shown), status_code=303)

    @post("/berkala/{start:date}/{end:date}", sync_to_thread=True, guards=[requires(Permission.REPORT_PERIODIC)])
    def submit_periodic(self, request: Caller, here: HereDep, report_desk: ReportDeskDep, start: FromPath[date],
                        end: FromPath[date], data: Form) -> Response[Any] | Template:
        shown = self._range(report_desk, request, data, start, end)
        try:
            report_desk.submit(request.user, ReportKind.PERIODIC, start, end)
        except DomainError as error:
            return self._page(request, here, report_desk, RANGE, shown, status_code=error_status(error),
                              errors=field_errors(error, language(request)))
        return Redirect(report_url(RANGE, shown), status_code=303)

    @post("/berkala/{start:date}/{end:date}/koreksi", sync_to_thread=True,
          guards=[requires(Permission.REPORT_PERIODIC)])
    def correct_periodic(self, request: Caller, here: HereDep, report_desk: ReportDeskDep, start: FromPath[date],
                         end: FromPath[date], data: Form) -> Response[Any] | Template:
        shown = self._range(report_desk, request, data, start, end)
        reason = str(data.get("reason", ""))
        try:
            report_desk.correct(request.user, ReportKind.PERIODIC, start, end, reason)
        except DomainError as error:
            return self._page(request, here, report_desk, RANGE, shown, status_code=error_status(error),
                              errors=field_errors(error, language(request)), reason=reason)
        return Redirect(report_url(RANGE, shown), status_code=303)

    def _asked(self, request: Caller, here: HereDep, desk: ReportDesk, slug: str, tanggal: str | None,
               dari: str | None, sampai: str | None) -> Template:
        """A report's page for the period in the query; a date that cannot be used is said beside its field (422)."""
        lang = language(request)
        shown = period(desk, lang, translator(lang), tanggal, dari, sampai)
        return self._page(request, here, desk, slug, shown, status_code=422 if shown.errors else 200)

    @staticmethod
    def _range(desk: ReportDesk, request: Caller, data: Form, start: date, end: date) -> Period:
        """The range posted, and the day the reports index was showing (kept for the way back)."""
        day = parse_day(str(data.get("tanggal", ""))) or desk.today()
        return ranged(desk, language(request), day, start, end)

    @staticmethod
    def _page(request: Caller, here: HereDep, desk: ReportDesk, slug: str, shown: Period, *, status_code: int = 200,
              errors: dict[str, str] | None = None, reason: str = "") -> Template:
        kind = PAGES[slug]
        context = kind.build(desk, request.user, shown) if kind.shows(shown) else {}
        return page(request, here, kind.template, status_code=status_code, shown=shown, kind=kind, slug=slug,
                    pages=PAGES, form_errors=errors or {}, reason=reason, **context)
