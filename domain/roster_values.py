"""The values, errors and rules of the duty roster (SOP B.1–B.2, A.4; issue 16): the desk's duties, a day's service
hours and shifts, who may divide duties, what a day must have covered, and when a check-in is late."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

import msgspec

from domain.errors import InvalidInput, NotFound, NotPermitted, StepOutOfOrder
from domain.roles import Permission, Role, may

EARLY = timedelta(minutes=10)  # SOP B.1: staff arrive ten minutes before the service opens
MAX_SHIFTS = 4
MAX_REASON = 300


class Duty(StrEnum):
    """What a member of the team does in a shift (SOP B.2)."""

    FRONT_DESK = "front_desk"  # meja layanan tatap muka
    EMAIL_WATCH = "email_watch"  # memantau surel (C.a.3)
    GROUP_WATCH = "group_watch"  # memantau grup pesan (C.b)
    MEETING_HOST = "meeting_host"  # tuan rumah pertemuan daring (C.c)
    MONITORING_REPORT = "monitoring_report"  # laporan pemantauan SIPOL 08.00 dan 17.00 (bagian D)


# Every shift needs someone at these; a day needs a monitoring reporter in some shift. A meeting host is needed only
# when a meeting is scheduled (the meetings know that, not the roster).
EVERY_SHIFT = (Duty.FRONT_DESK, Duty.EMAIL_WATCH, Duty.GROUP_WATCH)
ONCE_A_DAY = (Duty.MONITORING_REPORT,)


class Shift(msgspec.Struct, frozen=True):
    """A part of the service day, in the office's local time."""

    name: str
    starts: time
    ends: time


class Gap(msgspec.Struct, frozen=True):
    """A duty nobody present holds: in a shift, or (shift None) anywhere in the day."""

    duty: Duty
    shift: str | None


# The errors of the roster.
class NotRosterKeeper(NotPermitted):
    code = "roster_not_keeper"


class ShiftsInvalid(InvalidInput):
    """A day needs one to four shifts, each ending after it starts, inside the service hours, none overlapping."""

    code = "roster_shifts_invalid"


class UnknownShift(InvalidInput):
    code = "roster_shift_unknown"


class NotOnDuty(StepOutOfOrder):
    """Only someone on the day's roster checks in for it."""

    code = "roster_not_on_duty"


class AlreadyCheckedIn(StepOutOfOrder):
    code = "roster_already_checked_in"


class UnknownDuty(InvalidInput):
    code = "roster_duty_unknown"


class DayAlreadyPlanned(StepOutOfOrder):
    code = "roster_already_planned"


class DayNotPlanned(NotFound):
    code = "roster_day_not_planned"


class DateInvalid(InvalidInput):
    code = "roster_date_invalid"


class TimeInvalid(InvalidInput):
    code = "roster_time_invalid"


# The years a roster may name: a day outside them is a typing slip (and would overflow the date arithmetic).
FIRST_YEAR, LAST_YEAR = 2000, 2099


def check_day(day: date, field: str = "day") -> date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise DateInvalid(field=field)
    return day


def day_of(value: str, field: str = "day") -> date:
    """A date as a form or the API writes it (YYYY-MM-DD), in the years a roster may name."""
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise DateInvalid(field=field) from None
    return check_day(day, field)


def time_of(value: str, field: str) -> time:
    """A time of day as a form writes it (HH:MM)."""
    text = value.strip()
    try:
        if len(text) != 5:
            raise ValueError(text)
        return time.fromisoformat(text)
    except ValueError:
        raise TimeInvalid(field=field) from None


def duty_of(value: str) -> Duty:
    try:
        return Duty(value)
    except ValueError:
        raise UnknownDuty(field="duty") from None


def check_keeper(role: Role) -> None:
    """The Koordinator Harian divides the duties (the Koordinator may too): Permission.MANAGE_ROSTER."""
    if not may(role, Permission.MANAGE_ROSTER):
        raise NotRosterKeeper(role=role.value)


def check_shifts(opens: time, closes: time, shifts: tuple[Shift, ...]) -> tuple[Shift, ...]:
    """The day's shifts in order, each within the service hours; refused when empty, overlapping or reversed."""
    ordered = tuple(sorted(shifts, key=lambda s: s.starts))
    names = [s.name.strip() for s in ordered]
    if not 0 < len(ordered) <= MAX_SHIFTS or not opens < closes or len(set(names)) != len(names) or "" in names:
        raise ShiftsInvalid(field="shifts")
    for shift, following in zip(ordered, (*ordered[1:], None), strict=True):
        inside = opens <= shift.starts < shift.ends <= closes
        if not inside or (following is not None and following.starts < shift.ends):
            raise ShiftsInvalid(field="shifts", shift=shift.name)
    return ordered


def gaps(shifts: tuple[Shift, ...], held: dict[tuple[str, Duty], frozenset[str]], absent: frozenset[str]
         ) -> list[Gap]:
    """What the day lacks: each shift's duty with nobody present holding it, then a daily duty nobody holds in any
    shift. `held`: (shift name, duty) → the user ids holding it; `absent`: those recorded absent."""
    found = [Gap(duty, shift.name) for shift in shifts for duty in EVERY_SHIFT
             if not held.get((shift.name, duty), frozenset()) - absent]
    for duty in ONCE_A_DAY:
        if not any(held.get((shift.name, duty), frozenset()) - absent for shift in shifts):
            found.append(Gap(duty, None))
    return found


def opening(day: date, opens: time, zone: ZoneInfo) -> datetime:
    """When the service opens that day, as a moment."""
    return datetime.combine(day, opens, tzinfo=zone)


def is_late(at: datetime, day: date, opens: time, zone: ZoneInfo) -> bool:
    """Later than ten minutes before the service opens (SOP B.1) is late."""
    return at > opening(day, opens, zone) - EARLY
