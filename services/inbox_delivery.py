"""What the consumer hands the inbox (a delivery) and what it gets back for each (a receipt)."""

from __future__ import annotations

from enum import StrEnum

import msgspec

from domain.routing import UNSIGNED
from services.integration import Envelope


class Outcome(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    DEAD_LETTER = "dead_letter"


class Delivery(msgspec.Struct, frozen=True):
    """One message as the consumer got it: its place in the stream, its subject and bytes, and the envelope read
    from it, or (envelope None) why it could not be read or came under the wrong subject."""

    stream_seq: int
    subject: str
    data: bytes
    envelope: Envelope | None
    refusal: str = ""
    redelivered: bool = False
    seal: str = UNSIGNED  # SIGNED when the consumer verified the sender's signature over `data`


class Receipt(msgspec.Struct, frozen=True):
    outcome: Outcome
    reason: str = ""  # why a dead letter was refused
    kept: bool = False  # the dead letter was recorded now, not by an earlier delivery: the caller alerts
