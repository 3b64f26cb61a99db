"""Queries over the roster's read model: a day as the Jadwal Piket page shows it (who holds what per shift, with the
staff's full names from the users read model, absences, check-ins with their late flag, the checklist ticked and what
is missing), the coverage gaps of a day (planned or not: an open day nobody planned lacks every duty), and the office's
set-up (its week, marked days, checklist). The rules (the gaps, the hours of a day) are the domain's."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import msgspec

from domain.roster_checklist import DEFAULT_CHECKLIST
from domain.roster_hours import DEFAULT_WEEK, DayHours, DayMark, Hours, hours_on
from domain.roster_values import EVERY_SHIFT, ONCE_A_DAY, Duty, Gap, Shift, gaps
from projections.base import from_iso, from_json
from projections.roster import NAME
from projections.runner import ReadModelRunner

Week = tuple[Hours | None, ...]


class Holder(msgspec.Struct, frozen=True):
    user_id: str
    name: str  # the staff member's full name, or the id when the users read model lacks them
    absent: bool = False
    checked_in_at: datetime | None = None
    late: bool = False


class DutySlot(msgspec.Struct, frozen=True):
    duty: Duty
    holders: list[Holder]
    gap: bool  # nobody present holds it


class ChecklistState(msgspec.Struct, frozen=True):
    user_id: str
    name: str
    present: list[str]
    missing: list[str]
    note: str
    at: datetime


class ShiftView(msgspec.Struct, frozen=True):
    name: str
    starts: time
    ends: time
    duties: list[DutySlot]
    check: ChecklistState | None = None  # None: the checklist not ticked yet for this shift


class AbsenceView(msgspec.Struct, frozen=True):
    user_id: str
    name: str
    reason: str
    recorded_by: str


class CheckInView(msgspec.Struct, frozen=True):
    user_id: str
    name: str
    at: datetime
    late: bool


class DutyDayView(msgspec.Struct, frozen=True):
    office_id: str
    day: date
    opens: time
    closes: time
    planned_by: str  # the keeper's full name (their username when the users read model lacks them)
    planned_at: datetime
    checklist: list[str]
    shifts: list[ShiftView]
    absences: list[AbsenceView]
    check_ins: list[CheckInView]
    gaps: list[Gap]

    @property
    def missing(self) -> list[tuple[str, ChecklistState]]:
        """Each shift whose checklist was ticked with something missing (for the Koordinator Harian)."""
        return [(s.name, s.check) for s in self.shifts if s.check is not None and s.check.missing]


class Coverage(msgspec.Struct, frozen=True):
    """A day as seen a day ahead and on the day: its hours, whether it is planned, and what it lacks."""

    day: date
    hours: DayHours
    planned: bool
    gaps: list[Gap]


class SetupView(msgspec.Struct, frozen=True):
    week: list[Hours | None]
    checklist: list[str]
    marks: list[DayMark]


class RosterQueries:
    def __init__(self, runner: ReadModelRunner) -> None:
        self.runner = runner

    def day(self, office_id: str, day: date) -> DutyDayView | None:
        """The planned day, or None when nobody planned it."""
        self.runner.catch_up([NAME, "users"])
        found = self._query("SELECT day_id, opens, closes, shifts, checklist, planned_by, planned_at FROM rm_duty_days"
                            " WHERE office_id = ? AND day = ?", (office_id, day.isoformat()))
        if not found:
            return None
        day_id, opens, closes, shifts_json, checklist, planned_by, planned_at = found[0]
        planner = self._query("SELECT full_name FROM rm_users WHERE office_id = ? AND username = ?",
                              (office_id, planned_by))
        planned_by = planner[0][0] if planner else planned_by  # the keeper's full name, as the staff know them
        shifts = from_json(shifts_json, tuple[Shift, ...])
        names = self._names(office_id)
        absences = [AbsenceView(u, names.get(u, u), reason, by) for u, reason, by in self._query(
            "SELECT user_id, reason, recorded_by FROM rm_duty_absences WHERE day_id = ? ORDER BY recorded_at",
            (day_id,))]
        check_ins = [CheckInView(u, names.get(u, u), from_iso(at), bool(late)) for u, at, late in self._query(  # type: ignore[arg-type]
            "SELECT user_id, at, late FROM rm_duty_checkins WHERE day_id = ? ORDER BY at", (day_id,))]
        held = self._held(day_id)
        absent = frozenset(a.user_id for a in absences)
        arrived = {c.user_id: c for c in check_ins}
        checks = {shift: ChecklistState(u, names.get(u, u), from_json(present, list[str]),
                                        from_json(missing, list[str]), note, from_iso(at))  # type: ignore[arg-type]
                  for shift, u, present, missing, note, at in self._query(
                      "SELECT shift, user_id, present, missing, note, at FROM rm_duty_checks WHERE day_id = ?",
                      (day_id,))}

        def holder(user_id: str) -> Holder:
            came = arrived.get(user_id)
            return Holder(user_id, names.get(user_id, user_id), user_id in absent,
                          came.at if came else None, came.late if came else False)

        lacking = gaps(shifts, {key: frozenset(users) for key, users in held.items()}, absent)
        views = [ShiftView(s.name, s.starts, s.ends, [
            DutySlot(duty, [holder(u) for u in held.get((s.name, duty), [])], Gap(duty, s.name) in lacking)
            for duty in Duty], checks.get(s.name)) for s in shifts]
        return DutyDayView(office_id, day, time.fromisoformat(opens), time.fromisoformat(closes), planned_by,
                           from_iso(planned_at), from_json(checklist, list[str]), views, absences, check_ins,  # type: ignore[arg-type]
                           lacking)

    def gaps(self, office_id: str, day: date) -> list[Gap]:
        """What the day lacks: the planned day's gaps; every duty of the day when it is open and nobody planned it;
        nothing when the desk is closed. For the notifications' "coverage gap"."""
        return self.coverage(office_id, day, days=1)[0].gaps

    def coverage(self, office_id: str, first: date, days: int = 2) -> list[Coverage]:
        """`days` days from `first` (today and tomorrow: a day ahead and on the day)."""
        found = []
        for day in (first + timedelta(days=n) for n in range(days)):
            hours = self.hours_on(office_id, day)
            view = self.day(office_id, day)
            if view is not None:
                found.append(Coverage(day, hours, True, view.gaps))
            elif hours.hours is None:
                found.append(Coverage(day, hours, False, []))
            else:
                found.append(Coverage(day, hours, False, [Gap(d, None) for d in (*EVERY_SHIFT, *ONCE_A_DAY)]))
        return found

    def hours_on(self, office_id: str, day: date) -> DayHours:
        setup = self.setup(office_id)
        return hours_on(day, tuple(setup.week), {mark.day: mark for mark in setup.marks})

    def setup(self, office_id: str) -> SetupView:
        """The office's week, marked days (from today's point of view: all of them, by date) and checklist."""
        self.runner.catch_up(NAME)
        rows = self._query("SELECT week, checklist FROM rm_duty_setups WHERE office_id = ?", (office_id,))
        week, checklist = (from_json(rows[0][0], Week), from_json(rows[0][1], list[str])) if rows else (
            DEFAULT_WEEK, list(DEFAULT_CHECKLIST))
        marks = [DayMark(date.fromisoformat(day), from_json(hours, Hours) if hours else None, note)
                 for day, hours, note in self._query(
                     "SELECT day, hours, note FROM rm_duty_marks WHERE office_id = ? ORDER BY day", (office_id,))]
        return SetupView(list(week), checklist, marks)

    def on_duty(self, office_id: str, day: date, duty: Duty) -> tuple[str, ...]:
        """The usernames holding `duty` in any shift of the office's `day`, those recorded absent left out (for the
        alert of a missed monitoring report: the reporter on duty)."""
        self.runner.catch_up([NAME, "users"])
        rows = self._query(
            "SELECT DISTINCT u.username FROM rm_duty_days d JOIN rm_duty_holders h ON h.day_id = d.day_id"
            " JOIN rm_users u ON u.id = h.user_id WHERE d.office_id = ? AND d.day = ? AND h.duty = ?"
            " AND NOT EXISTS (SELECT 1 FROM rm_duty_absences a WHERE a.day_id = d.day_id AND a.user_id = h.user_id)"
            " ORDER BY u.username", (office_id, day.isoformat(), Duty(duty).value))
        return tuple(str(r[0]) for r in rows)

    def _held(self, day_id: str) -> dict[tuple[str, Duty], list[str]]:
        held: dict[tuple[str, Duty], list[str]] = {}
        for shift, duty, user_id in self._query(
                "SELECT shift, duty, user_id FROM rm_duty_holders WHERE day_id = ? ORDER BY position", (day_id,)):
            held.setdefault((shift, Duty(duty)), []).append(user_id)
        return held

    def _names(self, office_id: str) -> dict[str, str]:
        return dict(self._query("SELECT id, full_name FROM rm_users WHERE office_id = ?", (office_id,)))

    def _query(self, statement: str, params: tuple | list) -> list[tuple]:
        return self.runner.store.query(statement, params)
