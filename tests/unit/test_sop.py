"""The SOP's time standards over a consultation: which step runs, and when it reaches 50 %, 75 % and 100 %."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
import pytest

from domain.consultation import Consultation
from domain.parties import Party
from domain.sop import InvalidStandards, Level, Standards, Step, StepSpan, thresholds_due
from domain.timeline import Timeline
from domain.values import Basis, BasisKind, Channel, Identity

DESK = "desk.ani"
COMMISSIONER = "kpu.rudi"
T0 = datetime(2024, 7, 29, 1, 30, tzinfo=UTC)
BASES = (Basis(BasisKind.FAQ_SIPOL, "FAQ Sipol no. 12"),)
IDENTITY = Identity(name="Rina Marlina", party=Party("Partai Kebangkitan Bangsa", "PKB", 1), phone="+6281234567890")


def at(minutes: float = 0, seconds: float = 0) -> datetime:
    return T0 + timedelta(minutes=minutes, seconds=seconds)


def opened_at_t0() -> Timeline:
    timeline = Timeline()
    timeline.opened(T0, DESK)
    return timeline


def test_the_six_steps_and_their_names() -> None:
    assert [step.index for step in Step] == [1, 2, 3, 4, 5, 6]
    assert Step.ATTENDANCE.output == "Daftar Hadir Helpdesk Konsultasi"
    assert Step.PROBLEM.output == "Daftar Permasalahan Konsultasi"
    assert Step.ANSWER.output == Step.ESCALATED_ANSWER.output == "Jawaban/Solusi Permasalahan"
    assert Step.REPORT.output == "Laporan Helpdesk"
    assert Step.DOCUMENTATION.output == "Laporan Helpdesk dan Dokumentasi Foto"
    assert Step.ANSWER.label == "Menjawab substansi permasalahan"
    assert all(step.label for step in Step)
    assert [level.fraction for level in Level] == [0.5, 0.75, 1.0]


def test_the_default_standards_are_the_sops() -> None:
    standards = Standards()
    assert [standards.minutes(step) for step in Step] == [5, 10, 30, 15, 10, 10]
    assert standards.seconds(Step.ANSWER) == 1800
    assert Standards.parse("5,10,30,15,10,10") == standards
    assert Standards.parse(standards.as_text()) == standards


def test_an_office_may_set_its_own_standards_and_the_timeline_uses_them() -> None:
    standards = Standards.parse(" 3, 8,20 ,10,5,5 ")
    assert (standards.seconds(Step.PROBLEM), standards.seconds(Step.ANSWER)) == (480, 1200)

    timeline = Timeline(standards=standards)
    timeline.opened(T0, DESK)
    assert timeline.current is not None and timeline.current.standard_s == 480
    assert thresholds_due(timeline.current, at(4), set()) == [(Level.WARNING_50, at(4))]


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("5,10,30,15,10", "standards"),  # five numbers for six steps
        ("5,10,30,15,10,10,10", "standards"),
        ("", "standards"),
        ("5,0,30,15,10,10", "problem"),
        ("5,10,30,-15,10,10", "escalated_answer"),
        ("5,10,30.5,15,10,10", "answer"),
        ("5,10,30,15,sepuluh,10", "report"),
        ("5,10,30,15,10,", "documentation"),
        ("+5,10,30,15,10,10", "attendance"),
    ],
)
def test_malformed_standards_are_refused_naming_the_step(text: str, field: str) -> None:
    with pytest.raises(InvalidStandards) as refused:
        Standards.parse(text)
    assert (refused.value.field, refused.value.kind, refused.value.code) == (field, "invalid", "invalid_sop_standards")


def test_standards_built_directly_are_checked_too() -> None:
    with pytest.raises(InvalidStandards):
        Standards(answer=0)
    with pytest.raises(InvalidStandards):
        msgspec.json.decode(b'{"report": -1}', type=Standards)


def test_a_consultation_answered_at_the_desk_in_time_reaches_no_threshold() -> None:
    timeline = Timeline()
    timeline.opened(T0, DESK)
    timeline.problem_confirmed(at(4), DESK)  # 4 of 10 minutes
    timeline.answered(at(18), DESK)  # 14 of 30 minutes: under the first warning
    timeline.understood(at(19), DESK)
    timeline.logged(at(23), DESK)
    timeline.closed(at(27), DESK)

    assert [span.step for span in timeline.spans] == [
        Step.ATTENDANCE, Step.PROBLEM, Step.ANSWER, Step.REPORT, Step.DOCUMENTATION
    ]
    assert timeline.span(Step.ESCALATED_ANSWER) is None  # answered at the desk: step 4 never applies
    assert timeline.current is None and timeline.finished
    much_later = at(600)
    for span in timeline.spans:
        assert span.met, span.step
        assert thresholds_due(span, much_later, set()) == []
        assert span.level_at(much_later) is None
        assert span.actor == DESK

    # The consultee was served as they arrived: attendance took no time at all.
    attendance = timeline.span(Step.ATTENDANCE)
    assert attendance is not None
    assert (attendance.started_at, attendance.ended_at, attendance.elapsed_s(much_later)) == (T0, T0, 0)
    answer = timeline.span(Step.ANSWER)
    assert answer is not None and (answer.elapsed_s(much_later), answer.left_s(much_later)) == (840, 960)


def test_a_problem_step_of_six_minutes_reaches_the_first_warning_only() -> None:
    timeline = opened_at_t0()
    now = at(6)
    problem = timeline.current
    assert problem is not None and problem.step is Step.PROBLEM
    assert (problem.standard_s, problem.due_at) == (600, at(10))
    assert (problem.elapsed_s(now), problem.left_s(now)) == (360, 240)

    # Half of ten minutes went by at 5:00; three quarters would be 7:30, not yet.
    assert thresholds_due(problem, now, set()) == [(Level.WARNING_50, at(5))]
    assert problem.level_at(now) is Level.WARNING_50
    assert problem.level_at(at(4, 59)) is None
    # Once recorded, the next tick finds nothing new.
    assert thresholds_due(problem, at(6, 30), {Level.WARNING_50}) == []

    # Confirmed at 6:00: the step is over; however late a watcher looks, 75 % never comes.
    timeline.problem_confirmed(now, DESK)
    problem = timeline.span(Step.PROBLEM)
    assert problem is not None and problem.ended_at == now and problem.met
    assert thresholds_due(problem, at(60), set()) == [(Level.WARNING_50, at(5))]
    assert problem.level_at(at(60)) is Level.WARNING_50
    assert problem.elapsed_s(at(60)) == 360


def test_an_answer_step_that_runs_over_reaches_all_three_levels_at_their_moments() -> None:
    timeline = opened_at_t0()
    timeline.problem_confirmed(at(2), DESK)
    answer = timeline.current
    assert answer is not None and answer.step is Step.ANSWER and answer.started_at == at(2)

    # A watcher ticking at 20:00 sees the first warning (due at 2:00 + 15:00).
    assert thresholds_due(answer, at(20), set()) == [(Level.WARNING_50, at(17))]
    # The next tick, at 33:00, the other two: 2:00 + 22:30 and 2:00 + 30:00.
    assert thresholds_due(answer, at(33), {Level.WARNING_50}) == [
        (Level.WARNING_75, at(24, 30)),
        (Level.BREACH, at(32)),
    ]
    assert (answer.left_s(at(33)), answer.level_at(at(33))) == (-60, Level.BREACH)

    timeline.answered(at(35), DESK)
    answer = timeline.span(Step.ANSWER)
    assert answer is not None and not answer.met
    # A watcher that was down the whole time still finds all three, each with its own moment.
    assert thresholds_due(answer, at(90), set()) == [
        (Level.WARNING_50, at(17)),
        (Level.WARNING_75, at(24, 30)),
        (Level.BREACH, at(32)),
    ]
    assert timeline.current is None  # waiting for "understood?": no step runs


def test_a_step_ending_exactly_at_its_standard_has_not_met_it() -> None:
    # The levels count from their moment on; a step still running at 10:00 has reached the breach.
    timeline = opened_at_t0()
    timeline.problem_confirmed(at(10), DESK)
    problem = timeline.span(Step.PROBLEM)
    assert problem is not None and not problem.met and problem.level_at(at(10)) is Level.BREACH
    timeline = opened_at_t0()
    timeline.problem_confirmed(at(9, 59), DESK)
    problem = timeline.span(Step.PROBLEM)
    assert problem is not None and problem.met and problem.level_at(at(20)) is Level.WARNING_75


def test_a_handed_over_problem_runs_the_escalated_answer_step_until_the_commissioner_answers() -> None:
    timeline = opened_at_t0()
    timeline.problem_confirmed(at(3), DESK)
    timeline.handed_over(at(10), DESK)

    # Step 3 ends at the handover, in time; step 4 starts there with its 15 minutes.
    answer = timeline.span(Step.ANSWER)
    assert answer is not None and (answer.ended_at, answer.actor, answer.met) == (at(10), DESK, True)
    escalated = timeline.current
    assert escalated is not None and escalated.step is Step.ESCALATED_ANSWER
    assert (escalated.started_at, escalated.standard_s, escalated.due_at) == (at(10), 900, at(25))
    assert thresholds_due(escalated, at(18), set()) == [(Level.WARNING_50, at(17, 30))]

    timeline.answered(at(20), COMMISSIONER)
    escalated = timeline.span(Step.ESCALATED_ANSWER)
    assert escalated is not None
    assert (escalated.ended_at, escalated.actor, escalated.met) == (at(20), COMMISSIONER, True)
    assert timeline.current is None

    timeline.understood(at(21), DESK)
    assert timeline.current is not None and timeline.current.step is Step.REPORT


def test_forwarding_ends_the_commissioners_part_and_the_time_above_is_not_a_step_of_the_regency() -> None:
    timeline = opened_at_t0()
    timeline.problem_confirmed(at(3), DESK)
    timeline.handed_over(at(10), DESK)
    timeline.forwarded(at(14), COMMISSIONER)  # the commissioner sent it to the province within 4 minutes

    escalated = timeline.span(Step.ESCALATED_ANSWER)
    assert escalated is not None
    assert (escalated.ended_at, escalated.actor, escalated.met) == (at(14), COMMISSIONER, True)
    assert timeline.current is None  # the province's clock runs at the province, on its own case
    assert thresholds_due(escalated, at(70), set()) == []

    # The answer comes back an hour later: nothing of the regency's is breached; the report waits for "understood".
    timeline.answer_arrived(at(74))
    assert timeline.current is None and timeline.span(Step.ESCALATED_ANSWER) == escalated
    timeline.understood(at(76), DESK)
    report = timeline.current
    assert report is not None and (report.step, report.started_at) == (Step.REPORT, at(76))


def test_a_timeline_that_never_saw_the_forwarding_ends_step_4_when_the_answer_arrives() -> None:
    # Older read models were built without the forwarding fact: the answer's arrival still ends step 4.
    timeline = opened_at_t0()
    timeline.problem_confirmed(at(3), DESK)
    timeline.handed_over(at(10), DESK)
    timeline.answer_arrived(at(70))
    escalated = timeline.span(Step.ESCALATED_ANSWER)
    assert escalated is not None and (escalated.ended_at, escalated.met) == (at(70), False)


def test_the_not_understood_loop_is_not_clocked() -> None:
    timeline = opened_at_t0()
    timeline.problem_confirmed(at(2), DESK)
    timeline.answered(at(10), DESK)

    # Not understood, repeated, not understood, repeated... for an hour: no step runs, nothing is due.
    assert timeline.current is None
    assert all(thresholds_due(span, at(70), set()) == [] for span in timeline.spans)

    # Understood at last: the report step starts there, not at the answer.
    timeline.understood(at(70), DESK)
    report = timeline.current
    assert report is not None and (report.step, report.started_at, report.standard_s) == (Step.REPORT, at(70), 600)
    assert thresholds_due(report, at(76), set()) == [(Level.WARNING_50, at(75))]


def test_an_arrival_before_the_opening_counts_in_the_attendance_step() -> None:
    timeline = Timeline()
    timeline.opened(T0, DESK, arrived_at=at(-7))  # waited seven minutes in the queue
    attendance = timeline.span(Step.ATTENDANCE)
    assert attendance is not None
    assert (attendance.elapsed_s(at(30)), attendance.met, attendance.actor) == (420, False, DESK)
    assert thresholds_due(attendance, at(30), set()) == [
        (Level.WARNING_50, at(-4, -30)),
        (Level.WARNING_75, at(-3, -15)),
        (Level.BREACH, at(-2)),
    ]
    assert timeline.current is not None and timeline.current.step is Step.PROBLEM


def test_a_queued_arrival_runs_the_attendance_step_until_the_opening() -> None:
    timeline = Timeline()
    timeline.arrived(at(-4))
    attendance = timeline.current
    assert attendance is not None and attendance.step is Step.ATTENDANCE
    assert thresholds_due(attendance, at(-1), set()) == [(Level.WARNING_50, at(-1, -30))]

    timeline.opened(T0, DESK)
    attendance = timeline.span(Step.ATTENDANCE)
    assert attendance is not None and (attendance.started_at, attendance.ended_at, attendance.met) == (at(-4), T0, True)
    assert [span.step for span in timeline.spans] == [Step.ATTENDANCE, Step.PROBLEM]


def test_an_arrival_stamped_after_the_opening_is_clock_skew_and_counts_as_none() -> None:
    timeline = Timeline()
    timeline.opened(T0, DESK, arrived_at=at(0, 3))
    attendance = timeline.span(Step.ATTENDANCE)
    assert attendance is not None and (attendance.started_at, attendance.elapsed_s(at(9))) == (T0, 0)


def test_a_redelivered_or_late_fact_changes_nothing() -> None:
    timeline = opened_at_t0()
    timeline.problem_confirmed(at(2), DESK)
    before = list(timeline.spans)

    timeline.opened(at(3), DESK)  # the opening, delivered again
    timeline.problem_confirmed(at(4), DESK)  # the confirmation, delivered again
    timeline.understood(at(5), DESK)  # nothing was answered yet
    timeline.answer_arrived(at(6))  # nothing was handed over
    timeline.logged(at(7), DESK)
    timeline.closed(at(8), DESK)
    assert list(timeline.spans) == before

    # And an answer delivered again while the report step runs does not end it.
    timeline.answered(at(10), DESK)
    timeline.understood(at(11), DESK)
    timeline.answered(at(12), DESK)
    timeline.handed_over(at(12), DESK)
    timeline.understood(at(13), DESK)
    report = timeline.current
    assert report is not None and (report.step, report.started_at) == (Step.REPORT, at(11))


def test_spans_reaching_back_before_their_start_read_as_just_started() -> None:
    span = StepSpan(step=Step.REPORT, started_at=at(1), standard_s=600)
    assert (span.elapsed_s(T0), span.left_s(T0), span.level_at(T0)) == (0, 600, None)
    assert thresholds_due(span, T0, set()) == []


def test_the_timeline_survives_a_round_trip_through_a_read_model() -> None:
    timeline = Timeline(standards=Standards.parse("5,10,20,15,10,10"))
    timeline.opened(T0, DESK)
    timeline.problem_confirmed(at(3), DESK)

    stored = msgspec.json.encode(timeline)
    restored = msgspec.json.decode(stored, type=Timeline)
    assert restored == timeline
    assert restored.current is not None and restored.current.step is Step.ANSWER
    assert restored.current.standard_s == 1200

    # The open span alone is what a read model keeps for its watcher.
    span = msgspec.json.decode(msgspec.json.encode(restored.current), type=StepSpan)
    assert thresholds_due(span, at(14), set()) == [(Level.WARNING_50, at(13))]

    restored.answered(at(14), DESK)
    assert restored.current is None and restored.span(Step.ANSWER) == span.ended(at(14), DESK)


# A consultation's own events, fed as facts the way a projection would.
FACTS: dict[type[Any], Any] = {
    Consultation.Opened: lambda t, e: t.opened(e.timestamp, e.actor),
    Consultation.ProblemConfirmed: lambda t, e: t.problem_confirmed(e.timestamp, e.actor),
    Consultation.Answered: lambda t, e: t.answered(e.timestamp, e.actor),
    Consultation.HandedToCommissioner: lambda t, e: t.handed_over(e.timestamp, e.actor),
    Consultation.AnswerArrived: lambda t, e: t.answer_arrived(e.timestamp),
    Consultation.UnderstandingConfirmed: lambda t, e: t.understood(e.timestamp, e.actor),
    Consultation.LoggedInReport: lambda t, e: t.logged(e.timestamp, e.actor),
    Consultation.Closed: lambda t, e: t.closed(e.timestamp, e.actor),
}


def test_the_timeline_follows_a_real_consultation() -> None:
    consultation = Consultation.open(
        id=uuid.uuid4(), office_id="kab-16.13", channel=Channel.EMAIL, identity=IDENTITY, actor=DESK, at=T0
    )
    consultation.record_problem("Akun terkunci.", DESK, at(1))
    consultation.restate_problem("Operator tidak bisa masuk.", DESK, at(2))
    consultation.confirm_problem(DESK, at(3))
    consultation.hand_to_commissioner("Tidak ada di FAQ.", DESK, at(8))
    consultation.answer_problem("Keputusan Anggota KPU.", BASES, COMMISSIONER, at(30))
    consultation.check_understanding(False, DESK, at(31))
    consultation.repeat_answer(None, DESK, at(33))
    consultation.check_understanding(True, DESK, at(34))
    consultation.log_in_report(DESK, at(36))
    consultation.close_consultation(DESK, at(40))

    timeline = Timeline()
    for event in consultation.collect_events():
        feed = FACTS.get(type(event))
        if feed is not None:
            feed(timeline, event)

    assert [(s.step, s.started_at, s.ended_at, s.actor) for s in timeline.spans] == [
        (Step.ATTENDANCE, T0, T0, DESK),
        (Step.PROBLEM, T0, at(3), DESK),
        (Step.ANSWER, at(3), at(8), DESK),
        (Step.ESCALATED_ANSWER, at(8), at(30), COMMISSIONER),
        (Step.REPORT, at(34), at(36), DESK),
        (Step.DOCUMENTATION, at(36), at(40), DESK),
    ]
    assert timeline.finished
    late = [(span.step, level) for span in timeline.spans for level, _ in thresholds_due(span, at(99), set())]
    assert late == [(Step.ESCALATED_ANSWER, Level.WARNING_50), (Step.ESCALATED_ANSWER, Level.WARNING_75),
                    (Step.ESCALATED_ANSWER, Level.BREACH)]
