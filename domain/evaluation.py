"""The Koordinator's periodic evaluation of the helpdesk's service (SOP A.4a.3, "melakukan evaluasi pelayanan Helpdesk
bersama Helpdesk secara berkala"): over a period the Koordinator chooses (a week, a month), the figures the read models
give, the Koordinator's notes and the follow-ups agreed (what, who, by when, open or done).

Finalising freezes it: the figures, notes and follow-ups as they stand are encoded once, and that byte string and its
SHA-256 are what every rendering (the page, the signed PDF) shows, as a submitted report is (domain/frozen_report.py).
A follow-up is still marked done afterwards (that is what follows the evaluation); the frozen record keeps the state
it had when finalised.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID, uuid4

import msgspec
from eventsourcing.domain import Aggregate

from domain.evaluation_values import (
    MAX_FOLLOW_UPS,
    MAX_NOTES,
    EvaluationContent,
    EvaluationFigures,
    EvaluationFinalised,
    FollowUp,
    FollowUpAlreadyDone,
    Note,
    TooManyEntries,
    UnknownFollowUp,
    checked_follow_up,
    checked_note,
    evaluation_id,
)
from domain.frontdesk import local_day
from domain.frozen_report import check_days, content_hash


class Evaluation(Aggregate):
    """One evaluation of one office over one period, from its draft to its frozen, finalised record."""

    class Drafted(Aggregate.Created):
        office_id: str
        period_start: date
        period_end: date
        actor: str

    class NoteAdded(Aggregate.Event):
        note_id: UUID
        text: str
        actor: str

        def apply(self, aggregate: Evaluation) -> None:
            aggregate.notes = (*aggregate.notes, Note(self.note_id, self.text, self.actor, self.timestamp))

    class FollowUpAdded(Aggregate.Event):
        follow_up_id: UUID
        what: str
        owner: str
        due: date
        actor: str

        def apply(self, aggregate: Evaluation) -> None:
            added = FollowUp(self.follow_up_id, self.what, self.owner, self.due, self.actor)
            aggregate.follow_ups = (*aggregate.follow_ups, added)

    class FollowUpDone(Aggregate.Event):
        follow_up_id: UUID
        actor: str

        def apply(self, aggregate: Evaluation) -> None:
            aggregate.follow_ups = tuple(
                msgspec.structs.replace(f, done_at=self.timestamp, done_by=self.actor)
                if f.follow_up_id == self.follow_up_id else f for f in aggregate.follow_ups
            )

    class Finalised(Aggregate.Event):
        content: bytes
        content_hash: str
        actor: str
        actor_role: str

        def apply(self, aggregate: Evaluation) -> None:
            aggregate.content, aggregate.content_hash = self.content, self.content_hash
            aggregate.finalised_by, aggregate.finalised_at = self.actor, self.timestamp

    def __init__(self, office_id: str, period_start: date, period_end: date, actor: str) -> None:
        self.office_id = office_id
        self.period_start = period_start
        self.period_end = period_end
        self.drafted_by = actor
        self.notes: tuple[Note, ...] = ()
        self.follow_ups: tuple[FollowUp, ...] = ()
        self.content: bytes | None = None
        self.content_hash: str | None = None
        self.finalised_by: str | None = None
        self.finalised_at: datetime | None = None

    @classmethod
    def draft(cls, *, office_id: str, period_start: date, period_end: date, actor: str, at: datetime) -> Evaluation:
        """A new evaluation of the office's days `period_start`..`period_end` (in order, at most a year, none to
        come), the same id for the same period wherever it is drafted."""
        check_days(period_start, period_end, local_day(at, office_id))
        return cls._create(cls.Drafted, id=evaluation_id(office_id, period_start, period_end), timestamp=at,
                           office_id=office_id, period_start=period_start, period_end=period_end, actor=actor)

    @property
    def finalised(self) -> bool:
        return self.content is not None

    def add_note(self, text: str, actor: str, at: datetime, note_id: UUID | None = None) -> UUID:
        self._check_open()
        if len(self.notes) >= MAX_NOTES:
            raise TooManyEntries(field="text", limit=MAX_NOTES)
        checked, note_id = checked_note(text), note_id or uuid4()
        self.trigger_event(self.NoteAdded, timestamp=at, note_id=note_id, text=checked, actor=actor)
        return note_id

    def add_follow_up(self, what: str, owner: str | None, due: date | None, actor: str, at: datetime,
                      follow_up_id: UUID | None = None) -> UUID:
        """A follow-up: what, which staff member, by which day (today or later in the office's calendar)."""
        self._check_open()
        if len(self.follow_ups) >= MAX_FOLLOW_UPS:
            raise TooManyEntries(field="what", limit=MAX_FOLLOW_UPS)
        text, who, by = checked_follow_up(what, owner, due, local_day(at, self.office_id))
        follow_up_id = follow_up_id or uuid4()
        self.trigger_event(self.FollowUpAdded, timestamp=at, follow_up_id=follow_up_id, what=text, owner=who, due=by,
                           actor=actor)
        return follow_up_id

    def follow_up(self, follow_up_id: UUID) -> FollowUp:
        found = next((f for f in self.follow_ups if f.follow_up_id == follow_up_id), None)
        if found is None:
            raise UnknownFollowUp()
        return found

    def complete_follow_up(self, follow_up_id: UUID, actor: str, at: datetime) -> None:
        if self.follow_up(follow_up_id).done:
            raise FollowUpAlreadyDone()
        self.trigger_event(self.FollowUpDone, timestamp=at, follow_up_id=follow_up_id, actor=actor)

    def finalise(self, figures: EvaluationFigures, actor: str, actor_role: str, at: datetime) -> str:
        """Freezes the figures (as the read models give them now), the notes and the follow-ups; the SHA-256 of
        the frozen bytes."""
        self._check_open()
        content = msgspec.json.encode(self.content_of(figures))
        digest = content_hash(content)
        self.trigger_event(self.Finalised, timestamp=at, content=content, content_hash=digest, actor=actor,
                           actor_role=actor_role)
        return digest

    def content_of(self, figures: EvaluationFigures) -> EvaluationContent:
        """The evaluation as it stands with `figures`: what a draft shows, and what finalising freezes."""
        return EvaluationContent(self.office_id, self.period_start, self.period_end, figures, list(self.notes),
                                 list(self.follow_ups))

    def _check_open(self) -> None:
        if self.finalised:
            raise EvaluationFinalised()


def decode_content(data: bytes) -> EvaluationContent:
    return msgspec.json.decode(data, type=EvaluationContent)
