"""The messaging channel's rules (SOP C.b): what a message from a Telegram group or a WhatsApp chat becomes, and the
record of it.

Every message taken in is one `ChatMessage` aggregate whose id is computed from the office, the network and the
network's own id of the delivery (Telegram's `update_id`, WhatsApp's wamid): the same delivery sent again names the
same aggregate and the event store refuses to create it twice. Its `Received` event is saved in the same transaction
as the consultation it opens or joins. A message joins the open consultation of the same sender in the same chat;
otherwise it opens a new one on the messaging channel. The media it names are fetched after (domain/messaging_media.py).

In a Telegram group only messages addressed to the office's bot count (`addressed_text`): a mention of the bot, a
reply to the bot's message, or the command `/tanya` (also `/tanya@bot`). Telegram counts entity offsets in UTF-16
code units, not in Python characters: an emoji before a mention moves it by two units.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec
from eventsourcing.domain import Aggregate

from domain.errors import InvalidInput
from domain.mail import UNKNOWN_PARTY
from domain.messaging_media import MediaRef
from domain.parties import Party
from domain.values import MAX_NAME, MAX_TEXT, Identity, clean_name, normalise_phone

COMMAND = "tanya"  # /tanya <pertanyaan>: the command that asks the desk in a group
CHAT_ACTOR = "pesan"  # who opens a consultation from a message, on its record: the channel, not a person


class Network(StrEnum):
    TELEGRAM = "telegram"
    WHATSAPP = "whatsapp"


class Disposition(StrEnum):
    OPENED = "opened"
    JOINED = "joined"


class Entity(msgspec.Struct, frozen=True):
    """A Telegram message entity: its type and where it is, in UTF-16 code units."""

    kind: str  # "mention", "bot_command", "text_mention", …
    offset: int
    length: int


class ChatMessage(msgspec.Struct, frozen=True, kw_only=True):
    """A message as the gateway read it, made plain: what the rules look at and what the record keeps."""

    network: Network
    delivery: str  # the network's id of the delivery: Telegram's update_id, WhatsApp's wamid
    chat_id: str  # the Telegram group's id; for WhatsApp the office's phone_number_id
    chat_title: str = ""  # the group's title (not personal data: a group of a party's liaisons)
    message_id: str  # what a reply names: Telegram's message_id in the chat, WhatsApp's wamid
    sender_id: str  # personal data: the Telegram user id, or the WhatsApp number (wa_id)
    sender_name: str = ""  # personal data: the name the sender goes by
    text: str  # the question, without the mention or command that addressed the bot
    sent_at: datetime | None = None
    attachments: tuple[str, ...] = ()  # what came with it, as the problem text names it ("foto", "dokumen")
    media: tuple[MediaRef, ...] = ()  # of those, what is fetched and kept as documentation (domain/messaging_media.py)


def message_key(office_id: str, network: Network, delivery: str) -> UUID:
    """The one id of a delivery at an office: the same update sent three times is one message."""
    return uuid5(NAMESPACE_URL, f"helpdesk-sipol:chat:{office_id}:{network.value}:{delivery}")


def outgoing_chat_id(originator: UUID | str, version: int) -> UUID:
    """The one id of the chat message an event causes (a consultation's answer): sent once."""
    return uuid5(NAMESPACE_URL, f"helpdesk-sipol:outgoing-chat:{originator}:{version}")


def utf16_slice(text: str, offset: int, length: int) -> str:
    """The part of `text` an entity names, its offset and length counted in UTF-16 code units as Telegram does."""
    units = text.encode("utf-16-le")
    return units[2 * offset: 2 * (offset + length)].decode("utf-16-le", errors="ignore")


def _without(text: str, spans: list[tuple[int, int]]) -> str:
    units = text.encode("utf-16-le")
    for offset, length in sorted(spans, reverse=True):
        units = units[: 2 * offset] + units[2 * (offset + length):]
    return " ".join(units.decode("utf-16-le", errors="ignore").split())


def addressed_text(text: str, entities: tuple[Entity, ...], bot_username: str, replied_to_bot: bool) -> str | None:
    """The question a group message puts to the bot, without the mention or command that addressed it; None when the
    message is not for the bot (group chatter, another bot's command)."""
    bot = bot_username.lstrip("@").casefold()
    addressed, spans = replied_to_bot, []
    for entity in entities:
        piece = utf16_slice(text, entity.offset, entity.length)
        if entity.kind == "mention" and piece.casefold() == f"@{bot}":
            addressed = True
            spans.append((entity.offset, entity.length))
        elif entity.kind == "bot_command" and entity.offset == 0:
            command, _, target = piece[1:].partition("@")
            if command.casefold() == COMMAND and target.casefold() in ("", bot):
                addressed = True
                spans.append((entity.offset, entity.length))
    return _without(text, spans) if addressed else None


def decide(open_consultation: UUID | None) -> Disposition:
    """A message joins its sender's open consultation in that chat, else opens one."""
    return Disposition.OPENED if open_consultation is None else Disposition.JOINED


def chat_identity(message: ChatMessage, party: Party | None) -> Identity:
    """The consultee as the message names them: the name they go by, their WhatsApp number (a Telegram member gives
    none: they are reached back in the group), the party when the group's register names it, else unknown until the
    desk sets it."""
    fallback = "Anggota grup" if message.network is Network.TELEGRAM else message.sender_id
    name = _shown_name(message.sender_name) or fallback
    phone = None
    if message.network is Network.WHATSAPP:
        try:
            phone = normalise_phone(f"+{message.sender_id.lstrip('+')}")
        except InvalidInput:
            phone = None  # a number the phone rules do not know: the reply goes to the chat all the same
    return Identity(name=name, party=party or UNKNOWN_PARTY, phone=phone)


def _shown_name(raw: str) -> str:
    """A name as a network shows it, made fit for lists and reports: invisible and control characters (a joiner in an
    emoji, a direction override) left out rather than refused — the sender typed it for their profile, not for us."""
    visible = "".join(char for char in raw if unicodedata.category(char)[0] != "C")
    try:
        return clean_name(" ".join(visible.split())[:MAX_NAME], "name")
    except InvalidInput:
        return ""


def problem_text(message: ChatMessage) -> str:
    lines = [message.text.strip()]
    if message.attachments:
        lines.append(f"[lampiran: {', '.join(message.attachments)}]")
    return "\n\n".join(line for line in lines if line)[:MAX_TEXT] or "-"


class ChatReceived(Aggregate):
    """One message the office's bot or WhatsApp number received, and the consultation it opened or joined."""

    class Received(Aggregate.Created):
        office_id: str
        message: ChatMessage
        disposition: Disposition
        consultation_id: UUID
        sender_pseudonym: str  # the office's pseudonym of the sender: finds their open consultation again
        read_at: datetime
        subject_id: UUID  # whose personal data the sender's id and name are: the consultation's consultee

    @classmethod
    def receive(cls, office_id: str, message: ChatMessage, disposition: Disposition, consultation_id: UUID,
                sender_pseudonym: str, at: datetime) -> ChatReceived:
        return cls._create(
            cls.Received, id=message_key(office_id, message.network, message.delivery), timestamp=at,
            office_id=office_id, message=message, disposition=disposition, consultation_id=consultation_id,
            sender_pseudonym=sender_pseudonym, read_at=at, subject_id=consultation_id)

    def __init__(self, office_id: str, message: ChatMessage, disposition: Disposition, consultation_id: UUID,
                 sender_pseudonym: str, read_at: datetime, subject_id: UUID) -> None:
        self.office_id = office_id
        self.message = message
        self.disposition = disposition
        self.consultation_id = consultation_id


class OutgoingChat(Aggregate):
    """A message the office posted (an answer), created once sent, under the id of what caused it."""

    class Sent(Aggregate.Created):
        office_id: str
        consultation_id: UUID
        network: Network
        chat_id: str
        reply_to: str  # the question's message id
        sent_message_id: str  # the network's id of the posted message
        cause: str
        sent_at: datetime

    @classmethod
    def record(cls, *, id: UUID, office_id: str, consultation_id: UUID, network: Network, chat_id: str,
               reply_to: str, sent_message_id: str, cause: str, at: datetime) -> OutgoingChat:
        return cls._create(cls.Sent, id=id, timestamp=at, office_id=office_id, consultation_id=consultation_id,
                           network=network, chat_id=chat_id, reply_to=reply_to, sent_message_id=sent_message_id,
                           cause=cause, sent_at=at)

    def __init__(self, office_id: str, consultation_id: UUID, network: Network, chat_id: str, reply_to: str,
                 sent_message_id: str, cause: str, sent_at: datetime) -> None:
        self.office_id = office_id
        self.consultation_id = consultation_id
        self.sent_message_id = sent_message_id
