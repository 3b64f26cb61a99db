"""The SOP script's statuses, and which steps each allows next (the consultation enforces the order)."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    OPENED = "opened"  # identity recorded, problem not yet
    PROBLEM_RECORDED = "problem_recorded"
    PROBLEM_RESTATED = "problem_restated"
    PROBLEM_CONFIRMED = "problem_confirmed"
    WITH_COMMISSIONER = "with_commissioner"
    ESCALATED = "escalated"  # forwarded to the province, waiting for the answer
    CLARIFICATION_REQUESTED = "clarification_requested"  # an office above asked the origin a question
    ANSWERED = "answered"  # waiting for "was it understood?"
    NOT_UNDERSTOOD = "not_understood"  # waiting for the answer to be repeated
    UNDERSTOOD = "understood"
    LOGGED = "logged"
    CLOSED = "closed"


# Before the consultee has confirmed the restated problem, nothing may be answered or handed over.
BEFORE_CONFIRMATION = frozenset(
    {Status.OPENED, Status.PROBLEM_RECORDED, Status.PROBLEM_RESTATED}
)

# What a screen may offer at each status (documentation may be attached at any time before closing).
NEXT_STEPS: dict[Status, tuple[str, ...]] = {
    Status.OPENED: ("record_problem",),
    Status.PROBLEM_RECORDED: ("restate_problem",),
    Status.PROBLEM_RESTATED: ("confirm_problem", "correct_problem"),
    Status.PROBLEM_CONFIRMED: ("answer_problem", "hand_to_commissioner"),
    Status.WITH_COMMISSIONER: ("answer_problem", "forward_up"),
    Status.ESCALATED: (),
    Status.CLARIFICATION_REQUESTED: ("clarify",),
    Status.ANSWERED: ("check_understanding",),
    Status.NOT_UNDERSTOOD: ("repeat_answer",),
    Status.UNDERSTOOD: ("log_in_report",),
    Status.LOGGED: ("close_consultation",),
    Status.CLOSED: (),
}
