"""The national holidays and collective leave days (libur nasional and cuti bersama) of 2026 and 2027, as the centre
publishes them to the offices from the joint decree of three ministers (SKB 3 Menteri): a day on this list is closed
unless the office marks it open (domain/roster_hours.py). Taken from the `holidays` package 0.108 (Indonesia, public
and government categories); the 2027 Islamic dates it marks "perkiraan" are estimates until the decree for 2027 is
out, and the centre replaces this list when it is."""

from __future__ import annotations

from datetime import date

HOLIDAYS: dict[date, str] = {
    date(2026, 1, 1): "Tahun Baru Masehi",
    date(2026, 1, 16): "Isra Mikraj Nabi Muhammad",
    date(2026, 2, 16): "Cuti Bersama Tahun Baru Imlek",
    date(2026, 2, 17): "Tahun Baru Imlek",
    date(2026, 3, 18): "Cuti Bersama Hari Suci Nyepi",
    date(2026, 3, 19): "Hari Suci Nyepi",
    date(2026, 3, 20): "Cuti Bersama Hari Raya Idul Fitri",
    date(2026, 3, 21): "Hari Raya Idul Fitri",
    date(2026, 3, 22): "Hari kedua dari Hari Raya Idul Fitri",
    date(2026, 3, 23): "Cuti Bersama Hari Raya Idul Fitri",
    date(2026, 3, 24): "Cuti Bersama Hari Raya Idul Fitri",
    date(2026, 4, 3): "Wafat Yesus Kristus",
    date(2026, 4, 5): "Kebangkitan Yesus Kristus",
    date(2026, 5, 1): "Hari Buruh Internasional",
    date(2026, 5, 14): "Kenaikan Yesus Kristus",
    date(2026, 5, 15): "Cuti Bersama Kenaikan Yesus Kristus",
    date(2026, 5, 27): "Hari Raya Idul Adha",
    date(2026, 5, 28): "Cuti Bersama Hari Raya Idul Adha",
    date(2026, 5, 31): "Hari Raya Waisak",
    date(2026, 6, 1): "Hari Lahir Pancasila",
    date(2026, 6, 16): "Tahun Baru Islam",
    date(2026, 8, 17): "Hari Kemerdekaan Republik Indonesia",
    date(2026, 8, 25): "Maulid Nabi Muhammad",
    date(2026, 12, 24): "Cuti Bersama Hari Raya Natal",
    date(2026, 12, 25): "Hari Raya Natal",
    date(2027, 1, 1): "Tahun Baru Masehi",
    date(2027, 1, 5): "Isra Mikraj Nabi Muhammad",
    date(2027, 2, 5): "Cuti Bersama Tahun Baru Imlek",
    date(2027, 2, 6): "Tahun Baru Imlek",
    date(2027, 3, 8): "Hari Suci Nyepi",
    date(2027, 3, 9): "Cuti Bersama Hari Raya Idul Fitri",
    date(2027, 3, 10): "Hari Raya Idul Fitri (perkiraan)",
    date(2027, 3, 11): "Hari kedua dari Hari Raya Idul Fitri (perkiraan)",
    date(2027, 3, 12): "Cuti Bersama Hari Raya Idul Fitri",
    date(2027, 3, 15): "Cuti Bersama Hari Raya Idul Fitri",
    date(2027, 3, 25): "Cuti Bersama Wafat Yesus Kristus",
    date(2027, 3, 26): "Wafat Yesus Kristus",
    date(2027, 3, 28): "Kebangkitan Yesus Kristus",
    date(2027, 5, 1): "Hari Buruh Internasional",
    date(2027, 5, 6): "Kenaikan Yesus Kristus",
    date(2027, 5, 17): "Hari Raya Idul Adha (perkiraan)",
    date(2027, 5, 18): "Cuti Bersama Hari Raya Idul Adha",
    date(2027, 5, 19): "Cuti Bersama Hari Raya Waisak",
    date(2027, 5, 20): "Hari Raya Waisak",
    date(2027, 6, 1): "Hari Lahir Pancasila",
    date(2027, 6, 6): "Tahun Baru Islam",
    date(2027, 8, 15): "Maulid Nabi Muhammad",
    date(2027, 8, 17): "Hari Kemerdekaan Republik Indonesia",
    date(2027, 12, 24): "Cuti Bersama Hari Raya Natal",
    date(2027, 12, 25): "Hari Raya Natal",
    date(2027, 12, 26): "Isra Mikraj Nabi Muhammad",
}
