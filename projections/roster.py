"""The duty roster as pages read it (SOP A.4, B.1–B.4): each office's set-up (its week, the days it marked, its
checklist), each planned day with its shifts, who holds which duty, absences, check-ins with their late flag, and the
checklist ticked per shift with what was missing. Queries in projections/roster_queries.py."""

from __future__ import annotations

from typing import Any, ClassVar

from domain.roster import DutyDay
from domain.roster_checklist import DEFAULT_CHECKLIST
from domain.roster_hours import DEFAULT_WEEK
from domain.roster_setup import DutySetup
from projections.base import ReadModel, Writer, iso, to_json

NAME = "roster"
D, S = DutyDay, DutySetup
SETUPS = """
    setup_id TEXT PRIMARY KEY, office_id TEXT NOT NULL UNIQUE, week TEXT NOT NULL, checklist TEXT NOT NULL,
    updated_at TEXT NOT NULL
"""
MARKS = """
    office_id TEXT NOT NULL, day TEXT NOT NULL, hours TEXT, note TEXT NOT NULL, marked_by TEXT NOT NULL,
    PRIMARY KEY (office_id, day)
"""
DAYS = """
    day_id TEXT PRIMARY KEY, office_id TEXT NOT NULL, day TEXT NOT NULL, opens TEXT NOT NULL, closes TEXT NOT NULL,
    shifts TEXT NOT NULL, checklist TEXT NOT NULL, planned_by TEXT NOT NULL, planned_at TEXT NOT NULL
"""
HOLDERS = """
    day_id TEXT NOT NULL, shift TEXT NOT NULL, duty TEXT NOT NULL, user_id TEXT NOT NULL, position BIGINT NOT NULL,
    PRIMARY KEY (day_id, shift, duty, user_id)
"""
ABSENCES = """
    day_id TEXT NOT NULL, user_id TEXT NOT NULL, reason TEXT NOT NULL, recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL, PRIMARY KEY (day_id, user_id)
"""
CHECKINS = """
    day_id TEXT NOT NULL, user_id TEXT NOT NULL, at TEXT NOT NULL, late INTEGER NOT NULL, PRIMARY KEY (day_id, user_id)
"""
CHECKS = """
    day_id TEXT NOT NULL, shift TEXT NOT NULL, user_id TEXT NOT NULL, present TEXT NOT NULL, missing TEXT NOT NULL,
    note TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (day_id, shift)
"""


class RosterProjection(ReadModel):
    name = NAME
    version = 1
    tables: ClassVar[dict[str, str]] = {
        "rm_duty_setups": SETUPS, "rm_duty_marks": MARKS, "rm_duty_days": DAYS, "rm_duty_holders": HOLDERS,
        "rm_duty_absences": ABSENCES, "rm_duty_checkins": CHECKINS, "rm_duty_checks": CHECKS,
    }
    indexes = ("CREATE INDEX IF NOT EXISTS rm_duty_days_office ON rm_duty_days (office_id, day)",)
    topics = (S.Started, S.ChecklistSet, S.WeekSet, S.DaysMarked, S.DaysUnmarked, D.Planned, D.DutyAssigned,
              D.DutyUnassigned, D.DutySwapped, D.AbsenceRecorded, D.CheckedIn, D.ChecklistTicked)

    def process(self, event: Any, position: int, tx: Writer) -> None:
        HANDLERS[type(event)](event, str(event.originator_id), position, tx)


def _started(event: Any, key: str, position: int, tx: Writer) -> None:
    tx.execute("INSERT INTO rm_duty_setups (setup_id, office_id, week, checklist, updated_at) VALUES (?, ?, ?, ?, ?)"
               " ON CONFLICT (setup_id) DO NOTHING",
               (key, event.office_id, to_json(DEFAULT_WEEK), to_json(DEFAULT_CHECKLIST), iso(event.timestamp)))


def _office_of(tx: Writer, key: str) -> str:
    # The events after Started do not repeat the office: its row does.
    return str(tx.execute("SELECT office_id FROM rm_duty_setups WHERE setup_id = ?", (key,))[0][0])


def _checklist_set(event: Any, key: str, position: int, tx: Writer) -> None:
    tx.execute("UPDATE rm_duty_setups SET checklist = ?, updated_at = ? WHERE setup_id = ?",
               (to_json(event.items), iso(event.timestamp), key))


def _week_set(event: Any, key: str, position: int, tx: Writer) -> None:
    tx.execute("UPDATE rm_duty_setups SET week = ?, updated_at = ? WHERE setup_id = ?",
               (to_json(event.week), iso(event.timestamp), key))


def _days_marked(event: Any, key: str, position: int, tx: Writer) -> None:
    office_id, hours = _office_of(tx, key), to_json(event.hours) if event.hours is not None else None
    for day in event.days:
        tx.execute("INSERT INTO rm_duty_marks (office_id, day, hours, note, marked_by) VALUES (?, ?, ?, ?, ?)"
                   " ON CONFLICT (office_id, day) DO UPDATE SET hours = excluded.hours, note = excluded.note,"
                   " marked_by = excluded.marked_by", (office_id, day.isoformat(), hours, event.note, event.actor))


def _days_unmarked(event: Any, key: str, position: int, tx: Writer) -> None:
    office_id = _office_of(tx, key)
    for day in event.days:
        tx.execute("DELETE FROM rm_duty_marks WHERE office_id = ? AND day = ?", (office_id, day.isoformat()))


def _planned(event: Any, key: str, position: int, tx: Writer) -> None:
    tx.execute(
        "INSERT INTO rm_duty_days (day_id, office_id, day, opens, closes, shifts, checklist, planned_by, planned_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (day_id) DO NOTHING",
        (key, event.office_id, event.day.isoformat(), event.opens.isoformat(), event.closes.isoformat(),
         to_json(event.shifts), to_json(event.checklist), event.actor, iso(event.timestamp)))


def _assign(tx: Writer, key: str, shift: str, duty: str, user_id: str, position: int) -> None:
    tx.execute("INSERT INTO rm_duty_holders (day_id, shift, duty, user_id, position) VALUES (?, ?, ?, ?, ?)"
               " ON CONFLICT (day_id, shift, duty, user_id) DO NOTHING", (key, shift, duty, user_id, position))


def _unassign(tx: Writer, key: str, shift: str, duty: str, user_id: str) -> None:
    tx.execute("DELETE FROM rm_duty_holders WHERE day_id = ? AND shift = ? AND duty = ? AND user_id = ?",
               (key, shift, duty, user_id))


def _assigned(event: Any, key: str, position: int, tx: Writer) -> None:
    _assign(tx, key, event.shift, event.duty.value, event.user_id, position)


def _unassigned(event: Any, key: str, position: int, tx: Writer) -> None:
    _unassign(tx, key, event.shift, event.duty.value, event.user_id)


def _swapped(event: Any, key: str, position: int, tx: Writer) -> None:
    _unassign(tx, key, event.shift, event.duty.value, event.from_user)
    _assign(tx, key, event.shift, event.duty.value, event.to_user, position)


def _absence(event: Any, key: str, position: int, tx: Writer) -> None:
    tx.execute("INSERT INTO rm_duty_absences (day_id, user_id, reason, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?)"
               " ON CONFLICT (day_id, user_id) DO NOTHING",
               (key, event.user_id, event.reason, event.actor, iso(event.timestamp)))


def _checked_in(event: Any, key: str, position: int, tx: Writer) -> None:
    tx.execute("INSERT INTO rm_duty_checkins (day_id, user_id, at, late) VALUES (?, ?, ?, ?)"
               " ON CONFLICT (day_id, user_id) DO NOTHING", (key, event.user_id, iso(event.timestamp), int(event.late)))


def _ticked(event: Any, key: str, position: int, tx: Writer) -> None:
    tx.execute("INSERT INTO rm_duty_checks (day_id, shift, user_id, present, missing, note, at)"
               " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (day_id, shift) DO UPDATE SET user_id = excluded.user_id,"
               " present = excluded.present, missing = excluded.missing, note = excluded.note, at = excluded.at",
               (key, event.shift, event.user_id, to_json(event.present), to_json(event.missing), event.note,
                iso(event.timestamp)))


HANDLERS = {S.Started: _started, S.ChecklistSet: _checklist_set, S.WeekSet: _week_set, S.DaysMarked: _days_marked,
            S.DaysUnmarked: _days_unmarked, D.Planned: _planned, D.DutyAssigned: _assigned,
            D.DutyUnassigned: _unassigned, D.DutySwapped: _swapped, D.AbsenceRecorded: _absence,
            D.CheckedIn: _checked_in, D.ChecklistTicked: _ticked}
