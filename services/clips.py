"""A message clipped from a group (part of the Helpdesk application): recorded once, in one transaction with the
consultation it opens on the messaging channel or the open one it joins as received evidence (domain/clip.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol
from uuid import UUID, uuid4

import msgspec

from domain.clip import (
    Clip,
    ClipContent,
    ClipGroup,
    check_clip,
    check_joinable,
    clip_id,
    clip_identity,
    evidence_kind,
)
from domain.consultation import Consultation
from domain.errors import ConcurrentChange, NotFound
from domain.group_values import GroupRetired, platform_of
from domain.groups import Group
from domain.values import Channel, Documentation
from services.base import NodeApplication


class Screenshots(Protocol):
    """Where a clip's screenshot is kept: the office's file store, which checks the bytes are what they claim and
    refuses an oversized file (raising its own refusal, which the gateway words)."""

    def put(self, data: bytes, media_type: str) -> tuple[str, str]: ...


class Screenshot(msgspec.Struct, frozen=True):
    data: bytes
    media_type: str


class ClipInput(msgspec.Struct, frozen=True, kw_only=True):
    """A clip as pasted into the form or the API, before it is checked."""

    key: str  # the form's idempotency key: the same clip sent again is the same clip
    sender: str
    text: str = ""
    sent_at: datetime
    group_id: UUID | None = None  # a group of the register, or:
    group_name: str = ""  # a group typed by hand
    platform: str = "whatsapp"
    phone: str | None = None  # the sender's phone, when the register does not know it and the name is no number
    screenshot: Screenshot | None = None


class ClipResult(msgspec.Struct, frozen=True):
    consultation_id: UUID
    opened: bool  # a new consultation (False: the clip joined an open one)
    new: bool  # False: this clip was recorded before (the form sent again)


class ClipCommands(NodeApplication):
    screenshots: Screenshots  # set by the composition root
    group_of: Callable[[str, UUID], Group]  # provided by GroupCommands

    def paste_clip(self, office_id: str, given: ClipInput, actor: str, into: UUID | None = None) -> ClipResult:
        """Opens a consultation from the clip (`into` None) or adds it to the open consultation `into`."""
        own = clip_id(office_id, given.key)
        recorded = self._recorded_clip(own)
        if recorded is not None:
            return recorded
        at = self.clock()
        group = self._registered_group(office_id, given.group_id)
        clip = check_clip(sender=given.sender, text=given.text, sent_at=given.sent_at,
                          group=_clip_group(group, given), has_screenshot=given.screenshot is not None, now=at)
        # The sender's phone: as typed, else as the group's register knows them (a liaison by the name shown).
        member = group.member_named(clip.sender) if group is not None else None
        phone = given.phone or (member.phone if member is not None else None)
        consultation = self._consultation_for(office_id, clip, phone, actor, at, into)
        # Every rule is checked: only now is the screenshot kept (a refused clip leaves no file behind).
        screenshot = self._keep(given.screenshot)
        if screenshot is not None:
            consultation.attach_documentation(screenshot, actor, at)
        pasted = Clip.paste(id=own, office_id=office_id, clip=clip, consultation_id=consultation.id,
                            opened=into is None, screenshot=screenshot, actor=actor, at=at)
        try:
            self._save(pasted, consultation)
        except ConcurrentChange:
            # The same form sent at the same moment: the clip was recorded by the other request.
            recorded = self._recorded_clip(own)
            if recorded is None:
                raise
            return recorded
        return ClipResult(consultation.id, into is None, True)

    def clip_of(self, office_id: str, clip_id_: UUID) -> Clip:
        clip = self._load(clip_id_)
        if not isinstance(clip, Clip) or clip.office_id != office_id:
            raise NotFound()
        return clip

    def _registered_group(self, office_id: str, group_id: UUID | None) -> Group | None:
        if group_id is None:
            return None
        group = self.group_of(office_id, group_id)
        if group.retired:
            raise GroupRetired(field="group_id")
        return group

    def _consultation_for(self, office_id: str, clip: ClipContent, phone: str | None, actor: str, at: datetime,
                          into: UUID | None) -> Consultation:
        if into is not None:
            joined = self._load(into)
            if not isinstance(joined, Consultation) or joined.office_id != office_id:
                raise NotFound()
            check_joinable(joined)
            return joined
        identity = clip_identity(clip, phone)
        opened = Consultation.open(id=uuid4(), office_id=office_id, channel=Channel.MESSAGING, identity=identity,
                                   actor=actor, at=at, arrived_at=clip.sent_at)
        if clip.text:
            opened.record_problem(clip.text, actor, at)
        return opened

    def _keep(self, screenshot: Screenshot | None) -> Documentation | None:
        if screenshot is None:
            return None
        key, digest = self.screenshots.put(screenshot.data, screenshot.media_type)
        return Documentation(evidence_kind(key), key, digest)

    def _recorded_clip(self, own: UUID) -> ClipResult | None:
        try:
            clip = self._load(own)
        except NotFound:
            return None
        return ClipResult(clip.consultation_id, clip.opened, False)



def _clip_group(group: Group | None, given: ClipInput) -> ClipGroup:
    if group is None:
        return ClipGroup(given.group_name, platform_of(given.platform))
    return ClipGroup(group.name, group.platform, group.id, group.party)
