"""A document an office holds for escalated cases, by its content: one per office and SHA-256.

It is noted when a case file naming it is sent up or received; kept when its bytes are here (attached by the desk,
or arrived from the office below, verified); owed to each office above a case went to. The bytes leave for an office
once both are true: an `Owed` after `Kept` sends them to that office, a `Kept` after `Owed` to every office owed so far.
"""

from __future__ import annotations

from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.evidence import Evidence


def held_document_id(office_id: str, sha256: str) -> UUID:
    """The same on every delivery: the same document delivered twice is one record, kept once."""
    return uuid5(NAMESPACE_URL, f"helpdesk-sipol:document:{office_id}:{sha256}")


class HeldDocument(Aggregate):
    class Noted(Aggregate.Created):
        office_id: str
        evidence: Evidence

    class Kept(Aggregate.Event):
        """The bytes are kept here under `storage_key`; `source` is the office they came from ("" attached here)."""

        storage_key: str
        source: str

        def apply(self, aggregate: HeldDocument) -> None:
            aggregate.storage_key = self.storage_key
            aggregate.source = self.source

    class Owed(Aggregate.Event):
        """A case naming this document went up to `to_office`: the bytes must follow."""

        to_office: str

        def apply(self, aggregate: HeldDocument) -> None:
            aggregate.owed = (*aggregate.owed, self.to_office)

    def __init__(self, office_id: str, evidence: Evidence) -> None:
        self.office_id = office_id
        self.evidence = evidence
        self.storage_key: str | None = None
        self.source: str | None = None
        self.owed: tuple[str, ...] = ()

    @classmethod
    def note(cls, office_id: str, evidence: Evidence, at: datetime) -> HeldDocument:
        return cls._create(cls.Noted, id=held_document_id(office_id, evidence.sha256), timestamp=at,
                           office_id=office_id, evidence=evidence)

    @property
    def is_kept(self) -> bool:
        return self.storage_key is not None

    def keep(self, storage_key: str, source: str, at: datetime) -> bool:
        """Records the bytes as kept; False (nothing recorded) when they already were."""
        if self.is_kept:
            return False
        self.trigger_event(self.Kept, timestamp=at, storage_key=storage_key, source=source)
        return True

    def owe(self, to_office: str, at: datetime) -> None:
        """Records that the bytes must reach `to_office` (once: a second case naming them changes nothing)."""
        if to_office not in self.owed:
            self.trigger_event(self.Owed, timestamp=at, to_office=to_office)
