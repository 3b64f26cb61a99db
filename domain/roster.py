"""An office's duty day (SOP B.1–B.2; issue 16): its service hours and shifts, who holds which duty in which shift,
swaps and absences, each check-in with whether it was late, and the desk checklist ticked per shift with what was
missing (SOP B.3–B.4). One aggregate per office and day (`duty_day_id`); every change is an event with the person who
made it. The rules are in domain/roster_values.py and domain/roster_checklist.py."""

from __future__ import annotations

from datetime import date, datetime, time
from uuid import NAMESPACE_URL, UUID, uuid5
from zoneinfo import ZoneInfo

from eventsourcing.domain import Aggregate

from domain.offices import OfficeId
from domain.roles import Role
from domain.roster_checklist import DEFAULT_CHECKLIST, MAX_NOTE, check_checklist, missing_items
from domain.roster_values import (
    MAX_REASON,
    AlreadyCheckedIn,
    Duty,
    Gap,
    NotOnDuty,
    Shift,
    UnknownShift,
    check_day,
    check_keeper,
    check_shifts,
    gaps,
    is_late,
)
from domain.values import clean_text


def duty_day_id(office_id: str, day: date) -> UUID:
    return uuid5(NAMESPACE_URL, f"helpdesk-sipol:duty-day:{office_id}:{day.isoformat()}")


class DutyDay(Aggregate):
    class Planned(Aggregate.Created):
        office_id: str
        day: date
        opens: time
        closes: time
        shifts: tuple[Shift, ...]
        actor: str
        checklist: tuple[str, ...] = ()  # the office's checklist when the day was planned

    class DutyAssigned(Aggregate.Event):
        shift: str
        duty: Duty
        user_id: str
        actor: str

        def apply(self, aggregate: DutyDay) -> None:
            key = (self.shift, self.duty)
            aggregate.held[key] = aggregate.held.get(key, frozenset()) | {self.user_id}

    class DutyUnassigned(Aggregate.Event):
        shift: str
        duty: Duty
        user_id: str
        actor: str

        def apply(self, aggregate: DutyDay) -> None:
            key = (self.shift, self.duty)
            aggregate.held[key] = aggregate.held.get(key, frozenset()) - {self.user_id}

    class DutySwapped(Aggregate.Event):
        """One person's duty in a shift handed to another (both agreed with the Koordinator Harian)."""

        shift: str
        duty: Duty
        from_user: str
        to_user: str
        actor: str

        def apply(self, aggregate: DutyDay) -> None:
            key = (self.shift, self.duty)
            aggregate.held[key] = (aggregate.held.get(key, frozenset()) - {self.from_user}) | {self.to_user}

    class AbsenceRecorded(Aggregate.Event):
        user_id: str
        reason: str
        actor: str

        def apply(self, aggregate: DutyDay) -> None:
            aggregate.absent = aggregate.absent | {self.user_id}

    class CheckedIn(Aggregate.Event):
        user_id: str
        late: bool

        def apply(self, aggregate: DutyDay) -> None:
            aggregate.checked_in[self.user_id] = (self.timestamp, self.late)

    class ChecklistTicked(Aggregate.Event):
        """The desk checked before a shift: what is there, and what is missing (for the Koordinator Harian)."""

        shift: str
        user_id: str
        present: tuple[str, ...]
        missing: tuple[str, ...]
        note: str

        def apply(self, aggregate: DutyDay) -> None:
            aggregate.checks[self.shift] = (self.user_id, self.present, self.missing)

    def __init__(self, office_id: str, day: date, opens: time, closes: time, shifts: tuple[Shift, ...],
                 actor: str, checklist: tuple[str, ...] = ()) -> None:
        self.office_id, self.day, self.opens, self.closes, self.shifts = office_id, day, opens, closes, shifts
        self.checklist = checklist
        self.checks: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {}
        self.held: dict[tuple[str, Duty], frozenset[str]] = {}
        self.absent: frozenset[str] = frozenset()
        self.checked_in: dict[str, tuple[datetime, bool]] = {}

    @classmethod
    def plan(cls, office_id: str, day: date, opens: time, closes: time, shifts: tuple[Shift, ...], role: Role,
             actor: str, at: datetime, checklist: tuple[str, ...] = DEFAULT_CHECKLIST) -> DutyDay:
        check_keeper(role)
        check_day(day)
        return cls._create(cls.Planned, id=duty_day_id(office_id, day), timestamp=at, office_id=office_id, day=day,
                           opens=opens, closes=closes, shifts=check_shifts(opens, closes, shifts), actor=actor,
                           checklist=check_checklist(checklist))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(OfficeId(self.office_id).timezone)

    @property
    def on_duty(self) -> frozenset[str]:
        return frozenset().union(*self.held.values()) if self.held else frozenset()

    def gaps(self) -> list[Gap]:
        return gaps(self.shifts, self.held, self.absent)

    def assign(self, shift: str, duty: Duty, user_id: str, role: Role, actor: str, at: datetime) -> None:
        check_keeper(role)
        self._check_shift(shift)
        if user_id not in self.held.get((shift, duty), frozenset()):
            self.trigger_event(self.DutyAssigned, timestamp=at, shift=shift, duty=duty, user_id=user_id, actor=actor)

    def unassign(self, shift: str, duty: Duty, user_id: str, role: Role, actor: str, at: datetime) -> None:
        check_keeper(role)
        self._check_shift(shift)
        if user_id in self.held.get((shift, duty), frozenset()):
            self.trigger_event(self.DutyUnassigned, timestamp=at, shift=shift, duty=duty, user_id=user_id,
                               actor=actor)

    def swap(self, shift: str, duty: Duty, from_user: str, to_user: str, role: Role, actor: str, at: datetime) -> None:
        check_keeper(role)
        self._check_shift(shift)
        if from_user not in self.held.get((shift, duty), frozenset()):
            raise NotOnDuty(field="from_user")
        self.trigger_event(self.DutySwapped, timestamp=at, shift=shift, duty=duty, from_user=from_user,
                           to_user=to_user, actor=actor)

    def record_absence(self, user_id: str, reason: str, role: Role, actor: str, at: datetime) -> None:
        check_keeper(role)
        if user_id not in self.absent:
            self.trigger_event(self.AbsenceRecorded, timestamp=at, user_id=user_id,
                               reason=clean_text(reason, "reason", MAX_REASON), actor=actor)

    def check_in(self, user_id: str, at: datetime) -> bool:
        """The person on duty arrives; True when late: later than ten minutes before their first shift starts (the
        service's opening for the first shift)."""
        if user_id not in self.on_duty or user_id in self.absent:
            raise NotOnDuty(field="user_id")
        if user_id in self.checked_in:
            raise AlreadyCheckedIn()
        late = is_late(at, self.day, self.starts_for(user_id), self.zone)
        self.trigger_event(self.CheckedIn, timestamp=at, user_id=user_id, late=late)
        return late

    def starts_for(self, user_id: str) -> time:
        """When the person's first shift of the day starts."""
        held = {shift for (shift, _duty), users in self.held.items() if user_id in users}
        return min((s.starts for s in self.shifts if s.name in held), default=self.opens)

    def shifts_of(self, user_id: str) -> list[str]:
        """The shifts the person holds a duty in, in the day's order."""
        return [s.name for s in self.shifts if any(user_id in users for (shift, _duty), users in self.held.items()
                                                   if shift == s.name)]

    def tick_checklist(self, shift: str, user_id: str, present: tuple[str, ...], note: str, at: datetime
                       ) -> tuple[str, ...]:
        """Someone on duty in the shift checks the desk before it starts: returns what is missing (recorded, so it
        reaches the Koordinator Harian). Ticked again, the newer state counts."""
        self._check_shift(shift)
        if shift not in self.shifts_of(user_id) or user_id in self.absent:
            raise NotOnDuty(field="user_id")
        missing = missing_items(self.checklist, present)
        text = note.strip() and clean_text(note, "note", MAX_NOTE)
        self.trigger_event(self.ChecklistTicked, timestamp=at, shift=shift, user_id=user_id,
                           present=tuple(i for i in self.checklist if i in set(present)), missing=missing, note=text)
        return missing

    def _check_shift(self, shift: str) -> None:
        if shift not in {s.name for s in self.shifts}:
            raise UnknownShift(field="shift", shift=shift)
