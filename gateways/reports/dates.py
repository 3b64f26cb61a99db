"""Days and times as an office writes them: its own zone (WIB, WITA, WIT) and Indonesian names."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.offices import OfficeId

DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November",
    "Desember",
)
ZONE_LABELS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


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


def long_date(day: date) -> str:
    """`Jumat, 27 November 2026`."""
    return f"{DAYS[day.weekday()]}, {day.day} {MONTHS[day.month - 1]} {day.year}"


def plain_date(day: date) -> str:
    """`27 November 2026`."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def clock_time(moment: datetime, office: OfficeId) -> str:
    """`14.05 WIB`: Indonesian writes the hour and minute with a dot."""
    return f"{local(moment, office):%H.%M} {zone_label(office)}"


def stamp(moment: datetime, office: OfficeId) -> str:
    """`27-11-2026 14.05 WIB`."""
    return f"{local(moment, office):%d-%m-%Y %H.%M} {zone_label(office)}"


def day_period(day: date, office: OfficeId) -> str:
    """`Jumat, 27 November 2026 (00.00–24.00 WIB)`."""
    return f"{long_date(day)} (00.00–24.00 {zone_label(office)})"


def range_period(first: date, last: date, office: OfficeId) -> str:
    if first == last:
        return day_period(first, office)
    return f"{plain_date(first)} s.d. {plain_date(last)} ({zone_label(office)})"
