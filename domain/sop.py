"""The SOP's six flow-chart steps and their time standards (Mutu Baku Waktu), laid over a consultation's events."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

import msgspec

from domain.errors import InvalidInput
from domain.script import script_of
from domain.values import Channel


class InvalidStandards(InvalidInput):
    """The time standards were not six positive whole minutes, one per step."""

    code = "invalid_sop_standards"


class Step(StrEnum):
    """The six steps of the SOP's flow chart, in order."""

    ATTENDANCE = "attendance"
    PROBLEM = "problem"
    ANSWER = "answer"
    ESCALATED_ANSWER = "escalated_answer"  # only when the desk handed the problem over
    REPORT = "report"
    DOCUMENTATION = "documentation"

    @property
    def index(self) -> int:
        """The step's number in the flow chart, 1 to 6."""
        return list(Step).index(self) + 1

    @property
    def label(self) -> str:
        """The activity (kegiatan) as the SOP names it."""
        return LABELS[self]

    @property
    def output(self) -> str:
        """What the step produces (output), as the SOP names it."""
        return OUTPUTS[self]


LABELS: dict[Step, str] = {
    Step.ATTENDANCE: "Daftar hadir",
    Step.PROBLEM: "Menerima konsultasi dan mencatat permasalahan",
    Step.ANSWER: "Menjawab substansi permasalahan",
    Step.ESCALATED_ANSWER: "Jawaban/solusi atas permasalahan yang tidak dapat diselesaikan tim",
    Step.REPORT: "Mencatat ke dalam laporan helpdesk",
    Step.DOCUMENTATION: "Memastikan laporan dan dokumentasi",
}

# Steps 3 and 4 produce the same output: an answer, whoever gave it.
OUTPUTS: dict[Step, str] = {
    Step.ATTENDANCE: "Daftar Hadir Helpdesk Konsultasi",
    Step.PROBLEM: "Daftar Permasalahan Konsultasi",
    Step.ANSWER: "Jawaban/Solusi Permasalahan",
    Step.ESCALATED_ANSWER: "Jawaban/Solusi Permasalahan",
    Step.REPORT: "Laporan Helpdesk",
    Step.DOCUMENTATION: "Laporan Helpdesk dan Dokumentasi Foto",
}


class Level(StrEnum):
    """How far into its time standard a step has run: two warnings, then the breach. In rising order."""

    WARNING_50 = "warning_50"
    WARNING_75 = "warning_75"
    BREACH = "breach"

    @property
    def fraction(self) -> float:
        return FRACTIONS[self]


FRACTIONS: dict[Level, float] = {Level.WARNING_50: 0.5, Level.WARNING_75: 0.75, Level.BREACH: 1.0}


class Standards(msgspec.Struct, frozen=True):
    """Minutes allowed for each step; the defaults are the SOP's (5, 10, 30, 15, 10, 10)."""

    attendance: int = 5
    problem: int = 10
    answer: int = 30
    escalated_answer: int = 15
    report: int = 10
    documentation: int = 10

    def __post_init__(self) -> None:
        for step in Step:
            minutes = getattr(self, step.value)
            # bool is an int to Python, but True minutes is a mistake, not a standard.
            if type(minutes) is not int or minutes <= 0:
                raise InvalidStandards(field=step.value, value=minutes)

    @classmethod
    def parse(cls, text: str) -> Standards:
        """Six whole minutes in step order, separated by commas, e.g. "5,10,30,15,10,10"."""
        parts = [part.strip() for part in text.split(",")]
        if len(parts) != len(Step):
            raise InvalidStandards(field="standards", value=text, expected=len(Step), given=len(parts))
        minutes: list[int] = []
        for step, part in zip(Step, parts, strict=True):
            # isdecimal, not int(): int() would take "+5", " 5_0 " or "٥", which nobody means here.
            if not part.isascii() or not part.isdecimal():
                raise InvalidStandards(field=step.value, value=part)
            minutes.append(int(part))
        return cls(*minutes)

    def minutes(self, step: Step) -> int:
        return int(getattr(self, Step(step).value))

    def seconds(self, step: Step) -> int:
        return self.minutes(step) * 60

    def as_text(self) -> str:
        """The form `parse` reads back."""
        return ",".join(str(self.minutes(step)) for step in Step)


class StepSpan(msgspec.Struct, frozen=True, kw_only=True):
    """One step as it ran: when it started, when it ended (None while it runs), who ended it, its standard.

    A level is reached at its moment (started_at + fraction × standard) while the step still runs; so a
    step that ends exactly at its standard has reached the breach and has not met the standard.
    """

    step: Step
    started_at: datetime
    ended_at: datetime | None = None
    actor: str | None = None  # who ended it
    standard_s: int

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

    @property
    def due_at(self) -> datetime:
        return self.moment(Level.BREACH)

    def moment(self, level: Level) -> datetime:
        """When the step reaches `level` if it is still running then."""
        return self.started_at + timedelta(seconds=self.standard_s) * Level(level).fraction

    def elapsed_s(self, now: datetime) -> int:
        """Whole seconds the step has run (until its end, once ended)."""
        # Nodes' clocks differ by a little: a start a moment "in the future" reads as just started.
        return max(0, int((self._until(now) - self.started_at).total_seconds()))

    def left_s(self, now: datetime) -> int:
        """Whole seconds left of the standard; negative once over it."""
        return self.standard_s - self.elapsed_s(now)

    @property
    def met(self) -> bool:
        """True when the step ended before reaching its standard; False while it runs or when it ran over."""
        return self.ended_at is not None and not self.has_reached(Level.BREACH, self.ended_at)

    def level_at(self, now: datetime) -> Level | None:
        """The highest level the step had reached by `now` (levels stop counting when the step ends)."""
        reached = [level for level in Level if self.has_reached(level, now)]
        return reached[-1] if reached else None

    def ended(self, at: datetime, actor: str | None) -> StepSpan:
        return msgspec.structs.replace(self, ended_at=at, actor=actor)

    def _until(self, now: datetime) -> datetime:
        return now if self.ended_at is None else min(now, self.ended_at)

    def has_reached(self, level: Level, now: datetime) -> bool:
        """True when `level`'s moment came by `now` while the step still ran."""
        return self.moment(level) <= self._until(now)


def thresholds_due(span: StepSpan, now: datetime, already: set[Level]) -> list[tuple[Level, datetime]]:
    """The levels the span has reached by `now` and not yet recorded, each with its moment, in rising order.

    A step that ended before a level's moment never reaches it: finished in time, nothing is due.
    """
    return [
        (level, span.moment(level))
        for level in Level
        if level not in already and span.has_reached(level, now)
    ]


class Mark(StrEnum):
    """Where a step of the script stands, as a screen shows it."""

    DONE = "done"
    CURRENT = "current"  # its clock runs now
    PENDING = "pending"
    SKIPPED = "skipped"  # step 4 when the desk answered itself
    ABOVE = "above"  # step 4 while the case waits at an office above


class FirstSteps(msgspec.Struct, frozen=True):
    """Each channel's first-step standard in minutes, where it differs from the walk-in's attendance (step 1 of the
    flow chart): picking up an e-mail within the hourly inbox check (C.a.3), a group message, a meeting's opening.

    Settable per office ("email=60,messaging=60,online_meeting=5"); a channel left out keeps the decree's default.
    """

    minutes: dict[str, int] = msgspec.field(default_factory=dict)

    def __post_init__(self) -> None:
        for channel, value in self.minutes.items():
            if channel not in _FIRST_STEP_CHANNELS:
                raise InvalidStandards(field="first_step_minutes", value=channel)
            if type(value) is not int or value <= 0:
                raise InvalidStandards(field=channel, value=value)

    @classmethod
    def parse(cls, text: str) -> FirstSteps:
        """`channel=minutes` pairs separated by commas; empty: every default."""
        minutes: dict[str, int] = {}
        for part in (p.strip() for p in text.split(",")):
            if not part:
                continue
            channel, _, value = (x.strip() for x in part.partition("="))
            if channel not in _FIRST_STEP_CHANNELS or channel in minutes:
                raise InvalidStandards(field="first_step_minutes", value=channel)
            if not value.isascii() or not value.isdecimal():
                raise InvalidStandards(field=channel, value=value)
            minutes[channel] = int(value)
        return cls(minutes)

    def minutes_for(self, channel: Channel, standards: Standards) -> int:
        """The channel's first-step standard: the walk-in's is the flow chart's attendance (`standards`)."""
        channel = Channel(channel)
        if channel is Channel.WALK_IN:
            return standards.attendance
        return self.minutes.get(channel.value, script_of(channel).first_step_minutes)

    def as_text(self) -> str:
        return ",".join(f"{channel}={minutes}" for channel, minutes in sorted(self.minutes.items()))


# The walk-in's first step is the flow chart's attendance, set with the six standards.
_FIRST_STEP_CHANNELS = frozenset(c.value for c in Channel if c is not Channel.WALK_IN)


def step_label(step: Step, channel: Channel | None = None) -> str:
    """The step's activity on a channel: step 1 is what that channel starts with (an inbox check, a meeting)."""
    if step is Step.ATTENDANCE and channel is not None:
        return script_of(channel).first_step
    return step.label


class Timeline(msgspec.Struct, kw_only=True):
    """A consultation's steps (or, at an office above, an escalated case's step 4), built fact by fact from its
    events; at most one step runs at a time.

    Each fact acts only when the timeline stands where that fact follows, so a redelivered or late event
    changes nothing. The channel's script decides where the problem step ends (at the consultee's confirmation,
    or where no restatement is required, once the problem is recorded) and where the report step starts (at
    "understood", or at the answer). The not-understood → repeat loop is not a clocked step.

    Step 4 is each office's own part: at the origin the commissioner's, from the handover until the commissioner
    answers or forwards it; at a province or the centre, from the case's arrival until it answers or forwards it.
    While the case is above, no step of the origin runs (the time above is shown beside, from the hop).
    """

    standards: Standards = msgspec.field(default_factory=Standards)
    spans: tuple[StepSpan, ...] = ()
    first_step_s: int | None = None  # the channel's first-step standard; None: the standards' attendance
    restatement_required: bool = True
    understanding_required: bool = True

    @classmethod
    def for_channel(cls, channel: Channel, standards: Standards, first_steps: FirstSteps | None = None) -> Timeline:
        script = script_of(channel)
        return cls(
            standards=standards, first_step_s=(first_steps or FirstSteps()).minutes_for(channel, standards) * 60,
            restatement_required=script.restatement_required, understanding_required=script.understanding_required,
        )

    @property
    def current(self) -> StepSpan | None:
        """The running step, if any."""
        return self.spans[-1] if self.spans and self.spans[-1].is_open else None

    def span(self, step: Step) -> StepSpan | None:
        """The span of `step`; None when it has not started, or never applies (escalated_answer at the desk)."""
        return next((span for span in self.spans if span.step is step), None)

    @property
    def finished(self) -> bool:
        """True once the documentation step has ended: the consultation is closed."""
        last = self.spans[-1] if self.spans else None
        return last is not None and last.step is Step.DOCUMENTATION and not last.is_open

    def marks(self, away: bool = False) -> list[tuple[Step, Mark]]:
        """Each of the six steps as the script stands: the same spans the clock runs on, so the script and the clock
        never disagree. `away`: the case waits at an office above (the origin's step 4 is done, the answer not back).
        """
        spans = {span.step: span for span in self.spans}
        answer = spans.get(Step.ANSWER)
        found = []
        for step in Step:
            span = spans.get(step)
            if span is not None:
                mark = Mark.CURRENT if span.is_open else Mark.DONE
                if step is Step.ESCALATED_ANSWER and away and not span.is_open:
                    mark = Mark.ABOVE
            elif step is Step.ESCALATED_ANSWER and answer is not None and not answer.is_open:
                mark = Mark.SKIPPED  # answered at the desk: nothing was handed over
            else:
                mark = Mark.PENDING
            found.append((step, mark))
        return found

    # The facts, in the order of the script.

    def arrived(self, at: datetime) -> None:
        """The consultee arrived (a front-desk queue): attendance runs until the consultation is opened."""
        if not self.spans:
            self._start(Step.ATTENDANCE, at)

    def opened(self, at: datetime, actor: str, arrived_at: datetime | None = None) -> None:
        """The identity was recorded: the first step (from the arrival, or the message's receipt) ends, the problem
        step starts."""
        if not self.spans:
            # An arrival "after" the opening can only be clock skew: it counts as arriving at the opening.
            started = at if arrived_at is None else min(arrived_at, at)
            attendance = StepSpan(step=Step.ATTENDANCE, started_at=started, standard_s=self._standard(Step.ATTENDANCE))
            self.spans = (attendance.ended(at, actor),)
        elif not self._end(Step.ATTENDANCE, at, actor):
            return
        self._start(Step.PROBLEM, at)

    def problem_recorded(self, at: datetime, actor: str) -> None:
        """Where no restatement is required, recording the problem ends its step and the answer step starts."""
        if not self.restatement_required and self._end(Step.PROBLEM, at, actor):
            self._start(Step.ANSWER, at)

    def problem_confirmed(self, at: datetime, actor: str) -> None:
        if self._end(Step.PROBLEM, at, actor):
            self._start(Step.ANSWER, at)

    def answered(self, at: datetime, actor: str) -> None:
        """Answered by the desk (ends step 3) or by the commissioner after a handover (ends step 4)."""
        if self._end(Step.ANSWER, at, actor) or self._end(Step.ESCALATED_ANSWER, at, actor):
            if not self.understanding_required:
                self._start(Step.REPORT, at)

    def handed_over(self, at: datetime, actor: str) -> None:
        """The desk could not answer: step 3 ends here and step 4 starts."""
        if self._end(Step.ANSWER, at, actor):
            self._start(Step.ESCALATED_ANSWER, at)

    def forwarded(self, at: datetime, actor: str) -> None:
        """The commissioner (or an office's case team) sent it to the office above: this office's part of step 4
        ends; the time above is the hop's, not a step of this office."""
        self._end(Step.ESCALATED_ANSWER, at, actor)

    def answer_arrived(self, at: datetime, actor: str | None = None) -> None:
        """The answer of the province or the centre reached the desk: where understanding is not asked, the report
        step starts now. (A timeline from before forwarding ended step 4 ends it here.)"""
        if self._end(Step.ESCALATED_ANSWER, at, actor) or self._last_ended(Step.ESCALATED_ANSWER):
            if not self.understanding_required:
                self._start(Step.REPORT, at)

    def understood(self, at: datetime, actor: str | None = None) -> None:
        """The consultee understood the answer: the report step starts (unless it runs already).

        `actor` is taken so every fact is fed the same way; a span records who ended it, not who started it.
        """
        if self._last_ended(Step.ANSWER) or self._last_ended(Step.ESCALATED_ANSWER):
            self._start(Step.REPORT, at)

    def logged(self, at: datetime, actor: str) -> None:
        if self._end(Step.REPORT, at, actor):
            self._start(Step.DOCUMENTATION, at)

    def closed(self, at: datetime, actor: str) -> None:
        self._end(Step.DOCUMENTATION, at, actor)

    # An escalated case at the office above: its step 4 only.

    def case_received(self, at: datetime) -> None:
        """A case arrived from the office below: this office's step 4 runs until its answer or forward."""
        if not self.spans:
            self._start(Step.ESCALATED_ANSWER, at)

    def case_left(self, at: datetime, actor: str | None) -> None:
        """The case was answered here or forwarded up: this office's part ends."""
        self._end(Step.ESCALATED_ANSWER, at, actor)

    def _standard(self, step: Step) -> int:
        if step is Step.ATTENDANCE and self.first_step_s is not None:
            return self.first_step_s
        return self.standards.seconds(step)

    def _start(self, step: Step, at: datetime) -> None:
        self.spans = (*self.spans, StepSpan(step=step, started_at=at, standard_s=self._standard(step)))

    def _end(self, step: Step, at: datetime, actor: str | None) -> bool:
        """Ends the running step if it is `step`; says whether it did."""
        current = self.current
        if current is None or current.step is not step:
            return False
        self.spans = (*self.spans[:-1], current.ended(at, actor))
        return True

    def _last_ended(self, step: Step) -> bool:
        """True when nothing runs and the last step that ran is `step`."""
        last = self.spans[-1] if self.spans else None
        return last is not None and not last.is_open and last.step is step
