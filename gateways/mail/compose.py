"""A mail the office sends (an answer, an invitation) as the bytes handed to the SMTP server.

Threaded so the consultee's mail program shows it under their own mail (In-Reply-To, References), under the
Message-ID fixed before sending (the same on a retry); the text in UTF-8, in Indonesian (Content-Language: id).
"""

from __future__ import annotations

import email.policy
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime


def compose_reply(*, office_address: str, office_name: str, to_name: str, to_address: str, subject: str, text: str,
                  message_id: str, in_reply_to: str | None, references: tuple[str, ...], at: datetime,
                  attachments: tuple[tuple[str, str, bytes], ...] = (), automatic: bool = False) -> bytes:
    """The mail's bytes. `attachments` are (file name, media type with its parameters, bytes), e.g.
    ("undangan.ics", "text/calendar; method=REQUEST", ics). `automatic`: sent by the node itself, not written by a
    person (an acknowledgement): `Auto-Submitted: auto-replied` (RFC 3834), so the liaison's own autoresponder stays
    silent."""
    if at.tzinfo is None:
        raise ValueError("a mail's Date needs a time zone")
    mail = EmailMessage(policy=email.policy.SMTP)
    mail["From"] = _address(office_name, office_address)
    mail["To"] = _address(to_name, to_address)
    mail["Subject"] = _one_line(subject)
    mail["Date"] = format_datetime(at)
    mail["Message-ID"] = message_id
    if in_reply_to:
        mail["In-Reply-To"] = in_reply_to
    if automatic:
        mail["Auto-Submitted"] = "auto-replied"
    thread = list(dict.fromkeys(ref for ref in (*references, in_reply_to) if ref))
    if thread:
        mail["References"] = " ".join(thread)
    mail.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    for filename, media_type, data in attachments:
        maintype, subtype, params = _media_type(media_type)
        mail.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename, params=params)
    mail["Content-Language"] = "id"  # after the content is set: setting it clears every Content-* header
    return mail.as_bytes()


def _address(name: str, address: str) -> Address:
    username, _, domain = address.strip().rpartition("@")
    return Address(display_name=_one_line(name), username=username, domain=domain)


def _one_line(value: str) -> str:
    """A header's text on one line: a line break in it would start a header of its own."""
    return " ".join(value.split())


def _media_type(value: str) -> tuple[str, str, dict[str, str]]:
    """"text/calendar; method=REQUEST" → ("text", "calendar", {"method": "REQUEST"})."""
    kind, *parameters = (piece.strip() for piece in value.split(";"))
    maintype, _, subtype = kind.lower().partition("/")
    params = {}
    for parameter in parameters:
        name, _, setting = parameter.partition("=")
        if name.strip():
            params[name.strip().lower()] = setting.strip().strip('"')
    return maintype, subtype or "octet-stream", params
