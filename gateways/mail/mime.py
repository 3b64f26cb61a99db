"""A mail as the mailbox gave it (its bytes) read into what the e-mail channel's rules look at (`ReadMail`).

The bytes are kept first, whole, so no mail is ever lost — not one too large to read, nor one the parser cannot
make sense of. Reading never raises: what stops a mail from being imported safely is named in `problems` (the
domain quarantines it), what the MIME parser found odd is kept in `defects`. Attachments go to the office's files,
where the bytes decide what a file is. The headers are read in gateways/mail/mime_headers.py, the parts (one walk
over the tree) in gateways/mail/mime_parts.py.

A FETCH chunk is read with `read_mails`: every mail's bytes are written first, then each is flushed to the disk,
then all are named (renamed into place, and the folder flushed once), and only then parsed — the same guarantee as
one mail at a time (nothing is parsed, let alone recorded, before its bytes are on the disk) for fewer waits.
"""

from __future__ import annotations

import email
import hashlib
import os
import re
import tempfile
from collections.abc import Sequence
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Any, cast

from domain.mail import MAX_MAIL_BYTES, Folder, Quarantine, ReadMail
from domain.values import MAX_TEXT
from gateways.mail.mime_headers import POLICY, clean, headers
from gateways.mail.mime_parts import Reading, attachments, walk
from gateways.mail.mime_parts import body as _body
from gateways.storage import DocumentStore, flush_folder, write_once

_RAW_KEY = re.compile(r"^mail/[0-9a-f]{64}\.eml$")
_HEADER_BLOCK_END = re.compile(rb"\r?\n\r?\n")
_HEAD_LIMIT = 256 * 1024  # how much of a mail too large to read is looked at for its headers


def store_raw(files: DocumentStore, raw: bytes) -> str:
    """Keeps a mail's bytes under `mail/<sha256>.eml` in the office's files (written whole, then renamed: a crash
    never leaves half a mail; the same mail kept again changes nothing). Returns the key."""
    key = f"mail/{hashlib.sha256(raw).hexdigest()}.eml"
    write_once(files.root / key, raw)
    return key


def store_raws(files: DocumentStore, raws: Sequence[bytes]) -> list[str]:
    """`store_raw` for a chunk of mails: each written under a temporary name, then each flushed to the disk, then
    each renamed into place, then the folder flushed once (the names are durable too). Returns the keys."""
    folder = Path(files.root) / "mail"
    folder.mkdir(parents=True, exist_ok=True)
    keys = [f"mail/{hashlib.sha256(raw).hexdigest()}.eml" for raw in raws]
    pending: dict[Path, tuple[int, str]] = {}
    try:
        for key, raw in zip(keys, raws, strict=True):
            path = Path(files.root) / key
            if path in pending or path.exists():
                continue  # kept before (or twice in this chunk): the same bytes under the same name
            handle, temporary = tempfile.mkstemp(dir=folder)
            pending[path] = (handle, temporary)
            _write_all(handle, raw)
        for handle, _ in pending.values():
            os.fsync(handle)
        for path, (_, temporary) in pending.items():
            os.replace(temporary, path)
        if pending:
            flush_folder(folder)
    finally:
        for handle, temporary in pending.values():
            os.close(handle)
            if os.path.exists(temporary):
                os.unlink(temporary)
    return keys


def _write_all(handle: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(handle, view):]


def read_raw(files: DocumentStore, key: str) -> bytes:
    """A kept mail's bytes, by the key `store_raw` gave."""
    if not _RAW_KEY.match(key):
        raise FileNotFoundError(key)
    return (Path(files.root) / key).read_bytes()


def read_mail(raw: bytes, *, mailbox: str, folder: Folder, uidvalidity: int, uid: int,
              files: DocumentStore) -> ReadMail:
    """What a mail is, made safe; its bytes are kept before anything else is done with them."""
    return parse_mail(raw, store_raw(files, raw), mailbox=mailbox, folder=folder, uidvalidity=uidvalidity, uid=uid,
                      files=files)


def read_mails(fetched: Sequence[tuple[int, bytes]], *, mailbox: str, folder: Folder, uidvalidity: int,
               files: DocumentStore) -> list[ReadMail]:
    """A FETCH chunk's mails, (UID, bytes) each, read as `read_mail` reads one: all their bytes kept first."""
    keys = store_raws(files, [raw for _, raw in fetched])
    return [parse_mail(raw, key, mailbox=mailbox, folder=folder, uidvalidity=uidvalidity, uid=uid, files=files)
            for (uid, raw), key in zip(fetched, keys, strict=True)]


def parse_mail(raw: bytes, raw_key: str, *, mailbox: str, folder: Folder, uidvalidity: int, uid: int,
               files: DocumentStore) -> ReadMail:
    """What a mail already kept under `raw_key` is, made safe."""
    envelope: dict[str, Any] = {
        "mailbox": mailbox, "folder": folder, "uidvalidity": uidvalidity, "uid": uid,
        "raw_key": raw_key, "content_hash": raw_key[5:69], "size": len(raw),
    }
    reading = Reading()
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


def _too_large(raw: bytes, envelope: dict[str, Any], reading: Reading) -> ReadMail:
    """A mail too large to import: its headers alone are read (who sent it, about what), its body never is."""
    head = raw[:_HEAD_LIMIT]
    end = _HEADER_BLOCK_END.search(head)
    fields: dict[str, Any] = {"message_id": None}
    if end:
        try:
            message = BytesHeaderParser(policy=POLICY).parsebytes(head[:end.end()])
            fields = headers(message, head[:end.end()], Reading())  # no reason but its size is given
        except Exception:  # the headers are a courtesy here: the mail is quarantined as too large either way
            fields = {"message_id": None}
    return ReadMail(**envelope, **fields, problems=tuple(reading.problems))


def _read(raw: bytes, reading: Reading, files: DocumentStore, fields: dict[str, Any]) -> None:
    """Fills `fields` as it reads: what was read before the parser tripped is kept."""
    message = cast(EmailMessage, email.message_from_bytes(raw, policy=POLICY))
    end = _HEADER_BLOCK_END.search(raw)
    fields.update(headers(message, raw[:end.end()] if end else raw, reading))
    parts, attached = walk(message)
    text, html = _body(message, reading)
    kept = attachments(attached, reading, files)
    reading.found(parts)
    fields.update(text=_readable(text, fields["subject"], kept), html=html, attachments=kept)


def _readable(text: str, subject: str, kept: tuple[Any, ...]) -> str:
    """The text a person reads: the body made clean, else (a mail of attachments alone) the subject."""
    return clean(text, MAX_TEXT) or subject or ", ".join(attachment.filename for attachment in kept)
