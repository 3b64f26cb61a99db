"""The messaging channel's media rules (SOP C.b, documentation of a consultation): what a liaison sends with a
question — a photo, a SIPOL screenshot, a PDF — is fetched from the network after the message is recorded and kept as
the consultation's documentation.

A message names its media (`MediaRef`, in its `Received` event); each is then recorded once as a `ChatMedia`
aggregate whose id is computed from the message's record and the media's place in it, saved in the same transaction
as the consultation's `DocumentationAttached`: a restart or a second round never attaches it twice. Every media ends
with an outcome the desk can see: attached, refused (too large, or not a kind the office keeps), unreachable (the
network did not give it after `FETCH_ATTEMPTS` tries), or closed (the consultation keeps no more documentation).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec
from eventsourcing.domain import Aggregate

from domain.values import Documentation, DocumentationKind

FETCH_ATTEMPTS = 5  # rounds a media the network does not give is tried before it is recorded as unreachable


class MediaKind(StrEnum):
    """The media that are fetched: a Telegram photo (its largest size) or document, a WhatsApp image or document.
    Other media (a voice note, a video, a sticker) are only named in the problem text."""

    PHOTO = "photo"
    DOCUMENT = "document"


class MediaOutcome(StrEnum):
    ATTACHED = "attached"
    REFUSED = "refused"  # too large, or not a kind the office keeps: nothing stored
    UNREACHABLE = "unreachable"  # the network did not give it after FETCH_ATTEMPTS rounds
    CLOSED = "closed"  # the consultation was closed: it keeps no more documentation


class MediaRef(msgspec.Struct, frozen=True, kw_only=True):
    """A media as the message names it: what the network calls it (Telegram's file_id, WhatsApp's media id), the
    type the sender declared and, when the network says, its size in bytes."""

    kind: MediaKind
    ref: str
    media_type: str = ""
    size: int | None = None


def media_key(message: UUID, index: int) -> UUID:
    """The one id of the index-th media of a recorded message (the message's record id)."""
    return uuid5(NAMESPACE_URL, f"helpdesk-sipol:chat-media:{message}:{index}")


def too_large(size: int | None, max_bytes: int) -> bool:
    """Whether a media is refused by the size its network declares, before a byte of it is fetched."""
    return size is not None and size > max_bytes


def documentation_kind(media_type: str) -> DocumentationKind:
    """What a kept media documents, by the type its bytes are: an image a liaison sends is a screenshot (of SIPOL,
    mostly), a PDF a document, a sound or a video a recording."""
    top = media_type.split("/")[0]
    if top == "image":
        return DocumentationKind.SCREENSHOT
    if top in ("audio", "video"):
        return DocumentationKind.RECORDING
    return DocumentationKind.DOCUMENT


class ChatMedia(Aggregate):
    """What became of one media of a message: attached to the consultation, refused, unreachable or too late."""

    class Recorded(Aggregate.Created):
        office_id: str
        message: UUID  # the message's record (domain/messaging.py ChatReceived)
        index: int
        consultation_id: UUID
        kind: MediaKind
        outcome: MediaOutcome
        reason: str  # why refused or unreachable ("size", "media_type", "mismatch", "empty", "fetch"), else ""
        documentation: Documentation | None
        recorded_at: datetime

    @classmethod
    def record(cls, *, office_id: str, message: UUID, index: int, consultation_id: UUID, kind: MediaKind,
               outcome: MediaOutcome, reason: str, documentation: Documentation | None, at: datetime) -> ChatMedia:
        return cls._create(cls.Recorded, id=media_key(message, index), timestamp=at, office_id=office_id,
                           message=message, index=index, consultation_id=consultation_id, kind=kind, outcome=outcome,
                           reason=reason, documentation=documentation, recorded_at=at)

    def __init__(self, office_id: str, message: UUID, index: int, consultation_id: UUID, kind: MediaKind,
                 outcome: MediaOutcome, reason: str, documentation: Documentation | None,
                 recorded_at: datetime) -> None:
        self.office_id = office_id
        self.consultation_id = consultation_id
        self.outcome = outcome
        self.documentation = documentation
