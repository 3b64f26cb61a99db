"""The WhatsApp Cloud API as the node speaks it: the webhook's signature, the documented payload (object → entry[] →
changes[] → value with metadata, contacts[], messages[]; statuses[] are receipts, ignored) as msgspec structs, what a
message becomes (`chat_messages`), and the messages endpoint that sends a reply."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

import httpx
import msgspec

from domain.messaging import ChatMessage, Network
from domain.messaging_media import MediaKind, MediaRef
from gateways.messaging.settings import WhatsAppAccount
from gateways.messaging.telegram import SendFailed

MAX_TEXT = 4096  # a text message's body limit
TIMEOUT = 30.0
TAKEN = ("text", "image", "document", "video", "audio")  # a reaction, a sticker, a location… is not a question
FETCHED = {"image": MediaKind.PHOTO, "document": MediaKind.DOCUMENT}  # what is kept (domain/messaging_media.py)


class Text(msgspec.Struct, frozen=True):
    body: str = ""


class Media(msgspec.Struct, frozen=True):
    id: str = ""
    caption: str | None = None
    mime_type: str | None = None


class WaMessage(msgspec.Struct, frozen=True):
    sender: str = msgspec.field(name="from")
    id: str = ""
    timestamp: str = "0"
    type: str = ""
    text: Text | None = None
    image: Media | None = None
    document: Media | None = None
    video: Media | None = None


class Profile(msgspec.Struct, frozen=True):
    name: str = ""


class Contact(msgspec.Struct, frozen=True):
    wa_id: str
    profile: Profile | None = None


class Metadata(msgspec.Struct, frozen=True):
    phone_number_id: str
    display_phone_number: str = ""


class Value(msgspec.Struct, frozen=True):
    metadata: Metadata | None = None
    contacts: list[Contact] = []
    messages: list[WaMessage] = []


class Change(msgspec.Struct, frozen=True):
    field: str
    value: Value


class Entry(msgspec.Struct, frozen=True):
    id: str = ""
    changes: list[Change] = []


class Payload(msgspec.Struct, frozen=True):
    object: str
    entry: list[Entry] = []


PAYLOAD = msgspec.json.Decoder(Payload)


def signature_valid(app_secret: str, raw: bytes, header: str | None) -> bool:
    """X-Hub-Signature-256 is "sha256=" and the HMAC-SHA256 of the raw body under the app secret (compared in
    constant time; the body is never parsed before this)."""
    if not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), raw, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header[len("sha256="):].strip().lower())


def chat_messages(payload: Payload, account: WhatsAppAccount) -> list[ChatMessage]:
    """The messages to the office's number in a payload that a person wrote (receipts and other numbers' changes
    left out)."""
    found = []
    for entry in payload.entry:
        for change in entry.changes:
            value = change.value
            if change.field != "messages" or value.metadata is None:
                continue
            if value.metadata.phone_number_id != account.phone_number_id:
                continue
            names = {c.wa_id: c.profile.name for c in value.contacts if c.profile is not None}
            found += [m for each in value.messages if (m := _message(each, value.metadata, names)) is not None]
    return found


def _message(message: WaMessage, metadata: Metadata, names: dict[str, str]) -> ChatMessage | None:
    if message.type not in TAKEN or not message.id:
        return None
    media = message.image or message.document or message.video
    text = message.text.body if message.text is not None else (media.caption or "" if media is not None else "")
    attachments = () if message.type == "text" else ({"image": "foto", "document": "dokumen"}.get(
        message.type, message.type),)
    if not text.strip() and not attachments:
        return None
    return ChatMessage(
        network=Network.WHATSAPP, delivery=message.id, chat_id=metadata.phone_number_id, message_id=message.id,
        sender_id=message.sender, sender_name=names.get(message.sender, ""), text=" ".join(text.split()),
        sent_at=_moment(message.timestamp), attachments=attachments, media=_media(message, media))


def _media(message: WaMessage, media: Media | None) -> tuple[MediaRef, ...]:
    kind = FETCHED.get(message.type)
    if kind is None or media is None or not media.id:
        return ()
    return (MediaRef(kind=kind, ref=media.id, media_type=media.mime_type or ""),)


def _moment(timestamp: str) -> datetime | None:
    return datetime.fromtimestamp(int(timestamp), UTC) if timestamp.isdigit() else None


class SentIds(msgspec.Struct, frozen=True):
    id: str


class SendAnswer(msgspec.Struct, frozen=True):
    messages: list[SentIds] = []


def send_reply(account: WhatsAppAccount, to: str, reply_to: str, text: str) -> str:
    """Sends `text` to the number as a reply to its message (context.message_id); the sent message's wamid."""
    body = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, "type": "text",
            "context": {"message_id": reply_to}, "text": {"preview_url": False, "body": text[:MAX_TEXT]}}
    headers = {"Authorization": f"Bearer {account.access_token}"}
    try:
        response = httpx.post(account.messages_url, json=body, headers=headers, timeout=TIMEOUT)
        answer = msgspec.json.decode(response.content, type=SendAnswer)
    except (httpx.HTTPError, msgspec.DecodeError) as error:
        raise SendFailed(f"whatsapp: {type(error).__name__}") from None
    if response.status_code != 200 or not answer.messages:
        raise SendFailed(f"whatsapp {response.status_code}")
    return answer.messages[0].id
