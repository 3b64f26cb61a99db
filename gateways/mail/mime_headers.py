"""A mail's headers read into what the e-mail channel's rules look at: who sent it, about what, when, in which
thread, and whether a machine sent it.

`POLICY` is the standard library's `email.policy.default` with one difference: a header's parsed form is kept and
given again for the same name and value. The default policy parses a header anew every time it is asked for, and
the parser asks for Content-Type a dozen times a mail while it reads one (multipart or not, its boundary, each
part's type and charset); those parses were most of what reading a mail cost. Header objects are immutable, so
handing out the same one again changes nothing of what is read.
"""

from __future__ import annotations

import codecs
import re
from datetime import UTC, datetime
from email.message import Message
from email.policy import EmailPolicy
from functools import lru_cache
from typing import Any

from domain.errors import TextRequired
from domain.mail import MAX_SUBJECT, Quarantine
from domain.values import MAX_NAME, clean_text

_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
_ENCODED_WORD_CHARSET = re.compile(r"=\?([^?*\s]+)(?:\*[^?]*)?\?[bq]\?", re.IGNORECASE)
_MAX_REFERENCES = 100
_CACHED_VALUE = 2000  # longer header values (a References of hundreds of ids) are parsed each time, never kept
_CACHED_HEADERS = 4096


class _KeptHeaders(EmailPolicy):
    """email.policy.default, giving the same parsed header for the same (name, value) again."""

    def header_fetch_parse(self, name: str, value: Any) -> Any:
        if not isinstance(value, str) or hasattr(value, "name") or len(value) > _CACHED_VALUE:
            return super().header_fetch_parse(name, value)
        return _parsed(name, value)


POLICY = _KeptHeaders()


@lru_cache(maxsize=_CACHED_HEADERS)
def _parsed(name: str, value: str) -> Any:
    return EmailPolicy.header_fetch_parse(POLICY, name, value)


def headers(message: Message, head: bytes, reading: Any) -> dict[str, Any]:
    """The header fields of a `ReadMail`; a Subject in a charset this machine cannot decode is named to `reading`."""
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
    name = clean(" ".join(readable_bytes(first.display_name or "").split()), MAX_NAME)
    spec = first.addr_spec or ""
    usable = first.username and first.domain and spec.isascii() and spec.isprintable() and " " not in spec
    return name, spec.lower() if usable else None


def _subject(message: Message, head: bytes, reading: Any) -> str:
    if _unknown_charsets(head):
        reading.problem(Quarantine.UNKNOWN_CHARSET)
    return clean(" ".join(_header(message, "Subject").split()), MAX_SUBJECT)


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


def clean(value: str, limit: int) -> str:
    """domain.values' rule for free text (invisible characters dropped, tabs and line breaks kept), cut to size."""
    window = value[:limit * 4]  # what invisible characters may be dropped from without reading megabytes
    try:
        return clean_text(window, "text", len(window))[:limit].rstrip()
    except TextRequired:
        return ""


def readable_bytes(value: str) -> str:
    """A header word that arrived as raw 8-bit bytes (held as surrogates), read as the UTF-8 it nearly always is."""
    return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
