"""A clip as the page's form and the API's multipart body send it, read into the service's input: the same reading
for both (gateways/web/clips.py, gateways/http/groups.py). The rules are the domain's (domain/clip.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from litestar.datastructures import UploadFile

from domain.clip import ClipTimeRequired, UnknownClipGroup
from domain.errors import NotFound
from domain.offices import OfficeId
from services.clips import ClipInput, Screenshot

FIELDS = ("key", "sender", "text", "sent_at", "group_id", "group_name", "platform", "phone")


def form_values(data: dict[str, Any]) -> dict[str, str]:
    """The clip's text fields as typed (a file field is no text)."""
    return {name: value.strip() if name != "text" else value for name in FIELDS
            if isinstance(value := data.get(name, ""), str)}


def read_clip(data: dict[str, Any], office: OfficeId, key: str | None = None) -> ClipInput:
    """The clip in a multipart body: its fields, the sent time in the office's zone when it names none, and the
    screenshot when a file came (an empty file field is none)."""
    values = form_values(data)
    upload = data.get("file")
    content = upload.file.read() if isinstance(upload, UploadFile) else b""
    screenshot = Screenshot(content, upload.content_type or "") if content and isinstance(upload, UploadFile) else None
    return ClipInput(
        key=key or values.get("key") or str(uuid4()), sender=values.get("sender", ""), text=values.get("text", ""),
        sent_at=_moment(values.get("sent_at", ""), office), group_id=_group_id(values.get("group_id", "")),
        group_name=values.get("group_name", ""), platform=values.get("platform") or "whatsapp",
        phone=values.get("phone") or None, screenshot=screenshot,
    )


def consultation_of(data: dict[str, Any]) -> UUID | None:
    """The open consultation a clip is added to (`consultation_id`), or None: a new one."""
    text = data.get("consultation_id")
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        return UUID(text.strip())
    except ValueError:
        raise NotFound(field="consultation_id") from None


def _moment(text: str, office: OfficeId) -> datetime:
    """An ISO time, or a `datetime-local` value read in the office's own zone."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ClipTimeRequired(field="sent_at") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=ZoneInfo(office.timezone))


def _group_id(text: str) -> UUID | None:
    if not text:
        return None
    try:
        return UUID(text)
    except ValueError:
        raise UnknownClipGroup(field="group_id") from None
