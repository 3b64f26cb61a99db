"""The duty roster's pages (/jadwal-piket; SOP A.4, B.1–B.4): today and tomorrow with their coverage gaps first, a day
picked by date with who holds what per shift, absences, check-ins ("terlambat" when late) and the desk checklist; the
Koordinator Harian's forms to plan a day, divide the duties, swap and record an absence; the "Hadir" button and the
checklist for the person on duty. Every reader sees the roster; the keepers change it (Permission.MANAGE_ROSTER)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, SkipValidation
from litestar.response import Redirect, Template

from domain.errors import DomainError, Refusals
from domain.roles import Permission, may
from domain.roster_values import MAX_SHIFTS, DateInvalid, Duty, Shift, day_of, time_of
from gateways.edge.auth import requires
from gateways.edge.deps import Caller, ClockDep, HelpdeskDep, HereDep, RosterDep, UsersDep
from gateways.edge.errors import STATUS_OF_KIND
from gateways.messages import label
from gateways.reports.dates import clock_time, long_date, today
from gateways.web.forms import Form, field_errors
from gateways.web.render import language, page
from services.roster import DayPlan

MANAGE = [requires(Permission.MANAGE_ROSTER)]
DUTY_NAMES = {duty: label("duty", duty.value) for duty in Duty}  # in Bahasa Indonesia, translated by `_`


@dataclass(frozen=True)
class RosterDesk:
    """What the roster's pages use: its read model, the commands, the staff list, the office and its clock."""

    roster: RosterDep
    helpdesk: HelpdeskDep
    users: UsersDep
    here: HereDep
    clock: ClockDep

    def today(self) -> date:
        return today(self.clock(), self.here.office)


RosterDeskDep = NamedDependency[SkipValidation[RosterDesk]]  # roster_desk


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key, "")
    return str(value[0] if isinstance(value, list) and value else value or "").strip()


class RosterPages(Controller):
    path = "/jadwal-piket"
    include_in_schema = False
    guards = [requires(Permission.READ_CONSULTATIONS)]

    @get("/", sync_to_thread=True)
    def roster_page(self, request: Caller, roster_desk: RosterDeskDep, tanggal: FromQuery[str | None] = None
                    ) -> Template:
        chosen = roster_desk.today()
        errors: dict[str, str] = {}
        if tanggal:
            try:
                chosen = day_of(tanggal, "tanggal")
            except DateInvalid as error:
                errors = field_errors(error, language(request))
        return _page(request, roster_desk, chosen, {}, errors, status_code=422 if errors else 200)

    @post("/rencana", guards=MANAGE, sync_to_thread=True)
    def plan(self, request: Caller, roster_desk: RosterDeskDep, data: Form) -> Response[Any] | Template:
        values = {key: _text(data, key) for key in data}
        return _run(request, roster_desk, values, "plan",
                    lambda: roster_desk.helpdesk.plan_duty_day(request.user, _plan(values)))

    @post("/tugas", guards=MANAGE, sync_to_thread=True)
    def assign(self, request: Caller, roster_desk: RosterDeskDep, data: Form) -> Response[Any] | Template:
        values = {key: _text(data, key) for key in ("day", "shift", "duty", "user_id")}
        return _run(request, roster_desk, values, "assign", lambda: roster_desk.helpdesk.assign_duty(
            request.user, day_of(values["day"]), values["shift"], values["duty"], _uuid(values["user_id"])))

    @post("/tugas/lepas", guards=MANAGE, sync_to_thread=True)
    def unassign(self, request: Caller, roster_desk: RosterDeskDep, data: Form) -> Response[Any] | Template:
        values = {key: _text(data, key) for key in ("day", "shift", "duty", "user_id")}
        return _run(request, roster_desk, values, "unassign", lambda: roster_desk.helpdesk.unassign_duty(
            request.user, day_of(values["day"]), values["shift"], values["duty"], _uuid(values["user_id"])))

    @post("/tukar", guards=MANAGE, sync_to_thread=True)
    def swap(self, request: Caller, roster_desk: RosterDeskDep, data: Form) -> Response[Any] | Template:
        values = {key: _text(data, key) for key in ("day", "shift", "duty", "from_user", "to_user")}
        return _run(request, roster_desk, values, "swap", lambda: roster_desk.helpdesk.swap_duty(
            request.user, day_of(values["day"]), values["shift"], values["duty"], _uuid(values["from_user"]),
            _uuid(values["to_user"])))

    @post("/absen", guards=MANAGE, sync_to_thread=True)
    def absence(self, request: Caller, roster_desk: RosterDeskDep, data: Form) -> Response[Any] | Template:
        values = {key: _text(data, key) for key in ("day", "user_id", "reason")}
        return _run(request, roster_desk, values, "absence", lambda: roster_desk.helpdesk.record_duty_absence(
            request.user, day_of(values["day"]), _uuid(values["user_id"]), values["reason"]))

    @post("/hadir", sync_to_thread=True)
    def check_in(self, request: Caller, roster_desk: RosterDeskDep) -> Response[Any] | Template:
        values = {"day": roster_desk.today().isoformat()}
        return _run(request, roster_desk, values, "check_in", lambda: roster_desk.helpdesk.check_in_duty(request.user))

    @post("/periksa", sync_to_thread=True)
    def checklist(self, request: Caller, roster_desk: RosterDeskDep, data: Form) -> Response[Any] | Template:
        present = data.get("present", [])
        items = tuple(str(i) for i in (present if isinstance(present, list) else [present]) if i)
        values = {"day": roster_desk.today().isoformat(), "shift": _text(data, "shift"), "note": _text(data, "note")}
        return _run(request, roster_desk, values, "checklist", lambda: roster_desk.helpdesk.tick_duty_checklist(
            request.user, values["shift"], items, values["note"]))


def _plan(values: dict[str, str]) -> DayPlan:
    """The plan form's fields, every malformed one refused at once: hours and shifts left blank are the office's
    usual ones."""
    refusals = Refusals()
    day = refusals.check(lambda: day_of(values.get("day", "")))
    opens = refusals.check(lambda: time_of(values["opens"], "opens")) if values.get("opens") else None
    closes = refusals.check(lambda: time_of(values["closes"], "closes")) if values.get("closes") else None
    shifts = []
    for n in range(1, MAX_SHIFTS + 1):
        name, starts, ends = (values.get(f"shift_{part}_{n}", "") for part in ("name", "starts", "ends"))
        if name or starts or ends:
            begin = refusals.check(lambda n=n, starts=starts: time_of(starts, f"shift_starts_{n}"))
            end = refusals.check(lambda n=n, ends=ends: time_of(ends, f"shift_ends_{n}"))
            if begin and end:
                shifts.append(Shift(name, begin, end))
    refusals.raise_any()
    return DayPlan(day, opens, closes, tuple(shifts) or None)  # type: ignore[arg-type]


def _uuid(text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        return UUID(int=0)  # no account has it: refused as an unknown staff member, beside the field


def _run(request: Caller, desk: RosterDesk, values: dict[str, str], form: str, command: Callable[[], object]
         ) -> Response[Any] | Template:
    """Runs one command; back to the day's roster, or the roster again with every error beside its field (4xx)."""
    try:
        command()
    except DomainError as error:
        if error.kind == "forbidden":
            raise
        try:
            chosen = day_of(values.get("day", ""))
        except DateInvalid:
            chosen = desk.today()
        return _page(request, desk, chosen, values, field_errors(error, language(request)), form=form,
                     status_code=STATUS_OF_KIND[error.kind])
    return Redirect(f"/jadwal-piket?tanggal={values.get('day', '')}", status_code=303)


def _page(request: Caller, desk: RosterDesk, chosen: date, values: dict[str, str], errors: dict[str, str],
          form: str = "", status_code: int = 200) -> Template:
    office_id, now = request.user.office_id, desk.today()
    lang = language(request)
    staff = [u for u in desk.users.list(office_id) if u.active]
    todays = desk.roster.day(office_id, now)
    me = str(request.user.id)
    my_shifts = [s for s in todays.shifts if any(h.user_id == me for slot in s.duties for h in slot.holders)
                 ] if todays else []
    mine = next((c for c in todays.check_ins if c.user_id == me), None) if todays else None
    return page(
        request, desk.here, "roster/index.html", status_code=status_code, chosen=chosen, today=now,
        tomorrow=now + timedelta(days=1), previous=chosen - timedelta(days=1), following=chosen + timedelta(days=1),
        coverage=desk.roster.coverage(office_id, now), view=desk.roster.day(office_id, chosen),
        hours=desk.roster.hours_on(office_id, chosen), todays=todays, my_shifts=my_shifts, my_check_in=mine,
        can_manage=may(request.user.role, Permission.MANAGE_ROSTER), staff=staff, duties=DUTY_NAMES,
        long_date=lambda day: long_date(day, lang), time=lambda moment: clock_time(moment, desk.here.office, lang),
        values=values, errors=errors, form=form)

