"""Days and times in the office's own zone: WIB, WITA or WIT by province, stored in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from domain.offices import parse_office_id
from gateways.reports.dates import clock_time, day_bounds, day_period, long_date, plain_date, stamp, weekdays
from projections.consultations import local_day

RUPIT = parse_office_id("kab-16.13")  # Sumatera Selatan: WIB (UTC+7)
MAKASSAR = parse_office_id("kota-73.71")  # Sulawesi Selatan: WITA (UTC+8)
JAYAPURA = parse_office_id("kota-91.71")  # Papua: WIT (UTC+9)


def test_a_day_runs_from_local_midnight_to_midnight() -> None:
    for office, offset in ((RUPIT, 7), (MAKASSAR, 8), (JAYAPURA, 9)):
        start, end = day_bounds(date(2024, 7, 29), office)
        assert start.astimezone(UTC) == datetime(2024, 7, 29, 0, tzinfo=UTC) - timedelta(hours=offset)
        assert (end - start).total_seconds() == 24 * 3600


def test_the_same_moment_is_a_different_local_day_and_time_by_zone() -> None:
    moment = datetime(2024, 7, 29, 16, 30, tzinfo=UTC)
    assert local_day(moment, RUPIT.value) == "2024-07-29"  # 23.30 WIB
    assert local_day(moment, MAKASSAR.value) == "2024-07-30"  # 00.30 WITA
    assert clock_time(moment, RUPIT) == "23.30 WIB"
    assert clock_time(moment, MAKASSAR) == "00.30 WITA"
    assert stamp(moment, JAYAPURA) == "30-07-2024 01.30 WIT"


def test_dates_are_written_in_indonesian() -> None:
    assert long_date(date(2026, 11, 27)) == "Jumat, 27 November 2026"
    assert day_period(date(2024, 8, 17), JAYAPURA) == "Sabtu, 17 Agustus 2024 (00.00–24.00 WIT)"
    assert long_date(date(2026, 12, 2)) == "Rabu, 2 Desember 2026" and plain_date(date(2026, 1, 5)) == "5 Januari 2026"
    assert weekdays() == ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


def test_an_english_reader_reads_english_days_and_times_from_babels_locale_data() -> None:
    assert long_date(date(2026, 12, 2), "en") == "Wednesday, 2 December 2026"
    assert plain_date(date(2026, 1, 5), "en") == "5 January 2026"
    moment = datetime(2024, 7, 29, 16, 30, tzinfo=UTC)
    assert clock_time(moment, RUPIT, "en") == "23:30 WIB" and clock_time(moment, MAKASSAR, "en") == "00:30 WITA"
    assert stamp(moment, JAYAPURA, "en") == "30/07/2024, 01:30 WIT"
    assert weekdays("en")[0] == "Monday" and weekdays("en")[6] == "Sunday"
    assert long_date(date(2026, 12, 2), "xx") == "Rabu, 2 Desember 2026"  # an unknown language reads Indonesian
