"""Each channel's script as the decree gives it (SOP part C), in one table: the steps it requires, its first-step
standard, its clock, the marks a screen shows, and who may take each step."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from domain import errors
from domain.casefile import Answer, CaseFile
from domain.escalation import EscalationCase
from domain.parties import Party
from domain.roles import Permission, Role, may
from domain.script import SCRIPTS, STEP_PERMISSIONS, Status, check_may_take, may_take, next_steps, step_permissions
from domain.sop import FirstSteps, InvalidStandards, Level, Standards, Step, step_label
from domain.timeline import Mark, Timeline
from domain.values import Basis, BasisKind, Channel
from gateways.config import ConfigError, load_settings

DESK = "desk.ani"
COMMISSIONER = "kpu.rudi"
T0 = datetime(2024, 7, 29, 1, 30, tzinfo=UTC)


def at(minutes: float = 0) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_the_table_follows_the_decree() -> None:
    # C.c.7-12 and C.d.5-10: restated, confirmed, "understood?"; C.c.14 and C.d.12: recorded or photographed.
    for channel in (Channel.WALK_IN, Channel.ONLINE_MEETING):
        script = SCRIPTS[channel]
        assert (script.restatement_required, script.understanding_required, script.documentation_required) == (
            True, True, True)
    # C.a and C.b: received -> answered with its basis, or handed to the commissioner -> recorded in the report.
    for channel in (Channel.EMAIL, Channel.MESSAGING):
        script = SCRIPTS[channel]
        assert (script.restatement_required, script.understanding_required, script.documentation_required) == (
            False, False, False)
    assert set(SCRIPTS) == set(Channel)
    # The hourly inbox check (C.a.3) is the e-mail's first step; the walk-in's is the flow chart's 5 minutes.
    assert (SCRIPTS[Channel.EMAIL].first_step_minutes, SCRIPTS[Channel.WALK_IN].first_step_minutes) == (60, 5)


def test_an_email_received_40_minutes_ago_is_not_an_attendance_breach() -> None:
    timeline = Timeline.for_channel(Channel.EMAIL, Standards())
    timeline.opened(at(40), DESK, arrived_at=at(0))  # picked up 40 minutes after it arrived
    first = timeline.span(Step.ATTENDANCE)
    assert first is not None and (first.standard_s, first.met) == (3600, True)
    assert first.level_at(at(40)) is Level.WARNING_50

    # The same 40 minutes for a walk-in (ticket to guest book) is a breach of its 5 minutes.
    walk_in = Timeline.for_channel(Channel.WALK_IN, Standards())
    walk_in.opened(at(40), DESK, arrived_at=at(0))
    span = walk_in.span(Step.ATTENDANCE)
    assert span is not None and (span.standard_s, span.met) == (300, False)


def test_an_email_picked_up_after_the_hour_breaches_its_first_step() -> None:
    timeline = Timeline.for_channel(Channel.EMAIL, Standards())
    timeline.opened(at(75), DESK, arrived_at=at(0))
    first = timeline.span(Step.ATTENDANCE)
    assert first is not None and not first.met and first.level_at(at(75)) is Level.BREACH


def test_an_office_sets_its_own_first_steps_and_the_others_keep_the_decrees() -> None:
    first_steps = FirstSteps.parse(" email = 30 , online_meeting=10")
    assert first_steps.minutes_for(Channel.EMAIL, Standards()) == 30
    assert first_steps.minutes_for(Channel.ONLINE_MEETING, Standards()) == 10
    assert first_steps.minutes_for(Channel.MESSAGING, Standards()) == 60
    # The walk-in's first step is the attendance standard of the six (sop_minutes).
    assert first_steps.minutes_for(Channel.WALK_IN, Standards.parse("7,10,30,15,10,10")) == 7
    assert FirstSteps.parse(first_steps.as_text()) == first_steps
    assert FirstSteps.parse("") == FirstSteps()


@pytest.mark.parametrize("text", ["email=0", "email=x", "walk_in=5", "fax=5", "email=5,email=6", "email"])
def test_malformed_first_steps_are_refused(text: str) -> None:
    with pytest.raises(InvalidStandards):
        FirstSteps.parse(text)


def test_an_email_clock_ends_the_problem_step_when_it_is_recorded_and_reports_from_the_answer() -> None:
    timeline = Timeline.for_channel(Channel.EMAIL, Standards())
    timeline.opened(at(0), DESK)
    timeline.problem_recorded(at(4), DESK)
    problem, running = timeline.span(Step.PROBLEM), timeline.current
    assert problem is not None and problem.ended_at == at(4)
    assert running is not None and (running.step, running.started_at) == (Step.ANSWER, at(4))
    # A clarifying question sent back and confirmed changes no clock: the answer step keeps running.
    timeline.problem_confirmed(at(20), DESK)
    assert timeline.current == running
    timeline.answered(at(25), DESK)
    report = timeline.current
    assert report is not None and (report.step, report.started_at) == (Step.REPORT, at(25))


def test_a_walk_in_clock_waits_for_the_confirmation_and_the_understanding() -> None:
    timeline = Timeline.for_channel(Channel.WALK_IN, Standards())
    timeline.opened(at(0), DESK)
    timeline.problem_recorded(at(2), DESK)
    assert timeline.current is not None and timeline.current.step is Step.PROBLEM
    timeline.problem_confirmed(at(5), DESK)
    timeline.answered(at(9), DESK)
    assert timeline.current is None  # "was it understood?" is not a clocked step
    timeline.understood(at(12), DESK)
    assert timeline.current is not None and timeline.current.step is Step.REPORT


def test_an_email_answer_from_above_starts_the_report_at_its_arrival() -> None:
    timeline = Timeline.for_channel(Channel.EMAIL, Standards())
    timeline.opened(at(0), DESK)
    timeline.problem_recorded(at(1), DESK)
    timeline.handed_over(at(3), DESK)
    timeline.forwarded(at(6), COMMISSIONER)
    assert timeline.current is None
    timeline.answer_arrived(at(90))
    report = timeline.current
    assert report is not None and (report.step, report.started_at) == (Step.REPORT, at(90))
    timeline.answer_arrived(at(91))  # a redelivery changes nothing
    assert timeline.current == report


def test_a_case_at_the_province_runs_its_own_step_4_until_it_answers_or_forwards() -> None:
    timeline = Timeline(standards=Standards())
    timeline.case_received(at(0))
    running = timeline.current
    assert running is not None and (running.step, running.standard_s) == (Step.ESCALATED_ANSWER, 900)
    assert running.level_at(at(12)) is Level.WARNING_75
    timeline.case_left(at(13), "prov.budi")
    span = timeline.span(Step.ESCALATED_ANSWER)
    assert span is not None and (span.ended_at, span.actor, span.met) == (at(13), "prov.budi", True)
    timeline.case_left(at(40), "pusat.sari")  # the answer from the centre passed down later: nothing changes
    assert timeline.span(Step.ESCALATED_ANSWER) == span and timeline.current is None


def test_the_marks_and_the_clock_agree_at_every_moment() -> None:
    timeline = Timeline.for_channel(Channel.WALK_IN, Standards())
    timeline.opened(at(0), DESK)
    timeline.problem_confirmed(at(3), DESK)
    timeline.handed_over(at(8), DESK)
    marks = dict(timeline.marks())
    assert marks[Step.ESCALATED_ANSWER] is Mark.CURRENT and timeline.current is not None

    timeline.forwarded(at(10), COMMISSIONER)
    marks = dict(timeline.marks(away=True))
    assert marks[Step.ESCALATED_ANSWER] is Mark.ABOVE and Mark.CURRENT not in marks.values()
    assert timeline.current is None

    # The answer came back: no step runs until "understood", and no mark says one does.
    timeline.answer_arrived(at(60))
    marks = dict(timeline.marks(away=False))
    assert Mark.CURRENT not in marks.values() and timeline.current is None
    assert marks[Step.ESCALATED_ANSWER] is Mark.DONE and marks[Step.REPORT] is Mark.PENDING


def test_answered_at_the_desk_marks_step_4_not_needed() -> None:
    timeline = Timeline.for_channel(Channel.EMAIL, Standards())
    timeline.opened(at(0), DESK)
    timeline.problem_recorded(at(1), DESK)
    timeline.answered(at(5), DESK)
    marks = dict(timeline.marks())
    assert (marks[Step.ANSWER], marks[Step.ESCALATED_ANSWER], marks[Step.REPORT]) == (
        Mark.DONE, Mark.SKIPPED, Mark.CURRENT)


def test_step_1_is_named_for_the_channel() -> None:
    assert step_label(Step.ATTENDANCE, Channel.WALK_IN) == "Daftar hadir"
    assert "kotak masuk" in step_label(Step.ATTENDANCE, Channel.EMAIL)
    assert step_label(Step.ANSWER, Channel.EMAIL) == Step.ANSWER.label


# Who may take each step: one table, used by the services, the API's guards and the pages.


def test_every_step_the_script_offers_has_an_entry_in_the_permission_table() -> None:
    offered = {step for status in Status for channel in Channel for step in next_steps(status, channel)}
    assert offered <= set(STEP_PERMISSIONS)
    assert {"attach_documentation", "close_consultation", "correct_identity"} <= set(STEP_PERMISSIONS)


def test_only_the_commissioner_answers_what_was_handed_over_and_only_the_desk_before() -> None:
    assert step_permissions("answer_problem", Status.WITH_COMMISSIONER) == (Permission.DECIDE_ESCALATIONS,)
    assert step_permissions("answer_problem", Status.PROBLEM_CONFIRMED) == (Permission.SERVE_CONSULTATIONS,)
    assert may_take(Role.ANGGOTA_KPU, "answer_problem", Status.WITH_COMMISSIONER)
    assert not may_take(Role.ANGGOTA_HELPDESK, "answer_problem", Status.WITH_COMMISSIONER)
    assert not may_take(Role.ANGGOTA_KPU, "answer_problem", Status.PROBLEM_CONFIRMED)
    # A route's guard (no status) lets both reach the service, which decides by the status.
    assert may_take(Role.ANGGOTA_KPU, "answer_problem") and may_take(Role.ANGGOTA_HELPDESK, "answer_problem")
    with pytest.raises(errors.NotPermitted):
        check_may_take(Role.ANGGOTA_HELPDESK, "answer_problem", Status.WITH_COMMISSIONER)


@pytest.mark.parametrize("role", list(Role))
def test_the_readers_take_no_step(role: Role) -> None:
    acting = may(role, Permission.SERVE_CONSULTATIONS) or may(role, Permission.DECIDE_ESCALATIONS)
    assert any(may_take(role, step) for step in STEP_PERMISSIONS) == acting


# An escalated case: what it allows next, asked of the domain rather than worked out by a page.


def received_case() -> EscalationCase:
    file = CaseFile(origin_office="kab-16.13", origin_id=uuid.uuid4(), channel=Channel.EMAIL,
                    party=Party("Partai X", "PX", 1), problem="Akun terkunci", restatement="", opened_at=T0)
    return EscalationCase.receive(office_id="prov-16", case=file, from_office="kab-16.13", sent_at=T0, at=at(1))


def test_a_case_offers_its_steps_and_the_centre_cannot_forward() -> None:
    case = received_case()
    assert case.next_steps(has_office_above=True) == ("accept",)
    case.accept("prov.budi", at(2))
    assert case.next_steps(has_office_above=True) == ("answer_here", "ask_clarification", "forward_up")
    assert case.next_steps(has_office_above=False) == ("answer_here", "ask_clarification")
    case.forward_up("pusat", "Perlu arahan KPU RI", "prov.budi", at(3))
    assert case.next_steps(has_office_above=True) == ()
    case.clarification_from_above("Tingkat kepengurusan apa?", "pusat.sari", at(4))
    assert case.next_steps(has_office_above=True) == ("clarify_upward", "pass_question_down")
    case.clarify_upward("Kabupaten", "prov.budi", at(5))
    answer = Answer("Jawaban pusat", (Basis(BasisKind.PKPU, "PKPU 4/2022"),), "pusat", "pusat.sari", at(6))
    case.receive_answer_from_above(answer, at(7))
    assert case.next_steps(has_office_above=True) == ()


@pytest.mark.parametrize(("key", "bad"), [("first_step_minutes", "email=0"), ("first_step_minutes", "walk_in=5"),
                                          ("election_period", "Pemilu 2029"), ("election_period", "24")])
def test_a_wrong_first_step_or_election_period_stops_the_node_naming_the_key(key: str, bad: str) -> None:
    with pytest.raises(ConfigError, match=f"HELPDESK_{key.upper()}"):
        load_settings({}, node_id="kab-16.13", database="memory", **{key: bad})
    settings = load_settings({}, node_id="kab-16.13", database="memory", first_step_minutes="email=45",
                             election_period="2029")
    assert (settings.first_step_minutes, settings.election_period) == ("email=45", "2029")
