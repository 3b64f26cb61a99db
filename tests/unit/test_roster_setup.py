"""The office's duty set-up and the desk checklist (SOP A.4, B.1–B.4; issue 16): service hours per weekday, national
holidays and the days an office marks otherwise, the default shifts of a day, the office's own checklist kept by the
roster keepers, and the checklist ticked per shift with what is missing."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from domain.errors import InvalidFields, TextRequired
from domain.roles import Role
from domain.roster import DutyDay
from domain.roster_checklist import DEFAULT_CHECKLIST, ChecklistInvalid, UnknownItem, check_checklist, missing_items
from domain.roster_holidays import HOLIDAYS
from domain.roster_hours import (
    DEFAULT_WEEK,
    Hours,
    HoursInvalid,
    MarkInvalid,
    default_shifts,
    hours_on,
)
from domain.roster_setup import DutySetup, duty_setup_id
from domain.roster_values import DateInvalid, Duty, NotOnDuty, NotRosterKeeper, Shift, UnknownShift, day_of
from services.codec import MsgspecMapper

OFFICE = "kab-16.13"
KEEPER = Role.KOORDINATOR_HARIAN
T0 = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
MONDAY = date(2027, 8, 2)


def setup() -> DutySetup:
    return DutySetup.start(OFFICE, "harian", T0)


def test_a_week_of_government_hours_and_the_national_holidays_closed() -> None:
    # Monday to Thursday 08.00–16.00, Friday to 16.30, the weekend closed.
    assert hours_on(MONDAY, DEFAULT_WEEK, {}).hours == Hours(time(8), time(16))
    assert hours_on(date(2027, 8, 6), DEFAULT_WEEK, {}).hours == Hours(time(8), time(16, 30))
    assert hours_on(date(2027, 8, 7), DEFAULT_WEEK, {}).hours is None
    # Independence Day 2027 is a Tuesday: closed, with the holiday's name as the reason; so is a collective leave day.
    independence = hours_on(date(2027, 8, 17), DEFAULT_WEEK, {})
    assert independence.hours is None and independence.reason == "Hari Kemerdekaan Republik Indonesia"
    assert hours_on(date(2026, 12, 24), DEFAULT_WEEK, {}).reason.startswith("Cuti Bersama")
    assert all(day.year in (2026, 2027) for day in HOLIDAYS) and len(HOLIDAYS) > 40


def test_the_office_marks_long_days_and_closed_days_and_unmarks_them() -> None:
    office = setup()
    # The registration period: long days, a Saturday included; and the office closed on a Wednesday.
    office.mark_days(date(2027, 8, 2), date(2027, 8, 7), Hours(time(8), time(20)), "Masa pendaftaran", KEEPER,
                     "harian", T0)
    office.mark_days(date(2027, 8, 11), date(2027, 8, 11), None, "Kantor ditutup: pemadaman listrik", KEEPER, "harian",
                     T0)
    saturday = office.hours_on(date(2027, 8, 7))
    assert saturday.hours == Hours(time(8), time(20)) and saturday.marked and saturday.reason == "Masa pendaftaran"
    assert office.hours_on(date(2027, 8, 11)).hours is None
    # A mark overrides a holiday too: the office may open on one.
    office.mark_days(date(2027, 8, 17), date(2027, 8, 17), Hours(time(9), time(12)), "Pelayanan terbatas", KEEPER,
                     "harian", T0)
    assert office.hours_on(date(2027, 8, 17)).hours == Hours(time(9), time(12))
    office.unmark_days(date(2027, 8, 1), date(2027, 8, 31), KEEPER, "harian", T0)
    assert office.hours_on(date(2027, 8, 7)).hours is None and office.hours_on(date(2027, 8, 17)).hours is None
    assert office.id == duty_setup_id(OFFICE)


def test_a_mark_with_every_field_wrong_is_refused_for_each_at_once() -> None:
    office = setup()
    with pytest.raises(InvalidFields) as refused:
        office.mark_days(date(2027, 8, 9), date(2027, 8, 2), Hours(time(17), time(8)), "  ", KEEPER, "harian", T0)
    assert {type(e) for e in refused.value.errors} == {MarkInvalid, HoursInvalid, TextRequired}
    with pytest.raises(MarkInvalid):  # longer than a registration period's three months
        office.mark_days(date(2027, 1, 1), date(2027, 6, 1), None, "Terlalu panjang", KEEPER, "harian", T0)


def test_only_the_roster_keepers_change_the_set_up() -> None:
    office = setup()
    with pytest.raises(NotRosterKeeper):
        office.set_checklist(("Buku tamu",), Role.ANGGOTA_HELPDESK, "ani", T0)
    with pytest.raises(NotRosterKeeper):
        office.set_week(DEFAULT_WEEK, Role.KETUA_HELPDESK, "ketua", T0)
    with pytest.raises(NotRosterKeeper):
        office.mark_days(MONDAY, MONDAY, None, "Tutup", Role.SEKRETARIS_HELPDESK, "sekr", T0)


def test_the_week_is_seven_days_each_closed_or_opening_before_it_closes() -> None:
    office = setup()
    with pytest.raises(HoursInvalid):
        office.set_week(DEFAULT_WEEK[:5], KEEPER, "harian", T0)
    with pytest.raises(HoursInvalid):
        office.set_week((Hours(time(16), time(8)), *DEFAULT_WEEK[1:]), KEEPER, "harian", T0)
    saturday_morning = (*DEFAULT_WEEK[:5], Hours(time(8), time(12)), None)
    office.set_week(saturday_morning, KEEPER, "harian", T0)
    office.set_week(saturday_morning, KEEPER, "harian", T0)  # the same again records nothing
    assert office.hours_on(date(2027, 8, 7)).hours == Hours(time(8), time(12))
    assert [type(e).__name__ for e in office.collect_events()] == ["Started", "WeekSet"]


def test_a_day_spanning_noon_has_a_morning_and_an_afternoon_shift() -> None:
    assert default_shifts(Hours(time(8), time(16))) == (Shift("Pagi", time(8), time(12)),
                                                        Shift("Siang", time(12), time(16)))
    assert default_shifts(Hours(time(8), time(12))) == (Shift("Harian", time(8), time(12)),)


def test_the_checklist_is_the_offices_own_list_each_item_once() -> None:
    assert setup().checklist == DEFAULT_CHECKLIST
    assert "Daftar hadir tamu" in DEFAULT_CHECKLIST and "Alat rekam" in DEFAULT_CHECKLIST
    assert check_checklist([" Buku tamu ", "", "Perekam suara"]) == ("Buku tamu", "Perekam suara")
    for wrong in ([], ["  "], ["Buku tamu", "buku TAMU"], [f"Barang {n}" for n in range(21)]):
        with pytest.raises(ChecklistInvalid):
            check_checklist(wrong)
    office = setup()
    office.set_checklist(("Buku tamu", "Perekam suara", "Meja bersih"), KEEPER, "harian", T0)
    assert office.checklist == ("Buku tamu", "Perekam suara", "Meja bersih")


def test_what_is_not_ticked_is_missing_and_an_unknown_item_refused() -> None:
    items = ("Buku tamu", "Perekam suara", "Meja bersih")
    assert missing_items(items, ["Meja bersih", "Buku tamu"]) == ("Perekam suara",)
    assert missing_items(items, items) == ()
    with pytest.raises(UnknownItem):
        missing_items(items, ["Proyektor"])


def planned_day() -> DutyDay:
    day = DutyDay.plan(OFFICE, MONDAY, time(8), time(16), default_shifts(Hours(time(8), time(16))), KEEPER, "harian",
                       T0, checklist=("Buku tamu", "Perekam suara", "Meja bersih"))
    day.assign("Pagi", Duty.FRONT_DESK, "ani", KEEPER, "harian", T0)
    day.assign("Siang", Duty.FRONT_DESK, "budi", KEEPER, "harian", T0)
    return day


def test_the_person_on_duty_in_a_shift_ticks_its_checklist_and_the_missing_items_are_recorded() -> None:
    day = planned_day()
    assert day.tick_checklist("Pagi", "ani", ("Buku tamu", "Meja bersih"), "Perekam dibawa pulang", T0) == (
        "Perekam suara",)
    assert day.checks["Pagi"] == ("ani", ("Buku tamu", "Meja bersih"), ("Perekam suara",))
    # Ticked again once the recorder is back: the newer state counts.
    assert day.tick_checklist("Pagi", "ani", ("Meja bersih", "Perekam suara", "Buku tamu"), "", T0) == ()
    assert day.checks["Pagi"][2] == ()
    # Budi holds the afternoon, not the morning; someone not on the roster ticks nothing; a shift must exist.
    with pytest.raises(NotOnDuty):
        day.tick_checklist("Pagi", "budi", (), "", T0)
    with pytest.raises(NotOnDuty):
        day.tick_checklist("Siang", "citra", (), "", T0)
    with pytest.raises(UnknownShift):
        day.tick_checklist("Malam", "ani", (), "", T0)
    with pytest.raises(UnknownItem):
        day.tick_checklist("Siang", "budi", ("Proyektor",), "", T0)


def test_the_set_up_and_a_ticked_checklist_replay_from_stored_events() -> None:
    mapper = MsgspecMapper(transcoder=None)  # type: ignore[arg-type]
    office = setup()
    office.set_week((*DEFAULT_WEEK[:5], Hours(time(8), time(12)), None), KEEPER, "harian", T0)
    office.mark_days(MONDAY, MONDAY, None, "Tutup", KEEPER, "harian", T0)
    office.set_checklist(("Buku tamu",), KEEPER, "harian", T0)
    day = planned_day()
    day.tick_checklist("Pagi", "ani", ("Buku tamu",), "Catatan", T0)
    for aggregate in (office, day):
        replayed = None
        for event in aggregate.collect_events():
            replayed = mapper.to_domain_event(mapper.to_stored_event(event)).mutate(replayed)
        assert replayed is not None
        if isinstance(aggregate, DutySetup):
            assert (replayed.week, replayed.marks, replayed.checklist) == (office.week, office.marks,
                                                                           office.checklist)
        else:
            assert (replayed.checklist, replayed.checks) == (day.checklist, day.checks)


def test_a_day_outside_the_years_a_roster_names_is_refused_as_a_slip() -> None:
    with pytest.raises(DateInvalid):
        DutyDay.plan(OFFICE, date(1, 1, 1), time(8), time(16), (Shift("Pagi", time(8), time(12)),), KEEPER, "h", T0)
    with pytest.raises(InvalidFields):
        setup().mark_days(date(1, 1, 1), date(9999, 12, 31), None, "Tutup", KEEPER, "harian", T0)
    with pytest.raises(DateInvalid):
        day_of("0001-01-01")
    assert day_of(" 2027-08-02 ") == MONDAY
