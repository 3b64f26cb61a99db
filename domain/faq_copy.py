"""An FAQ Sipol entry written at an office above, as this office holds it (issue 15): the centre's entries at every
office, a province's at its regencies. It arrives as releases (domain/faq_values.py FaqRelease) over the link from
the office above, in the order that office sent them; it is read and cited here, never edited (only its owner does).

A release older than the version held, or one after the entry was retired, changes nothing: the copy only moves
forward, so a release that comes again (a redelivery, a second path) is harmless.
"""

from __future__ import annotations

from datetime import datetime

from eventsourcing.domain import Aggregate

from domain.errors import InvalidInput
from domain.faq_values import REACH, FaqContent, FaqRelease, FaqStatus, Reach, visible_to
from domain.offices import OfficeId, Tier


class FaqCopy(Aggregate):
    class Received(Aggregate.Created):
        owner: str
        revision: int
        content: FaqContent
        changed_at: datetime  # when the owner published this version
        via: str  # the office it came from (the owner, or the province that passed on the centre's)

    class Updated(Aggregate.Event):
        revision: int
        content: FaqContent
        changed_at: datetime
        via: str

        def apply(self, aggregate: FaqCopy) -> None:
            aggregate.revision, aggregate.content = self.revision, self.content
            aggregate.changed_at, aggregate.via = self.changed_at, self.via

    class Withdrawn(Aggregate.Event):
        """The owner retired the entry: it is no longer shown or cited here."""

        reason: str
        changed_at: datetime
        via: str

        def apply(self, aggregate: FaqCopy) -> None:
            aggregate.status = FaqStatus.RETIRED
            aggregate.retire_reason, aggregate.changed_at, aggregate.via = self.reason, self.changed_at, self.via

    def __init__(self, owner: str, revision: int, content: FaqContent, changed_at: datetime, via: str) -> None:
        self.owner, self.revision, self.content = owner, revision, content
        self.changed_at, self.via = changed_at, via
        self.status = FaqStatus.PUBLISHED
        self.retire_reason: str | None = None

    @classmethod
    def receive(cls, release: FaqRelease, via: str, at: datetime) -> FaqCopy:
        """The first release this office holds of an entry (a retired one is kept as retired)."""
        copy = cls._create(cls.Received, id=release.entry_id, timestamp=at, owner=release.owner,
                           revision=release.revision, content=release.content, changed_at=release.changed_at,
                           via=via)
        if release.status is FaqStatus.RETIRED:
            copy.take(release, via, at)
        return copy

    @property
    def reach(self) -> Reach:
        return REACH[OfficeId(self.owner).tier]

    def take(self, release: FaqRelease, via: str, at: datetime) -> bool:
        """Applies a later release; False when it changes nothing (older, the same, or the entry is retired)."""
        if self.status is FaqStatus.RETIRED or release.owner != self.owner:
            return False
        if release.status is FaqStatus.RETIRED:
            self.trigger_event(self.Withdrawn, timestamp=at, reason=release.retire_reason or "",
                               changed_at=release.changed_at, via=via)
            return True
        if release.revision <= self.revision:
            return False
        self.trigger_event(self.Updated, timestamp=at, revision=release.revision, content=release.content,
                           changed_at=release.changed_at, via=via)
        return True

    def release(self) -> FaqRelease:
        """The copy as it is passed on to the offices below."""
        return FaqRelease(self.id, self.owner, self.revision, self.content, self.status, self.changed_at,
                          self.retire_reason)


class FaqReleaseMisrouted(InvalidInput):
    """A release this office must not take from its sender: an entry of an office that does not speak for it, or
    passed on by an office that may not pass it on."""

    code = "faq_release_misrouted"


def check_release_route(holder: OfficeId, sender: OfficeId, owner: OfficeId) -> None:
    """A release comes from the office above: its own entry (a province's at its regencies, the centre's at the
    provinces), or the centre's passed on by the holder's province. Anything else is refused."""
    if holder.parent != sender or not visible_to(owner, FaqStatus.PUBLISHED, holder):
        raise FaqReleaseMisrouted(owner=owner.value, sender=sender.value)
    if owner != sender and not passes_on(sender, owner):
        raise FaqReleaseMisrouted(owner=owner.value, sender=sender.value)


def passes_on(holder: OfficeId, owner: OfficeId) -> bool:
    """Whether the office holding a copy passes it on to its own offices below: a province passes on the centre's
    entries to its regencies; a regency has no one below, and a province's own entries leave as FaqEntry events."""
    return holder.tier is Tier.PROVINSI and owner.tier is Tier.PUSAT
