"""One hop of an escalation between two offices, as both sides record it.

Each of the five moments is stamped by the office that did it and carried to the other side in a
message: sent (lower office), received, accepted, answered (upper office), returned (lower office
applied the answer). The hop's state is the latest moment reached.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import msgspec


class HopState(StrEnum):
    SENT = "sent"
    RECEIVED = "received"
    ACCEPTED = "accepted"
    ANSWERED = "answered"
    RETURNED = "returned"


class Hop(msgspec.Struct, frozen=True):
    lower_office: str
    upper_office: str
    sent_at: datetime
    received_at: datetime | None = None
    accepted_at: datetime | None = None
    accepted_by: str | None = None
    answered_at: datetime | None = None
    answered_by: str | None = None
    returned_at: datetime | None = None

    @property
    def state(self) -> HopState:
        if self.returned_at:
            return HopState.RETURNED
        if self.answered_at:
            return HopState.ANSWERED
        if self.accepted_at:
            return HopState.ACCEPTED
        if self.received_at:
            return HopState.RECEIVED
        return HopState.SENT

    def received(self, at: datetime) -> Hop:
        return msgspec.structs.replace(self, received_at=self.received_at or at)

    def accepted(self, by: str, at: datetime) -> Hop:
        return msgspec.structs.replace(self, accepted_at=at, accepted_by=by, received_at=self.received_at or at)

    def answered(self, by: str, at: datetime) -> Hop:
        return msgspec.structs.replace(self, answered_at=at, answered_by=by, received_at=self.received_at or at)

    def returned(self, at: datetime) -> Hop:
        return msgspec.structs.replace(self, returned_at=at)

    def is_ahead_of(self, other: Hop | None) -> bool:
        """True when this record has reached a later moment than `other`; late messages never move a hop back."""
        order = list(HopState)
        return other is not None and order.index(self.state) > order.index(other.state)
