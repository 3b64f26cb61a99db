"""The consultation script's order: each step out of turn is refused with its own error, and nothing changes."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from domain import errors
from domain.consultation import Consultation, Status
from domain.parties import Party
from domain.values import Basis, BasisKind, Channel, Documentation, DocumentationKind, Identity

DESK = "desk.ani"
COMMISSIONER = "kpu.rudi"
T0 = datetime(2024, 7, 29, 1, 30, tzinfo=UTC)
BASES = (Basis(BasisKind.FAQ_SIPOL, "FAQ Sipol no. 12"),)
PHOTO = Documentation(DocumentationKind.PHOTO, "kab-16.13/photo.jpg", "a" * 64)
IDENTITY = Identity(name="Rina Marlina", party=Party("Partai Kebangkitan Bangsa", "PKB", 1), phone="+6281234567890")

Step = Callable[[Consultation, datetime], None]

# Each command of the script, with ordinary arguments.
COMMANDS: dict[str, Step] = {
    "correct_identity": lambda c, at: c.correct_identity(IDENTITY, DESK, at),
    "record_problem": lambda c, at: c.record_problem("Akun terkunci.", DESK, at),
    "restate_problem": lambda c, at: c.restate_problem("Operator tidak bisa masuk.", DESK, at),
    "confirm_problem": lambda c, at: c.confirm_problem(DESK, at),
    "correct_problem": lambda c, at: c.correct_problem("Bukan, akun operator lama.", DESK, at),
    "answer_problem": lambda c, at: c.answer_problem("Ajukan pergantian operator.", BASES, DESK, at),
    "hand_to_commissioner": lambda c, at: c.hand_to_commissioner("Tidak ada di FAQ.", DESK, at),
    "understood": lambda c, at: c.check_understanding(True, DESK, at),
    "not_understood": lambda c, at: c.check_understanding(False, DESK, at),
    "repeat_answer": lambda c, at: c.repeat_answer(None, DESK, at),
    "log_in_report": lambda c, at: c.log_in_report(DESK, at),
    "attach_documentation": lambda c, at: c.attach_documentation(PHOTO, DESK, at),
    "close_consultation": lambda c, at: c.close_consultation(DESK, at),
    "forward_up": lambda c, at: c.forward_up("prov-16", "Perlu arahan provinsi.", COMMISSIONER, at),
    "asked_from_above": lambda c, at: c.request_clarification("Tingkat kepengurusan apa?", "prov.budi", at),
    "clarify": lambda c, at: c.clarify("Tingkat kabupaten.", COMMISSIONER, at),
}

# The script followed without a hitch, and the shortest walk from opening to each status.
SCRIPT = (
    "record_problem",
    "restate_problem",
    "confirm_problem",
    "answer_problem",
    "understood",
    "log_in_report",
    "attach_documentation",
    "close_consultation",
)
PATHS: dict[Status, tuple[str, ...]] = {
    Status.OPENED: SCRIPT[:0],
    Status.PROBLEM_RECORDED: SCRIPT[:1],
    Status.PROBLEM_RESTATED: SCRIPT[:2],
    Status.PROBLEM_CONFIRMED: SCRIPT[:3],
    Status.WITH_COMMISSIONER: (*SCRIPT[:3], "hand_to_commissioner"),
    Status.ESCALATED: (*SCRIPT[:3], "hand_to_commissioner", "forward_up"),
    Status.CLARIFICATION_REQUESTED: (*SCRIPT[:3], "hand_to_commissioner", "forward_up", "asked_from_above"),
    Status.ANSWERED: SCRIPT[:4],
    Status.NOT_UNDERSTOOD: (*SCRIPT[:4], "not_understood"),
    Status.UNDERSTOOD: SCRIPT[:5],
    Status.LOGGED: SCRIPT[:6],
    Status.CLOSED: SCRIPT,
}


def consultation_at(status: Status, channel: Channel = Channel.WALK_IN) -> Consultation:
    consultation = Consultation.open(
        id=uuid.uuid4(), office_id="kab-16.13", channel=channel, identity=IDENTITY, actor=DESK, at=T0
    )
    for minute, name in enumerate(PATHS[status], start=1):
        COMMANDS[name](consultation, T0 + timedelta(minutes=minute))
    assert consultation.status is status
    return consultation


def test_every_path_reaches_its_status() -> None:
    # consultation_at asserts the status it reached; this also proves the paths above are walkable.
    for status in Status:
        assert consultation_at(status).version == len(PATHS[status]) + 1


OUT_OF_ORDER = [
    ("record_problem_twice", Status.PROBLEM_RECORDED, "record_problem", errors.ProblemAlreadyRecorded),
    ("record_problem_after_confirmation", Status.PROBLEM_CONFIRMED, "record_problem", errors.ProblemAlreadyRecorded),
    ("restate_before_record", Status.OPENED, "restate_problem", errors.ProblemNotRecorded),
    ("restate_after_confirmation", Status.PROBLEM_CONFIRMED, "restate_problem", errors.ProblemAlreadyConfirmed),
    ("confirm_before_record", Status.OPENED, "confirm_problem", errors.RestatementMissing),
    ("confirm_without_restatement", Status.PROBLEM_RECORDED, "confirm_problem", errors.RestatementMissing),
    ("confirm_twice", Status.PROBLEM_CONFIRMED, "confirm_problem", errors.ProblemAlreadyConfirmed),
    ("correct_without_restatement", Status.PROBLEM_RECORDED, "correct_problem", errors.RestatementMissing),
    ("correct_after_confirmation", Status.PROBLEM_CONFIRMED, "correct_problem", errors.ProblemAlreadyConfirmed),
    ("answer_before_record", Status.OPENED, "answer_problem", errors.ProblemNotRecorded),
    ("hand_over_before_record", Status.OPENED, "hand_to_commissioner", errors.ProblemNotRecorded),
    ("answer_before_confirmation", Status.PROBLEM_RESTATED, "answer_problem", errors.AnswerBeforeConfirmation),
    ("answer_twice", Status.ANSWERED, "answer_problem", errors.AlreadyAnswered),
    ("answer_after_forwarding", Status.ESCALATED, "answer_problem", errors.AlreadyEscalated),
    ("forward_before_handover", Status.PROBLEM_CONFIRMED, "forward_up", errors.NotWithCommissioner),
    ("forward_twice", Status.ESCALATED, "forward_up", errors.AlreadyEscalated),
    ("clarify_unasked", Status.ESCALATED, "clarify", errors.NoClarificationRequested),
    ("asked_before_forwarding", Status.WITH_COMMISSIONER, "asked_from_above", errors.NotEscalated),
    ("close_while_escalated", Status.ESCALATED, "close_consultation", errors.NotLogged),
    (
        "hand_over_before_confirmation",
        Status.PROBLEM_RESTATED,
        "hand_to_commissioner",
        errors.EscalationBeforeConfirmation,
    ),
    ("hand_over_twice", Status.WITH_COMMISSIONER, "hand_to_commissioner", errors.AlreadyEscalated),
    ("hand_over_after_answer", Status.ANSWERED, "hand_to_commissioner", errors.AlreadyAnswered),
    ("check_understanding_before_answer", Status.PROBLEM_CONFIRMED, "understood", errors.NotAnswered),
    ("check_understanding_after_handover", Status.WITH_COMMISSIONER, "not_understood", errors.NotAnswered),
    ("check_understanding_awaiting_repeat", Status.NOT_UNDERSTOOD, "understood", errors.AwaitingRepeat),
    ("check_understanding_twice", Status.UNDERSTOOD, "understood", errors.NotAnswered),
    ("repeat_when_not_asked", Status.ANSWERED, "repeat_answer", errors.RepeatNotNeeded),
    ("repeat_after_understood", Status.UNDERSTOOD, "repeat_answer", errors.RepeatNotNeeded),
    ("log_before_understood", Status.ANSWERED, "log_in_report", errors.NotUnderstoodYet),
    ("log_while_not_understood", Status.NOT_UNDERSTOOD, "log_in_report", errors.NotUnderstoodYet),
    ("log_twice", Status.LOGGED, "log_in_report", errors.AlreadyLogged),
    ("close_before_logged", Status.UNDERSTOOD, "close_consultation", errors.NotLogged),
    ("close_with_commissioner", Status.WITH_COMMISSIONER, "close_consultation", errors.NotLogged),
]


@pytest.mark.parametrize(
    ("start", "command", "error"), [case[1:] for case in OUT_OF_ORDER], ids=[case[0] for case in OUT_OF_ORDER]
)
def test_a_step_out_of_order_is_refused_and_changes_nothing(
    start: Status, command: str, error: type[errors.DomainError]
) -> None:
    consultation = consultation_at(start)
    version = consultation.version
    with pytest.raises(error) as refused:
        COMMANDS[command](consultation, T0 + timedelta(hours=1))
    # The exact class, not a parent: each rule has its own code for the screen to explain.
    assert type(refused.value) is error
    assert refused.value.kind == "conflict"
    assert (consultation.status, consultation.version) == (start, version)


def test_an_answer_without_a_basis_is_refused() -> None:
    consultation = consultation_at(Status.PROBLEM_CONFIRMED)
    with pytest.raises(errors.BasisRequired) as refused:
        consultation.answer_problem("Jawaban tanpa dasar.", (), DESK, T0)
    assert (refused.value.field, refused.value.kind) == ("bases", "invalid")
    assert consultation.status is Status.PROBLEM_CONFIRMED


def test_a_blank_problem_is_refused() -> None:
    consultation = consultation_at(Status.OPENED)
    with pytest.raises(errors.TextRequired) as refused:
        consultation.record_problem("   \n ", DESK, T0)
    assert refused.value.field == "text"


@pytest.mark.parametrize("channel", [Channel.WALK_IN, Channel.ONLINE_MEETING])
def test_a_meeting_is_not_closed_without_documentation(channel: Channel) -> None:
    consultation = consultation_at(Status.LOGGED, channel)
    with pytest.raises(errors.DocumentationRequired) as refused:
        consultation.close_consultation(DESK, T0 + timedelta(hours=1))
    assert refused.value.params == {"channel": channel.value}
    assert consultation.status is Status.LOGGED

    # Once a photo or recording is attached, it closes.
    consultation.attach_documentation(PHOTO, DESK, T0 + timedelta(hours=1))
    consultation.close_consultation(DESK, T0 + timedelta(hours=1))
    assert consultation.status is Status.CLOSED


@pytest.mark.parametrize("channel", [Channel.EMAIL, Channel.MESSAGING])
def test_written_channels_close_without_documentation(channel: Channel) -> None:
    consultation = consultation_at(Status.LOGGED, channel)
    consultation.close_consultation(DESK, T0 + timedelta(hours=1))
    assert consultation.status is Status.CLOSED
    assert consultation.documentation == ()


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_nothing_is_done_to_a_closed_consultation(command: str) -> None:
    consultation = consultation_at(Status.CLOSED)
    version = consultation.version
    with pytest.raises(errors.AlreadyClosed):
        COMMANDS[command](consultation, T0 + timedelta(hours=1))
    assert (consultation.status, consultation.version) == (Status.CLOSED, version)


def test_the_correction_loop_counts_each_correction() -> None:
    consultation = consultation_at(Status.PROBLEM_RESTATED)

    # The consultee says the restatement is not what they meant, and says it again.
    consultation.correct_problem("Bukan operator baru, akun admin partai.", DESK, T0)
    assert consultation.status is Status.PROBLEM_RECORDED
    assert consultation.restatement is None

    # The desk restates; wrong again; corrected again.
    consultation.restate_problem("Admin partai lupa kata sandi.", DESK, T0)
    consultation.correct_problem("Admin partai diblokir, bukan lupa sandi.", DESK, T0)

    # The third restatement is confirmed.
    consultation.restate_problem("Akun admin partai diblokir sistem.", DESK, T0)
    consultation.confirm_problem(DESK, T0)

    assert consultation.status is Status.PROBLEM_CONFIRMED
    assert consultation.corrections == 2
    assert consultation.problem == "Admin partai diblokir, bukan lupa sandi."
    assert consultation.restatement == "Akun admin partai diblokir sistem."


def test_a_repeat_counts_and_keeps_the_original_answer() -> None:
    consultation = consultation_at(Status.NOT_UNDERSTOOD)
    consultation.repeat_answer("Dijelaskan ulang dengan contoh.", DESK, T0)
    consultation.check_understanding(False, DESK, T0)
    consultation.repeat_answer(None, DESK, T0)
    assert (consultation.status, consultation.repeats) == (Status.ANSWERED, 2)
    assert consultation.answer == "Ajukan pergantian operator."
    events = [type(e).__name__ for e in consultation.collect_events()]
    assert events[-3:] == ["AnswerRepeated", "NotUnderstood", "AnswerRepeated"]


def test_the_commands_carry_the_given_time() -> None:
    consultation = consultation_at(Status.OPENED)
    later = T0 + timedelta(minutes=7, seconds=3)
    consultation.record_problem("Akun terkunci.", DESK, later)
    assert (consultation.created_on, consultation.modified_on) == (T0, later)


DOC = "attach_documentation"
NEXT_STEPS = {
    Status.OPENED: ("record_problem", DOC),
    Status.PROBLEM_RECORDED: ("restate_problem", DOC),
    Status.PROBLEM_RESTATED: ("confirm_problem", "correct_problem", DOC),
    Status.PROBLEM_CONFIRMED: ("answer_problem", "hand_to_commissioner", DOC),
    Status.WITH_COMMISSIONER: ("answer_problem", "forward_up", DOC),
    Status.ESCALATED: (DOC,),
    Status.CLARIFICATION_REQUESTED: ("clarify", DOC),
    Status.ANSWERED: ("check_understanding", DOC),
    Status.NOT_UNDERSTOOD: ("repeat_answer", DOC),
    Status.UNDERSTOOD: ("log_in_report", DOC),
    Status.LOGGED: ("close_consultation", DOC),
    Status.CLOSED: (),
}


# E-mail and messaging (SOP C.a, C.b) may answer or hand over without restating, and report without asking
# whether the answer was understood; both remain on offer.
NEXT_STEPS_WITHOUT_RESTATEMENT = {
    **NEXT_STEPS,
    Status.PROBLEM_RECORDED: ("answer_problem", "hand_to_commissioner", "restate_problem", DOC),
    Status.PROBLEM_RESTATED: ("answer_problem", "hand_to_commissioner", "confirm_problem", "correct_problem", DOC),
    Status.ANSWERED: ("log_in_report", "check_understanding", DOC),
}


@pytest.mark.parametrize("channel", [Channel.WALK_IN, Channel.ONLINE_MEETING])
@pytest.mark.parametrize("status", list(Status))
def test_next_steps_offer_what_the_script_allows(status: Status, channel: Channel) -> None:
    expected = dict(NEXT_STEPS, **{Status.LOGGED: (DOC,)})  # a walk-in or meeting closes once documented
    assert consultation_at(status, channel).next_steps == expected[status]


@pytest.mark.parametrize("channel", [Channel.EMAIL, Channel.MESSAGING])
@pytest.mark.parametrize("status", list(Status))
def test_next_steps_on_email_and_messaging_let_the_desk_skip_restating(status: Status, channel: Channel) -> None:
    assert consultation_at(status, channel).next_steps == NEXT_STEPS_WITHOUT_RESTATEMENT[status]


@pytest.mark.parametrize("channel", [Channel.EMAIL, Channel.MESSAGING])
def test_an_email_goes_from_the_problem_to_the_answer_to_the_report(channel: Channel) -> None:
    consultation = consultation_at(Status.OPENED, channel)
    # The mail is read and its problem recorded; the desk answers with its basis at once (C.a.4).
    COMMANDS["record_problem"](consultation, T0 + timedelta(minutes=1))
    COMMANDS["answer_problem"](consultation, T0 + timedelta(minutes=2))
    # Recorded in the helpdesk report (C.a.7) without asking whether it was understood; closed without a photo.
    COMMANDS["log_in_report"](consultation, T0 + timedelta(minutes=3))
    COMMANDS["close_consultation"](consultation, T0 + timedelta(minutes=4))
    assert consultation.status is Status.CLOSED and consultation.restatement is None


@pytest.mark.parametrize("channel", [Channel.EMAIL, Channel.MESSAGING])
def test_an_email_may_be_handed_to_the_commissioner_without_restating(channel: Channel) -> None:
    consultation = consultation_at(Status.PROBLEM_RECORDED, channel)
    COMMANDS["hand_to_commissioner"](consultation, T0 + timedelta(minutes=5))
    assert consultation.status is Status.WITH_COMMISSIONER


@pytest.mark.parametrize("channel", [Channel.WALK_IN, Channel.ONLINE_MEETING])
def test_a_walk_in_or_meeting_may_not_skip_the_confirmed_restatement_or_the_understanding(channel: Channel) -> None:
    recorded = consultation_at(Status.PROBLEM_RECORDED, channel)
    with pytest.raises(errors.AnswerBeforeConfirmation):
        COMMANDS["answer_problem"](recorded, T0 + timedelta(minutes=5))
    with pytest.raises(errors.EscalationBeforeConfirmation):
        COMMANDS["hand_to_commissioner"](recorded, T0 + timedelta(minutes=5))
    answered = consultation_at(Status.ANSWERED, channel)
    with pytest.raises(errors.NotUnderstoodYet):
        COMMANDS["log_in_report"](answered, T0 + timedelta(minutes=5))


def test_an_email_asked_about_understanding_and_not_understood_repeats_before_the_report() -> None:
    consultation = consultation_at(Status.NOT_UNDERSTOOD, Channel.EMAIL)
    with pytest.raises(errors.NotUnderstoodYet):
        COMMANDS["log_in_report"](consultation, T0 + timedelta(hours=1))


def test_a_documented_walk_in_is_offered_closing() -> None:
    consultation = consultation_at(Status.LOGGED, Channel.WALK_IN)
    consultation.attach_documentation(PHOTO, DESK, T0)
    assert consultation.next_steps == ("close_consultation", DOC)


@pytest.mark.parametrize("channel", [Channel.WALK_IN, Channel.ONLINE_MEETING])
def test_an_undocumented_meeting_is_offered_documentation_not_closing(channel: Channel) -> None:
    assert consultation_at(Status.LOGGED, channel).next_steps == (DOC,)


@pytest.mark.parametrize(
    ("status", "channel"),
    [(status, Channel.EMAIL) for status in Status]
    + [(status, Channel.WALK_IN) for status in Status],
)
def test_every_offered_step_is_accepted(status: Status, channel: Channel) -> None:
    # A screen offering a step the aggregate then refuses would be a broken button.
    aliases = {"check_understanding": "understood"}
    for step in consultation_at(status, channel).next_steps:
        consultation = consultation_at(status, channel)
        COMMANDS[aliases.get(step, step)](consultation, T0 + timedelta(hours=1))


def test_the_commissioner_may_answer_what_the_desk_handed_over() -> None:
    consultation = consultation_at(Status.WITH_COMMISSIONER)
    consultation.answer_problem("Keputusan Anggota KPU.", BASES, COMMISSIONER, T0 + timedelta(hours=1))
    assert (consultation.status, consultation.answered_by) == (Status.ANSWERED, COMMISSIONER)


def test_forwarding_sends_the_substance_and_the_notes_but_no_contact_details() -> None:
    consultation = consultation_at(Status.ESCALATED)
    case = consultation.case
    assert (case.origin_office, case.origin_id, case.party.abbreviation) == ("kab-16.13", consultation.id, "PKB")
    assert case.restatement == "Operator tidak bisa masuk."
    assert [n.text for n in case.notes] == ["Tidak ada di FAQ.", "Perlu arahan provinsi."]
    assert "+6281234567890" not in repr(case) and "Rina" not in repr(case)
    assert consultation.up.state.value == "sent" and consultation.up.upper_office == "prov-16"
