"""A mail the office sends is threaded under the consultee's mail and carries its Indonesian text in UTF-8."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime, timedelta, timezone
from email.message import EmailMessage
from pathlib import Path
from typing import Any, cast

import pytest

from domain.mail import Folder
from gateways.mail.compose import compose_reply
from gateways.mail.mime import read_mail
from gateways.storage import FileStore

AT = datetime(2024, 5, 1, 10, 15, tzinfo=timezone(timedelta(hours=7)))
TEXT = ("Yth. Bapak Budi Śantoso,\n\nAkun SIPOL Bapak sudah dibuka kembali — silakan masuk dengan NIK.\n"
        "Salam, Helpdesk KPU Kabupaten Musi Rawas\n")
ICS = b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"


def compose(**changes: Any) -> bytes:
    arguments: dict[str, Any] = {
        "office_address": "helpdesk@kab-1613.kpu.go.id", "office_name": "Helpdesk KPU Kab. Musi Rawas",
        "to_name": "Budi Śantoso", "to_address": "budi@contoh.id", "subject": "Re: [HD-1a2b3c4d] Akun SIPOL",
        "text": TEXT, "message_id": "<out-1@kab-1613.kpu.go.id>", "in_reply_to": "<m2@contoh.id>",
        "references": ("<m1@contoh.id>", "<m2@contoh.id>"), "at": AT,
    }
    return compose_reply(**{**arguments, **changes})


def parse(raw: bytes) -> EmailMessage:
    return cast(EmailMessage, email.message_from_bytes(raw, policy=email.policy.default))


def test_a_reply_round_trips_with_its_threading_headers_and_utf8_text() -> None:
    raw = compose()
    assert b"\r\n" in raw and all(len(line) <= 998 for line in raw.split(b"\r\n"))
    parsed = parse(raw)
    assert parsed["From"].addresses[0].display_name == "Helpdesk KPU Kab. Musi Rawas"
    assert parsed["From"].addresses[0].addr_spec == "helpdesk@kab-1613.kpu.go.id"
    assert (parsed["To"].addresses[0].display_name, parsed["To"].addresses[0].addr_spec) == (
        "Budi Śantoso", "budi@contoh.id")
    assert parsed["Subject"] == "Re: [HD-1a2b3c4d] Akun SIPOL"
    assert parsed["Message-ID"] == "<out-1@kab-1613.kpu.go.id>"
    assert parsed["In-Reply-To"] == "<m2@contoh.id>"
    assert parsed["References"].split() == ["<m1@contoh.id>", "<m2@contoh.id>"]  # in_reply_to not repeated
    assert parsed["Date"].datetime == AT
    assert parsed["Content-Language"] == "id"
    body = parsed.get_body(preferencelist=("plain",))
    assert body is not None and body.get_content_type() == "text/plain"
    assert body.get_content_charset() == "utf-8"
    assert body.get_content().replace("\r\n", "\n") == TEXT


def test_the_message_answered_ends_the_references_even_when_they_lack_it() -> None:
    parsed = parse(compose(references=("<m0@contoh.id>",), in_reply_to="<m3@contoh.id>"))
    assert parsed["References"].split() == ["<m0@contoh.id>", "<m3@contoh.id>"]


def test_a_mail_answering_nothing_has_no_threading_headers() -> None:
    parsed = parse(compose(in_reply_to=None, references=()))
    assert parsed["In-Reply-To"] is None and parsed["References"] is None


def test_an_invitation_is_attached_as_a_calendar_request() -> None:
    parsed = parse(compose(attachments=(("undangan.ics", "text/calendar; method=REQUEST", ICS),)))
    (invitation,) = parsed.iter_attachments()
    assert invitation.get_content_type() == "text/calendar"
    assert invitation.get_param("method") == "REQUEST"
    assert invitation.get_filename() == "undangan.ics"
    assert invitation.get_payload(decode=True) == ICS
    body = parsed.get_body(preferencelist=("plain",))
    assert body is not None and body.get_content().replace("\r\n", "\n") == TEXT
    assert parsed["Content-Language"] == "id"


def test_a_line_break_in_a_header_cannot_add_a_header() -> None:
    parsed = parse(compose(subject="Akun\r\nBcc: semua@contoh.id", to_name="Budi\nBcc: x@contoh.id"))
    assert parsed["Bcc"] is None
    assert parsed["Subject"] == "Akun Bcc: semua@contoh.id"


def test_a_time_without_a_zone_is_refused() -> None:
    with pytest.raises(ValueError):
        compose(at=datetime(2024, 5, 1, 10, 15))


def test_the_office_reads_its_own_reply_as_an_answer_in_the_thread(tmp_path: Path) -> None:
    read_ = read_mail(compose(), mailbox="budi@contoh.id", folder=Folder.INBOX, uidvalidity=1, uid=1,
                      files=FileStore(tmp_path))
    assert read_.problems == ()
    assert read_.message_id == "<out-1@kab-1613.kpu.go.id>"
    assert (read_.in_reply_to, read_.references) == ("<m2@contoh.id>", ("<m1@contoh.id>", "<m2@contoh.id>"))
    assert read_.sent_at == AT.astimezone(UTC)
    assert read_.text == TEXT.strip()
