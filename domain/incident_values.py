"""The words and rules of special incidents (kejadian khusus, SOP A.4b–c; domain/incidents.py): the categories, the
states, who may take which step (one table), and what a report must hold."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

import msgspec

from domain.errors import DomainError, InvalidInput, Refusals, StepOutOfOrder
from domain.roles import Permission, Role, check_permitted, may
from domain.values import clean_text

MAX_DESCRIPTION = 2000
MAX_LOCATION = 120
MAX_NOTE = 1000
# A report may be written a while after the trouble began (the desk dealt with it first), never about tomorrow; a
# few minutes ahead are a desk clock that runs fast.
OLDEST = timedelta(days=30)
CLOCK_SLACK = timedelta(minutes=5)


class IncidentCategory(StrEnum):
    EQUIPMENT = "equipment"  # a desk's laptop, printer, recorder (gangguan perangkat)
    POWER = "power"  # listrik padam
    NETWORK = "network"  # jaringan/internet putus
    SIPOL = "sipol"  # SIPOL cannot be reached
    DISTURBANCE = "disturbance"  # a disturbance at the desk (gangguan ketertiban)
    OTHER = "other"


class IncidentState(StrEnum):
    REPORTED = "reported"  # a staff member reported it
    RECEIVED = "received"  # the Koordinator Harian has it
    PASSED = "passed"  # passed on to the Koordinator, with a note
    CLOSED = "closed"  # resolved, with how


class IncidentStep(StrEnum):
    RECEIVE = "receive"
    PASS = "pass"
    CLOSE = "close"


# Each step: the state it is taken from, the state it leaves, and who may take it. The Koordinator Harian receives
# the desk's report and informs the Koordinator (A.4b.2); the Koordinator, who evaluates the service, closes it.
STEPS: dict[IncidentStep, tuple[IncidentState, IncidentState, Permission]] = {
    IncidentStep.RECEIVE: (IncidentState.REPORTED, IncidentState.RECEIVED, Permission.MANAGE_ROSTER),
    IncidentStep.PASS: (IncidentState.RECEIVED, IncidentState.PASSED, Permission.MANAGE_ROSTER),
    IncidentStep.CLOSE: (IncidentState.PASSED, IncidentState.CLOSED, Permission.EVALUATE_SERVICE),
}
# Every staff member may report (A.4c.2: "melaporkan sedini mungkin").
REPORT = Permission.READ_CONSULTATIONS


class IncidentReport(msgspec.Struct, frozen=True):
    """A report as checked: what, when (UTC), where, which category."""

    category: IncidentCategory
    description: str
    location: str
    occurred_at: datetime


class UnknownIncident(DomainError):
    code = "unknown_incident"
    kind = "not_found"


class UnknownIncidentCategory(InvalidInput):
    code = "unknown_incident_category"


class IncidentTimeInvalid(InvalidInput):
    """Not a date and time, in the future, or more than 30 days ago."""

    code = "incident_time_invalid"


class IncidentOutOfTurn(StepOutOfOrder):
    """A step taken out of the order received → passed → closed (or twice)."""

    code = "incident_out_of_turn"


def check_step(role: Role, state: IncidentState, step: IncidentStep) -> IncidentState:
    """The state `step` leaves, when `role` may take it now."""
    before, after, permission = STEPS[step]
    check_permitted(role, permission)
    if state is not before:
        raise IncidentOutOfTurn()
    return after


def next_step(role: Role, state: IncidentState) -> IncidentStep | None:
    """The step `role` may take on an incident in `state`, if any (what a page offers)."""
    for step, (before, _, permission) in STEPS.items():
        if before is state and may(role, permission):
            return step
    return None


def check_report(category: str, description: str, location: str, occurred_at: str | datetime | None,
                 now: datetime, zone: ZoneInfo) -> IncidentReport:
    """A report as typed, every field checked at once (InvalidFields when several are wrong). `occurred_at` is the
    office's local time ("2026-12-04T09:15") or a moment; empty means now."""
    refusals = Refusals()
    kind = refusals.check(lambda: _category(category))
    what = refusals.check(lambda: clean_text(description, "description", MAX_DESCRIPTION))
    where = refusals.check(lambda: clean_text(location, "location", MAX_LOCATION))
    when = refusals.check(lambda: _moment(occurred_at, now, zone))
    refusals.raise_any()
    assert kind is not None and what is not None and where is not None and when is not None
    return IncidentReport(kind, what, where, when)


def clean_note(text: str, field: str) -> str:
    return clean_text(text, field, MAX_NOTE)


def _category(raw: str) -> IncidentCategory:
    try:
        return IncidentCategory((raw or "").strip())
    except ValueError:
        raise UnknownIncidentCategory(field="category") from None


def _moment(given: str | datetime | None, now: datetime, zone: ZoneInfo) -> datetime:
    if given is None or (isinstance(given, str) and not given.strip()):
        return now
    if isinstance(given, str):
        try:
            moment = datetime.fromisoformat(given.strip())
        except ValueError:
            raise IncidentTimeInvalid(field="occurred_at") from None
    else:
        moment = given
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)  # as the office's clock on the wall reads it
    if moment > now + CLOCK_SLACK or moment < now - OLDEST:
        raise IncidentTimeInvalid(field="occurred_at")
    return moment.astimezone(now.tzinfo)
