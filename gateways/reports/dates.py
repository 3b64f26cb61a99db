"""Days and times as an office writes them: its own zone (WIB, WITA, WIT), in the reader's language.

The names of days and months and the English forms are Babel's locale data (CLDR) for the language
(gateways/messages.py LOCALES); Bahasa Indonesia keeps the office's own forms where CLDR's differ: the day of the month
without a leading zero ("Jumat, 27 November 2026", "Rabu, 2 Desember 2026") and the stamp of its registers
("27-11-2026 14.05"). A report an office signs is in Bahasa Indonesia (the default); a page passes its reader's `lang`.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_time, get_day_names

from domain.offices import OfficeId
from gateways.messages import DEFAULT, LOCALES

ZONE_LABELS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


class Forms(NamedTuple):
    """A language's forms: CLDR's named ones ("long", "short", "full") or a pattern of its own."""

    long: str  # a day with its weekday
    plain: str  # a day
    clock: str  # an hour and minute
    stamp: str  # a day and time in one cell


FORMS = {
    "id": Forms(long="EEEE, d MMMM y", plain="long", clock="short", stamp="dd-MM-y HH.mm"),
    "en": Forms(long="full", plain="long", clock="short", stamp="short"),
}


def _forms(lang: str) -> tuple[Forms, Locale]:
    chosen = lang if lang in FORMS else DEFAULT
    return FORMS[chosen], LOCALES[chosen]


def zone_label(office: OfficeId) -> str:
    return ZONE_LABELS[office.timezone]


def local(moment: datetime, office: OfficeId) -> datetime:
    return moment.astimezone(ZoneInfo(office.timezone))


def today(moment: datetime, office: OfficeId) -> date:
    return local(moment, office).date()


def day_bounds(day: date, office: OfficeId) -> tuple[datetime, datetime]:
    """The office's day from 00:00 to 24:00 local time, as two aware datetimes."""
    start = datetime.combine(day, time(0), ZoneInfo(office.timezone))
    return start, start + timedelta(days=1)


def long_date(day: date, lang: str = DEFAULT) -> str:
    """`Jumat, 27 November 2026`; `Friday, 27 November 2026` in English."""
    forms, locale = _forms(lang)
    return format_date(day, forms.long, locale=locale)


def plain_date(day: date, lang: str = DEFAULT) -> str:
    """`27 November 2026`, in either language."""
    forms, locale = _forms(lang)
    return format_date(day, forms.plain, locale=locale)


def hour_minute(moment: datetime | time, lang: str = DEFAULT) -> str:
    """`14.05` (Indonesian writes the hour and minute with a dot), `14:05` in English: a time already local."""
    forms, locale = _forms(lang)
    return format_time(moment, forms.clock, tzinfo=getattr(moment, "tzinfo", None), locale=locale)


def clock_time(moment: datetime, office: OfficeId, lang: str = DEFAULT) -> str:
    """`14.05 WIB` (`14:05 WIB` in English), in the office's zone."""
    return f"{hour_minute(local(moment, office), lang)} {zone_label(office)}"


def stamp(moment: datetime, office: OfficeId, lang: str = DEFAULT) -> str:
    """`27-11-2026 14.05 WIB` (`27/11/2026, 14:05 WIB` in English), in the office's zone."""
    forms, locale = _forms(lang)
    return f"{format_datetime(local(moment, office), forms.stamp, locale=locale)} {zone_label(office)}"


def weekdays(lang: str = DEFAULT) -> tuple[str, ...]:
    """The days of the week from Monday (`date.weekday()`'s order): Senin … Minggu, Monday … Sunday."""
    _, locale = _forms(lang)
    names = get_day_names("wide", locale=locale)
    return tuple(names[n] for n in range(7))


def day_period(day: date, office: OfficeId) -> str:
    """`Jumat, 27 November 2026 (00.00–24.00 WIB)`: a report's day."""
    return f"{long_date(day)} (00.00–24.00 {zone_label(office)})"


def range_period(first: date, last: date, office: OfficeId) -> str:
    """A report's period: `1 Juli 2024 s.d. 27 November 2026 (WIB)`, or its one day."""
    if first == last:
        return day_period(first, office)
    return f"{plain_date(first)} s.d. {plain_date(last)} ({zone_label(office)})"
