"""Webhook payloads in the documented formats: Telegram Bot API Updates and WhatsApp Cloud API change notifications,
with the headers each network sends (the secret token; the HMAC-SHA256 signature of the raw body)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

BOT = "helpdesk_kab1613_bot"
GROUP_ID = -1001234567890


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def telegram_message(update_id: int, text: str, *, message_id: int = 100, user_id: int = 5550001,
                     first_name: str = "Tono", last_name: str = "Sugiarto", entities: list[dict] | None = None,
                     reply_to: dict | None = None, chat_type: str = "supergroup") -> dict[str, Any]:
    """An Update with a group message from a person (`entities` as Telegram counts them, in UTF-16 units)."""
    message: dict[str, Any] = {
        "message_id": message_id, "date": int(time.time()),
        "from": {"id": user_id, "is_bot": False, "first_name": first_name, "last_name": last_name,
                 "language_code": "id"},
        "chat": {"id": GROUP_ID, "title": "LO Partai Contoh Kab. OKU", "type": chat_type},
        "text": text,
    }
    if entities:
        message["entities"] = entities
    if reply_to is not None:
        message["reply_to_message"] = reply_to
    return {"update_id": update_id, "message": message}


def mention(text: str, bot: str = BOT) -> list[dict]:
    """The mention entity of `@bot` in `text`, at its UTF-16 offset."""
    at = text.index(f"@{bot}")
    return [{"type": "mention", "offset": utf16_len(text[:at]), "length": utf16_len(f"@{bot}")}]


def command(text: str) -> list[dict]:
    """The bot_command entity at the start of `text` (e.g. "/tanya@bot …")."""
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(text.split(" ", 1)[0])}]


def bot_message(message_id: int, bot: str = BOT) -> dict[str, Any]:
    """A message the bot posted, as a reply_to_message names it."""
    return {"message_id": message_id, "date": int(time.time()),
            "from": {"id": 7770001, "is_bot": True, "first_name": "Helpdesk", "username": bot},
            "chat": {"id": GROUP_ID, "title": "LO Partai Contoh Kab. OKU", "type": "supergroup"}, "text": "Jawaban"}


def telegram_headers(secret: str) -> dict[str, str]:
    return {"X-Telegram-Bot-Api-Secret-Token": secret, "Content-Type": "application/json"}


def whatsapp_payload(wamid: str, text: str, *, phone_number_id: str, sender: str = "6281234567890",
                     name: str = "Siti Aminah") -> dict[str, Any]:
    """A "messages" change notification of the office's number with one text message."""
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "6281100000000", "phone_number_id": phone_number_id},
        "contacts": [{"profile": {"name": name}, "wa_id": sender}],
        "messages": [{"from": sender, "id": wamid, "timestamp": str(int(time.time())), "type": "text",
                      "text": {"body": text}}],
    }
    return {"object": "whatsapp_business_account",
            "entry": [{"id": "102290129340398", "changes": [{"value": value, "field": "messages"}]}]}


def whatsapp_status(wamid: str, *, phone_number_id: str) -> dict[str, Any]:
    """A delivery receipt (statuses[]): nothing for the desk."""
    value = {"messaging_product": "whatsapp",
             "metadata": {"display_phone_number": "6281100000000", "phone_number_id": phone_number_id},
             "statuses": [{"id": wamid, "status": "delivered", "timestamp": str(int(time.time())),
                           "recipient_id": "6281234567890"}]}
    return {"object": "whatsapp_business_account",
            "entry": [{"id": "102290129340398", "changes": [{"value": value, "field": "messages"}]}]}


def signed(app_secret: str, payload: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    """The raw body and the headers WhatsApp sends with it."""
    raw = json.dumps(payload, separators=(",", ":")).encode()
    digest = hmac.new(app_secret.encode(), raw, hashlib.sha256).hexdigest()
    return raw, {"X-Hub-Signature-256": f"sha256={digest}", "Content-Type": "application/json"}


def with_photo(update: dict[str, Any], file_id: str, file_size: int) -> dict[str, Any]:
    """The update's message made a photo with a caption, as Telegram sends it: the text becomes the caption (its
    entities caption_entities) and `photo` lists every size made, the largest last."""
    message = update["message"]
    message["caption"] = message.pop("text")
    if "entities" in message:
        message["caption_entities"] = message.pop("entities")
    message["photo"] = [
        {"file_id": f"{file_id}-kecil", "file_unique_id": "AQADs", "file_size": 1200, "width": 90, "height": 60},
        {"file_id": file_id, "file_unique_id": "AQADm", "file_size": file_size, "width": 1280, "height": 853},
    ]
    return update


def with_document(update: dict[str, Any], file_id: str, mime_type: str, file_size: int) -> dict[str, Any]:
    message = update["message"]
    message["caption"] = message.pop("text")
    if "entities" in message:
        message["caption_entities"] = message.pop("entities")
    message["document"] = {"file_name": "berkas", "mime_type": mime_type, "file_id": file_id,
                           "file_unique_id": "AgADd", "file_size": file_size}
    return update


def whatsapp_media_payload(wamid: str, media_id: str, *, kind: str, mime_type: str, caption: str,
                           phone_number_id: str, sender: str = "6281234567890") -> dict[str, Any]:
    """A "messages" change with one image or document message (its media id, type, hash and caption)."""
    payload = whatsapp_payload(wamid, "", phone_number_id=phone_number_id, sender=sender)
    message = payload["entry"][0]["changes"][0]["value"]["messages"][0]
    del message["text"]
    message["type"] = kind
    message[kind] = {"caption": caption, "mime_type": mime_type, "sha256": "dW5p", "id": media_id}
    return payload
