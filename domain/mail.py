"""The e-mail channel's rules (SOP C.a): what a mail read from the office's mailbox becomes, and the record of it.

Every mail read is one `Mail` aggregate whose id is computed from the office, the Message-ID and the hash of the
mail's bytes (`mail_id`): the same mail read twice — again after a crash mid-fetch, after the server reset its
UIDVALIDITY, or moved from the spam folder to the inbox under a new UID — names the same aggregate, and the event
store refuses to create it twice. Its `Received` event is saved in the same transaction as the consultation it
opens or joins, so a mail is never lost between the two and never counted twice.

What a mail becomes (`decide`): held for the desk when it came through the spam folder (released or rejected by a
person, C.a.3), quarantined with the reason when it cannot be imported safely, set aside when an automatic reply
sent it, else joined to the consultation it answers (by the consultation number in the subject, In-Reply-To or
References) or a new consultation on the e-mail channel. A reply to a closed consultation opens a new one that
names the one it follows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec
from eventsourcing.domain import Aggregate

from domain.errors import StepOutOfOrder
from domain.parties import Party
from domain.values import MAX_TEXT, DocumentationKind, Identity, clean_text, make_identity

MAX_MAIL_BYTES = 25 * 1024 * 1024  # what the mailbox imports; a larger mail is quarantined whole, kept
MAX_SUBJECT = 300
MAX_NOTE = 500  # why the desk rejected a held mail
# Who opens a consultation from a mail, on its record: the mailbox, not a person.
MAIL_ACTOR = "surel"
# A mail names no party the register knows: the desk corrects the identity once the consultee says which.
UNKNOWN_PARTY = Party(name="Belum diketahui")
# The consultation number as the node writes it into the subjects it sends: "[HD-1a2b3c4d]".
NUMBER_TAG = re.compile(r"\[HD-([0-9a-f]{8})\]", re.IGNORECASE)


class Folder(StrEnum):
    INBOX = "inbox"
    SPAM = "spam"


class Disposition(StrEnum):
    """What a mail became when it was read."""

    OPENED = "opened"  # a new consultation on the e-mail channel
    JOINED = "joined"  # a follow-up of an open consultation
    HELD = "held"  # came through the spam folder: waits for the desk to release or reject it
    QUARANTINED = "quarantined"  # could not be imported safely; kept with the reason
    AUTOMATIC = "automatic"  # an automatic reply (out of office, bulk, list): recorded, never answered


class Quarantine(StrEnum):
    """Why a mail was not imported; each is a label in the catalogue (`quarantine.<code>`)."""

    TOO_LARGE = "too_large"
    MALFORMED = "malformed"
    UNKNOWN_CHARSET = "unknown_charset"
    NO_SENDER = "no_sender"
    FORGED_SENDER = "forged_sender"  # From: claims this office's own address, or another KPU office's
    ATTACHMENT_MISMATCH = "attachment_mismatch"  # an attachment is not what its type says (a program as a PDF)


class MailAttachment(msgspec.Struct, frozen=True):
    """An attachment as stored in the office's files (content-addressed), named as the sender named it."""

    filename: str
    media_type: str
    size: int
    storage_key: str
    sha256: str


class ReadMail(msgspec.Struct, frozen=True, kw_only=True):
    """A mail as the gateway read and parsed it, made safe: what the rules look at and what the record keeps."""

    mailbox: str  # the account, e.g. helpdesk@kab-1613.kpu.go.id
    folder: Folder
    uidvalidity: int
    uid: int
    message_id: str | None  # "<…@…>", None when the mail has none
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    sender_name: str = ""
    sender_address: str | None = None  # None: no usable From
    subject: str = ""
    text: str = ""  # the plain text (or the HTML's text), never empty for an imported mail
    html: str | None = None  # the HTML part, sanitised (no script, no remote image)
    sent_at: datetime | None = None  # the Date header
    content_hash: str  # SHA-256 (hex) of the mail's bytes
    size: int
    raw_key: str  # the mail's bytes in the office's files, so a quarantined mail is never lost
    attachments: tuple[MailAttachment, ...] = ()
    # Attachments of a kind the office keeps no file of (Word, spreadsheets, archives) or too large to keep: named
    # here, left in the mail's bytes (raw_key); the mail is imported all the same.
    not_kept: tuple[str, ...] = ()
    automatic: bool = False  # Auto-Submitted, Precedence bulk/junk/list, List-Id or an empty Return-Path
    problems: tuple[Quarantine, ...] = ()  # what the gateway found that stops the import (first one is shown)
    defects: tuple[str, ...] = ()  # the MIME parser's defects, for the record


class Thread(msgspec.Struct, frozen=True):
    """An existing consultation a mail may answer, as the read model knows it."""

    consultation_id: UUID
    closed: bool


class Decision(msgspec.Struct, frozen=True):
    disposition: Disposition
    consultation_id: UUID | None = None  # the consultation joined (JOINED), or the one a new one follows
    reason: Quarantine | None = None


def mail_id(office_id: str, message_id: str | None, content_hash: str) -> UUID:
    """The one id of a mail at an office, whatever folder or UID it is read under."""
    return uuid5(NAMESPACE_URL, f"helpdesk-sipol:mail:{office_id}:{(message_id or '').strip()}:{content_hash}")


def subject_number(subject: str) -> str | None:
    """The consultation number in a subject ("Re: [HD-1a2b3c4d] Akun SIPOL"), lower-case, or None."""
    match = NUMBER_TAG.search(subject or "")
    return match.group(1).lower() if match else None


def number_of(consultation_id: UUID) -> str:
    """The number a consultation goes by in mail subjects: the first eight hex digits of its id."""
    return consultation_id.hex[:8]


def tagged_subject(consultation_id: UUID, subject: str) -> str:
    """The subject of a mail the office sends about a consultation: "Re: [HD-…] <what the consultee wrote>"."""
    base = NUMBER_TAG.sub("", subject or "").strip()
    while base.lower().startswith(("re:", "fw:", "fwd:")):
        base = base.split(":", 1)[1].strip()
    return f"Re: [HD-{number_of(consultation_id)}] {base}".strip()


def decide(mail: ReadMail, find: Callable[[str | None, Iterable[str]], Thread | None],
           forbidden_senders: Callable[[str], bool]) -> Decision:
    """What a mail becomes. `find(number, message_ids)` is the read model's lookup of the consultation a mail
    answers; `forbidden_senders(address)` says whether an address is this office's or another KPU office's own."""
    if mail.problems:
        return Decision(Disposition.QUARANTINED, reason=mail.problems[0])
    if not mail.sender_address:
        return Decision(Disposition.QUARANTINED, reason=Quarantine.NO_SENDER)
    if forbidden_senders(mail.sender_address):
        return Decision(Disposition.QUARANTINED, reason=Quarantine.FORGED_SENDER)
    if mail.folder is Folder.SPAM:
        return Decision(Disposition.HELD)
    return _by_thread(mail, find)


def _by_thread(mail: ReadMail, find: Callable[[str | None, Iterable[str]], Thread | None]) -> Decision:
    ids = [i for i in (mail.in_reply_to, *mail.references) if i]
    thread = find(subject_number(mail.subject), ids)
    if mail.automatic:
        return Decision(Disposition.AUTOMATIC, consultation_id=thread.consultation_id if thread else None)
    if thread is None:
        return Decision(Disposition.OPENED)
    if thread.closed:
        return Decision(Disposition.OPENED, consultation_id=thread.consultation_id)
    return Decision(Disposition.JOINED, consultation_id=thread.consultation_id)


def is_office_address(own: str, sender: str) -> bool:
    """Whether a sender claims this office's mailbox, or another KPU office's by the same name under the same parent
    domain (helpdesk@prov-16.kpu.go.id beside helpdesk@kab-1613.kpu.go.id): no consultee writes from those."""
    own_local, _, own_domain = own.strip().lower().rpartition("@")
    local, _, domain = sender.strip().lower().rpartition("@")
    parent = own_domain.split(".", 1)[1] if own_domain.count(".") >= 2 else own_domain
    return (local, domain) == (own_local, own_domain) or (local == own_local and domain.endswith(f".{parent}"))


def mailbox_late(last_read: datetime | None, now: datetime, standard_minutes: int) -> bool:
    """Whether a folder has gone unread past the standard (C.a.3: checked at least every hour): never read, or read
    longer ago than the standard."""
    return last_read is None or (now - last_read).total_seconds() > standard_minutes * 60


def mail_identity(mail: ReadMail) -> Identity:
    """The consultee as a mail names them: the From's name (or the address's local part) and address; the party
    is unknown until the desk corrects it. Refused (InvalidInput) when neither name nor address is usable."""
    address = mail.sender_address or ""
    name = (mail.sender_name or "").strip() or address.split("@", 1)[0]
    return make_identity(name, UNKNOWN_PARTY, None, address)


def problem_text(mail: ReadMail, follows: UUID | None = None) -> str:
    """The problem as the mail states it: its subject, its text, and the closed consultation it follows, if any."""
    lines = [mail.subject.strip()] if mail.subject.strip() else []
    if follows is not None:
        lines.append(f"[HD-{number_of(follows)}]")
    lines.append(mail.text.strip())
    return "\n\n".join(line for line in lines if line)[:MAX_TEXT] or "-"


def documentation_kind(media_type: str) -> DocumentationKind:
    """A mailed picture is most often a screenshot of SIPOL; anything else a document, a recording a recording."""
    top = media_type.split("/", 1)[0]
    if top == "image":
        return DocumentationKind.SCREENSHOT
    if top in ("audio", "video"):
        return DocumentationKind.RECORDING
    return DocumentationKind.DOCUMENT


class MailNotHeld(StepOutOfOrder):
    code = "mail_not_held"


class Mail(Aggregate):
    """One mail the office's mailbox received, as it was read and what became of it."""

    class Received(Aggregate.Created):
        office_id: str
        mail: ReadMail
        disposition: Disposition
        consultation_id: UUID | None  # opened or joined; for HELD, QUARANTINED and AUTOMATIC: the thread, if any
        follows: UUID | None  # a new consultation opened by a reply to a closed one: the closed one
        reason: Quarantine | None
        read_at: datetime
        # Whose personal data the sender's name and address are (domain/personal_data.py): the consultation's
        # consultee when there is one, else the mail's own sender as a subject of its own.
        subject_id: UUID

    class Released(Aggregate.Event):
        """The desk took a held or quarantined mail in: it opened `consultation_id` (or joined it)."""

        consultation_id: UUID
        actor: str

        def apply(self, aggregate: Mail) -> None:
            aggregate.disposition = Disposition.OPENED
            aggregate.consultation_id = self.consultation_id

    class Rejected(Aggregate.Event):
        actor: str
        note: str

        def apply(self, aggregate: Mail) -> None:
            aggregate.rejected = True

    @classmethod
    def receive(cls, office_id: str, mail: ReadMail, decision: Decision, consultation_id: UUID | None,
                at: datetime) -> Mail:
        follows = decision.consultation_id if decision.disposition is Disposition.OPENED else None
        own = mail_id(office_id, mail.message_id, mail.content_hash)
        return cls._create(
            cls.Received, id=own, timestamp=at, office_id=office_id, mail=mail, disposition=decision.disposition,
            consultation_id=consultation_id, follows=follows, reason=decision.reason, read_at=at,
            subject_id=consultation_id or own,
        )

    def __init__(self, office_id: str, mail: ReadMail, disposition: Disposition, consultation_id: UUID | None,
                 follows: UUID | None, reason: Quarantine | None, read_at: datetime, subject_id: UUID) -> None:
        self.office_id = office_id
        self.mail = mail
        self.disposition = disposition
        self.consultation_id = consultation_id
        self.follows = follows
        self.reason = reason
        self.rejected = False

    @property
    def waiting(self) -> bool:
        """Held or quarantined, and neither released nor rejected yet."""
        return self.disposition in (Disposition.HELD, Disposition.QUARANTINED) and not self.rejected

    def release(self, consultation_id: UUID, actor: str, at: datetime) -> None:
        if not self.waiting:
            raise MailNotHeld()
        self.trigger_event(self.Released, timestamp=at, consultation_id=consultation_id, actor=actor)

    def reject(self, actor: str, note: str, at: datetime) -> None:
        if not self.waiting:
            raise MailNotHeld()
        checked = clean_text(note, "note", MAX_NOTE) if note.strip() else ""
        self.trigger_event(self.Rejected, timestamp=at, actor=actor, note=checked)


class OutgoingMail(Aggregate):
    """A mail the office sent (an answer, an invitation): created once sent, under the id of what caused it, so the
    same answer is never recorded as sent twice. Its Message-ID was fixed before sending (`message_id_for`)."""

    class Sent(Aggregate.Created):
        office_id: str
        consultation_id: UUID | None
        cause: str  # what it sends: "answer", "invitation", …
        message_id: str
        recipient_pseudonym: str  # the consultee's address stays in the consultation's sealed identity
        subject: str
        sent_at: datetime

    @classmethod
    def record(cls, *, id: UUID, office_id: str, consultation_id: UUID | None, cause: str, message_id: str,
               recipient_pseudonym: str, subject: str, at: datetime) -> OutgoingMail:
        return cls._create(cls.Sent, id=id, timestamp=at, office_id=office_id, consultation_id=consultation_id,
                           cause=cause, message_id=message_id, recipient_pseudonym=recipient_pseudonym,
                           subject=subject, sent_at=at)

    def __init__(self, office_id: str, consultation_id: UUID | None, cause: str, message_id: str,
                 recipient_pseudonym: str, subject: str, sent_at: datetime) -> None:
        self.office_id = office_id
        self.consultation_id = consultation_id
        self.cause = cause
        self.message_id = message_id
        self.subject = subject
        self.sent_at = sent_at


def outgoing_id(originator: UUID | str, version: int) -> UUID:
    """The one id of the mail an event causes (a consultation's answer, by the consultation and the event's
    version): sending it again finds it already sent."""
    return uuid5(NAMESPACE_URL, f"helpdesk-sipol:outgoing-mail:{originator}:{version}")


def masked_address(address: str | None) -> str:
    """An address as lists show it: its first letter and its domain ("t•••@gmail.com"); "" when there is none."""
    if not address or "@" not in address:
        return ""
    local, domain = address.rsplit("@", 1)
    return f"{local[:1]}•••@{domain}"


def message_id_for(outgoing: UUID, domain: str) -> str:
    """The Message-ID the office gives a mail it sends, fixed before sending: the same on a retry."""
    return f"<{outgoing}@{domain}>"
