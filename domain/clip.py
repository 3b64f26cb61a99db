"""A message clipped from a messaging group no bot reads (most WhatsApp groups, SOP C.b): a staff member pastes its
text, the sender as the group shows them, the group, the time it was sent and a screenshot, into a new consultation
on the messaging channel or into an open one, where it is kept as received evidence.

Every clip is one `Clip` aggregate whose id comes from the office and the form's idempotency key (`clip_id`): the
same form sent twice or thrice (a double tap, a retry on a slow line) names the same aggregate, which the event
store refuses to create again, and its `Pasted` event is saved in one transaction with the consultation it opens or
joins. The sender as shown is the consultee's personal data: sealed like a mail's sender (domain/personal_data.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec
from eventsourcing.domain import Aggregate

from domain.consultation import Consultation
from domain.errors import AlreadyClosed, InvalidInput
from domain.group_values import Platform
from domain.parties import Party
from domain.script import Status
from domain.values import MAX_TEXT, Documentation, DocumentationKind, Identity, clean_name, clean_text, make_identity

MAX_SENDER = 120
MAX_KEY = 100  # the form's idempotency key (a UUID as text)
# A phone's clock may run a little ahead of the node's; a clip "sent" later than this is a typing error.
CLOCK_SKEW = timedelta(minutes=10)
# A message older than this is no question the desk still owes an answer to (and no date a phone shows by mistake).
MAX_AGE = timedelta(days=366)
# A clip from a group the register does not know, or of a group without a party: the desk corrects the identity.
UNKNOWN_PARTY = Party(name="Belum diketahui")


class ClipEmpty(InvalidInput):
    """Neither the message's text nor a screenshot of it: nothing to keep as evidence."""

    code = "clip_empty"


class ClipFromFuture(InvalidInput):
    code = "clip_from_future"


class ClipTooOld(InvalidInput):
    code = "clip_too_old"


class ClipKeyInvalid(InvalidInput):
    code = "clip_key_invalid"


class ClipTimeRequired(InvalidInput):
    """When the message was sent, as the group shows it: a date and a time."""

    code = "clip_time_required"


class UnknownClipGroup(InvalidInput):
    code = "unknown_clip_group"


class ClipGroup(msgspec.Struct, frozen=True):
    """The group a clip came from: one of the register (`group_id`), or as typed (`group_id` None)."""

    name: str
    platform: Platform
    group_id: UUID | None = None
    party: Party | None = None


class ClipContent(msgspec.Struct, frozen=True):
    """What was pasted, checked: the text ("" when only a screenshot), the sender as shown, the time sent."""

    sender: str
    text: str
    sent_at: datetime
    group: ClipGroup


def clip_id(office_id: str, key: str) -> UUID:
    """The one id of a clip at an office, however often its form is sent."""
    text = key.strip()
    if not text or len(text) > MAX_KEY:
        raise ClipKeyInvalid(field="key")
    return uuid5(NAMESPACE_URL, f"helpdesk-sipol:clip:{office_id}:{text}")


def check_clip(*, sender: str, text: str, sent_at: datetime, group: ClipGroup, has_screenshot: bool,
               now: datetime) -> ClipContent:
    """A clip must carry the message's text or its screenshot (or both), name its sender and not come from the
    future. Refuses with the first field a person must put right."""
    body = text.strip()
    if not body and not has_screenshot:
        raise ClipEmpty(field="text")
    checked_text = clean_text(body, "text", MAX_TEXT) if body else ""
    checked_sender = clean_name(sender, "sender", MAX_SENDER)
    if sent_at > now + CLOCK_SKEW:
        raise ClipFromFuture(field="sent_at")
    if sent_at < now - MAX_AGE:
        raise ClipTooOld(field="sent_at", days=MAX_AGE.days)
    group_name = clean_name(group.name, "group_name")
    return ClipContent(checked_sender, checked_text, sent_at, msgspec.structs.replace(group, name=group_name))


def clip_identity(clip: ClipContent, phone: str | None) -> Identity:
    """The consultee a new consultation names: the sender as shown, the group's party, and a way to reach them back
    (the phone the register knows for them, the one typed, or the sender's name when it is a number)."""
    reach = phone or (clip.sender if _looks_like_phone(clip.sender) else None)
    return make_identity(clip.sender, clip.group.party or UNKNOWN_PARTY, reach, None)


def check_joinable(consultation: Consultation) -> None:
    """Evidence joins a consultation only while it is open."""
    if consultation.status is Status.CLOSED:
        raise AlreadyClosed()


def evidence_kind(storage_key: str) -> DocumentationKind:
    """What a clipped file documents, by the extension its content gave it: a picture is the message's screenshot,
    a sound or video the voice note or clip it carried, a PDF the document it shared."""
    extension = storage_key.rsplit(".", 1)[-1].lower()
    if extension in ("jpg", "png", "webp"):
        return DocumentationKind.SCREENSHOT
    return DocumentationKind.DOCUMENT if extension == "pdf" else DocumentationKind.RECORDING


def _looks_like_phone(shown: str) -> bool:
    digits = [c for c in shown if c.isdigit()]
    return len(digits) >= 8 and all(c.isdigit() or c in "+-() " for c in shown.strip())


class Clip(Aggregate):
    """One message clipped from a group into a consultation."""

    class Pasted(Aggregate.Created):
        office_id: str
        consultation_id: UUID  # opened by the clip (`opened`), or the open one it joined
        opened: bool
        sender: str  # as the group shows them: sealed (the consultation's consultee)
        text: str
        sent_at: datetime
        group_name: str
        platform: Platform
        group_id: UUID | None
        screenshot: Documentation | None
        actor: str
        subject_id: UUID  # whose personal data the sender is: the consultation's consultee

    @classmethod
    def paste(cls, *, id: UUID, office_id: str, clip: ClipContent, consultation_id: UUID, opened: bool,
              screenshot: Documentation | None, actor: str, at: datetime) -> Clip:
        return cls._create(
            cls.Pasted, id=id, timestamp=at, office_id=office_id, consultation_id=consultation_id, opened=opened,
            sender=clip.sender, text=clip.text, sent_at=clip.sent_at, group_name=clip.group.name,
            platform=clip.group.platform, group_id=clip.group.group_id, screenshot=screenshot, actor=actor,
            subject_id=consultation_id,
        )

    def __init__(self, office_id: str, consultation_id: UUID, opened: bool, sender: str, text: str,
                 sent_at: datetime, group_name: str, platform: Platform, group_id: UUID | None,
                 screenshot: Documentation | None, actor: str, subject_id: UUID) -> None:
        self.office_id = office_id
        self.consultation_id = consultation_id
        self.opened = opened
        self.sender = sender
        self.text = text
        self.sent_at = sent_at
        self.group_name = group_name
        self.screenshot = screenshot
