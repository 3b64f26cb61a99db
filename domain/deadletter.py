"""A message from another node that was refused: kept as an event, so the refusal is in the record."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate


class DeadLetter(Aggregate):
    class Recorded(Aggregate.Created):
        stream_seq: int
        subject: str
        reason: str  # malformed, unknown_schema_version, misaddressed, not_a_neighbour, ...
        excerpt: str

    def __init__(self, stream_seq: int, subject: str, reason: str, excerpt: str) -> None:
        self.stream_seq = stream_seq
        self.subject = subject
        self.reason = reason
        self.excerpt = excerpt

    @classmethod
    def record(cls, *, id: UUID, stream_seq: int, subject: str, reason: str, excerpt: str, at: datetime
               ) -> DeadLetter:
        return cls._create(cls.Recorded, id=id, timestamp=at, stream_seq=stream_seq, subject=subject,
                           reason=reason, excerpt=excerpt)
