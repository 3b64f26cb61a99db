"""FAQ Sipol entries put into a node as an office gets them (the FAQ search's tests and benchmark P8): the centre's
entries as copies received from above (domain/faq_copy.py), or the office's own, drafted and published."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from domain.faq import FaqEntry
from domain.faq_copy import FaqCopy
from domain.faq_values import Editor, FaqContent, FaqRelease, FaqStatus
from domain.offices import OfficeId
from domain.roles import Role
from gateways.faq_demo import demo_content

CHUNK = 200  # aggregates saved in one transaction


def receive(helpdesk: Any, contents: Iterable[FaqContent], at: datetime, owner: str = "pusat",
            via: str | None = None) -> list[UUID]:
    """Copies of `owner`'s published entries, as this office receives them; their ids in order."""
    copies = [FaqCopy.receive(FaqRelease(uuid4(), owner, 1, content, FaqStatus.PUBLISHED, at), via or owner, at)
              for content in contents]
    _save(helpdesk, copies)
    return [copy.id for copy in copies]


def publish_own(helpdesk: Any, office: str, contents: Iterable[FaqContent], at: datetime, publish: bool = True,
                actor: str = "ketua") -> list[UUID]:
    """The office's own entries, drafted (and published) by its Ketua Helpdesk; their ids in order."""
    editor = Editor(actor, Role.KETUA_HELPDESK, OfficeId(office))
    entries = []
    for content in contents:
        entry = FaqEntry.draft(content, editor, at)
        if publish:
            entry.publish(editor, at)
        entries.append(entry)
    _save(helpdesk, entries)
    return [entry.id for entry in entries]


def receive_demo(helpdesk: Any, demo: Sequence[dict[str, Any]], at: datetime) -> dict[UUID, str]:
    """The demo FAQ as copies of the centre's entries; each entry id with its key."""
    ids = receive(helpdesk, (demo_content(entry) for entry in demo), at)
    return {entry_id: entry["key"] for entry_id, entry in zip(ids, demo, strict=True)}


def _save(helpdesk: Any, aggregates: Sequence[Any]) -> None:
    for start in range(0, len(aggregates), CHUNK):
        helpdesk.save(*aggregates[start:start + CHUNK])
