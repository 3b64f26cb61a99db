"""The words of the Koordinator's periodic evaluation of the service (domain/evaluation.py, SOP A.4a.3): the figures
it is made of, its notes and follow-ups, who may do what, and the refusals.

The figures come from the read models (projections/evaluation_queries.py): they are handed to the evaluation, never
computed here, and frozen with the notes and follow-ups when the Koordinator finalises it.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec

from domain.errors import DomainError, InvalidInput, NotPermitted, Refusals
from domain.roles import Permission, Role, may
from domain.values import clean_text

MAX_NOTE = 4000
MAX_WHAT = 500
MAX_NOTES = 100
MAX_FOLLOW_UPS = 100


class StepLine(msgspec.Struct, frozen=True):
    """One SOP step over the period (projections/clock_queries.py StepFigure, the dashboard's and reports' figure)."""

    step: str
    label: str
    standard_minutes: int
    measured: int
    met: int
    warned: int
    breached: int
    average_seconds: int


class StaffLine(msgspec.Struct, frozen=True):
    """One staff member's ended steps over the period, all steps together (ClockQueries.compliance by staff)."""

    username: str
    measured: int
    met: int
    breached: int


class EvaluationFigures(msgspec.Struct, frozen=True, kw_only=True):
    """What the read models say of the service over the period."""

    consultations: int
    by_channel: dict[str, int]
    repeated: int  # consultations whose answer had to be repeated (not understood the first time)
    handed_over: int  # handed to the commissioner (SOP flow chart: the desk could not answer)
    forwarded: int  # forwarded up to the province by the commissioner
    escalations_answered: int  # handed over and since answered (by the commissioner or an office above)
    steps: list[StepLine]
    staff: list[StaffLine]
    # The SIPOL monitoring reports (part D) submitted on time over the period: filled in once the monitoring
    # reports exist (issue 16, part D); None until then, shown as "not measured yet".
    monitoring_on_time: int | None = None
    monitoring_due: int | None = None


class Note(msgspec.Struct, frozen=True):
    note_id: UUID
    text: str
    author: str
    at: datetime


class FollowUp(msgspec.Struct, frozen=True):
    """What is to be done after the evaluation, by whom and by when; done once its owner (or the Koordinator) says."""

    follow_up_id: UUID
    what: str
    owner: str  # the staff member's username
    due: date
    added_by: str
    done_at: datetime | None = None
    done_by: str | None = None

    @property
    def done(self) -> bool:
        return self.done_at is not None


class EvaluationContent(msgspec.Struct, frozen=True):
    """What a finalised evaluation freezes: its period, the figures, the notes and the follow-ups as they stood. The
    encoded bytes are what its SHA-256 covers and what every rendering (page, PDF) is made from."""

    office_id: str
    period_start: date
    period_end: date
    figures: EvaluationFigures
    notes: list[Note]
    follow_ups: list[FollowUp]


class UnknownEvaluation(DomainError):
    code = "unknown_evaluation"
    kind = "not_found"


class EvaluationExists(DomainError):
    """One evaluation per office and period: the Koordinator opens the one already drafted."""

    code = "evaluation_exists"
    kind = "conflict"


class EvaluationFinalised(DomainError):
    """A finalised evaluation is frozen: no note or follow-up is added, and it is not finalised twice."""

    code = "evaluation_finalised"
    kind = "conflict"


class UnknownFollowUp(DomainError):
    code = "unknown_follow_up"
    kind = "not_found"


class FollowUpAlreadyDone(DomainError):
    code = "follow_up_already_done"
    kind = "conflict"


class TooManyEntries(InvalidInput):
    code = "too_many_entries"


class DueDateRequired(InvalidInput):
    code = "due_date_required"


class DueDateInPast(InvalidInput):
    code = "due_date_in_past"


class OwnerRequired(InvalidInput):
    code = "owner_required"


def evaluation_id(office_id: str, period_start: date, period_end: date) -> UUID:
    """The same wherever it is computed: a second draft of the same period finds the first."""
    return uuid5(NAMESPACE_URL, f"helpdesk-sipol:evaluation:{office_id}:{period_start}:{period_end}")


def checked_note(text: str) -> str:
    return clean_text(text, "text", MAX_NOTE)


def checked_follow_up(what: str, owner: str | None, due: date | None, today: date) -> tuple[str, str, date]:
    """What, who and by when, every field refused at once (a form shows all its errors together)."""
    refusals = Refusals()
    text = refusals.check(lambda: clean_text(what, "what", MAX_WHAT))
    if not owner or not owner.strip():
        refusals.add(OwnerRequired(field="owner"))
    if due is None:
        refusals.add(DueDateRequired(field="due"))
    elif due < today:
        refusals.add(DueDateInPast(field="due", today=today))
    refusals.raise_any()
    assert text is not None and owner is not None and due is not None
    return text, owner.strip(), due


def check_may_evaluate(role: Role) -> None:
    """Drafting, noting, adding follow-ups and finalising: the Koordinator's (SOP A.4a.3)."""
    if not may(role, Permission.EVALUATE_SERVICE):
        raise NotPermitted(role=role.value, permission=Permission.EVALUATE_SERVICE.value)


def check_may_complete(role: Role, username: str, follow_up: FollowUp) -> None:
    """A follow-up is marked done by its owner, or by the Koordinator who evaluates."""
    if username != follow_up.owner and not may(role, Permission.EVALUATE_SERVICE):
        raise NotPermitted(role=role.value, permission=Permission.EVALUATE_SERVICE.value)


class UnknownStaff(InvalidInput):
    """Not an active staff account of this office: a follow-up or a programme item is given to one of the team."""

    code = "unknown_staff"
