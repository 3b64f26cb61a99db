"""The home page's "Hari ini" panel: what the caller's day holds, read from the roster's and the monitoring's read
models — their own duties and whether they have checked in, the office's two SIPOL monitoring slots with their
state, and (for those who divide the duties) today's and tomorrow's coverage gaps."""

from __future__ import annotations

from datetime import date, datetime

import msgspec

from domain.frontdesk import local_day
from domain.monitoring import monitors
from domain.offices import OfficeId
from domain.roles import Permission, may
from domain.views import UserView
from gateways.messages import DEFAULT
from gateways.reports.dates import hour_minute
from projections.monitoring_queries import MonitoringQueries, SlotView
from projections.roster_queries import RosterQueries


class MyDuty(msgspec.Struct, frozen=True):
    shift: str
    starts: str  # "08.00" ("08:00" in English)
    duty: str  # the duty's code (its label is the catalogue's duty.<code>)


class Today(msgspec.Struct, frozen=True):
    day: date
    planned: bool
    duties: list[MyDuty]
    checked_in: bool
    late: bool
    slots: list[SlotView]  # empty at a province or the centre: only regencies and cities monitor SIPOL
    gaps_today: int
    gaps_tomorrow: int
    keeps_roster: bool


def today_of(user: UserView, roster: RosterQueries, monitoring: MonitoringQueries, now: datetime,
             lang: str = DEFAULT) -> Today:
    office_id, user_id = user.office_id, str(user.id)
    day = local_day(now, office_id)
    planned = roster.day(office_id, day)
    duties = [MyDuty(shift.name, hour_minute(shift.starts, lang), slot.duty.value) for shift in (planned.shifts if
              planned else []) for slot in shift.duties if any(h.user_id == user_id for h in slot.holders)]
    came = next((c for c in planned.check_ins if c.user_id == user_id), None) if planned else None
    keeps = may(user.role, Permission.MANAGE_ROSTER)
    coverage = roster.coverage(office_id, day, days=2) if keeps else []
    return Today(day=day, planned=planned is not None, duties=duties, checked_in=came is not None,
                 late=bool(came and came.late),
                 slots=monitoring.day(office_id, day, now) if monitors(OfficeId(office_id)) else [],
                 gaps_today=len(coverage[0].gaps) if coverage else 0,
                 gaps_tomorrow=len(coverage[1].gaps) if len(coverage) > 1 else 0, keeps_roster=keeps)
