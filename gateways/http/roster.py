"""The duty roster over the API (SOP A.4, B.1–B.4): a day as the roster shows it, the coverage of today and
tomorrow, the office's set-up; planning, dividing, swapping, absences (the roster keepers), and the caller's own
check-in and desk checklist."""

from __future__ import annotations

from datetime import date, time
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery, JSONBody

from domain.roles import Permission
from domain.roster_checklist import MAX_ITEM, MAX_ITEMS
from domain.roster_hours import Hours
from domain.roster_values import MAX_SHIFTS, Shift, check_day
from gateways.edge.auth import requires
from gateways.edge.deps import Caller, ClockDep, HelpdeskDep, HereDep, RosterDep
from gateways.reports.dates import today
from projections.roster_queries import Coverage, DutyDayView, SetupView
from services.roster import DayPlan

MANAGE = [requires(Permission.MANAGE_ROSTER)]
ShiftName = Annotated[str, msgspec.Meta(max_length=40)]
DutyCode = Annotated[str, msgspec.Meta(max_length=40)]
Reason = Annotated[str, msgspec.Meta(max_length=300)]


class ShiftRequest(msgspec.Struct, forbid_unknown_fields=True):
    name: ShiftName
    starts: time
    ends: time


class PlanRequest(msgspec.Struct, forbid_unknown_fields=True):
    """A day to plan; hours and shifts left out are the office's usual ones (a morning and an afternoon shift)."""

    day: date
    opens: time | None = None
    closes: time | None = None
    shifts: Annotated[list[ShiftRequest], msgspec.Meta(max_length=MAX_SHIFTS)] | None = None


class DutyRequest(msgspec.Struct, forbid_unknown_fields=True):
    """A duty of a shift (front_desk, email_watch, group_watch, meeting_host, monitoring_report) and its holder."""

    day: date
    shift: ShiftName
    duty: DutyCode
    user_id: UUID


class SwapRequest(msgspec.Struct, forbid_unknown_fields=True):
    day: date
    shift: ShiftName
    duty: DutyCode
    from_user: UUID
    to_user: UUID


class AbsenceRequest(msgspec.Struct, forbid_unknown_fields=True):
    day: date
    user_id: UUID
    reason: Reason


class ChecklistTick(msgspec.Struct, forbid_unknown_fields=True):
    """Today's shift the caller checks, the items found present; the others are recorded as missing."""

    shift: ShiftName
    present: Annotated[list[Annotated[str, msgspec.Meta(max_length=MAX_ITEM)]], msgspec.Meta(max_length=MAX_ITEMS)]
    note: Reason = ""


class ChecklistRequest(msgspec.Struct, forbid_unknown_fields=True):
    items: Annotated[list[Annotated[str, msgspec.Meta(max_length=MAX_ITEM)]], msgspec.Meta(max_length=MAX_ITEMS)]


class WeekRequest(msgspec.Struct, forbid_unknown_fields=True):
    """Monday to Sunday: each day's hours, or null when closed."""

    week: Annotated[list[Hours | None], msgspec.Meta(min_length=7, max_length=7)]


class MarkRequest(msgspec.Struct, forbid_unknown_fields=True):
    """Days served otherwise, first..last: `hours` null closes them."""

    first: date
    last: date
    note: Annotated[str, msgspec.Meta(max_length=200)]
    hours: Hours | None = None


class UnmarkRequest(msgspec.Struct, forbid_unknown_fields=True):
    first: date
    last: date


class CheckIn(msgspec.Struct):
    late: bool


class Checked(msgspec.Struct):
    missing: list[str]


class RosterController(Controller):
    path = "/api/roster"
    tags = ["Jadwal piket"]
    guards = [requires(Permission.READ_CONSULTATIONS)]

    @get("/days/{day:date}", sync_to_thread=True, summary="Satu hari: giliran, petugas, kehadiran, daftar periksa")
    def day(self, request: Caller, roster: RosterDep, day: FromPath[date]) -> DutyDayView:
        view = roster.day(request.user.office_id, day)
        if view is None:
            raise NotFoundException()
        return view

    @get("/coverage", sync_to_thread=True, summary="Kekosongan tugas hari ini dan besok (atau sejak `first`)")
    def coverage(self, request: Caller, roster: RosterDep, clock: ClockDep, here: HereDep,
                 first: FromQuery[date | None] = None) -> list[Coverage]:
        start = check_day(first, "first") if first else today(clock(), here.office)
        return roster.coverage(request.user.office_id, start)

    @get("/setup", sync_to_thread=True, summary="Jam layanan, hari khusus dan daftar periksa kantor")
    def setup(self, request: Caller, roster: RosterDep) -> SetupView:
        return roster.setup(request.user.office_id)

    @post("/days", guards=MANAGE, sync_to_thread=True, summary="Susun jadwal satu hari (Koordinator Harian)")
    def plan(self, request: Caller, helpdesk: HelpdeskDep, roster: RosterDep, data: JSONBody[PlanRequest]
             ) -> Response[DutyDayView | None]:
        shifts = tuple(Shift(s.name, s.starts, s.ends) for s in data.shifts) if data.shifts else None
        helpdesk.plan_duty_day(request.user, DayPlan(data.day, data.opens, data.closes, shifts))
        return Response(roster.day(request.user.office_id, data.day), status_code=201,
                        headers={"Location": f"{self.path}/days/{data.day.isoformat()}"})

    @post("/duties", guards=MANAGE, status_code=200, sync_to_thread=True, summary="Tugaskan petugas")
    def assign(self, request: Caller, helpdesk: HelpdeskDep, roster: RosterDep, data: JSONBody[DutyRequest]
               ) -> DutyDayView | None:
        helpdesk.assign_duty(request.user, data.day, data.shift, data.duty, data.user_id)
        return roster.day(request.user.office_id, data.day)

    @post("/duties/release", guards=MANAGE, status_code=200, sync_to_thread=True, summary="Lepaskan tugas")
    def unassign(self, request: Caller, helpdesk: HelpdeskDep, roster: RosterDep, data: JSONBody[DutyRequest]
                 ) -> DutyDayView | None:
        helpdesk.unassign_duty(request.user, data.day, data.shift, data.duty, data.user_id)
        return roster.day(request.user.office_id, data.day)

    @post("/swaps", guards=MANAGE, status_code=200, sync_to_thread=True, summary="Tukar tugas antarpetugas")
    def swap(self, request: Caller, helpdesk: HelpdeskDep, roster: RosterDep, data: JSONBody[SwapRequest]
             ) -> DutyDayView | None:
        helpdesk.swap_duty(request.user, data.day, data.shift, data.duty, data.from_user, data.to_user)
        return roster.day(request.user.office_id, data.day)

    @post("/absences", guards=MANAGE, status_code=200, sync_to_thread=True, summary="Catat ketidakhadiran")
    def absence(self, request: Caller, helpdesk: HelpdeskDep, roster: RosterDep, data: JSONBody[AbsenceRequest]
                ) -> DutyDayView | None:
        helpdesk.record_duty_absence(request.user, data.day, data.user_id, data.reason)
        return roster.day(request.user.office_id, data.day)

    @post("/check-in", status_code=200, sync_to_thread=True, summary="Hadir: catat kedatangan saya hari ini")
    def check_in(self, request: Caller, helpdesk: HelpdeskDep) -> CheckIn:
        return CheckIn(helpdesk.check_in_duty(request.user))

    @post("/checklist", status_code=200, sync_to_thread=True, summary="Daftar periksa meja layanan giliran saya")
    def tick(self, request: Caller, helpdesk: HelpdeskDep, data: JSONBody[ChecklistTick]) -> Checked:
        return Checked(list(helpdesk.tick_duty_checklist(request.user, data.shift, tuple(data.present), data.note)))

    @post("/setup/checklist", guards=MANAGE, status_code=200, sync_to_thread=True,
          summary="Atur daftar periksa kantor")
    def set_checklist(self, request: Caller, helpdesk: HelpdeskDep, roster: RosterDep,
                      data: JSONBody[ChecklistRequest]) -> SetupView:
        helpdesk.set_duty_checklist(request.user, tuple(data.items))
        return roster.setup(request.user.office_id)

    @post("/setup/week", guards=MANAGE, status_code=200, sync_to_thread=True, summary="Atur jam layanan per hari")
    def set_week(self, request: Caller, helpdesk: HelpdeskDep, roster: RosterDep, data: JSONBody[WeekRequest]
                 ) -> SetupView:
        helpdesk.set_service_week(request.user, tuple(data.week))
        return roster.setup(request.user.office_id)

    @post("/setup/marks", guards=MANAGE, status_code=200, sync_to_thread=True,
          summary="Tandai hari khusus (jam panjang masa pendaftaran, atau tutup)")
    def mark(self, request: Caller, helpdesk: HelpdeskDep, roster: RosterDep, data: JSONBody[MarkRequest]
             ) -> SetupView:
        helpdesk.mark_service_days(request.user, data.first, data.last, data.hours, data.note)
        return roster.setup(request.user.office_id)

    @post("/setup/marks/release", guards=MANAGE, status_code=200, sync_to_thread=True,
          summary="Hapus tanda hari khusus")
    def unmark(self, request: Caller, helpdesk: HelpdeskDep, roster: RosterDep, data: JSONBody[UnmarkRequest]
               ) -> SetupView:
        helpdesk.unmark_service_days(request.user, data.first, data.last)
        return roster.setup(request.user.office_id)
