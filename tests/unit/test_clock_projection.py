"""SOP clocks on a node with an injected clock: thresholds found within a minute, recorded once; compliance figures."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest

from domain.errors import NotFound
from domain.roles import Role
from domain.sop import Level, Step
from domain.sop_clock import SopClock, sop_clock_id
from domain.values import Channel
from gateways.bootstrap import Node
from gateways.config import ConfigError, load_settings
from projections.clock_queries import ComplianceBy
from services.consultations import IdentityInput
from tests.conftest import FakeClock
from tests.support.stories import CHANNELS, DESKS, consultation_story

OFFICE = "kab-16.13"
DESK = "desk.ani"
BASES = [("pkpu", "PKPU 4/2022 Pasal 12")]
MINUTES = {Step.ATTENDANCE: 5, Step.PROBLEM: 10, Step.ANSWER: 30, Step.ESCALATED_ANSWER: 15, Step.REPORT: 10,
           Step.DOCUMENTATION: 10}  # the SOP's defaults, written out here rather than read from the code
WIB = ZoneInfo("Asia/Jakarta")


def open_one(node: Node, channel: Channel = Channel.EMAIL) -> UUID:
    who = IdentityInput(name="Penghubung Partai", party_number=3, phone="081234567890")
    return node.helpdesk.open_consultation(OFFICE, channel, who, DESK)


def confirm(node: Node, cid: UUID) -> None:
    node.helpdesk.record_problem(OFFICE, cid, "Akun SIPOL tidak bisa masuk", DESK)
    node.helpdesk.restate_problem(OFFICE, cid, "Jadi akun terkunci?", DESK)
    node.helpdesk.confirm_problem(OFFICE, cid, DESK)


def thresholds(node: Node, cid: UUID) -> list[SopClock.ThresholdReached]:
    try:
        events = node.helpdesk.events.get(sop_clock_id(cid))
        return [e for e in events if isinstance(e, SopClock.ThresholdReached)]
    except NotFound:
        return []


def delay(event: SopClock.ThresholdReached) -> float:
    return (event.timestamp - event.moment).total_seconds()


def test_a_warning_and_a_breach_are_recorded_within_a_minute_of_their_moment(memory_node: Node, clock: FakeClock):
    node = memory_node
    opened = clock()
    cid = open_one(node)

    # Half of the problem step's 10 minutes has gone at 5:00; the watcher looks at 5:10.
    clock.advance(minutes=5, seconds=10)
    assert node.sop_watcher.tick(force=True) == 1
    [warning] = thresholds(node, cid)
    assert (warning.step, warning.level) == (Step.PROBLEM, Level.WARNING_50)
    assert warning.moment == opened + timedelta(minutes=5)
    assert (warning.started_at, warning.standard_s, warning.actor_on_duty) == (opened, 600, DESK)
    assert warning.timestamp == clock() and 0 <= delay(warning) <= 60

    clock.advance(minutes=2, seconds=30)  # 7:40
    assert node.sop_watcher.tick(force=True) == 1
    clock.advance(minutes=2, seconds=50)  # 10:30
    assert node.sop_watcher.tick(force=True) == 1
    recorded = thresholds(node, cid)
    assert [e.level for e in recorded] == [Level.WARNING_50, Level.WARNING_75, Level.BREACH]
    assert all(0 <= delay(e) <= 60 for e in recorded)
    assert recorded[-1].moment == opened + timedelta(minutes=10)

    # Nothing is recorded twice, however often the watcher looks.
    for _ in range(5):
        clock.advance(seconds=20)
        assert node.sop_watcher.tick(force=True) == 0
    assert len(thresholds(node, cid)) == 3
    assert node.clocks.due(clock()) == []

    [running] = node.clocks.open_now(OFFICE, clock())
    assert (running.consultation_id, running.step, running.level) == (cid, Step.PROBLEM, Level.BREACH)
    assert running.step_label == Step.PROBLEM.label
    assert running.due_at == opened + timedelta(minutes=10)
    assert running.elapsed_s == 12 * 60 + 10 and running.left_s == -(2 * 60 + 10)


def test_ticking_every_15_seconds_for_40_minutes_records_each_threshold_once_and_promptly(
    memory_node: Node, clock: FakeClock
):
    node = memory_node
    cid = open_one(node)
    node.sop_watcher.tick()
    for _ in range(40 * 4):
        clock.advance(seconds=15)
        if clock() - node.helpdesk.get_consultation(OFFICE, cid).opened_at == timedelta(minutes=12):
            confirm(node, cid)  # the problem step ends 2 minutes past its breach; the answer step starts
        node.sop_watcher.tick()

    recorded = thresholds(node, cid)
    assert [(e.step, e.level) for e in recorded] == [
        (Step.PROBLEM, Level.WARNING_50), (Step.PROBLEM, Level.WARNING_75), (Step.PROBLEM, Level.BREACH),
        # The answer step (30 minutes from 12:00) passes 50 % at 27:00 and 75 % at 34:30; its breach is at 42:00.
        (Step.ANSWER, Level.WARNING_50), (Step.ANSWER, Level.WARNING_75),
    ]
    assert all(0 <= delay(e) <= 15 for e in recorded)
    assert max(delay(e) for e in recorded) <= 60


def test_the_watcher_looks_at_most_every_15_seconds_of_the_clock_unless_forced(memory_node: Node, clock: FakeClock):
    node = memory_node
    cid = open_one(node)
    clock.advance(minutes=4, seconds=55)
    assert node.sop_watcher.tick() == 0  # looked at 4:55: nothing due yet
    clock.advance(seconds=10)
    assert node.sop_watcher.tick() == 0  # 5:05 is due, but the last look was 10 s ago
    assert node.sop_watcher.tick(force=True) == 1
    assert [e.level for e in thresholds(node, cid)] == [Level.WARNING_50]


def test_a_consultation_served_in_time_never_reaches_a_threshold(memory_node: Node, clock: FakeClock):
    node = memory_node
    cid = open_one(node)
    clock.advance(minutes=3)
    confirm(node, cid)
    clock.advance(minutes=10)
    node.helpdesk.answer_problem(OFFICE, cid, "Atur ulang sandi", BASES, DESK, role=Role.ANGGOTA_HELPDESK)
    clock.advance(minutes=1)
    node.helpdesk.check_understanding(OFFICE, cid, True, DESK)
    clock.advance(minutes=4)
    node.helpdesk.log_in_report(OFFICE, cid, DESK)
    node.helpdesk.close_consultation(OFFICE, cid, DESK)
    assert node.sop_watcher.tick(force=True) == 0

    clock.advance(minutes=120)
    assert node.sop_watcher.tick(force=True) == 0
    assert thresholds(node, cid) == []
    assert node.clocks.open_now(OFFICE, clock()) == []
    figures = {f.step: f for f in node.clocks.step_figures(OFFICE, clock().date(), clock().date())}
    assert [(f.measured, f.met, f.warned, f.breached) for f in figures.values()] == [
        (1, 1, 0, 0), (1, 1, 0, 0), (1, 1, 0, 0), (0, 0, 0, 0), (1, 1, 0, 0), (1, 1, 0, 0)
    ]
    assert (figures["problem"].average_seconds, figures["answer"].average_seconds) == (180, 600)


def test_a_handover_runs_the_escalated_answer_step_until_the_commissioner_answers(memory_node: Node, clock: FakeClock):
    node = memory_node
    cid = open_one(node, Channel.WALK_IN)
    clock.advance(minutes=2)
    confirm(node, cid)
    clock.advance(minutes=5)
    node.helpdesk.hand_to_commissioner(OFFICE, cid, "Tidak ada di FAQ", DESK)
    handed = clock()
    clock.advance(minutes=12)  # 80 % of the escalated answer's 15 minutes
    assert node.sop_watcher.tick(force=True) == 2
    [running] = node.clocks.open_now(OFFICE, clock())
    assert (running.step, running.level, running.left_s) == (Step.ESCALATED_ANSWER, Level.WARNING_75, 180)
    clock.advance(minutes=1)
    node.helpdesk.answer_problem(OFFICE, cid, "Jawaban Anggota KPU", BASES, "kpu.dewi", role=Role.ANGGOTA_KPU)

    assert [(e.step, e.level, e.started_at) for e in thresholds(node, cid)] == [
        (Step.ESCALATED_ANSWER, Level.WARNING_50, handed), (Step.ESCALATED_ANSWER, Level.WARNING_75, handed),
    ]
    assert node.clocks.open_now(OFFICE, clock()) == []  # answered: no step runs until "understood"
    rows = node.clocks.compliance(OFFICE, clock().date(), clock().date(), ComplianceBy.STAFF)
    assert [(r.key, r.step, r.measured, r.met, r.warned) for r in rows] == [
        ("desk.ani", Step.ATTENDANCE, 1, 1, 0), ("desk.ani", Step.PROBLEM, 1, 1, 0),
        ("desk.ani", Step.ANSWER, 1, 1, 0), ("kpu.dewi", Step.ESCALATED_ANSWER, 1, 1, 1),
    ]


# A batch from tests/support/stories.py, with the spans each story must give worked out here from the story's rules.


def story_spans(n: int, opened: datetime) -> list[tuple[Step, datetime, timedelta]]:
    """(step, started, elapsed) of every step story `n` ends: each action waits d minutes, stage = n % 7.

    A walk-in or meeting confirms the restated problem before answering and starts the report at "understood";
    an e-mail or a group message needs neither: its problem step ends when the problem is recorded, and its
    report step starts with the answer (SOP C.a, C.b)."""
    d, stage = timedelta(minutes=1 + n % 4), n % 7
    scripted = CHANNELS[n % 4] in (Channel.WALK_IN, Channel.ONLINE_MEETING)
    spans = [(Step.ATTENDANCE, opened, timedelta(0))]  # opened at once: the attendance step takes no time
    if scripted:
        if stage >= 3:  # problem confirmed after recording, restating, confirming
            spans.append((Step.PROBLEM, opened, 3 * d))
        if stage >= 4:  # answered one wait later
            spans.append((Step.ANSWER, opened + 3 * d, d))
        if stage >= 5:  # understood (a repeat takes no time), logged one wait later, closed at once
            spans += [(Step.REPORT, opened + 5 * d, d), (Step.DOCUMENTATION, opened + 6 * d, timedelta(0))]
    else:
        if stage >= 1:  # the problem recorded one wait in
            spans.append((Step.PROBLEM, opened, d))
        if stage >= 4:  # answered after restating and confirming anyway (allowed, not required)
            spans.append((Step.ANSWER, opened + d, 3 * d))
        if stage >= 5:  # the report ran from the answer to the log, two waits; closed at once
            spans += [(Step.REPORT, opened + 4 * d, 2 * d), (Step.DOCUMENTATION, opened + 6 * d, timedelta(0))]
    return spans


def expected_rows(spans: list[tuple[str, Step, timedelta]]) -> list[tuple[str, Step, int, int, int, int]]:
    counts: dict[tuple[str, Step], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for key, step, elapsed in spans:
        standard = timedelta(minutes=MINUTES[step])
        row = counts[(key, step)]
        row[0] += 1
        row[1] += elapsed < standard
        row[2] += elapsed >= standard * 0.75
        row[3] += elapsed >= standard
    return [(key, step, *row) for (key, step), row in sorted(counts.items(), key=lambda i: (i[0][0], i[0][1].index))]


def test_compliance_per_step_staff_channel_and_day_for_a_batch_of_stories(memory_node: Node, clock: FakeClock):
    node = memory_node
    ended: dict[ComplianceBy, list[tuple[str, Step, timedelta]]] = defaultdict(list)
    for n in range(42):
        if n == 21:
            clock.advance(minutes=24 * 60)  # the second half on the next day
        opened = clock()
        consultation_story(node.helpdesk, OFFICE, n, clock.advance)
        node.sop_watcher.tick(force=True)  # thresholds recorded meanwhile change nothing in the figures
        for step, started, elapsed in story_spans(n, opened):
            ended[ComplianceBy.STEP].append((step.value, step, elapsed))
            ended[ComplianceBy.STAFF].append((DESKS[n % 3], step, elapsed))
            ended[ComplianceBy.CHANNEL].append((CHANNELS[n % 4].value, step, elapsed))
            ended[ComplianceBy.DAY].append((started.astimezone(WIB).date().isoformat(), step, elapsed))

    first, last = clock().astimezone(WIB).date() - timedelta(days=1), clock().astimezone(WIB).date()
    assert len({key for key, _, _ in ended[ComplianceBy.DAY]}) == 2
    for by, spans in ended.items():
        rows = node.clocks.compliance(OFFICE, first, last, by)
        assert [(r.key, r.step, r.measured, r.met, r.warned, r.breached) for r in rows] == expected_rows(spans), by
        assert all(r.share == round(r.met / r.measured, 4) for r in rows)

    # The problem step breaches when each wait is 4 minutes (12 in all): stories 3, 7, 11... with stage >= 3.
    breached = [n for n in range(42) if n % 7 >= 3 and n % 4 == 3]
    figures = {f.step: f for f in node.clocks.step_figures(OFFICE, first, last)}
    assert [f.step for f in figures.values()] == [s.value for s in Step]
    assert figures["problem"].breached == len(breached) > 0
    assert figures["problem"].standard_minutes == 10 and figures["problem"].label == Step.PROBLEM.label
    problems = [e for _, s, e in ended[ComplianceBy.STEP] if s is Step.PROBLEM]
    assert figures["problem"].average_seconds == round(sum(e.total_seconds() for e in problems) / len(problems))
    # Only the first day, and the report the office prints from the same figures.
    one_day = node.clocks.compliance(OFFICE, first, first, ComplianceBy.STEP)
    assert sum(r.measured for r in one_day if r.step is Step.ATTENDANCE) == 21
    document = node.reports.compliance(first, last)
    assert [row[2] for row in document.rows] == [f.measured for f in figures.values()]

    # Open now: the stories that stop before the answer (stages 0-3), and the e-mails and messages that stop after
    # it (stage 4: their report step runs from the answer); the one due first at the top.
    running = node.clocks.open_now(OFFICE, clock())
    unscripted = (Channel.EMAIL, Channel.MESSAGING)
    assert len(running) == sum(1 for n in range(42) if n % 7 <= 3 or (n % 7 == 4 and CHANNELS[n % 4] in unscripted))
    assert [r.due_at for r in running] == sorted(r.due_at for r in running)
    assert {r.step for r in running} == {Step.PROBLEM, Step.ANSWER, Step.REPORT}


def test_standards_that_are_not_six_whole_minutes_stop_the_node() -> None:
    for bad in ("5,10,30", "5,10,30,15,10,0", "5,10,30,15,10,x"):
        with pytest.raises(ConfigError, match="HELPDESK_SOP_MINUTES"):
            load_settings({}, node_id=OFFICE, database="memory", sop_minutes=bad)
    assert load_settings({}, node_id=OFFICE, database="memory", sop_minutes="5,10,30,15,10,20").sop_minutes
