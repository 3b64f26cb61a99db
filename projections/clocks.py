"""The SOP step clocks of each consultation (and, at an office above, of each escalated case's step 4): the timeline,
the running step with its next threshold, and ended spans."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import msgspec

from domain.consultation import Consultation
from domain.escalation import EscalationCase
from domain.sop import FirstSteps, Level, Standards, StepSpan
from domain.sop_clock import SopClock
from domain.timeline import Timeline
from projections.base import BatchRows, ReadModel, Writer, column_names, iso
from projections.consultations import local_day

C = Consultation
E = EscalationCase

TIMELINE_COLUMNS = """
    consultation_id TEXT PRIMARY KEY, office_id TEXT NOT NULL, channel TEXT NOT NULL, kind TEXT NOT NULL,
    timeline TEXT NOT NULL, current_step TEXT, current_started_at TEXT, current_due_at TEXT, next_due TEXT,
    on_duty TEXT, reached TEXT NOT NULL, opened_at TEXT NOT NULL, local_day TEXT NOT NULL
"""
SPAN_COLUMNS = """
    consultation_id TEXT NOT NULL, step TEXT NOT NULL, office_id TEXT NOT NULL, channel TEXT NOT NULL,
    started_at TEXT NOT NULL, ended_at TEXT NOT NULL, actor TEXT, standard_s INTEGER NOT NULL,
    elapsed_s INTEGER NOT NULL, met INTEGER NOT NULL, warned INTEGER NOT NULL, breached INTEGER NOT NULL,
    local_day TEXT NOT NULL, PRIMARY KEY (consultation_id, step)
"""
TIMELINE_NAMES = column_names(TIMELINE_COLUMNS)
SPAN_NAMES = (
    "consultation_id", "step", "office_id", "channel", "started_at", "ended_at", "actor", "standard_s", "elapsed_s",
    "met", "warned", "breached", "local_day",
)

# A row is a consultation's timeline, or an escalated case's at the office that received it (its step 4 only).
CONSULTATION, CASE = "consultation", "case"

# Each event, as the Timeline fact it is (Opened and Received are handled apart: they create the row).
FACTS: dict[type, Callable[[Timeline, Any], None]] = {
    C.ProblemRecorded: lambda t, e: t.problem_recorded(e.timestamp, e.actor),
    C.ProblemConfirmed: lambda t, e: t.problem_confirmed(e.timestamp, e.actor),
    C.ForwardedUp: lambda t, e: t.forwarded(e.timestamp, e.actor),
    C.Answered: lambda t, e: t.answered(e.timestamp, e.actor),
    C.HandedToCommissioner: lambda t, e: t.handed_over(e.timestamp, e.actor),
    # The answer came from an office above; its author is named the way the consultation names them.
    C.AnswerArrived: lambda t, e: t.answer_arrived(e.timestamp, f"{e.answer.author} ({e.answer.office})"),
    C.UnderstandingConfirmed: lambda t, e: t.understood(e.timestamp, e.actor),
    C.LoggedInReport: lambda t, e: t.logged(e.timestamp, e.actor),
    C.Closed: lambda t, e: t.closed(e.timestamp, e.actor),
    # At a province or the centre: the case leaves this office answered (here, or from above: then it had been
    # forwarded already and nothing changes) or forwarded up.
    E.Answered: lambda t, e: t.case_left(e.timestamp, e.answer.author),
    E.Forwarded: lambda t, e: t.case_left(e.timestamp, e.actor),
}


def encode_timeline(timeline: Timeline) -> str:
    return msgspec.json.encode(timeline).decode()


def decode_timeline(text: str) -> Timeline:
    return msgspec.json.decode(text, type=Timeline)


def reached_key(step: str, level: str) -> str:
    return f"{step}:{level}"


def levels_recorded(reached: set[str], span: StepSpan) -> set[Level]:
    """The levels of `span`'s step already recorded as ThresholdReached events."""
    return {level for level in Level if reached_key(span.step.value, level.value) in reached}


def next_due(span: StepSpan | None, reached: set[str]) -> str | None:
    """The moment of the running step's first threshold not yet recorded; None when nothing is left to watch."""
    if span is None:
        return None
    recorded = levels_recorded(reached, span) if reached else set()
    # Levels come in rising order, so the first one not recorded is the one due first.
    first = next((level for level in Level if level not in recorded), None)
    return iso(span.moment(first)) if first is not None else None


class ClocksProjection(ReadModel):
    name = "sop_clocks"
    version = 2
    tables: ClassVar[dict[str, str]] = {"rm_sop_timelines": TIMELINE_COLUMNS, "rm_sop_spans": SPAN_COLUMNS}
    indexes = (
        "CREATE INDEX IF NOT EXISTS rm_sop_timelines_due ON rm_sop_timelines (next_due)",
        # The steps running now, in the dashboard's order: only the running ones are in it, so reading them costs the
        # same however many closed consultations the office has (an index over every timeline was read end to end).
        # A new index is made by create() on the next start, without a rebuild; the one it replaces is dropped.
        "CREATE INDEX IF NOT EXISTS rm_sop_timelines_running ON rm_sop_timelines (office_id, current_due_at,"
        " consultation_id) WHERE current_step IS NOT NULL",
        "DROP INDEX IF EXISTS rm_sop_timelines_open",
        "CREATE INDEX IF NOT EXISTS rm_sop_spans_day ON rm_sop_spans (office_id, local_day)",
    )
    topics = (C.Opened, E.Received, *FACTS, SopClock.ThresholdReached)
    reads_personal_data = False  # of Opened: its office, channel, time and actor

    # The batch's timelines, between begin_batch and end_batch: read once, changed by each event, written together.
    _batch: _Batch | None = None

    def __init__(self, standards: Standards, first_steps: FirstSteps | None = None) -> None:
        # The standards in force when a consultation opens are kept in its timeline; a rebuild applies the
        # standards configured at that time to every consultation.
        self.standards = standards
        self.first_steps = first_steps or FirstSteps()

    def begin_batch(self, tx: Writer, events: Sequence[Any] = ()) -> None:
        self._batch = _Batch()
        self._batch.timelines.load(tx, (_consultation(event) for event in events))

    def end_batch(self, tx: Writer) -> None:
        batch, self._batch = self._batch, None
        if batch is not None:
            batch.write(tx)

    def process(self, event: Any, position: int, tx: Writer) -> None:
        batch = self._batch
        if batch is None:  # called outside a runner's batch (a test feeding events by hand): a batch of one
            self.begin_batch(tx, (event,))
            self._apply(event, self._batch, tx)  # type: ignore[arg-type]
            self.end_batch(tx)
        else:
            self._apply(event, batch, tx)

    def _apply(self, event: Any, batch: _Batch, tx: Writer) -> None:
        kind = type(event)
        if kind is C.Opened:
            timeline = Timeline.for_channel(event.channel, self.standards, self.first_steps)
            timeline.opened(event.timestamp, event.actor, arrived_at=getattr(event, "arrived_at", None))
            self._created(event, CONSULTATION, event.channel.value, timeline, event.actor, batch, tx)
        elif kind is E.Received:
            timeline = Timeline(standards=self.standards)
            timeline.case_received(event.timestamp)
            self._created(event, CASE, event.case.channel.value, timeline, None, batch, tx)
        elif kind is SopClock.ThresholdReached:
            self._threshold(event, batch, tx)
        else:
            self._fact(event, FACTS[kind], batch, tx)

    def _created(
        self, event: Any, kind: str, channel: str, timeline: Timeline, actor: str | None, batch: _Batch, tx: Writer
    ) -> None:
        cid = str(event.originator_id)
        if batch.timelines.get(tx, cid) is None:
            batch.timelines.add({
                "consultation_id": cid, "office_id": event.office_id, "channel": channel, "kind": kind,
                "reached": "[]", "opened_at": iso(event.timestamp),
                "local_day": local_day(event.timestamp, event.office_id),
            })
            reached: set[str] = set()
        else:
            # A second Opened (cannot happen in one log) keeps the row's identity and thresholds, as an insert
            # that does nothing on a conflict would, and starts its timeline again.
            reached = batch.reached(tx, cid)
        batch.decoded[cid] = (timeline, reached)
        self._write(cid, (), timeline, set(), actor, batch, tx)

    def _fact(self, event: Any, fact: Callable[[Timeline, Any], None], batch: _Batch, tx: Writer) -> None:
        cid = str(event.originator_id)
        found = batch.timeline(tx, cid)
        if found is None:
            return  # not a consultation this read model knows (cannot happen in one log; kept harmless)
        timeline, reached = found
        before = timeline.spans
        fact(timeline, event)
        if timeline.spans != before:
            self._write(cid, before, timeline, reached, getattr(event, "actor", None), batch, tx)

    def _threshold(self, event: Any, batch: _Batch, tx: Writer) -> None:
        cid = str(event.consultation_id)
        found = batch.timeline(tx, cid)
        if found is None:
            return  # the clock of a consultation this read model does not hold
        timeline, reached = found
        reached.add(reached_key(event.step.value, event.level.value))
        row = batch.row(tx, cid)
        row["reached"] = _reached_text(reached)
        row["next_due"] = next_due(timeline.current, reached)
        batch.timelines.changed(cid)

    def _write(
        self, cid: str, before: tuple[StepSpan, ...], timeline: Timeline, reached: set[str], actor: str | None,
        batch: _Batch, tx: Writer,
    ) -> None:
        """Keeps the timeline, its running step (with who is on duty when a step started), and every span this
        fact ended, for the end of the batch."""
        row = batch.row(tx, cid)
        for i, span in enumerate(timeline.spans):
            if not span.is_open and (i >= len(before) or before[i].is_open):
                # The first span stored for a step stays, as with an insert that does nothing on a conflict.
                batch.spans.setdefault((cid, span.step.value), _span_row(cid, row["office_id"], row["channel"], span))
        current = timeline.current
        row["current_step"] = current.step.value if current else None
        row["current_started_at"] = iso(current.started_at) if current else None
        row["current_due_at"] = iso(current.due_at) if current else None
        row["next_due"] = next_due(current, reached)
        # A fact starts a step only by adding a span; its actor is then the one on duty for it.
        if current is not None and len(timeline.spans) > len(before):
            row["on_duty"] = actor
        batch.timelines.changed(cid)
        batch.encode.add(cid)


class _Batch:
    """One batch's view of the clocks: the timeline rows it touches (each decoded once) and the spans it ended."""

    def __init__(self) -> None:
        self.timelines = BatchRows("rm_sop_timelines", TIMELINE_NAMES)
        self.decoded: dict[str, tuple[Timeline, set[str]]] = {}
        self.encode: set[str] = set()  # the consultations whose timeline changed, encoded again at the end
        self.spans: dict[tuple[str, str], tuple[Any, ...]] = {}

    def row(self, tx: Writer, cid: str) -> dict[str, Any]:
        """The stored row of a consultation known to have one."""
        row = self.timelines.get(tx, cid)
        if row is None:
            raise KeyError(cid)
        return row

    def timeline(self, tx: Writer, cid: str) -> tuple[Timeline, set[str]] | None:
        """The consultation's timeline and the thresholds recorded on it, as this batch has left them."""
        if cid not in self.decoded:
            row = self.timelines.get(tx, cid)
            if row is None:
                return None
            self.decoded[cid] = (decode_timeline(row["timeline"]), set(json.loads(row["reached"])))
        return self.decoded[cid]

    def reached(self, tx: Writer, cid: str) -> set[str]:
        found = self.timeline(tx, cid)
        return found[1] if found is not None else set()

    def write(self, tx: Writer) -> None:
        for cid in self.encode:
            self.row(tx, cid)["timeline"] = encode_timeline(self.decoded[cid][0])
        # Spans are stored only beside their timeline, so a timeline new in this batch has none stored yet: its
        # spans are inserted together; the others' only where their step has none yet.
        new = [row for (cid, _), row in self.spans.items() if self.timelines.added(cid)]
        old = [row for (cid, _), row in self.spans.items() if not self.timelines.added(cid)]
        self.timelines.write(tx)
        tx.insert_many("rm_sop_spans", SPAN_NAMES, new)
        if old:
            tx.executemany(
                f"INSERT INTO rm_sop_spans ({', '.join(SPAN_NAMES)}) VALUES ({', '.join('?' * len(SPAN_NAMES))})"
                " ON CONFLICT (consultation_id, step) DO NOTHING",
                old,
            )


def _consultation(event: Any) -> str:
    """The consultation an event of this read model's topics is about."""
    return str(event.consultation_id if type(event) is SopClock.ThresholdReached else event.originator_id)


def _reached_text(reached: set[str]) -> str:
    # Sorted, so the same set is always the same text and a rebuild compares equal.
    return json.dumps(sorted(reached))


def _span_row(cid: str, office_id: str, channel: str, span: StepSpan) -> tuple[Any, ...]:
    # Judged from the span's own times, never from the events recorded while it ran: deterministic.
    end = span.ended_at or span.started_at  # only ended spans come here
    return (
        cid, span.step.value, office_id, channel, iso(span.started_at), iso(end), span.actor, span.standard_s,
        span.elapsed_s(end), int(span.met), int(span.has_reached(Level.WARNING_75, end)),
        int(span.has_reached(Level.BREACH, end)), local_day(span.started_at, office_id),
    )
