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
    def index(self) -> int:  # type: ignore[override]  # the SOP's step number; str.index is of no use on a step
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
