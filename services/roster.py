"""The duty roster (part of the Helpdesk application; SOP A.4, B.1–B.4): each command loads the office's duty day
or its set-up, takes one domain step and saves it. The day's default hours, shifts and checklist come from the set-up
(domain/roster_setup.py); who may do what is the domain's."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from uuid import UUID
from zoneinfo import ZoneInfo

import msgspec

from domain.errors import NotFound
from domain.offices import OfficeId
from domain.roster import DutyDay, duty_day_id
from domain.roster_hours import DayClosed, Hours, default_shifts
from domain.roster_setup import DutySetup, duty_setup_id
from domain.roster_values import DayAlreadyPlanned, DayNotPlanned, Shift, check_keeper, duty_of
from domain.views import UserView
from services.base import NodeApplication


class DayPlan(msgspec.Struct, frozen=True):
    """A day to plan: its hours and shifts, or (None) the office's usual ones for that day."""

    day: date
    opens: time | None = None
    closes: time | None = None
    shifts: tuple[Shift, ...] | None = None


class RosterCommands(NodeApplication):
    # Provided by the same Helpdesk application (AccountCommands).
    get_user: Callable[[UUID], UserView]

    def plan_duty_day(self, caller: UserView, plan: DayPlan) -> UUID:
        """The Koordinator Harian plans a day: refused on a closed day unless hours are given, and planned once."""
        check_keeper(caller.role)
        office = self.duty_setup(caller.office_id)
        if self._duty_day_or_none(caller.office_id, plan.day) is not None:
            raise DayAlreadyPlanned(field="day")
        usual = office.hours_on(plan.day)
        hours = Hours(plan.opens, plan.closes) if plan.opens and plan.closes else usual.hours
        if hours is None:
            raise DayClosed(field="day", reason=usual.reason)
        day = DutyDay.plan(caller.office_id, plan.day, hours.opens, hours.closes,
                           plan.shifts or default_shifts(hours), caller.role, caller.username, self.clock(),
                           checklist=office.checklist)
        self._save(day)
        return day.id

    def assign_duty(self, caller: UserView, day: date, shift: str, duty: str, user_id: UUID) -> None:
        duty_day, who = self.duty_day(caller.office_id, day), self._roster_staff(caller, user_id)
        duty_day.assign(shift, duty_of(duty), who, caller.role, caller.username, self.clock())
        self._save(duty_day)

    def unassign_duty(self, caller: UserView, day: date, shift: str, duty: str, user_id: UUID) -> None:
        duty_day = self.duty_day(caller.office_id, day)
        duty_day.unassign(shift, duty_of(duty), str(user_id), caller.role, caller.username, self.clock())
        self._save(duty_day)

    def swap_duty(self, caller: UserView, day: date, shift: str, duty: str, from_user: UUID, to_user: UUID) -> None:
        duty_day, to = self.duty_day(caller.office_id, day), self._roster_staff(caller, to_user, "to_user")
        duty_day.swap(shift, duty_of(duty), str(from_user), to, caller.role, caller.username, self.clock())
        self._save(duty_day)

    def record_duty_absence(self, caller: UserView, day: date, user_id: UUID, reason: str) -> None:
        duty_day = self.duty_day(caller.office_id, day)
        duty_day.record_absence(str(user_id), reason, caller.role, caller.username, self.clock())
        self._save(duty_day)

    def check_in_duty(self, caller: UserView) -> bool:
        """The caller arrives for today's duty (the office's own date); True when late."""
        duty_day = self.duty_day(caller.office_id, self.office_today(caller.office_id))
        late = duty_day.check_in(str(caller.id), self.clock())
        self._save(duty_day)
        return late

    def tick_duty_checklist(self, caller: UserView, shift: str, present: tuple[str, ...], note: str
                            ) -> tuple[str, ...]:
        """The caller, on duty in today's `shift`, checks the desk; returns what is missing."""
        duty_day = self.duty_day(caller.office_id, self.office_today(caller.office_id))
        missing = duty_day.tick_checklist(shift, str(caller.id), present, note, self.clock())
        self._save(duty_day)
        return missing

    def set_duty_checklist(self, caller: UserView, items: tuple[str, ...]) -> None:
        office = self.duty_setup(caller.office_id)
        office.set_checklist(items, caller.role, caller.username, self.clock())
        self._save(office)

    def set_service_week(self, caller: UserView, week: tuple[Hours | None, ...]) -> None:
        office = self.duty_setup(caller.office_id)
        office.set_week(week, caller.role, caller.username, self.clock())
        self._save(office)

    def mark_service_days(self, caller: UserView, first: date, last: date, hours: Hours | None, note: str) -> None:
        office = self.duty_setup(caller.office_id)
        office.mark_days(first, last, hours, note, caller.role, caller.username, self.clock())
        self._save(office)

    def unmark_service_days(self, caller: UserView, first: date, last: date) -> None:
        office = self.duty_setup(caller.office_id)
        office.unmark_days(first, last, caller.role, caller.username, self.clock())
        self._save(office)

    def duty_setup(self, office_id: str) -> DutySetup:
        """The office's set-up; the defaults (started now, saved with its first change) when it has none yet."""
        try:
            setup = self._load(duty_setup_id(office_id))
        except NotFound:
            return DutySetup.start(office_id, "system", self.clock())
        if not isinstance(setup, DutySetup):
            raise NotFound()
        return setup

    def duty_day(self, office_id: str, day: date) -> DutyDay:
        found = self._duty_day_or_none(office_id, day)
        if found is None:
            raise DayNotPlanned(field="day")
        return found

    def office_today(self, office_id: str) -> date:
        return self.clock().astimezone(ZoneInfo(OfficeId(office_id).timezone)).date()

    def _duty_day_or_none(self, office_id: str, day: date) -> DutyDay | None:
        try:
            found = self._load(duty_day_id(office_id, day))
        except NotFound:
            return None
        return found if isinstance(found, DutyDay) else None

    def _roster_staff(self, caller: UserView, user_id: UUID, field: str = "user_id") -> str:
        """An active account of the caller's office, as the roster names it (its id)."""
        try:
            user = self.get_user(user_id)
        except NotFound:
            raise NotFound(field=field) from None
        if user.office_id != caller.office_id or not user.active:
            raise NotFound(field=field)
        return str(user.id)
