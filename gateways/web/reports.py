"""The reports page: the SOP's four daily lists of a day (preview and downloads), the SOP-compliance report of a
range, the daily recap (versions, draft, submit, correct) and the periodic report (the same, over a range).

Downloads are the JSON API's own URLs (the session cookie authenticates there too); submitting and correcting
call the same use cases as gateways/http/reports.py (gateways/edge/reports.py), the content built and encoded once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import singledispatch
from typing import Any
from urllib.parse import quote, urlencode

from litestar import Controller, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from markupsafe import Markup

from domain.errors import DomainError
from domain.frozen_report import InvalidPeriod, ReportKind
from domain.roles import Permission, Role, may
from domain.service_days import FIRST_YEAR, LAST_YEAR
from gateways.edge.auth import requires
from gateways.edge.deps import Caller, Here, HereDep, ReportDeskDep
from gateways.edge.errors import STATUS_OF_KIND
from gateways.edge.reports import DailyList, ReportDesk
from gateways.messages import message
from gateways.reports.dates import stamp
from gateways.web.forms import Form, field_errors
from gateways.web.i18n import translator
from gateways.web.render import ROLE_NAMES, language, page
from services.documents import Cell, ImageCell, ReportDocument
from services.frozen_reports import ReportVersionView

PREVIEW_ROWS = 5
PERIODIC_DAYS = 7  # the range shown first: the week up to the chosen day


def N_(text: str) -> str:  # noqa: N802 - gettext's marker: a text translated later, where it is shown
    return text


LIST_TITLES = {
    DailyList.ATTENDANCE: N_("Daftar Hadir"),
    DailyList.PROBLEMS: N_("Daftar Permasalahan"),
    DailyList.ANSWERS: N_("Jawaban/Solusi"),
    DailyList.STAFF_DAILY: N_("Laporan Harian"),
    DailyList.PHOTOS: N_("Dokumentasi Foto"),
}
FORMATS = (("pdf", N_("Unduh PDF")), ("xlsx", N_("Unduh XLSX")), ("csv", N_("Unduh CSV")))


@dataclass(frozen=True)
class Preview:
    """The first rows of a report document, for reading on the page before downloading it."""

    columns: tuple[str, ...]
    numeric: tuple[bool, ...]
    rows: tuple[tuple[Any, ...], ...]
    total: int
    summary: tuple[tuple[str, str], ...]
    period: str


@dataclass(frozen=True)
class DailyReport:
    name: str
    title: str
    preview: Preview
    downloads: tuple[tuple[str, str], ...]  # (label, url)


@dataclass(frozen=True)
class VersionRow:
    version: int
    content_hash: str
    submitter: str
    role: str
    submitted_at: str
    corrects: int | None
    reason: str | None
    downloads: tuple[tuple[str, str], ...]


@singledispatch
def preview_cell(value: Cell) -> Any:
    """A cell as the page shows it: text and numbers as they are (the template escapes them); a kind of cell other
    than text registers its own HTML below."""
    return value


@preview_cell.register(ImageCell)
def _preview_picture(value: ImageCell) -> Markup:
    if value.href:  # a documentation photo, as its consultation serves it
        return Markup('<a href="{0}"><img class="photo-thumb" src="{0}" alt="{1}" loading="lazy"></a>').format(
            value.href, value.text)
    # The signature as the front desk serves it (this office's staff only), not the report's copy of its bytes.
    return Markup('<img class="signature-thumb" src="/meja-depan/tanda-tangan/{}" alt="{}" width="120" height="40"'
                  ' loading="lazy">').format(quote(value.key), value.text)


def preview(document: ReportDocument, rows: int | None = PREVIEW_ROWS) -> Preview:
    shown = document.rows if rows is None else document.rows[:rows]
    return Preview(
        columns=tuple(c.title for c in document.columns), numeric=tuple(c.numeric for c in document.columns),
        rows=tuple(tuple(preview_cell(cell) for cell in row) for row in shown), total=len(document.rows),
        summary=document.summary, period=document.period,
    )


def parse_day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def api_url(path: str, **params: object) -> str:
    return f"/api/reports/{path}?{urlencode(params)}"


def reports_url(day: date, first: date | None = None, last: date | None = None) -> str:
    params = {"tanggal": day.isoformat()}
    if first is not None and last is not None:
        params |= {"dari": first.isoformat(), "sampai": last.isoformat()}
    return f"/laporan?{urlencode(params)}"


def version_rows(desk: ReportDesk, kind: ReportKind, first: date, last: date, versions: list[ReportVersionView]
                 ) -> list[VersionRow]:
    base = f"{kind.value}/{first.isoformat()}/{last.isoformat()}/versions"
    return [
        VersionRow(
            version=v.version, content_hash=v.content_hash,
            submitter=f"{desk.builder.full_name(v.submitter)} ({v.submitter})",
            role=role_name(v.submitter_role),
            submitted_at=stamp(v.submitted_at, desk.office), corrects=v.corrects, reason=v.reason,
            downloads=tuple((label, api_url(f"{base}/{v.version}", format=fmt)) for fmt, label in FORMATS[:2]),
        )
        for v in versions
    ]


def role_name(value: str) -> str:
    """The role's Indonesian name (translated in the template); an unknown value as it was stored."""
    try:
        return ROLE_NAMES.get(Role(value), value)
    except ValueError:
        return value


def draft(desk: ReportDesk, kind: ReportKind, first: date, last: date, username: str) -> Preview:
    return preview(desk.draft(kind, first, last, username))


def error_status(error: DomainError) -> int:
    return STATUS_OF_KIND.get(error.kind, 422)


class ReportPages(Controller):
    path = "/laporan"
    include_in_schema = False
    guards = [requires(Permission.READ_CONSULTATIONS)]

    @get("/", sync_to_thread=True)
    def reports(self, request: Caller, here: HereDep, report_desk: ReportDeskDep, tanggal: FromQuery[str | None] = None,
                dari: FromQuery[str | None] = None, sampai: FromQuery[str | None] = None) -> Template:
        _ = translator(language(request))
        errors: dict[str, str] = {}
        current = report_desk.today()
        day = parse_day(tanggal)
        if tanggal and day is None:
            errors["tanggal"] = _("Tanggal tidak valid. Gunakan format TTTT-BB-HH.")
        elif day is not None and day > current:
            # A day to come has no lists yet (the API refuses them too): said beside the field, today shown.
            errors["tanggal"] = message("period_not_begun", language(request))
            day = None
        elif day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
            errors["tanggal"] = message("day_out_of_range", language(request), first=FIRST_YEAR, last=LAST_YEAR)
            day = None
        day = day or current
        first, last = parse_day(dari), parse_day(sampai)
        if dari and first is None:
            errors["dari"] = _("Tanggal tidak valid. Gunakan format TTTT-BB-HH.")
        if sampai and last is None:
            errors["sampai"] = _("Tanggal tidak valid. Gunakan format TTTT-BB-HH.")
        return self._page(request, here, report_desk, day, first, last, errors=errors, typed={
            "tanggal": tanggal or day.isoformat(), "dari": dari, "sampai": sampai})

    @post("/rekap/{day:date}", sync_to_thread=True, guards=[requires(Permission.SUBMIT_RECAP)])
    def submit_recap(self, request: Caller, here: HereDep, report_desk: ReportDeskDep, day: FromPath[date]
                     ) -> Response[Any] | Template:
        user = request.user
        kind = ReportKind.DAILY_RECAP
        try:
            report_desk.submit(user, kind, day, day)
        except DomainError as error:
            return self._page(request, here, report_desk, day, None, None, status_code=error_status(error),
                              recap_errors=field_errors(error, language(request)))
        return Redirect(reports_url(day), status_code=303)

    @post("/rekap/{day:date}/koreksi", sync_to_thread=True, guards=[requires(Permission.SUBMIT_RECAP)])
    def correct_recap(self, request: Caller, here: HereDep, report_desk: ReportDeskDep, day: FromPath[date],
                      data: Form
                      ) -> Response[Any] | Template:
        user = request.user
        kind = ReportKind.DAILY_RECAP
        reason = str(data.get("reason", ""))
        try:
            report_desk.correct(user, kind, day, day, reason)
        except DomainError as error:
            return self._page(request, here, report_desk, day, None, None, status_code=error_status(error),
                              recap_errors=field_errors(error, language(request)), recap_reason=reason)
        return Redirect(reports_url(day), status_code=303)

    @post("/berkala/{start:date}/{end:date}", sync_to_thread=True, guards=[requires(Permission.REPORT_PERIODIC)])
    def submit_periodic(self, request: Caller, here: HereDep, report_desk: ReportDeskDep, start: FromPath[date],
                        end: FromPath[date],
                        data: Form) -> Response[Any] | Template:
        user = request.user
        kind = ReportKind.PERIODIC
        day = parse_day(str(data.get("tanggal", ""))) or report_desk.today()
        try:
            report_desk.submit(user, kind, start, end)
        except DomainError as error:
            return self._page(request, here, report_desk, day, start, end, status_code=error_status(error),
                              periodic_errors=field_errors(error, language(request)))
        return Redirect(reports_url(day, start, end), status_code=303)

    @post("/berkala/{start:date}/{end:date}/koreksi", sync_to_thread=True,
          guards=[requires(Permission.REPORT_PERIODIC)])
    def correct_periodic(self, request: Caller, here: HereDep, report_desk: ReportDeskDep, start: FromPath[date],
                        end: FromPath[date],
                         data: Form) -> Response[Any] | Template:
        user = request.user
        kind = ReportKind.PERIODIC
        day = parse_day(str(data.get("tanggal", ""))) or report_desk.today()
        reason = str(data.get("reason", ""))
        try:
            report_desk.correct(user, kind, start, end, reason)
        except DomainError as error:
            return self._page(request, here, report_desk, day, start, end, status_code=error_status(error),
                              periodic_errors=field_errors(error, language(request)), periodic_reason=reason)
        return Redirect(reports_url(day, start, end), status_code=303)

    def _page(self, request: Caller, here: Here, desk: ReportDesk, day: date, first: date | None, last: date | None, *,
              status_code: int = 200, errors: dict[str, str] | None = None, typed: dict[str, Any] | None = None,
              recap_errors: dict[str, str] | None = None, recap_reason: str = "",
              periodic_errors: dict[str, str] | None = None, periodic_reason: str = "") -> Template:
        _ = translator(language(request))
        user = request.user
        errors = dict(errors or {})
        last = last or day
        first = first or last - min(timedelta(days=PERIODIC_DAYS - 1), last - date.min)  # none before 1 January 1
        try:
            desk.check(first, last)
            range_ok = True
        except InvalidPeriod as error:
            range_ok = False
            errors.setdefault("sampai", message(error.code, language(request)))
        typed = {"tanggal": day.isoformat(), "dari": first.isoformat(), "sampai": last.isoformat(), **{
            k: v for k, v in (typed or {}).items() if v}}

        d = day.isoformat()
        documents = {
            name: desk.daily(name, day, user.username) for name in DailyList
        }
        daily = [
            DailyReport(name.value, LIST_TITLES[name], preview(document), tuple(
                (label, api_url(f"daily/{name.value}", day=d, format=fmt)) for fmt, label in FORMATS))
            for name, document in documents.items()
        ]

        recap = ReportKind.DAILY_RECAP
        recap_versions = version_rows(desk, recap, day, day, desk.versions(user, recap, day, day))
        context: dict[str, Any] = {
            "day": day, "first": first, "last": last, "typed": typed, "errors": errors, "daily": daily,
            "recap_versions": recap_versions, "recap_draft": draft(desk, recap, day, day, user.username),
            "recap_draft_pdf": api_url(f"{recap.value}/{d}/{d}/draft", format="pdf"),
            "recap_errors": recap_errors or {}, "recap_reason": recap_reason,
            "may_submit_recap": may(user.role, Permission.SUBMIT_RECAP),
            "may_submit_periodic": may(user.role, Permission.REPORT_PERIODIC),
            "periodic_errors": periodic_errors or {}, "periodic_reason": periodic_reason,
            "range_ok": range_ok,
        }
        if range_ok:
            periodic = ReportKind.PERIODIC
            start, end = first.isoformat(), last.isoformat()
            context |= {
                "compliance": preview(desk.builder.compliance(first, last), rows=None),
                "compliance_downloads": tuple(
                    (label, api_url("compliance", start=start, end=end, format=fmt)) for fmt, label in FORMATS),
                "periodic_versions": version_rows(desk, periodic, first, last,
                                                  desk.versions(user, periodic, first, last)),
                "periodic_draft": draft(desk, periodic, first, last, user.username),
                "periodic_draft_pdf": api_url(f"{periodic.value}/{start}/{end}/draft", format="pdf"),
            }
        if errors and status_code == 200:
            status_code = 422  # a date that cannot be read: shown beside its field
        return page(request, here, "reports/index.html", status_code=status_code, **context)
