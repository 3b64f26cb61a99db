"""Fetching a media a message named, as each network documents it:

- Telegram Bot API: getFile(file_id) → a File whose `file_path` is downloaded from
  {api_base}/file/bot<token>/<file_path> (bots may download files up to 20 MB).
- WhatsApp Cloud API: GET {api_base}/<media-id> with the bearer token → {"url", "mime_type", "sha256",
  "file_size", "id"}; the `url` is then fetched with the same bearer token (it is valid for a few minutes).

A size the network declares above the store's limit is refused before a byte is downloaded (domain/messaging_media.py
`too_large`); a download is read up to that limit and no further.
"""

from __future__ import annotations

import httpx
import msgspec

from domain.messaging_media import too_large
from gateways.messaging.settings import TelegramBot, WhatsAppAccount

TIMEOUT = 60.0


class FetchFailed(Exception):
    """The network did not give the media (unreachable, an error, an unknown id): tried again next round."""


class TooLarge(Exception):
    """The media is larger than the office keeps."""


class File(msgspec.Struct, frozen=True):
    file_id: str
    file_size: int | None = None
    file_path: str | None = None


class GetFileAnswer(msgspec.Struct, frozen=True):
    ok: bool
    result: File | None = None
    description: str = ""


class MediaUrl(msgspec.Struct, frozen=True):
    url: str
    mime_type: str = ""
    file_size: int | str | None = None  # documented as a string, sent as a number


def telegram_file(bot: TelegramBot, file_id: str, max_bytes: int) -> bytes:
    try:
        response = httpx.post(bot.method_url("getFile"), json={"file_id": file_id}, timeout=TIMEOUT)
        answer = msgspec.json.decode(response.content, type=GetFileAnswer)
    except (httpx.HTTPError, msgspec.DecodeError) as error:
        raise FetchFailed(f"telegram getFile: {type(error).__name__}") from None
    if not answer.ok or answer.result is None or not answer.result.file_path:
        raise FetchFailed(f"telegram getFile {response.status_code}: {answer.description}"[:300])
    if too_large(answer.result.file_size, max_bytes):
        raise TooLarge()
    return _download(f"{bot.api_base.rstrip('/')}/file/bot{bot.token}/{answer.result.file_path}", {}, max_bytes)


def whatsapp_media(account: WhatsAppAccount, media_id: str, max_bytes: int) -> bytes:
    headers = {"Authorization": f"Bearer {account.access_token}"}
    try:
        response = httpx.get(f"{account.api_base.rstrip('/')}/{media_id}", headers=headers, timeout=TIMEOUT)
        found = msgspec.json.decode(response.content, type=MediaUrl) if response.status_code == 200 else None
    except (httpx.HTTPError, msgspec.DecodeError) as error:
        raise FetchFailed(f"whatsapp media: {type(error).__name__}") from None
    if found is None:
        raise FetchFailed(f"whatsapp media {response.status_code}")
    size = found.file_size
    if too_large(int(size) if isinstance(size, int) or (size or "").isdigit() else None, max_bytes):
        raise TooLarge()
    return _download(found.url, headers, max_bytes)


def _download(url: str, headers: dict[str, str], max_bytes: int) -> bytes:
    """The bytes at `url`, read no further than `max_bytes` (TooLarge beyond)."""
    data = bytearray()
    try:
        with httpx.stream("GET", url, headers=headers, timeout=TIMEOUT, follow_redirects=True) as response:
            if response.status_code != 200:
                raise FetchFailed(f"download {response.status_code}")
            for chunk in response.iter_bytes():
                data += chunk
                if too_large(len(data), max_bytes):
                    raise TooLarge()
    except httpx.HTTPError as error:
        raise FetchFailed(f"download: {type(error).__name__}") from None
    return bytes(data)
