"""FAQ Sipol (issue 15): an entry of the knowledge base the desk answers from (SOP C.a.4–5), from its draft to its
retirement, every published version kept with who changed it and when.

Tiers: the centre's entries are national, a province's are regional (read by its own regencies), a regency's are its
local notes. Only the owning office edits an entry; an office below reads what its centre and its own province
published (`visible_to`). Who writes: Permission.MANAGE_FAQ (domain/roles.py). The values,
errors and rules are in domain/faq_values.py.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from domain.faq_values import (
    MAX_QUESTION,
    REACH,
    Citation,
    Editor,
    FaqAlreadyPublished,
    FaqContent,
    FaqNotOwner,
    FaqNotPublished,
    FaqRelease,
    FaqRetired,
    FaqStatus,
    FaqVersion,
    Reach,
    check_writer,
)
from domain.offices import OfficeId
from domain.values import clean_text


class FaqEntry(Aggregate):
    class Drafted(Aggregate.Created):
        owner: str  # the office's id
        content: FaqContent
        actor: str
        from_case: UUID | None = None  # the escalated case whose answer it was written from (the learning loop)

    class DraftEdited(Aggregate.Event):
        content: FaqContent
        actor: str

        def apply(self, aggregate: FaqEntry) -> None:
            aggregate.content = self.content
            aggregate.changed(self.actor, self.timestamp)

    class Published(Aggregate.Event):
        actor: str

        def apply(self, aggregate: FaqEntry) -> None:
            aggregate.status = FaqStatus.PUBLISHED
            aggregate.was_published = True
            aggregate.changed(self.actor, self.timestamp)

    class Revised(Aggregate.Event):
        """A new version of a published entry; the one it replaces goes to the history."""

        content: FaqContent
        actor: str

        def apply(self, aggregate: FaqEntry) -> None:
            aggregate.history = (*aggregate.history, aggregate.current())
            aggregate.content = self.content
            aggregate.revision += 1
            aggregate.changed(self.actor, self.timestamp)

    class Retired(Aggregate.Event):
        reason: str
        actor: str

        def apply(self, aggregate: FaqEntry) -> None:
            aggregate.status = FaqStatus.RETIRED
            aggregate.retire_reason = self.reason
            aggregate.changed(self.actor, self.timestamp)

    def __init__(self, owner: str, content: FaqContent, actor: str, from_case: UUID | None = None) -> None:
        self.owner = owner
        self.from_case = from_case
        self.content = content
        self.status = FaqStatus.DRAFT
        # The content's version (1, 2, ...): not Aggregate.version, which counts the entry's events.
        self.revision = 1
        self.history: tuple[FaqVersion, ...] = ()
        self.retire_reason: str | None = None
        self.was_published = False  # a retired entry the offices below never had is not announced to them
        self.changed(actor, self.created_on)

    @classmethod
    def draft(cls, content: FaqContent, by: Editor, at: datetime, id: UUID | None = None,
              from_case: UUID | None = None) -> FaqEntry:
        check_writer(by)
        return cls._create(
            cls.Drafted, id=id or uuid4(), timestamp=at, owner=by.office.value, content=content, actor=by.actor,
            from_case=from_case,
        )

    @property
    def owner_office(self) -> OfficeId:
        return OfficeId(self.owner)

    @property
    def reach(self) -> Reach:
        return REACH[self.owner_office.tier]

    def changed(self, actor: str, at: datetime) -> None:
        self.changed_by, self.changed_at = actor, at

    def current(self) -> FaqVersion:
        return FaqVersion(self.revision, self.content, self.changed_by, self.changed_at)

    def release(self) -> FaqRelease:
        """The entry as it leaves for the offices below (domain/faq_copy.py): the version that stands, or retired."""
        return FaqRelease(self.id, self.owner, self.revision, self.content, self.status, self.changed_at,
                          self.retire_reason)

    def citation(self) -> Citation:
        return Citation(self.id, self.revision)

    def edit_draft(self, content: FaqContent, by: Editor, at: datetime) -> None:
        self._check_change(by)
        if self.status is FaqStatus.PUBLISHED:
            raise FaqAlreadyPublished()
        self.trigger_event(self.DraftEdited, timestamp=at, content=content, actor=by.actor)

    def publish(self, by: Editor, at: datetime) -> None:
        self._check_change(by)
        if self.status is FaqStatus.PUBLISHED:
            raise FaqAlreadyPublished()
        self.trigger_event(self.Published, timestamp=at, actor=by.actor)

    def revise(self, content: FaqContent, by: Editor, at: datetime) -> None:
        self._check_change(by)
        if self.status is not FaqStatus.PUBLISHED:
            raise FaqNotPublished()
        self.trigger_event(self.Revised, timestamp=at, content=content, actor=by.actor)

    def retire(self, reason: str, by: Editor, at: datetime) -> None:
        self._check_change(by)
        self.trigger_event(self.Retired, timestamp=at, reason=clean_text(reason, "reason", MAX_QUESTION),
                           actor=by.actor)

    def _check_change(self, by: Editor) -> None:
        check_writer(by)
        if by.office != self.owner_office:
            raise FaqNotOwner()
        if self.status is FaqStatus.RETIRED:
            raise FaqRetired()
