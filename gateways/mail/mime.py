"""A mail as the mailbox gave it (its bytes) read into what the e-mail channel's rules look at (`ReadMail`).

The bytes are kept first, whole, so no mail is ever lost — not one too large to read, nor one the parser cannot
make sense of. Reading never raises: what stops a mail from being imported safely is named in `problems` (the
domain quarantines it), what the MIME parser found odd is kept in `defects`. Attachments go to the office's files,
where the bytes decide what a file is.
"""

from __future__ import annotations

import codecs
import email
import email.errors
import email.policy
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Any, cast

from domain.errors import TextRequired
from domain.mail import MAX_MAIL_BYTES, MAX_SUBJECT, Folder, MailAttachment, Quarantine, ReadMail
from domain.values import MAX_NAME, MAX_TEXT, clean_text
from gateways.mail.html import html_text, sanitise
from gateways.storage import MEDIA_OF_EXTENSION, FileRefused, FileStore, media_type_of, write_once

_RAW_KEY = re.compile(r"^mail/[0-9a-f]{64}\.eml$")
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
_ENCODED_WORD_CHARSET = re.compile(r"=\?([^?*\s]+)(?:\*[^?]*)?\?[bq]\?", re.IGNORECASE)
_HEADER_BLOCK_END = re.compile(rb"\r?\n\r?\n")
_HEAD_LIMIT = 256 * 1024  # how much of a mail too large to read is looked at for its headers
_MAX_REFERENCES = 100
_BASE64_DEFECTS = (email.errors.InvalidBase64PaddingDefect, email.errors.InvalidBase64CharactersDefect,
                   email.errors.InvalidBase64LengthDefect)


def store_raw(files: FileStore, raw: bytes) -> str:
    """Keeps a mail's bytes under `mail/<sha256>.eml` in the office's files (written whole, then renamed: a crash
    never leaves half a mail; the same mail kept again changes nothing). Returns the key."""
    key = f"mail/{hashlib.sha256(raw).hexdigest()}.eml"
    write_once(files.root / key, raw)
    return key


def read_raw(files: FileStore, key: str) -> bytes:
    """A kept mail's bytes, by the key `store_raw` gave."""
    if not _RAW_KEY.match(key):
        raise FileNotFoundError(key)
    return (Path(files.root) / key).read_bytes()


def read_mail(raw: bytes, *, mailbox: str, folder: Folder, uidvalidity: int, uid: int, files: FileStore) -> ReadMail:
    """What a mail is, made safe; its bytes are kept before anything else is done with them."""
    envelope: dict[str, Any] = {
        "mailbox": mailbox, "folder": folder, "uidvalidity": uidvalidity, "uid": uid,
        "raw_key": store_raw(files, raw), "content_hash": hashlib.sha256(raw).hexdigest(), "size": len(raw),
    }
    reading = _Reading()
    if len(raw) > MAX_MAIL_BYTES:
        reading.problem(Quarantine.TOO_LARGE)
        return _too_large(raw, envelope, reading)
    fields: dict[str, Any] = {"message_id": None}
    try:
        _read(raw, reading, files, fields)
    except Exception:  # whatever the parser trips over, the mail is kept and quarantined (with what was read)
        reading.problem(Quarantine.MALFORMED)
    return ReadMail(**envelope, **fields, problems=tuple(reading.problems), defects=tuple(reading.defects),
                    not_kept=tuple(reading.not_kept))


@dataclass
class _Reading:
    problems: list[Quarantine] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
    not_kept: list[str] = field(default_factory=list)

    def problem(self, reason: Quarantine) -> None:
        if reason not in self.problems:
            self.problems.append(reason)

    def found(self, part: Message) -> None:
        for defect in part.defects:
            name = type(defect).__name__
            if name not in self.defects:
                self.defects.append(name)


def _too_large(raw: bytes, envelope: dict[str, Any], reading: _Reading) -> ReadMail:
    """A mail too large to import: its headers alone are read (who sent it, about what), its body never is."""
    head = raw[:_HEAD_LIMIT]
    end = _HEADER_BLOCK_END.search(head)
    fields: dict[str, Any] = {"message_id": None}
    if end:
        try:
            message = BytesHeaderParser(policy=email.policy.default).parsebytes(head[:end.end()])
            fields = _headers(message, head[:end.end()], _Reading())  # no reason but its size is given
        except Exception:  # the headers are a courtesy here: the mail is quarantined as too large either way
            fields = {"message_id": None}
    return ReadMail(**envelope, **fields, problems=tuple(reading.problems))


def _read(raw: bytes, reading: _Reading, files: FileStore, fields: dict[str, Any]) -> None:
    """Fills `fields` as it reads: what was read before the parser tripped is kept."""
    message = cast(EmailMessage, email.message_from_bytes(raw, policy=email.policy.default))
    end = _HEADER_BLOCK_END.search(raw)
    fields.update(_headers(message, raw[:end.end()] if end else raw, reading))
    text, html = _body(message, reading)
    attachments = _attachments(message, reading, files)
    for part in message.walk():
        reading.found(part)
    fields.update(text=_readable(text, fields["subject"], attachments), html=html, attachments=attachments)


def _headers(message: Message, head: bytes, reading: _Reading) -> dict[str, Any]:
    name, address = _sender(message)
    return {
        "message_id": _first_id(_header(message, "Message-ID")),
        "in_reply_to": _first_id(_header(message, "In-Reply-To")),
        "references": _references(_header(message, "References")),
        "sender_name": name, "sender_address": address,
        "subject": _subject(message, head, reading),
        "sent_at": _sent_at(message),
        "automatic": _automatic(message),
    }


def _header(message: Message, name: str) -> str:
    try:
        value = message.get(name)
        return "" if value is None else str(value)
    except Exception:  # a header the parser cannot make sense of is read as absent
        return ""


def _first_id(value: str) -> str | None:
    match = _MESSAGE_ID.search(value)
    if match:
        return match.group(0)
    return value.strip()[:998] or None


def _references(value: str) -> tuple[str, ...]:
    ids = list(dict.fromkeys(_MESSAGE_ID.findall(value)))
    if len(ids) > _MAX_REFERENCES:  # the thread's first mail and its latest ones
        ids = ids[:1] + ids[-(_MAX_REFERENCES - 1):]
    return tuple(ids)


def _sender(message: Message) -> tuple[str, str | None]:
    try:
        addresses = message["From"].addresses if message.get("From") is not None else ()
    except Exception:  # an undecodable From is no usable sender
        return "", None
    if not addresses:
        return "", None
    first = addresses[0]
    name = _clean(" ".join(_readable_bytes(first.display_name or "").split()), MAX_NAME)
    spec = first.addr_spec or ""
    usable = first.username and first.domain and spec.isascii() and spec.isprintable() and " " not in spec
    return name, spec.lower() if usable else None


def _subject(message: Message, head: bytes, reading: _Reading) -> str:
    if _unknown_charsets(head):
        reading.problem(Quarantine.UNKNOWN_CHARSET)
    return _clean(" ".join(_header(message, "Subject").split()), MAX_SUBJECT)


def _unknown_charsets(head: bytes) -> bool:
    """Whether the Subject's encoded words name a charset this machine cannot decode (its text is then read as
    ASCII, the rest replaced)."""
    subject = re.search(rb"^subject:(.*(?:\r?\n[ \t].*)*)", head, re.IGNORECASE | re.MULTILINE)
    for charset in _ENCODED_WORD_CHARSET.findall(subject.group(1).decode("latin-1") if subject else ""):
        try:
            codecs.lookup(charset)
        except LookupError:
            if charset.lower() != "unknown-8bit":
                return True
    return False


def _sent_at(message: Message) -> datetime | None:
    try:
        moment = getattr(message.get("Date"), "datetime", None)
        if not isinstance(moment, datetime):
            return None
        # "-0000" (RFC 5322 §3.3: the zone is unknown) parses as naive: the time is taken as UTC.
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except Exception:  # a date the parser cannot make sense of is no date
        return None


def _automatic(message: Message) -> bool:
    """An automatic reply or a bulk mail (RFC 3834 Auto-Submitted, Precedence, a list's List-Id, a null sender)."""
    auto = _header(message, "Auto-Submitted").split(";")[0].strip().lower()
    precedence = _header(message, "Precedence").strip().lower()
    return bool(
        (auto and auto != "no") or precedence in ("bulk", "junk", "list") or "List-Id" in message
        or "".join(_header(message, "Return-Path").split()) == "<>"
    )



def _body(message: EmailMessage, reading: _Reading) -> tuple[str, str | None]:
    """The plain text and the sanitised HTML; the HTML's words when there is no plain text."""
    plain = message.get_body(preferencelist=("plain",))
    rich = message.get_body(preferencelist=("html",))
    html = sanitise(_content(rich, reading)) if rich is not None else None
    text = _content(plain, reading) if plain is not None else ""
    if not text.strip() and html:
        text = html_text(html)
    return text, html


def _content(part: Message, reading: _Reading) -> str:
    try:
        content = part.get_content()  # type: ignore[attr-defined]
    except LookupError:  # a charset this machine does not know: kept readable, the mail quarantined
        reading.problem(Quarantine.UNKNOWN_CHARSET)
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if any(isinstance(defect, _BASE64_DEFECTS) for defect in part.defects):
        reading.problem(Quarantine.MALFORMED)
    return content.replace("\r\n", "\n").replace("\r", "\n") if isinstance(content, str) else ""


def _readable(text: str, subject: str, attachments: tuple[MailAttachment, ...]) -> str:
    """The text a person reads: the body made clean, else (a mail of attachments alone) the subject."""
    return _clean(text, MAX_TEXT) or subject or ", ".join(attachment.filename for attachment in attachments)


def _clean(value: str, limit: int) -> str:
    """domain.values' rule for free text (invisible characters dropped, tabs and line breaks kept), cut to size."""
    window = value[:limit * 4]  # what invisible characters may be dropped from without reading megabytes
    try:
        return clean_text(window, "text", len(window))[:limit].rstrip()
    except TextRequired:
        return ""


def _readable_bytes(value: str) -> str:
    """A header word that arrived as raw 8-bit bytes (held as surrogates), read as the UTF-8 it nearly always is."""
    return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")



def _attachments(message: Message, reading: _Reading, files: FileStore) -> tuple[MailAttachment, ...]:
    kept = (_keep(part, reading, files) for part in _attached_parts(message))
    return tuple(attachment for attachment in kept if attachment is not None)


def _attached_parts(message: Message) -> Iterator[Message]:
    """Parts sent as attachments, and inline parts other than text that carry a file name (a pasted image)."""
    for part in message.walk():
        if part.is_multipart():
            continue
        if part.get_content_disposition() == "attachment" or (
                _filename(part) and part.get_content_maintype() != "text"):
            yield part


def _keep(part: Message, reading: _Reading, files: FileStore) -> MailAttachment | None:
    data = part.get_payload(decode=True)
    if any(isinstance(defect, _BASE64_DEFECTS) for defect in part.defects):
        reading.problem(Quarantine.MALFORMED)
        return None
    if not isinstance(data, bytes):
        data = b""
    filename = _filename(part)
    try:
        key, digest = files.put(data, part.get_content_type())
    except FileRefused as refused:
        if _disguised(refused, part.get_content_type(), filename):
            reading.problem(Quarantine.ATTACHMENT_MISMATCH)
        else:
            reading.not_kept.append(filename or part.get_content_type())
        return None
    return MailAttachment(filename=filename or key.rsplit("/", 1)[-1], media_type=media_type_of(key),
                          size=len(data), storage_key=key, sha256=digest)


def _disguised(refused: FileRefused, declared: str, filename: str) -> bool:
    """A file that is not what its type or its name says (a program named invoice.pdf) is a mismatch; one the
    office keeps no kind of, or too large or empty, is only not kept."""
    extension = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    claims_kept_kind = declared in MEDIA_OF_EXTENSION.values() or extension in (*MEDIA_OF_EXTENSION, ".jpeg")
    return refused.reason == "mismatch" or (refused.reason == "media_type" and claims_kept_kind)


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:  # a file name the parser cannot decode is no name
        return ""
    name = _readable_bytes(name).replace("\\", "/").rsplit("/", 1)[-1]
    return _clean(" ".join(name.split()), 255)
