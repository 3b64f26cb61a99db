"""The days the service can be about: a date outside these years is a typing slip (0001-01-01, 9999-12-31), refused
with a message before any date arithmetic could overflow on it."""

from __future__ import annotations

from datetime import date

from domain.errors import InvalidInput

FIRST_YEAR, LAST_YEAR = 2000, 2099


class DayOutOfRange(InvalidInput):
    code = "day_out_of_range"


def check_service_day(day: date, field: str = "day") -> date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise DayOutOfRange(field=field, first=FIRST_YEAR, last=LAST_YEAR)
    return day
