"""A consultation's SOP steps over time (or an escalated case's step 4 at the office above): which step runs, each
span as it ran, and the marks a screen shows for the six steps."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import msgspec

from domain.script import script_of
from domain.sop import FirstSteps, Standards, Step, StepSpan
from domain.values import Channel


class Mark(StrEnum):
    """Where a step of the script stands, as a screen shows it."""

    DONE = "done"
    CURRENT = "current"  # its clock runs now
    PENDING = "pending"
    SKIPPED = "skipped"  # step 4 when the desk answered itself
    ABOVE = "above"  # step 4 while the case waits at an office above


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
