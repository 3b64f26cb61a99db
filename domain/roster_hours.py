"""Service hours (SOP B.1; issue 16): an office's hours per weekday, the days it marks otherwise (the registration
period's long days, a day closed), and the national holidays; what planning a day takes as its default hours and
shifts."""

from __future__ import annotations

from datetime import date, time, timedelta

import msgspec

from domain.errors import InvalidInput, StepOutOfOrder
from domain.roster_holidays import HOLIDAYS
from domain.roster_values import Shift

MAX_MARKED_DAYS = 92  # a registration period's long days, marked at once
MAX_NOTE = 200
NOON = time(12)


class Hours(msgspec.Struct, frozen=True):
    """When the desk serves on a day, in the office's local time."""

    opens: time
    closes: time


# Government office hours: Monday to Thursday 08.00–16.00, Friday 08.00–16.30, closed at the weekend.
DEFAULT_WEEK: tuple[Hours | None, ...] = (
    *(Hours(time(8), time(16)) for _ in range(4)), Hours(time(8), time(16, 30)), None, None,
)


class HoursInvalid(InvalidInput):
    """Seven weekdays, each closed or opening before it closes."""

    code = "roster_hours_invalid"


class MarkInvalid(InvalidInput):
    """A run of marked days ends on or after its first day and spans at most three months."""

    code = "roster_mark_invalid"


class DayClosed(StepOutOfOrder):
    """The desk does not serve that day (a holiday, a weekend, a day the office closed): no duties to plan."""

    code = "roster_day_closed"


class DayMark(msgspec.Struct, frozen=True):
    """A day the office serves otherwise than its week says: other hours, or closed (hours None)."""

    day: date
    hours: Hours | None
    note: str


class DayHours(msgspec.Struct, frozen=True):
    """A day's service hours (None: closed) and why, when not the office's usual week (a holiday's name, a note)."""

    day: date
    hours: Hours | None
    reason: str = ""
    marked: bool = False


def check_hours(opens: time, closes: time, field: str = "hours") -> Hours:
    if not opens < closes:
        raise HoursInvalid(field=field)
    return Hours(opens, closes)


def check_week(week: tuple[Hours | None, ...]) -> tuple[Hours | None, ...]:
    if len(week) != 7:
        raise HoursInvalid(field="week")
    for number, hours in enumerate(week):
        if hours is not None:
            check_hours(hours.opens, hours.closes, f"week[{number}]")
    return week


def days_between(first: date, last: date) -> tuple[date, ...]:
    """Every day from `first` to `last`; refused when reversed or longer than MAX_MARKED_DAYS."""
    count = (last - first).days + 1
    if not 0 < count <= MAX_MARKED_DAYS:
        raise MarkInvalid(field="last")
    return tuple(first + timedelta(days=n) for n in range(count))


def hours_on(day: date, week: tuple[Hours | None, ...], marks: dict[date, DayMark],
             holidays: dict[date, str] = HOLIDAYS) -> DayHours:
    """The office's own mark first (it may open on a holiday, or close on a weekday), then a national holiday, then its
    usual week."""
    mark = marks.get(day)
    if mark is not None:
        return DayHours(day, mark.hours, mark.note, marked=True)
    if day in holidays:
        return DayHours(day, None, holidays[day])
    return DayHours(day, week[day.weekday()])


def default_shifts(hours: Hours) -> tuple[Shift, ...]:
    """A morning and an afternoon shift split at noon, or one shift when the day does not span noon."""
    if hours.opens < NOON < hours.closes:
        return Shift("Pagi", hours.opens, NOON), Shift("Siang", NOON, hours.closes)
    return (Shift("Harian", hours.opens, hours.closes),)
