"""A mail read from the mailbox becomes a safe `ReadMail`: its bytes kept first, its problems named, never raised."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pytest

from domain.mail import MAX_MAIL_BYTES, Folder, Quarantine, ReadMail
from domain.values import MAX_TEXT
from gateways.mail import mime
from gateways.mail.mime import read_mail, read_raw
from gateways.storage import FileStore
from tests.support.samples import EXE, png

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
SENT = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def files(tmp_path: Path) -> FileStore:
    return FileStore(tmp_path)


def read(raw: bytes, files: FileStore, folder: Folder = Folder.INBOX) -> ReadMail:
    return read_mail(raw, mailbox="helpdesk@kab-1613.kpu.go.id", folder=folder, uidvalidity=7, uid=42, files=files)


def mail(body: str = "Akun SIPOL saya terkunci, mohon bantuan.", **headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = headers.pop("From", "Budi Santoso <Budi.Santoso@Contoh.ID>")
    message["To"] = "helpdesk@kab-1613.kpu.go.id"
    message["Subject"] = headers.pop("Subject", "Akun SIPOL terkunci")
    message["Date"] = format_datetime(SENT)
    message["Message-ID"] = "<m2@contoh.id>"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


def test_a_plain_mail_is_read_with_its_sender_subject_thread_and_text(files: FileStore) -> None:
    raw = mail(In_Reply_To="<m1@kab-1613.kpu.go.id>", References="<m0@contoh.id> <m1@kab-1613.kpu.go.id>").as_bytes()
    read_ = read(raw, files)
    assert (read_.mailbox, read_.folder, read_.uidvalidity, read_.uid) == (
        "helpdesk@kab-1613.kpu.go.id", Folder.INBOX, 7, 42)
    assert read_.message_id == "<m2@contoh.id>"
    assert read_.in_reply_to == "<m1@kab-1613.kpu.go.id>"
    assert read_.references == ("<m0@contoh.id>", "<m1@kab-1613.kpu.go.id>")
    assert (read_.sender_name, read_.sender_address) == ("Budi Santoso", "budi.santoso@contoh.id")
    assert read_.subject == "Akun SIPOL terkunci"
    assert read_.text == "Akun SIPOL saya terkunci, mohon bantuan."
    assert read_.html is None
    assert read_.sent_at == SENT and read_.sent_at.tzinfo is not None
    assert (read_.problems, read_.attachments, read_.automatic) == ((), (), False)


def test_the_bytes_are_kept_first_under_their_hash_whatever_the_mail_is(files: FileStore) -> None:
    for raw in (mail().as_bytes(), b"\x00\xff not a mail at all", b""):
        read_ = read(raw, files)
        assert read_.content_hash == hashlib.sha256(raw).hexdigest()
        assert read_.size == len(raw)
        assert read_.raw_key == f"mail/{read_.content_hash}.eml"
        assert read_raw(files, read_.raw_key) == raw
    assert read(mail().as_bytes(), files).raw_key == read(mail().as_bytes(), files).raw_key  # kept once
    with pytest.raises(FileNotFoundError):
        read_raw(files, "../secrets")


def test_an_html_mail_is_sanitised_and_its_words_read_as_text(files: FileStore) -> None:
    message = mail()
    message.set_content(
        "<html><head><title>judul</title><style>p{color:red}</style></head><body>"
        "<p onclick=\"steal()\" style=\"color:red\">Selamat pagi &amp; salam,</p>"
        "<script>alert(document.cookie)</script>"
        "<img src=\"https://track.example/open.gif?u=budi\"><img src=\"data:image/png;base64,iVBORw0KGgo=\">"
        "<p>Akun saya terkunci.<br>Mohon dibuka.</p><ul><li>NIK benar</li><li>Sandi lupa</li></ul>"
        "<a href=\"javascript:alert(1)\">klik</a> <a href=\"https://sipol.kpu.go.id\">SIPOL</a>"
        "<iframe src=\"https://evil.example\"></iframe></body></html>", subtype="html")
    read_ = read(message.as_bytes(), files)
    assert read_.html is not None
    for unsafe in ("<script", "alert", "onclick", "style", "<img", "track.example", "data:", "javascript:",
                   "<iframe", "evil.example", "judul"):
        assert unsafe not in read_.html
    assert '<a href="https://sipol.kpu.go.id"' in read_.html and "<p>" in read_.html
    assert read_.text.splitlines() == ["Selamat pagi & salam,", "", "Akun saya terkunci.", "Mohon dibuka.", "",
                                       "- NIK benar", "- Sandi lupa", "klik SIPOL"]
    assert read_.problems == ()


def test_the_plain_text_is_preferred_and_the_html_kept_sanitised(files: FileStore) -> None:
    message = mail("Teks biasa.")
    message.add_alternative("<p>Teks <b>kaya</b><script>x()</script></p>", subtype="html")
    read_ = read(message.as_bytes(), files)
    assert read_.text == "Teks biasa."
    assert read_.html == "<p>Teks <b>kaya</b></p>"


def test_a_pdf_and_a_photo_attached_are_kept_in_the_office_files(files: FileStore) -> None:
    message = mail()
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename="surat keputusan.pdf")
    message.add_attachment(png(), maintype="application", subtype="octet-stream", filename="C:\\foto\\ktp.png")
    read_ = read(message.as_bytes(), files)
    assert read_.problems == ()
    pdf, photo = read_.attachments
    assert (pdf.filename, pdf.media_type, pdf.size, pdf.sha256) == (
        "surat keputusan.pdf", "application/pdf", len(PDF), hashlib.sha256(PDF).hexdigest())
    assert pdf.storage_key.endswith(".pdf") and files.get(pdf.storage_key) == PDF
    assert files.holds(pdf.storage_key, pdf.sha256)
    assert (photo.filename, photo.media_type) == ("ktp.png", "image/png")  # the bytes decide, the path is dropped
    assert read_.text == "Akun SIPOL saya terkunci, mohon bantuan."


@pytest.mark.parametrize(("data", "maintype", "subtype", "filename", "reason"), [
    (EXE, "application", "pdf", "faktur.pdf", Quarantine.ATTACHMENT_MISMATCH),  # a program sent as a PDF
    (EXE, "application", "octet-stream", "faktur.pdf", Quarantine.ATTACHMENT_MISMATCH),  # named as one
    (PDF, "image", "jpeg", "foto.jpg", Quarantine.ATTACHMENT_MISMATCH),  # a kept kind, another than declared
])
def test_an_attachment_not_what_it_says_quarantines_the_mail(
        files: FileStore, data: bytes, maintype: str, subtype: str, filename: str, reason: Quarantine) -> None:
    message = mail()
    message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    read_ = read(message.as_bytes(), files)
    assert read_.problems == (reason,)
    assert read_.attachments == ()
    assert read_raw(files, read_.raw_key) == message.as_bytes()  # the mail itself is kept whole


@pytest.mark.parametrize(("data", "subtype", "filename"), [
    (EXE, "octet-stream", "setup.exe"),  # a program as itself
    (b"PK\x03\x04" + b"\x00" * 60, "zip", "berkas.zip"),  # an archive (a Word file is one too)
])
def test_an_attachment_of_a_kind_not_kept_is_named_and_the_mail_imported(
        files: FileStore, data: bytes, subtype: str, filename: str) -> None:
    message = mail()
    message.add_attachment(data, maintype="application", subtype=subtype, filename=filename)
    read_ = read(message.as_bytes(), files)
    assert (read_.problems, read_.attachments, read_.not_kept) == ((), (), (filename,))
    assert read_raw(files, read_.raw_key) == message.as_bytes()  # still in the mail kept whole


def test_an_attachment_too_large_for_the_files_is_named_not_kept(tmp_path: Path) -> None:
    message = mail()
    message.add_attachment(PDF + b"0" * 2048, maintype="application", subtype="pdf", filename="besar.pdf")
    read_ = read(message.as_bytes(), FileStore(tmp_path, max_bytes=1024))
    assert (read_.problems, read_.not_kept) == ((), ("besar.pdf",))


def test_a_mail_of_attachments_alone_reads_as_its_subject(files: FileStore) -> None:
    message = mail(Subject="Scan KTP")
    message.clear_content()
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename="ktp.pdf")
    read_ = read(message.as_bytes(), files)
    assert read_.text == "Scan KTP"
    assert [attachment.filename for attachment in read_.attachments] == ["ktp.pdf"]


def test_a_mail_too_large_is_kept_and_quarantined_unread(files: FileStore, monkeypatch: pytest.MonkeyPatch) -> None:
    head = mail("x").as_bytes().split(b"\n\n", 1)[0]
    raw = head + b"\n\n" + b"A" * (30 * 1024 * 1024)
    assert len(raw) > MAX_MAIL_BYTES

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the body of a mail too large was parsed")

    monkeypatch.setattr(mime.email, "message_from_bytes", never)
    read_ = read(raw, files)
    assert read_.problems == (Quarantine.TOO_LARGE,)
    assert (read_.text, read_.html, read_.attachments) == ("", None, ())
    assert read_.sender_address == "budi.santoso@contoh.id" and read_.subject == "Akun SIPOL terkunci"

    unknown = b"Subject: =?x-unknown?q?besar?=\r\n\r\n" + b"A" * (MAX_MAIL_BYTES + 1)
    assert read(unknown, files).problems == (Quarantine.TOO_LARGE,)  # the one reason given is its size
    assert read_.content_hash == hashlib.sha256(raw).hexdigest() and read_.size == len(raw)
    assert read_raw(files, read_.raw_key) == raw


def test_a_subject_in_an_unknown_charset_is_kept_readable_and_quarantined(files: FileStore) -> None:
    raw = (b"From: budi@contoh.id\r\nSubject: =?x-unknown?q?Akun_terkunci_=FF?=\r\nMessage-ID: <u@contoh.id>\r\n"
           b"Content-Type: text/plain; charset=utf-8\r\n\r\nMohon bantuan.\r\n")
    read_ = read(raw, files)
    assert read_.problems == (Quarantine.UNKNOWN_CHARSET,)
    assert read_.subject.startswith("Akun terkunci")
    assert read_.text == "Mohon bantuan."


def test_a_body_in_an_unknown_charset_is_kept_readable_and_quarantined(files: FileStore) -> None:
    raw = (b"From: budi@contoh.id\r\nSubject: Akun\r\nContent-Type: text/plain; charset=x-unknown\r\n\r\n"
           b"Mohon bantuan \xff.\r\n")
    read_ = read(raw, files)
    assert read_.problems == (Quarantine.UNKNOWN_CHARSET,)
    assert read_.text == "Mohon bantuan \ufffd."


def test_a_missing_closing_boundary_is_recorded_and_the_mail_still_read(files: FileStore) -> None:
    raw = (b"From: budi@contoh.id\r\nSubject: Akun\r\nContent-Type: multipart/mixed; boundary=XYZ\r\n\r\n"
           b"--XYZ\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nMohon bantuan.\r\n")
    read_ = read(raw, files)
    assert read_.text == "Mohon bantuan."
    assert "CloseBoundaryNotFoundDefect" in read_.defects
    assert read_.problems == ()


def test_a_header_line_without_a_colon_is_recorded_and_ends_the_headers(files: FileStore) -> None:
    raw = b"From: budi@contoh.id\r\nthis line has no colon\r\nSubject: Akun\r\n\r\nMohon bantuan.\r\n"
    read_ = read(raw, files)
    assert "MissingHeaderBodySeparatorDefect" in read_.defects
    assert read_.sender_address == "budi@contoh.id"
    assert read_.subject == ""  # what followed became the body
    assert "Mohon bantuan." in read_.text


def test_broken_base64_in_an_attachment_quarantines_the_mail_as_malformed(files: FileStore) -> None:
    raw = (b"From: budi@contoh.id\r\nSubject: Akun\r\nContent-Type: multipart/mixed; boundary=XYZ\r\n\r\n"
           b"--XYZ\r\nContent-Type: text/plain\r\n\r\nLampiran.\r\n--XYZ\r\nContent-Type: application/pdf\r\n"
           b"Content-Disposition: attachment; filename=a.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"
           b"JVBERi0x!!!LjQK=\r\n--XYZ--\r\n")
    read_ = read(raw, files)
    assert read_.problems == (Quarantine.MALFORMED,)
    assert "InvalidBase64CharactersDefect" in read_.defects


def test_whatever_the_parser_trips_over_is_malformed_never_raised(files: FileStore,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    def trips(*args: object) -> None:
        raise RuntimeError("parser bug")

    monkeypatch.setattr(mime, "_body", trips)
    raw = mail().as_bytes()
    read_ = read(raw, files)
    assert read_.problems == (Quarantine.MALFORMED,)
    assert read_raw(files, read_.raw_key) == raw
    assert read_.sender_address == "budi.santoso@contoh.id"  # what was read before is kept for the desk


@pytest.mark.parametrize("sender", [None, "undisclosed-recipients:;", "", "not an address"])
def test_a_mail_without_a_usable_sender_has_no_sender_address(files: FileStore, sender: str | None) -> None:
    message = mail()
    del message["From"]
    if sender is not None:
        message["From"] = sender
    assert read(message.as_bytes(), files).sender_address is None


def test_a_sender_address_in_raw_8bit_bytes_is_no_usable_sender(files: FileStore) -> None:
    raw = "From: Bäpak <bü\udcffdi@contoh.id>\r\nSubject: x\r\n\r\nhalo\r\n".encode("utf-8", "surrogateescape")
    read_ = read(raw, files)
    assert read_.sender_address is None
    assert read_.sender_name == "Bäpak"  # raw UTF-8 in the name is read as UTF-8


@pytest.mark.parametrize(("name", "value", "automatic"), [
    ("Auto-Submitted", "auto-replied", True),
    ("Auto-Submitted", "auto-generated; owner-email=\"x@y.id\"", True),
    ("Auto-Submitted", "no", False),
    ("Precedence", "bulk", True),
    ("Precedence", "List", True),
    ("Precedence", "first-class", False),
    ("List-Id", "<berita.contoh.id>", True),
    ("Return-Path", "<>", True),
    ("Return-Path", "<budi@contoh.id>", False),
])
def test_automatic_replies_and_bulk_mail_are_marked(files: FileStore, name: str, value: str,
                                                    automatic: bool) -> None:
    message = mail()
    message[name] = value
    assert read(message.as_bytes(), files).automatic is automatic


@pytest.mark.parametrize(("date", "sent_at"), [
    ("Wed, 01 May 2024 16:30:00 +0700", SENT),
    ("Wed, 01 May 2024 09:30:00 -0000", SENT),  # zone unknown: taken as UTC
    ("kemarin sore", None),
])
def test_the_date_is_read_in_utc_or_not_at_all(files: FileStore, date: str, sent_at: datetime | None) -> None:
    message = mail()
    del message["Date"]
    message["Date"] = date
    assert read(message.as_bytes(), files).sent_at == sent_at


def test_invisible_characters_are_dropped_and_text_and_subject_cut_to_size(files: FileStore) -> None:
    body = "Mohon\u200b bantuan\u202e.\x07\n" + "a" * (MAX_TEXT + 500)
    read_ = read(mail(body, Subject="S" * 400 + "\u200b").as_bytes(), files)
    assert read_.text.startswith("Mohon bantuan.\n")
    assert len(read_.text) == MAX_TEXT
    assert read_.subject == "S" * 300
