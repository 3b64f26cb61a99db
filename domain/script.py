"""The SOP script: its statuses, the script of each channel (one table), what each status allows next and who
may take each step.

The decree prescribes two scripts (SOP part C). Online meetings (C.c.7–12) and face to face (C.d.5–10) restate the
problem, have the consultee confirm it, and ask "was it understood?" (repeating the answer if not). E-mail (C.a)
and messaging groups (C.b) go received → answered with its basis, or handed to the commissioner → recorded in the
report; restating (a clarifying question sent back) and asking about understanding are allowed there, not required.
"""

from __future__ import annotations

from enum import StrEnum

import msgspec

from domain.errors import NotPermitted
from domain.roles import Permission, Role, may
from domain.values import Channel


class Status(StrEnum):
    OPENED = "opened"  # identity recorded, problem not yet
    PROBLEM_RECORDED = "problem_recorded"
    PROBLEM_RESTATED = "problem_restated"
    PROBLEM_CONFIRMED = "problem_confirmed"
    WITH_COMMISSIONER = "with_commissioner"
    ESCALATED = "escalated"  # forwarded to the province, waiting for the answer
    CLARIFICATION_REQUESTED = "clarification_requested"  # an office above asked the origin a question
    ANSWERED = "answered"  # waiting for "was it understood?" (where the channel asks it) or the report
    NOT_UNDERSTOOD = "not_understood"  # waiting for the answer to be repeated
    UNDERSTOOD = "understood"
    LOGGED = "logged"
    CLOSED = "closed"


class ChannelScript(msgspec.Struct, frozen=True, kw_only=True):
    """How the consultation record runs on one channel, and where the decree says so."""

    restatement_required: bool  # restated and confirmed by the consultee before answering or handing over
    understanding_required: bool  # "was it understood?" asked (and the answer repeated if not) before the report
    documentation_required: bool  # a stored recording, screenshot or photo before closing
    first_step: str  # what the first clocked step is on this channel (the flow chart's step 1 is the walk-in's)
    first_step_minutes: int  # its default standard; an office may set its own
    basis: str  # the decree's paragraphs


SCRIPTS: dict[Channel, ChannelScript] = {
    Channel.WALK_IN: ChannelScript(
        restatement_required=True, understanding_required=True, documentation_required=True,
        first_step="Daftar hadir", first_step_minutes=5, basis="SOP C.d.1–12; bagan alir langkah 1 (5 menit)",
    ),
    Channel.ONLINE_MEETING: ChannelScript(
        restatement_required=True, understanding_required=True, documentation_required=True,
        first_step="Kehadiran dalam pertemuan daring", first_step_minutes=5,
        basis="SOP C.c.1–14; standar kehadiran bagan alir langkah 1 (5 menit)",
    ),
    Channel.EMAIL: ChannelScript(
        restatement_required=False, understanding_required=False, documentation_required=False,
        first_step="Pengecekan kotak masuk dan spam", first_step_minutes=60,
        basis="SOP C.a.1–7; kotak masuk dan spam dicek setiap 1 jam (C.a.3)",
    ),
    Channel.MESSAGING: ChannelScript(
        restatement_required=False, understanding_required=False, documentation_required=False,
        first_step="Pengecekan grup pesan", first_step_minutes=60,
        # C.b.2 says "secara berkala" without a figure: the e-mail's hour is the default, the office may set its own.
        basis="SOP C.b.1–6; grup dicek secara berkala (C.b.2)",
    ),
}


def script_of(channel: Channel) -> ChannelScript:
    return SCRIPTS[Channel(channel)]


# Before the problem is recorded, and (where the channel requires it) before the consultee confirmed it.
BEFORE_RECORDING = frozenset({Status.OPENED})
BEFORE_CONFIRMATION = frozenset({Status.OPENED, Status.PROBLEM_RECORDED, Status.PROBLEM_RESTATED})
# Waiting for an office above: nothing may be answered or handed over here meanwhile.
AWAY = frozenset({Status.ESCALATED, Status.CLARIFICATION_REQUESTED})

# What each status allows on every channel (documentation may be attached at any time before closing).
_REQUIRED_STEPS: dict[Status, tuple[str, ...]] = {
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
# What a channel without the restatement (or the understanding check) allows besides: going on without it.
_SKIPPING_RESTATEMENT = {
    Status.PROBLEM_RECORDED: ("answer_problem", "hand_to_commissioner"),
    Status.PROBLEM_RESTATED: ("answer_problem", "hand_to_commissioner"),
}
_SKIPPING_UNDERSTANDING = {Status.ANSWERED: ("log_in_report",)}


def next_steps(status: Status, channel: Channel) -> tuple[str, ...]:
    """The script's steps open at `status` on `channel`, in the order a screen offers them: the script's way on
    first, a step the channel allows but does not require after it (documentation apart)."""
    script = script_of(channel)
    steps = _REQUIRED_STEPS[status]
    # Where the channel does not require them, restating and asking about understanding stay on offer, after
    # what the script goes on with (a screen shows the steps in this order).
    if not script.restatement_required:
        steps = (*_SKIPPING_RESTATEMENT.get(status, ()), *steps)
    if not script.understanding_required:
        steps = (*_SKIPPING_UNDERSTANDING.get(status, ()), *steps)
    return steps


# Who may take each step: one table for the services, the API's guards and the pages. A step open to several
# permissions is allowed to a role holding any of them; `answer_problem` depends on who holds the consultation.
STEP_PERMISSIONS: dict[str, tuple[Permission, ...]] = {
    "open_consultation": (Permission.SERVE_CONSULTATIONS,),
    "correct_identity": (Permission.SERVE_CONSULTATIONS,),
    "record_problem": (Permission.SERVE_CONSULTATIONS,),
    "restate_problem": (Permission.SERVE_CONSULTATIONS,),
    "confirm_problem": (Permission.SERVE_CONSULTATIONS,),
    "correct_problem": (Permission.SERVE_CONSULTATIONS,),
    "answer_problem": (Permission.SERVE_CONSULTATIONS, Permission.DECIDE_ESCALATIONS),
    "hand_to_commissioner": (Permission.SERVE_CONSULTATIONS,),
    "forward_up": (Permission.DECIDE_ESCALATIONS,),
    # A question from above is answered by the desk or by the commissioner who forwarded it.
    "clarify": (Permission.SERVE_CONSULTATIONS, Permission.DECIDE_ESCALATIONS),
    "check_understanding": (Permission.SERVE_CONSULTATIONS,),
    "repeat_answer": (Permission.SERVE_CONSULTATIONS,),
    "log_in_report": (Permission.SERVE_CONSULTATIONS,),
    "attach_documentation": (Permission.SERVE_CONSULTATIONS,),
    "close_consultation": (Permission.SERVE_CONSULTATIONS,),
}


def step_permissions(step: str, status: Status | None = None) -> tuple[Permission, ...]:
    """The permissions that allow `step` at `status` (without a status: at any status, as a route's guard needs).
    Once the desk handed the problem over, only the commissioner answers it; before, only the desk."""
    if step == "answer_problem" and status is not None:
        held = status is Status.WITH_COMMISSIONER
        return (Permission.DECIDE_ESCALATIONS if held else Permission.SERVE_CONSULTATIONS,)
    return STEP_PERMISSIONS[step]


def may_take(role: Role, step: str, status: Status | None = None) -> bool:
    return any(may(role, permission) for permission in step_permissions(step, status))


def check_may_take(role: Role, step: str, status: Status | None = None) -> None:
    if not may_take(role, step, status):
        raise NotPermitted(role=Role(role).value, step=step)
