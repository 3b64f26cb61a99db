"""Reminders of the team's day: a coverage gap in the duty roster (a day ahead at 14.00 and on the day at 07.00, SOP
B.2 and issue 16) and a SIPOL monitoring report coming due (30 minutes before 08.00 and 17.00, SOP part D), each at
the office's own local time (WIB, WITA or WIT).

Which reminders are due is a pure function of explicit moments. A reminder stays due from its moment until the end of
that local day (a node down at 07.30 still reminds at 08.10), a monitoring one only until its report is missed (then
the miss is the alert). `Reminder.Reminded` is what the notifications send; it names the office, the day, the slot
and how many duties lack someone, never a consultee.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from uuid import NAMESPACE_URL, UUID, uuid5
from zoneinfo import ZoneInfo

import msgspec
from eventsourcing.domain import Aggregate

from domain.errors import DomainError
from domain.monitoring import due_at, missed_from, monitors
from domain.monitoring_values import Slot
from domain.notification_values import Kind
from domain.offices import OfficeId

GAPS_AHEAD_AT = time(14, 0)  # the afternoon before: the Koordinator Harian still has time to fill tomorrow's gaps
GAPS_ON_THE_DAY_AT = time(7, 0)  # the morning itself, before the desk opens
MONITORING_AHEAD = timedelta(minutes=30)  # a monitoring report is reminded 30 minutes before its time


class Due(msgspec.Struct, frozen=True, kw_only=True):
    """One reminder due: its kind, the day it is about, the monitoring slot ("" for the roster), whether it is the
    day-ahead one, and its moment."""

    kind: Kind
    day: date
    slot: str = ""
    ahead: bool = False
    at: datetime


class NotDueYet(DomainError):
    """Recording a reminder before its moment (a watcher's clock error, never a person's input)."""

    code = "reminder_not_due_yet"
    kind = "conflict"


def reminder_id(office_id: str, kind: Kind, day: date, slot: str = "", ahead: bool = False) -> UUID:
    """The same id wherever it is computed: a second reminder, here or after a restart, finds the first. A day's gaps
    are reminded twice, a day ahead and on the day: two reminders."""
    when = "ahead" if ahead else "day"
    return uuid5(NAMESPACE_URL, f"helpdesk-sipol:reminder:{office_id}:{Kind(kind).value}:{day.isoformat()}:{slot}"
                                f":{when}")


def _local(office_id: str, day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=ZoneInfo(OfficeId(office_id).timezone))


def _moments(office_id: str, today: date) -> list[tuple[Due, datetime]]:
    """Every reminder whose moment falls on the office's `today`, each with the moment it stops being due."""
    end = _local(office_id, today + timedelta(days=1), time(0))
    found = [
        (Due(kind=Kind.COVERAGE_GAP, day=today, at=_local(office_id, today, GAPS_ON_THE_DAY_AT)), end),
        (Due(kind=Kind.COVERAGE_GAP, day=today + timedelta(days=1), ahead=True,
             at=_local(office_id, today, GAPS_AHEAD_AT)), end),
    ]
    if monitors(OfficeId(office_id)):
        found += [(Due(kind=Kind.MONITORING_DUE, day=today, slot=slot.value,
                       at=due_at(office_id, today, slot) - MONITORING_AHEAD), missed_from(office_id, today, slot))
                  for slot in Slot]
    return found


def reminders_due(office_id: str, now: datetime, since: datetime | None) -> list[Due]:
    """The reminders due at `now` in the office's own zone, in the order of their moments: each from its moment until
    the end of that local day (a monitoring one until its report is missed). None whose moment is before `since`
    (when the office began working on the node; None: nothing before now)."""
    begun = since if since is not None else now
    today = now.astimezone(ZoneInfo(OfficeId(office_id).timezone)).date()
    due = [due for due, until in _moments(office_id, today) if begun <= due.at <= now < until]
    return sorted(due, key=lambda d: d.at)


class Reminder(Aggregate):
    """One reminder of one office, kind, day and slot: recorded once, when it was due and still needed."""

    class Reminded(Aggregate.Created):
        office_id: str
        kind: Kind
        day: date
        slot: str  # the monitoring slot ("0800", "1700"); "" for the roster's gaps
        recipients: tuple[str, ...]  # named staff (the reporters on duty); () leaves it to the roles
        gaps: int  # how many duties lack someone (the roster's); 0 for a monitoring report
        ahead: bool = False  # the roster's day-ahead reminder (the afternoon before)

    def __init__(self, office_id: str, kind: Kind, day: date, slot: str, recipients: tuple[str, ...], gaps: int,
                 ahead: bool = False) -> None:
        self.office_id = office_id
        self.kind = Kind(kind)
        self.day = day
        self.slot = slot
        self.recipients = recipients
        self.gaps = gaps
        self.ahead = ahead

    @classmethod
    def remind(cls, *, office_id: str, due: Due, at: datetime, recipients: tuple[str, ...] = (), gaps: int = 0
               ) -> Reminder:
        if at < due.at:
            raise NotDueYet(kind=due.kind.value)
        return cls._create(cls.Reminded, id=reminder_id(office_id, due.kind, due.day, due.slot, due.ahead),
                           timestamp=at, office_id=office_id, kind=due.kind, day=due.day, slot=due.slot,
                           recipients=tuple(recipients), gaps=gaps, ahead=due.ahead)
