"""The SOP's six flow-chart steps and their time standards (Mutu Baku Waktu), laid over a consultation's events."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

import msgspec

from domain.errors import InvalidInput


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


class Timeline(msgspec.Struct, kw_only=True):
    """A consultation's steps, built fact by fact from its events; at most one step runs at a time.

    Each fact acts only when the timeline stands where that fact follows, so a redelivered or late event
    changes nothing. Between the answer and the consultee's "understood" no step runs: the SOP's
    not-understood → repeat loop is not a clocked step; the report step starts at "understood".
    """

    standards: Standards = msgspec.field(default_factory=Standards)
    spans: tuple[StepSpan, ...] = ()

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

    # The facts, in the order of the script.

    def arrived(self, at: datetime) -> None:
        """The consultee arrived (a front-desk queue): attendance runs until the consultation is opened."""
        if not self.spans:
            self._start(Step.ATTENDANCE, at)

    def opened(self, at: datetime, actor: str, arrived_at: datetime | None = None) -> None:
        """The identity was recorded: attendance ends, the problem step starts."""
        if not self.spans:
            # An arrival "after" the opening can only be clock skew: it counts as arriving at the opening.
            started = at if arrived_at is None else min(arrived_at, at)
            attendance = StepSpan(step=Step.ATTENDANCE, started_at=started, standard_s=self._standard(Step.ATTENDANCE))
            self.spans = (attendance.ended(at, actor),)
        elif not self._end(Step.ATTENDANCE, at, actor):
            return
        self._start(Step.PROBLEM, at)

    def problem_confirmed(self, at: datetime, actor: str) -> None:
        if self._end(Step.PROBLEM, at, actor):
            self._start(Step.ANSWER, at)

    def answered(self, at: datetime, actor: str) -> None:
        """Answered by the desk (ends step 3) or by the commissioner after a handover (ends step 4)."""
        if not self._end(Step.ANSWER, at, actor):
            self._end(Step.ESCALATED_ANSWER, at, actor)

    def handed_over(self, at: datetime, actor: str) -> None:
        """The desk could not answer: step 3 ends here and step 4 starts."""
        if self._end(Step.ANSWER, at, actor):
            self._start(Step.ESCALATED_ANSWER, at)

    def answer_arrived(self, at: datetime, actor: str | None = None) -> None:
        """The answer of the province or the centre reached the desk: step 4 ends."""
        self._end(Step.ESCALATED_ANSWER, at, actor)

    def understood(self, at: datetime, actor: str | None = None) -> None:
        """The consultee understood the answer: the report step starts.

        `actor` is taken so every fact is fed the same way; a span records who ended it, not who started it.
        """
        last = self.spans[-1] if self.spans else None
        if last is not None and not last.is_open and last.step in (Step.ANSWER, Step.ESCALATED_ANSWER):
            self._start(Step.REPORT, at)

    def logged(self, at: datetime, actor: str) -> None:
        if self._end(Step.REPORT, at, actor):
            self._start(Step.DOCUMENTATION, at)

    def closed(self, at: datetime, actor: str) -> None:
        self._end(Step.DOCUMENTATION, at, actor)

    def _standard(self, step: Step) -> int:
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
