"""The SOP clock of a consultation: each threshold recorded once, stamped when it was noticed."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from domain.casefile import case_id
from domain.sop import Level, Step, thresholds_due
from domain.sop_clock import SopClock, sop_clock_id
from domain.timeline import Timeline
from services.base import NodeApplication

DESK = "desk.ani"
OFFICE = "kab-16.13"
T0 = datetime(2024, 7, 29, 1, 30, tzinfo=UTC)


def at(minutes: float = 0, seconds: float = 0) -> datetime:
    return T0 + timedelta(minutes=minutes, seconds=seconds)


FIRST_NOTICED = at(5, 20)


def first_warning(consultation_id: uuid.UUID, noticed: datetime = FIRST_NOTICED) -> SopClock:
    """The problem step (opened at T0, 10 minutes) passed half its standard at 5:00."""
    return SopClock.record_first(
        consultation_id=consultation_id,
        office_id=OFFICE,
        step=Step.PROBLEM,
        level=Level.WARNING_50,
        moment=at(5),
        started_at=T0,
        standard_s=600,
        actor_on_duty=DESK,
        at=noticed,
    )


def test_every_node_and_every_watcher_computes_the_same_clock_id() -> None:
    consultation_id = uuid.uuid4()
    assert sop_clock_id(consultation_id) == sop_clock_id(uuid.UUID(str(consultation_id)))
    assert sop_clock_id(consultation_id) != sop_clock_id(uuid.uuid4())
    # Not the id of the consultation itself, nor of its escalation case.
    assert sop_clock_id(consultation_id) not in (consultation_id, case_id(OFFICE, consultation_id))


def test_the_first_threshold_starts_the_clock_and_is_stamped_when_it_was_noticed() -> None:
    consultation_id = uuid.uuid4()
    clock = first_warning(consultation_id, noticed=at(5, 20))

    assert clock.id == sop_clock_id(consultation_id)
    assert (clock.consultation_id, clock.office_id) == (consultation_id, OFFICE)
    started, reached = clock.collect_events()
    assert isinstance(started, SopClock.Started) and isinstance(reached, SopClock.ThresholdReached)
    # The moment is when the step crossed 50 %; the timestamp is when a watcher noticed, 20 s later.
    assert (reached.moment, reached.timestamp, started.timestamp) == (at(5), at(5, 20), at(5, 20))
    assert (reached.consultation_id, reached.office_id) == (consultation_id, OFFICE)
    assert (reached.step, reached.level, reached.started_at, reached.standard_s) == (
        Step.PROBLEM, Level.WARNING_50, T0, 600
    )
    assert reached.actor_on_duty == DESK
    assert clock.reached == {(Step.PROBLEM, Level.WARNING_50)}


def test_a_threshold_recorded_twice_is_recorded_once() -> None:
    clock = first_warning(uuid.uuid4())
    clock.collect_events()
    version = clock.version

    # A second watcher noticed the same moment a little later: nothing new, and no error.
    clock.record_threshold(Step.PROBLEM, Level.WARNING_50, at(5), T0, 600, DESK, at(5, 40))
    assert (clock.version, clock.collect_events()) == (version, [])

    # The next level is news; and the same level of another step is another threshold.
    clock.record_threshold(Step.PROBLEM, Level.WARNING_75, at(7, 30), T0, 600, DESK, at(7, 31))
    clock.record_threshold("answer", "warning_50", at(25), at(10), 1800, None, at(25, 1))
    assert clock.version == version + 2
    assert clock.reached == {
        (Step.PROBLEM, Level.WARNING_50), (Step.PROBLEM, Level.WARNING_75), (Step.ANSWER, Level.WARNING_50)
    }
    assert clock.has_reached(Step.ANSWER, Level.WARNING_50) and not clock.has_reached(Step.ANSWER, Level.BREACH)
    reached = clock.collect_events()[-1]
    # Plain strings from a caller come back as the enums.
    assert type(reached.step) is Step and type(reached.level) is Level and reached.actor_on_duty is None


def test_a_watcher_records_what_is_due_and_the_stored_clock_remembers_it() -> None:
    app = NodeApplication(clock=lambda: T0)
    consultation_id = uuid.uuid4()
    timeline = Timeline()
    timeline.opened(T0, DESK)
    timeline.problem_confirmed(at(2), DESK)

    def tick(now: datetime) -> None:
        """One pass of a watcher: load the clock if any, record what the running step has newly reached."""
        span = timeline.current
        assert span is not None
        clock_id = sop_clock_id(consultation_id)
        clock: SopClock | None = app.repository.get(clock_id) if clock_id in app.repository else None
        already = {level for step, level in clock.reached if step is span.step} if clock else set()
        for level, moment in thresholds_due(span, now, already):
            if clock is None:
                clock = SopClock.record_first(
                    consultation_id=consultation_id, office_id=OFFICE, step=span.step, level=level, moment=moment,
                    started_at=span.started_at, standard_s=span.standard_s, actor_on_duty=DESK, at=now,
                )
            else:
                clock.record_threshold(level=level, step=span.step, moment=moment, started_at=span.started_at,
                                       standard_s=span.standard_s, actor_on_duty=DESK, at=now)
        if clock is not None:
            app.save(clock)

    tick(at(10))  # 8 minutes into the answer's 30: nothing yet, and no clock is made
    assert sop_clock_id(consultation_id) not in app.repository
    tick(at(20))  # the first warning
    tick(at(21))  # nothing new
    tick(at(40))  # the other two at once

    clock = app.repository.get(sop_clock_id(consultation_id))
    assert clock.reached == {(Step.ANSWER, level) for level in Level}
    assert all(type(step) is Step and type(level) is Level for step, level in clock.reached)
    events = [e for e in app.events.get(clock.id) if isinstance(e, SopClock.ThresholdReached)]
    assert [(e.level, e.moment, e.timestamp) for e in events] == [
        (Level.WARNING_50, at(17), at(20)),
        (Level.WARNING_75, at(24, 30), at(40)),
        (Level.BREACH, at(32), at(40)),
    ]
    # The stored events come back typed, through the node's own codec.
    assert type(events[0].consultation_id) is uuid.UUID and type(events[0].moment) is datetime
    assert clock.version == 4
