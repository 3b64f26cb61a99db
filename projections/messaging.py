"""The office's messaging channel as the desk works it: every message taken in (what it became), each chatted
consultation's thread (the chat it lives in, the sender's pseudonym, the question an answer replies to), and the
answers waiting to be posted (the outbox), and the media each message named: pending until fetched, then what became
of each (attached, refused, unreachable, closed).

No personal data is kept here: the sender is known by the office's pseudonym only (their id and name stay sealed in
the events). A consultation's answers are posted back when it came by a chat: its Answered and AnswerArrived events
make an outbox row, which the `OutgoingChat.Sent` of the same cause closes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from domain.consultation import Consultation
from domain.messaging import ChatReceived, Disposition, OutgoingChat, outgoing_chat_id
from domain.messaging_media import ChatMedia, media_key
from projections.base import ReadModel, Writer, among, iso

CHAT = """
    id TEXT PRIMARY KEY, office_id TEXT NOT NULL, network TEXT NOT NULL, chat_id TEXT NOT NULL,
    chat_title TEXT NOT NULL, message_id TEXT NOT NULL, disposition TEXT NOT NULL, consultation_id TEXT NOT NULL,
    sender_pseudonym TEXT NOT NULL, read_at TEXT NOT NULL, excerpt TEXT NOT NULL
"""
# A consultation opened by a message: where it lives and what its answers reply to.
THREADS = """
    consultation_id TEXT PRIMARY KEY, network TEXT NOT NULL, chat_id TEXT NOT NULL, sender_pseudonym TEXT NOT NULL,
    first_message TEXT NOT NULL, reply_to TEXT NOT NULL, opened_at TEXT NOT NULL
"""
OUTBOX = """
    id TEXT PRIMARY KEY, consultation_id TEXT NOT NULL, cause TEXT NOT NULL, cause_event TEXT NOT NULL,
    created_at TEXT NOT NULL, sent_at TEXT, sent_message_id TEXT
"""
# A media a message named (outcome NULL: waiting to be fetched).
MEDIA = """
    id TEXT PRIMARY KEY, message TEXT NOT NULL, idx INTEGER NOT NULL, consultation_id TEXT NOT NULL,
    network TEXT NOT NULL, kind TEXT NOT NULL, ref TEXT NOT NULL, media_type TEXT NOT NULL, size BIGINT,
    created_at TEXT NOT NULL, outcome TEXT, reason TEXT, storage_key TEXT, recorded_at TEXT
"""
EXCERPT = 300


class MessagingProjection(ReadModel):
    name = "messaging"
    version = 2
    tables: ClassVar[dict[str, str]] = {"rm_chat": CHAT, "rm_chat_threads": THREADS, "rm_chat_outbox": OUTBOX,
                                        "rm_chat_media": MEDIA}
    indexes = (
        "CREATE INDEX IF NOT EXISTS rm_chat_consultation ON rm_chat (consultation_id, read_at)",
        "CREATE INDEX IF NOT EXISTS rm_chat_threads_sender ON rm_chat_threads (network, chat_id, sender_pseudonym)",
        "CREATE INDEX IF NOT EXISTS rm_chat_outbox_pending ON rm_chat_outbox (sent_at, created_at)",
        "CREATE INDEX IF NOT EXISTS rm_chat_media_pending ON rm_chat_media (outcome, created_at)",
        "CREATE INDEX IF NOT EXISTS rm_chat_media_consultation ON rm_chat_media (consultation_id)",
    )
    topics = (ChatReceived.Received, OutgoingChat.Sent, Consultation.Answered, Consultation.AnswerArrived,
              ChatMedia.Recorded)

    # Between begin_batch and end_batch: the consultations of the batch's answers that came by a chat, read with one
    # query and kept up to date by the batch's messages, so an answer needs no look-up of its own.
    _chatted: set[str] | None = None

    def begin_batch(self, tx: Writer, events: Sequence[Any] = ()) -> None:
        answered = [str(event.originator_id) for event in events if type(event) in _ANSWERS]
        self._chatted = among(tx, "rm_chat_threads", "consultation_id", answered)

    def end_batch(self, tx: Writer) -> None:
        self._chatted = None

    def process(self, event: Any, position: int, tx: Writer) -> None:
        chatted, kind = self._chatted, type(event)
        if chatted is None:
            HANDLERS[kind](event, tx)
        elif kind in _ANSWERS:
            if str(event.originator_id) in chatted:
                _outbox(event, tx)
        else:
            HANDLERS[kind](event, tx)
            if kind is ChatReceived.Received and event.disposition is Disposition.OPENED:
                chatted.add(str(event.consultation_id))  # `_received` made its thread


def _received(event: ChatReceived.Received, tx: Writer) -> None:
    message, key, consultation = event.message, str(event.originator_id), str(event.consultation_id)
    tx.execute(
        "INSERT INTO rm_chat (id, office_id, network, chat_id, chat_title, message_id, disposition, consultation_id,"
        " sender_pseudonym, read_at, excerpt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
        (key, event.office_id, message.network.value, message.chat_id, message.chat_title, message.message_id,
         event.disposition.value, consultation, event.sender_pseudonym, iso(event.read_at), message.text[:EXCERPT]),
    )
    if event.disposition is Disposition.OPENED:
        tx.execute(
            "INSERT INTO rm_chat_threads (consultation_id, network, chat_id, sender_pseudonym, first_message,"
            " reply_to, opened_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (consultation_id) DO NOTHING",
            (consultation, message.network.value, message.chat_id, event.sender_pseudonym, key, message.message_id,
             iso(event.read_at)),
        )
    for index, media in enumerate(message.media):
        tx.execute(
            "INSERT INTO rm_chat_media (id, message, idx, consultation_id, network, kind, ref, media_type, size,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
            (str(media_key(event.originator_id, index)), key, index, consultation, message.network.value,
             media.kind.value, media.ref, media.media_type, media.size, iso(event.read_at)),
        )


def _media(event: ChatMedia.Recorded, tx: Writer) -> None:
    documentation = event.documentation
    tx.execute("UPDATE rm_chat_media SET outcome = ?, reason = ?, storage_key = ?, recorded_at = ? WHERE id = ?",
               (event.outcome.value, event.reason, documentation.storage_key if documentation else None,
                iso(event.recorded_at), str(event.originator_id)))


def _sent(event: OutgoingChat.Sent, tx: Writer) -> None:
    tx.execute("UPDATE rm_chat_outbox SET sent_at = ?, sent_message_id = ? WHERE id = ?",
               (iso(event.sent_at), event.sent_message_id, str(event.originator_id)))


def _answered(event: Any, tx: Writer) -> None:
    """An answer of a consultation that came by a chat goes back to that chat: one outbox row per answer event."""
    consultation = str(event.originator_id)
    if tx.execute("SELECT 1 FROM rm_chat_threads WHERE consultation_id = ?", (consultation,)):
        _outbox(event, tx)


def _outbox(event: Any, tx: Writer) -> None:
    consultation = str(event.originator_id)
    tx.execute(
        "INSERT INTO rm_chat_outbox (id, consultation_id, cause, cause_event, created_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
        (str(outgoing_chat_id(event.originator_id, event.originator_version)), consultation, "answer",
         str(event.originator_version), iso(event.timestamp)),
    )


_ANSWERS = (Consultation.Answered, Consultation.AnswerArrived)
HANDLERS: dict[type, Callable[[Any, Writer], None]] = {
    ChatReceived.Received: _received,
    OutgoingChat.Sent: _sent,
    Consultation.Answered: _answered,
    Consultation.AnswerArrived: _answered,
    ChatMedia.Recorded: _media,
}
