"""The office's duty set-up page (/jadwal-piket/pengaturan; SOP A.4, B.1–B.4): its service hours per weekday, the
days it serves otherwise (the registration period's long days, a day closed) and the desk checklist, kept by the
Koordinator Harian; every reader sees them, with the national holidays ahead."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from litestar import Controller, Response, get, post
from litestar.response import Redirect, Template

from domain.errors import DomainError, Refusals
from domain.roles import Permission, may
from domain.roster_holidays import HOLIDAYS
from domain.roster_hours import Hours, check_hours
from domain.roster_values import day_of, time_of
from gateways.edge.auth import requires
from gateways.edge.deps import Caller
from gateways.edge.errors import STATUS_OF_KIND
from gateways.reports.dates import long_date, weekdays
from gateways.web.forms import Form, field_errors
from gateways.web.render import language, page
from gateways.web.roster import RosterDesk, RosterDeskDep

MANAGE = [requires(Permission.MANAGE_ROSTER)]
HOLIDAYS_SHOWN = 90  # days ahead


def _text(data: dict[str, Any], key: str) -> str:
    return str(data.get(key, "") or "").strip()


class RosterSetupPages(Controller):
    path = "/jadwal-piket/pengaturan"
    include_in_schema = False
    guards = [requires(Permission.READ_CONSULTATIONS)]

    @get("/", sync_to_thread=True)
    def setup_page(self, request: Caller, roster_desk: RosterDeskDep) -> Template:
        return _page(request, roster_desk, {}, {}, "")

    @post("/daftar-periksa", guards=MANAGE, sync_to_thread=True)
    def checklist(self, request: Caller, roster_desk: RosterDeskDep, data: Form) -> Response[Any] | Template:
        values = {"items": _text(data, "items")}
        items = tuple(values["items"].splitlines())
        return _run(request, roster_desk, values, "checklist",
                    lambda: roster_desk.helpdesk.set_duty_checklist(request.user, items))

    @post("/jam", guards=MANAGE, sync_to_thread=True)
    def week(self, request: Caller, roster_desk: RosterDeskDep, data: Form) -> Response[Any] | Template:
        values = {f"{part}_{n}": _text(data, f"{part}_{n}") for n in range(7) for part in ("opens", "closes")}

        def command() -> None:
            refusals = Refusals()
            week = [refusals.check(lambda n=n: _hours(values, f"opens_{n}", f"closes_{n}")) for n in range(7)]
            refusals.raise_any()
            roster_desk.helpdesk.set_service_week(request.user, tuple(week))

        return _run(request, roster_desk, values, "week", command)

    @post("/tandai", guards=MANAGE, sync_to_thread=True)
    def mark(self, request: Caller, roster_desk: RosterDeskDep, data: Form) -> Response[Any] | Template:
        values = {key: _text(data, key) for key in ("first", "last", "opens", "closes", "note")}

        def command() -> None:
            refusals = Refusals()
            first = refusals.check(lambda: day_of(values["first"], "first"))
            last = refusals.check(lambda: day_of(values["last"] or values["first"], "last"))
            hours = refusals.check(lambda: _hours(values, "opens", "closes"))
            refusals.raise_any()
            roster_desk.helpdesk.mark_service_days(request.user, first, last, hours, values["note"])  # type: ignore[arg-type]

        return _run(request, roster_desk, values, "mark", command)

    @post("/hapus-tanda", guards=MANAGE, sync_to_thread=True)
    def unmark(self, request: Caller, roster_desk: RosterDeskDep, data: Form) -> Response[Any] | Template:
        values = {key: _text(data, key) for key in ("first", "last")}

        def command() -> None:
            first = day_of(values["first"], "first")
            roster_desk.helpdesk.unmark_service_days(request.user, first, day_of(values["last"] or values["first"],
                                                                                   "last"))

        return _run(request, roster_desk, values, "unmark", command)


def _hours(values: dict[str, str], opens: str, closes: str) -> Hours | None:
    """Both blank: closed; otherwise both times, the opening first."""
    if not values[opens] and not values[closes]:
        return None
    refusals = Refusals()
    start, end = refusals.check(lambda: time_of(values[opens], opens)), refusals.check(lambda: time_of(values[closes],
                                                                                                        closes))
    refusals.raise_any()
    return check_hours(start, end, closes)  # type: ignore[arg-type]


def _run(request: Caller, desk: RosterDesk, values: dict[str, str], form: str, command: Callable[[], object]
         ) -> Response[Any] | Template:
    try:
        command()
    except DomainError as error:
        if error.kind == "forbidden":
            raise
        return _page(request, desk, values, field_errors(error, language(request)), form,
                     status_code=STATUS_OF_KIND[error.kind])
    return Redirect("/jadwal-piket/pengaturan", status_code=303)


def _page(request: Caller, desk: RosterDesk, values: dict[str, str], errors: dict[str, str], form: str,
          status_code: int = 200) -> Template:
    office_id, now, lang = request.user.office_id, desk.today(), language(request)
    setup = desk.roster.setup(office_id)
    holidays = [(day, name) for day, name in sorted(HOLIDAYS.items()) if now <= day <= now + timedelta(HOLIDAYS_SHOWN)]
    return page(request, desk.here, "roster/setup.html", status_code=status_code, setup=setup,
                marks=[m for m in setup.marks if m.day >= now], holidays=holidays, weekdays=weekdays(lang),
                can_manage=may(request.user.role, Permission.MANAGE_ROSTER), long_date=lambda day: long_date(day, lang),
                values=values, errors=errors, form=form)
