"""Telegram's Bot API as the node speaks it: the documented Update format as msgspec structs (only the parts the
channel reads; the rest of each object is ignored), what an update becomes (`chat_message`), and sendMessage."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import msgspec

from domain.messaging import ChatMessage, Entity, Network, addressed_text
from domain.messaging_media import MediaKind, MediaRef
from gateways.messaging.settings import TelegramBot

GROUPS = ("group", "supergroup")
MAX_TEXT = 4096  # sendMessage's limit, in characters after entity parsing
TIMEOUT = 30.0


class User(msgspec.Struct, frozen=True):
    id: int
    is_bot: bool = False
    first_name: str = ""
    last_name: str | None = None
    username: str | None = None


class Chat(msgspec.Struct, frozen=True):
    id: int
    type: str
    title: str | None = None


class MessageEntity(msgspec.Struct, frozen=True):
    type: str
    offset: int
    length: int


class PhotoSize(msgspec.Struct, frozen=True):
    file_id: str
    file_unique_id: str = ""
    width: int = 0
    height: int = 0
    file_size: int | None = None


class Document(msgspec.Struct, frozen=True):
    file_id: str
    file_name: str | None = None
    mime_type: str | None = None
    file_size: int | None = None


class Message(msgspec.Struct, frozen=True):
    message_id: int
    date: int
    chat: Chat
    sender: User | None = msgspec.field(default=None, name="from")
    text: str | None = None
    entities: list[MessageEntity] = []
    caption: str | None = None
    caption_entities: list[MessageEntity] = []
    reply_to_message: Message | None = None
    photo: list[PhotoSize] = []
    document: Document | None = None


class Update(msgspec.Struct, frozen=True):
    """An update; of its many kinds only `message` is taken in (an edit, a member joining, … are ignored)."""

    update_id: int
    message: Message | None = None


UPDATE = msgspec.json.Decoder(Update)


class SentMessage(msgspec.Struct, frozen=True):
    message_id: int


class ApiAnswer(msgspec.Struct, frozen=True):
    ok: bool
    result: SentMessage | None = None
    description: str = ""


class SendFailed(Exception):
    """The API refused or could not be reached; the answer stays in the outbox."""


def chat_message(update: Update, bot: TelegramBot) -> ChatMessage | None:
    """What an update gives the desk: a question addressed to the bot, or None (another kind of update, a bot's
    message, group chatter)."""
    message = update.message
    if message is None or message.sender is None or message.sender.is_bot:
        return None
    text, entities = (message.text, message.entities) if message.text is not None else (
        message.caption or "", message.caption_entities)
    attachments = tuple(kind for kind, present in (("foto", bool(message.photo)),
                                                   ("dokumen", message.document is not None)) if present)
    if message.chat.type in GROUPS:
        question = addressed_text(text, tuple(Entity(e.type, e.offset, e.length) for e in entities), bot.username,
                                  _replies_to(message.reply_to_message, bot))
    else:
        question = " ".join(text.split())  # a private chat with the bot: every message is for it
    if question is None or not (question or attachments):
        return None
    sender = message.sender
    return ChatMessage(
        network=Network.TELEGRAM, delivery=str(update.update_id), chat_id=str(message.chat.id),
        chat_title=message.chat.title or "", message_id=str(message.message_id), sender_id=str(sender.id),
        sender_name=" ".join(filter(None, (sender.first_name, sender.last_name))), text=question,
        sent_at=datetime.fromtimestamp(message.date, UTC), attachments=attachments, media=_media(message))


def _media(message: Message) -> tuple[MediaRef, ...]:
    """The photo in its largest size (Telegram sends every size it made; photos are JPEG) and the document."""
    found = []
    if message.photo:
        largest = max(message.photo, key=lambda size: (size.width * size.height, size.file_size or 0))
        found.append(MediaRef(kind=MediaKind.PHOTO, ref=largest.file_id, media_type="image/jpeg",
                              size=largest.file_size))
    if message.document is not None:
        found.append(MediaRef(kind=MediaKind.DOCUMENT, ref=message.document.file_id,
                              media_type=message.document.mime_type or "", size=message.document.file_size))
    return tuple(found)


def _replies_to(replied: Message | None, bot: TelegramBot) -> bool:
    author = replied.sender if replied is not None else None
    return author is not None and author.is_bot and (author.username or "").casefold() == bot.username.casefold()


def send_reply(bot: TelegramBot, chat_id: str, reply_to: str, text: str) -> str:
    """Posts `text` in the chat as a reply to the question; the posted message's id."""
    body = {"chat_id": int(chat_id), "text": text[:MAX_TEXT],
            "reply_parameters": {"message_id": int(reply_to), "allow_sending_without_reply": True}}
    try:
        response = httpx.post(bot.method_url("sendMessage"), json=body, timeout=TIMEOUT)
        answer = msgspec.json.decode(response.content, type=ApiAnswer)
    except (httpx.HTTPError, msgspec.DecodeError) as error:
        raise SendFailed(f"telegram: {type(error).__name__}") from None
    if not answer.ok or answer.result is None:
        raise SendFailed(f"telegram {response.status_code}: {answer.description}"[:300])
    return str(answer.result.message_id)
