"""The SOP step clocks of each consultation: its timeline, the running step with its next threshold, and ended spans."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, ClassVar

import msgspec

from domain.consultation import Consultation
from domain.sop import Level, Standards, StepSpan, Timeline
from domain.sop_clock import SopClock
from projections.base import Projection, Writer, iso
from projections.consultations import local_day

C = Consultation

TIMELINE_COLUMNS = """
    consultation_id TEXT PRIMARY KEY, office_id TEXT NOT NULL, channel TEXT NOT NULL, timeline TEXT NOT NULL,
    current_step TEXT, current_started_at TEXT, current_due_at TEXT, next_due TEXT, on_duty TEXT,
    reached TEXT NOT NULL, opened_at TEXT NOT NULL, local_day TEXT NOT NULL
"""
SPAN_COLUMNS = """
    consultation_id TEXT NOT NULL, step TEXT NOT NULL, office_id TEXT NOT NULL, channel TEXT NOT NULL,
    started_at TEXT NOT NULL, ended_at TEXT NOT NULL, actor TEXT, standard_s INTEGER NOT NULL,
    elapsed_s INTEGER NOT NULL, met INTEGER NOT NULL, warned INTEGER NOT NULL, breached INTEGER NOT NULL,
    local_day TEXT NOT NULL, PRIMARY KEY (consultation_id, step)
"""

# Each consultation event, as the Timeline fact it is (Opened is handled apart: it creates the row).
FACTS: dict[type, Callable[[Timeline, Any], None]] = {
    C.ProblemConfirmed: lambda t, e: t.problem_confirmed(e.timestamp, e.actor),
    C.Answered: lambda t, e: t.answered(e.timestamp, e.actor),
    C.HandedToCommissioner: lambda t, e: t.handed_over(e.timestamp, e.actor),
    # The answer came from an office above; its author is named the way the consultation names them.
    C.AnswerArrived: lambda t, e: t.answer_arrived(e.timestamp, f"{e.answer.author} ({e.answer.office})"),
    C.UnderstandingConfirmed: lambda t, e: t.understood(e.timestamp, e.actor),
    C.LoggedInReport: lambda t, e: t.logged(e.timestamp, e.actor),
    C.Closed: lambda t, e: t.closed(e.timestamp, e.actor),
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
    recorded = levels_recorded(reached, span)
    moments = [span.moment(level) for level in Level if level not in recorded]
    return iso(min(moments)) if moments else None


class ClocksProjection(Projection):
    name = "sop_clocks"
    version = 1
    tables: ClassVar[dict[str, str]] = {"rm_sop_timelines": TIMELINE_COLUMNS, "rm_sop_spans": SPAN_COLUMNS}
    indexes = (
        "CREATE INDEX IF NOT EXISTS rm_sop_timelines_due ON rm_sop_timelines (next_due)",
        "CREATE INDEX IF NOT EXISTS rm_sop_timelines_open ON rm_sop_timelines (office_id, current_due_at)",
        "CREATE INDEX IF NOT EXISTS rm_sop_spans_day ON rm_sop_spans (office_id, local_day)",
    )
    topics = (C.Opened, *FACTS, SopClock.ThresholdReached)

    def __init__(self, standards: Standards) -> None:
        # The standards in force when a consultation opens are kept in its timeline; a rebuild applies the
        # standards configured at that time to every consultation.
        self.standards = standards

    def process(self, event: Any, position: int, tx: Writer) -> None:
        kind = type(event)
        if kind is C.Opened:
            self._opened(event, tx)
        elif kind is SopClock.ThresholdReached:
            self._threshold(event, tx)
        else:
            self._fact(event, FACTS[kind], tx)

    def _opened(self, event: Any, tx: Writer) -> None:
        timeline = Timeline(standards=self.standards)
        timeline.opened(event.timestamp, event.actor, arrived_at=getattr(event, "arrived_at", None))
        cid = str(event.originator_id)
        tx.execute(
            "INSERT INTO rm_sop_timelines (consultation_id, office_id, channel, timeline, reached, opened_at,"
            " local_day) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (consultation_id) DO NOTHING",
            (cid, event.office_id, event.channel.value, encode_timeline(timeline), "[]", iso(event.timestamp),
             local_day(event.timestamp, event.office_id)),
        )
        self._write(cid, (), timeline, set(), event.actor, tx)

    def _fact(self, event: Any, fact: Callable[[Timeline, Any], None], tx: Writer) -> None:
        cid = str(event.originator_id)
        row = _row(tx, cid)
        if row is None:
            return  # not a consultation this read model knows (cannot happen in one log; kept harmless)
        timeline, reached = row
        before = timeline.spans
        fact(timeline, event)
        if timeline.spans != before:
            self._write(cid, before, timeline, reached, getattr(event, "actor", None), tx)

    def _threshold(self, event: Any, tx: Writer) -> None:
        cid = str(event.consultation_id)
        row = _row(tx, cid)
        if row is None:
            return  # the clock of a consultation this read model does not hold
        timeline, reached = row
        reached.add(reached_key(event.step.value, event.level.value))
        tx.execute(
            "UPDATE rm_sop_timelines SET reached = ?, next_due = ? WHERE consultation_id = ?",
            (_reached_text(reached), next_due(timeline.current, reached), cid),
        )

    def _write(
        self, cid: str, before: tuple[StepSpan, ...], timeline: Timeline, reached: set[str], actor: str | None,
        tx: Writer,
    ) -> None:
        """Stores the timeline, its running step (with who is on duty when a step started), and every span this
        fact ended."""
        office_id, channel = tx.execute(
            "SELECT office_id, channel FROM rm_sop_timelines WHERE consultation_id = ?", (cid,)
        )[0]
        ended = [
            span for i, span in enumerate(timeline.spans)
            if not span.is_open and (i >= len(before) or before[i].is_open)
        ]
        tx.executemany(
            "INSERT INTO rm_sop_spans (consultation_id, step, office_id, channel, started_at, ended_at, actor,"
            " standard_s, elapsed_s, met, warned, breached, local_day) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (consultation_id, step) DO NOTHING",
            [_span_row(cid, office_id, channel, span) for span in ended],
        )
        current = timeline.current
        # A fact starts a step only by adding a span; its actor is then the one on duty for it.
        started = current is not None and len(timeline.spans) > len(before)
        tx.execute(
            "UPDATE rm_sop_timelines SET timeline = ?, current_step = ?, current_started_at = ?, current_due_at = ?,"
            f" next_due = ?{', on_duty = ?' if started else ''} WHERE consultation_id = ?",
            (
                encode_timeline(timeline),
                current.step.value if current else None,
                iso(current.started_at) if current else None,
                iso(current.due_at) if current else None,
                next_due(current, reached),
                *((actor,) if started else ()),
                cid,
            ),
        )


def _row(tx: Writer, cid: str) -> tuple[Timeline, set[str]] | None:
    rows = tx.execute("SELECT timeline, reached FROM rm_sop_timelines WHERE consultation_id = ?", (cid,))
    if not rows:
        return None
    return decode_timeline(rows[0][0]), set(json.loads(rows[0][1]))


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
