"""Queries over the messaging read model: a sender's open consultation in a chat, a consultation's messages, the
answers waiting to be posted with where they go, and the media waiting to be fetched or what became of them."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

from domain.messaging import Network
from domain.messaging_media import MediaKind
from domain.script import Status
from projections.base import from_iso
from projections.runner import ReadModelRunner

NAME = "messaging"


class ChatOutboxRow(msgspec.Struct, frozen=True):
    """An answer to post: the consultation, the event that caused it, and where it goes (the question it replies to
    and the record of that question, which keeps the sealed sender)."""

    id: UUID
    consultation_id: UUID
    cause: str
    cause_version: int
    created_at: datetime
    network: Network
    chat_id: str
    reply_to: str
    first_message: UUID


class ChatRow(msgspec.Struct, frozen=True):
    id: str
    network: str
    chat_title: str
    disposition: str
    consultation_id: str
    read_at: datetime
    excerpt: str


class ChatMediaRow(msgspec.Struct, frozen=True):
    """A media a message named: where to fetch it (`ref` on `network`) and, once recorded, what became of it."""

    id: UUID
    message: UUID
    index: int
    consultation_id: UUID
    network: Network
    kind: MediaKind
    ref: str
    media_type: str
    size: int | None
    outcome: str | None  # None: waiting to be fetched
    reason: str | None
    storage_key: str | None


MEDIA_COLUMNS = ("SELECT id, message, idx, consultation_id, network, kind, ref, media_type, size, outcome, reason,"
                 " storage_key FROM rm_chat_media")


def _media(r: tuple) -> ChatMediaRow:
    return ChatMediaRow(UUID(r[0]), UUID(r[1]), int(r[2]), UUID(r[3]), Network(r[4]), MediaKind(r[5]), r[6], r[7],
                        None if r[8] is None else int(r[8]), *r[9:12])


def _at(text: str) -> datetime:
    moment = from_iso(text)
    assert moment is not None  # a NOT NULL column
    return moment


class MessagingQueries:
    def __init__(self, runner: ReadModelRunner) -> None:
        self.runner = runner

    def _query(self, statement: str, params: tuple = ()) -> list[tuple]:
        self.runner.catch_up(NAME)
        return self.runner.store.query(statement, params)

    def open_consultation(self, network: str, chat_id: str, sender_pseudonym: str) -> UUID | None:
        """The sender's newest consultation in that chat, unless it is closed."""
        found = self._query("SELECT consultation_id FROM rm_chat_threads WHERE network = ? AND chat_id = ?"
                            " AND sender_pseudonym = ? ORDER BY opened_at DESC LIMIT 1",
                            (network, chat_id, sender_pseudonym))
        if not found:
            return None
        self.runner.catch_up("consultations")
        status = self.runner.store.query("SELECT status FROM rm_consultations WHERE id = ?", (found[0][0],))
        return None if status and status[0][0] == Status.CLOSED.value else UUID(found[0][0])

    def pending(self, limit: int = 100) -> list[ChatOutboxRow]:
        """Answers recorded and not yet posted, oldest first."""
        rows = self._query(
            "SELECT o.id, o.consultation_id, o.cause, o.cause_event, o.created_at, t.network, t.chat_id, t.reply_to,"
            " t.first_message FROM rm_chat_outbox o JOIN rm_chat_threads t ON t.consultation_id = o.consultation_id"
            " WHERE o.sent_at IS NULL ORDER BY o.created_at LIMIT ?", (limit,))
        return [ChatOutboxRow(UUID(r[0]), UUID(r[1]), r[2], int(r[3]), _at(r[4]), Network(r[5]), r[6], r[7],
                              UUID(r[8])) for r in rows]

    def pending_media(self, limit: int = 50) -> list[ChatMediaRow]:
        """Media named by recorded messages and not yet fetched or given up, oldest first."""
        return [_media(r) for r in self._query(f"{MEDIA_COLUMNS} WHERE outcome IS NULL ORDER BY created_at, idx"
                                               " LIMIT ?", (limit,))]

    def media_of(self, consultation_id: UUID) -> list[ChatMediaRow]:
        """The media a consultation's messages named, pending or recorded (what the desk sees of them)."""
        return [_media(r) for r in self._query(f"{MEDIA_COLUMNS} WHERE consultation_id = ? ORDER BY created_at, idx",
                                               (str(consultation_id),))]

    def of_consultation(self, consultation_id: UUID) -> list[ChatRow]:
        rows = self._query("SELECT id, network, chat_title, disposition, consultation_id, read_at, excerpt"
                           " FROM rm_chat WHERE consultation_id = ? ORDER BY read_at", (str(consultation_id),))
        return [ChatRow(*r[:5], read_at=_at(r[5]), excerpt=r[6]) for r in rows]

    def answers_of(self, consultation_id: UUID) -> list[tuple[str, datetime | None]]:
        """Each answer of a consultation to be posted back on its network: (cause, when it left, or None)."""
        rows = self._query("SELECT cause, sent_at FROM rm_chat_outbox WHERE consultation_id = ? ORDER BY created_at",
                           (str(consultation_id),))
        return [(r[0], _at(r[1]) if r[1] else None) for r in rows]

    def count(self) -> int:
        return int(self._query("SELECT COUNT(*) FROM rm_chat")[0][0])

    def sent_count(self) -> int:
        return int(self._query("SELECT COUNT(*) FROM rm_chat_outbox WHERE sent_at IS NOT NULL")[0][0])
