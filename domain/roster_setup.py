"""An office's duty set-up (SOP A.4, B.1–B.4; issue 16): its service hours per weekday, the days it marks otherwise
(long days of the registration period, a day closed), and its desk checklist. One aggregate per office
(`duty_setup_id`), kept by the Koordinator Harian; each change is an event with who made it. Planning a day reads
its default hours, shifts and checklist here (domain/roster.py)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.errors import Refusals
from domain.roles import Role
from domain.roster_checklist import DEFAULT_CHECKLIST, check_checklist
from domain.roster_hours import (
    DEFAULT_WEEK,
    MAX_NOTE,
    DayHours,
    DayMark,
    Hours,
    check_hours,
    check_week,
    days_between,
    hours_on,
)
from domain.roster_values import check_day, check_keeper
from domain.values import clean_text


def duty_setup_id(office_id: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"helpdesk-sipol:duty-setup:{office_id}")


class DutySetup(Aggregate):
    class Started(Aggregate.Created):
        office_id: str
        actor: str

    class ChecklistSet(Aggregate.Event):
        items: tuple[str, ...]
        actor: str

        def apply(self, aggregate: DutySetup) -> None:
            aggregate.checklist = self.items

    class WeekSet(Aggregate.Event):
        week: tuple[Hours | None, ...]
        actor: str

        def apply(self, aggregate: DutySetup) -> None:
            aggregate.week = self.week

    class DaysMarked(Aggregate.Event):
        """Days served otherwise: `hours` None closes them."""

        days: tuple[date, ...]
        hours: Hours | None
        note: str
        actor: str

        def apply(self, aggregate: DutySetup) -> None:
            for day in self.days:
                aggregate.marks[day] = DayMark(day, self.hours, self.note)

    class DaysUnmarked(Aggregate.Event):
        days: tuple[date, ...]
        actor: str

        def apply(self, aggregate: DutySetup) -> None:
            for day in self.days:
                aggregate.marks.pop(day, None)

    def __init__(self, office_id: str, actor: str) -> None:
        self.office_id = office_id
        self.checklist: tuple[str, ...] = DEFAULT_CHECKLIST
        self.week: tuple[Hours | None, ...] = DEFAULT_WEEK
        self.marks: dict[date, DayMark] = {}

    @classmethod
    def start(cls, office_id: str, actor: str, at: datetime) -> DutySetup:
        """The office's set-up with the defaults (the decree's checklist, government office hours)."""
        return cls._create(cls.Started, id=duty_setup_id(office_id), timestamp=at, office_id=office_id, actor=actor)

    def hours_on(self, day: date) -> DayHours:
        return hours_on(day, self.week, self.marks)

    def set_checklist(self, items: tuple[str, ...], role: Role, actor: str, at: datetime) -> None:
        check_keeper(role)
        cleaned = check_checklist(items)
        if cleaned != self.checklist:
            self.trigger_event(self.ChecklistSet, timestamp=at, items=cleaned, actor=actor)

    def set_week(self, week: tuple[Hours | None, ...], role: Role, actor: str, at: datetime) -> None:
        check_keeper(role)
        checked = check_week(week)
        if checked != self.week:
            self.trigger_event(self.WeekSet, timestamp=at, week=checked, actor=actor)

    def mark_days(self, first: date, last: date, hours: Hours | None, note: str, role: Role, actor: str,
                  at: datetime) -> None:
        """Marks first..last served with `hours`, or closed (None), with a note saying why."""
        check_keeper(role)
        refusals = Refusals()  # every field refused at once
        start, end = refusals.check(lambda: check_day(first, "first")), refusals.check(lambda: check_day(last, "last"))
        days = refusals.check(lambda: days_between(first, last)) if start and end else None
        if hours is not None:
            given = hours
            hours = refusals.check(lambda: check_hours(given.opens, given.closes))
        text = refusals.check(lambda: clean_text(note, "note", MAX_NOTE))
        refusals.raise_any()
        self.trigger_event(self.DaysMarked, timestamp=at, days=days, hours=hours, note=text, actor=actor)

    def unmark_days(self, first: date, last: date, role: Role, actor: str, at: datetime) -> None:
        check_keeper(role)
        days = tuple(day for day in days_between(check_day(first, "first"), check_day(last, "last"))
                     if day in self.marks)
        if days:
            self.trigger_event(self.DaysUnmarked, timestamp=at, days=days, actor=actor)
