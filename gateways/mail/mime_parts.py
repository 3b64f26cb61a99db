"""A mail's parts read in one walk over its MIME tree: the parser's defects of every part, the attachments kept in
the office's files (where the bytes decide what a file is), and the plain text and sanitised HTML a person reads.
"""

from __future__ import annotations

import email.errors
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message

from domain.mail import MailAttachment, Quarantine
from gateways.mail.html import html_text, sanitise
from gateways.mail.mime_headers import clean, readable_bytes
from gateways.storage import MEDIA_OF_EXTENSION, DocumentStore, FileRefused, media_type_of

_BASE64_DEFECTS = (email.errors.InvalidBase64PaddingDefect, email.errors.InvalidBase64CharactersDefect,
                   email.errors.InvalidBase64LengthDefect)


@dataclass
class Reading:
    """What reading one mail found: reasons not to import it, the parser's defects, attachments not kept."""

    problems: list[Quarantine] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
    not_kept: list[str] = field(default_factory=list)

    def problem(self, reason: Quarantine) -> None:
        if reason not in self.problems:
            self.problems.append(reason)

    def found(self, parts: list[Message]) -> None:
        """The parser's defects of every part (decoding a part's payload adds its own: noted last)."""
        for part in parts:
            for defect in part.defects:
                name = type(defect).__name__
                if name not in self.defects:
                    self.defects.append(name)


def walk(message: Message) -> tuple[list[Message], list[Message]]:
    """The one walk over the tree: (every part, the parts sent as attachments and the inline parts other than text
    that carry a file name — a pasted image), in order."""
    parts = list(message.walk())
    attached = [part for part in parts if not part.is_multipart() and (
        part.get_content_disposition() == "attachment" or (_filename(part) and part.get_content_maintype() != "text"))]
    return parts, attached


def body(message: Message, reading: Reading) -> tuple[str, str | None]:
    """The plain text and the sanitised HTML; the HTML's words when there is no plain text."""
    plain, rich = _bodies(message)
    html = sanitise(_content(rich, reading)) if rich is not None else None
    text = _content(plain, reading) if plain is not None else ""
    if not text.strip() and html:
        text = html_text(html)
    return text, html


def _bodies(message: Message) -> tuple[Message | None, Message | None]:
    """What `EmailMessage.get_body(("plain",))` and `get_body(("html",))` each give, found in one descent: the
    first text/plain and the first text/html part that is no attachment, in the standard library's order (into
    every multipart, into a multipart/related only through its start part, else its first)."""
    plain = rich = None
    for part in _candidates(message, message.is_multipart()):
        subtype = part.get_content_subtype()
        if subtype == "plain" and plain is None:
            plain = part
        elif subtype == "html" and rich is None:
            rich = part
        if plain is not None and rich is not None:
            break
    return plain, rich


def _candidates(part: Message, multipart: bool) -> Iterator[Message]:
    # `multipart` is the top message's, as get_body asks it (email/message.py: _find_body checks `self`).
    if part.is_attachment():  # type: ignore[attr-defined]
        return
    maintype, subtype = part.get_content_maintype(), part.get_content_subtype()
    if maintype == "text":
        if subtype in ("plain", "html"):
            yield part
        return
    if maintype != "multipart" or not multipart:
        return
    if subtype != "related":
        for subpart in part.iter_parts():  # type: ignore[attr-defined]
            yield from _candidates(subpart, multipart)
        return
    candidate = None
    start = part.get_param("start")
    if start:
        candidate = next((sub for sub in part.iter_parts() if sub["content-id"] == start),  # type: ignore[attr-defined]
                         None)
    if candidate is None:
        subparts = part.get_payload()
        candidate = subparts[0] if subparts else None
    if candidate is not None:
        yield from _candidates(candidate, multipart)


def _content(part: Message, reading: Reading) -> str:
    try:
        content = part.get_content()  # type: ignore[attr-defined]
    except LookupError:  # a charset this machine does not know: kept readable, the mail quarantined
        reading.problem(Quarantine.UNKNOWN_CHARSET)
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if any(isinstance(defect, _BASE64_DEFECTS) for defect in part.defects):
        reading.problem(Quarantine.MALFORMED)
    return content.replace("\r\n", "\n").replace("\r", "\n") if isinstance(content, str) else ""


def attachments(parts: list[Message], reading: Reading, files: DocumentStore) -> tuple[MailAttachment, ...]:
    kept = (_keep(part, reading, files) for part in parts)
    return tuple(attachment for attachment in kept if attachment is not None)


def _keep(part: Message, reading: Reading, files: DocumentStore) -> MailAttachment | None:
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
    name = readable_bytes(name).replace("\\", "/").rsplit("/", 1)[-1]
    return clean(" ".join(name.split()), 255)
