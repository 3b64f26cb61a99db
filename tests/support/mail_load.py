"""Mail in bulk for the e-mail channel's fault tests and benchmark: questions as liaisons write them, put into a
Dovecot folder over one IMAP connection; an office's `helpdesk serve` reading that mailbox (SIGKILLed and restarted
as a run needs); what its store holds while it runs (how far each folder was read, what was sent) and, once it has
stopped, the exact counts of the mails it recorded, the consultations they opened and the acknowledgements and
answers it sent."""

from __future__ import annotations

import email
import email.policy
import re
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from eventsourcing.utils import get_topic

from domain.consultation import Consultation
from domain.mail import Mail, OutgoingMail
from domain.values import Channel
from gateways.bootstrap import build_node
from gateways.config import Settings
from gateways.readstore import open_read_store
from tests.support.mailservers import Dovecot
from tests.support.served import ServedNode, add_user

MAIL_USERS = {"helpdesk": "helpdesk-rahasia", "liaison": "liaison-rahasia"}  # the users of a test's Dovecot
OFFICE_ADDRESS = "helpdesk@kab-1613.kpu.go.id"
LIAISON = "liaison@partai-contoh.id"  # its mail lands in the Dovecot user "liaison" (the SMTP sink delivers it)
NODE_ID = "kab-16.13"
FOLDERS = ("INBOX", "Junk")
APPENDUID = re.compile(rb"\[APPENDUID \d+ (\d+)\]")


def question(number: int, *, tag: str = "q", sender: str = LIAISON) -> bytes:
    """One liaison's question, a new thread (its own Message-ID, no In-Reply-To, no number in the subject)."""
    mail = EmailMessage()
    mail["From"] = f"Pengurus Partai {tag.upper()} {number} <{sender}>"
    mail["To"] = OFFICE_ADDRESS
    mail["Subject"] = f"Pertanyaan {tag}-{number}: unggah dokumen keanggotaan"
    mail["Message-ID"] = f"<{tag}-{number}.{uuid.uuid4().hex[:12]}@partai-contoh.id>"
    mail["Date"] = format_datetime(datetime.now(UTC))
    mail.set_content(f"Yth. Helpdesk,\n\nUnggahan dokumen keanggotaan ({tag}-{number}) selalu gagal di SIPOL.\n"
                     "Mohon petunjuk.\n\nSalam,\nPengurus Partai\n")
    return mail.as_bytes()


def questions(count: int, *, tag: str = "q", start: int = 0, sender: str = LIAISON) -> list[bytes]:
    return [question(n, tag=tag, sender=sender) for n in range(start, start + count)]


def fill(dovecot: Dovecot, user: str, folder: str, raws: list[bytes]) -> list[int]:
    """APPENDs every message to `folder` over one IMAP connection, in order; their UIDs."""
    uids: list[int] = []
    with dovecot.connect(user) as client:
        for raw in raws:
            reply = client.append(folder, raw)
            given = APPENDUID.search(reply if isinstance(reply, bytes) else str(reply).encode())
            assert given, f"Dovecot gave no APPENDUID: {reply!r}"
            uids.append(int(given.group(1)))
    return uids


def message_ids(raws: list[bytes]) -> list[str]:
    return [str(email.message_from_bytes(raw, policy=email.policy.default)["Message-ID"]) for raw in raws]


class MailNode(ServedNode):
    """An office's `helpdesk serve` (no messaging) whose mailbox is "helpdesk" on `dovecot`, sending over SMTP to
    127.0.0.1:`smtp_port`, reading every `poll_seconds`. Its settings are HELPDESK_* variables, as deploy/ sets them."""

    def __init__(self, folder: Path, dovecot: Dovecot, smtp_port: int, database: str = "sqlite",
                 poll_seconds: int = 1) -> None:
        self.values = {
            "node_id": NODE_ID, "database": database, "postgres_schema": f"m_{uuid.uuid4().hex[:12]}",
            "data_dir": str(folder / "node"), "nats_url": "", "log_level": "info",
            "mail_address": OFFICE_ADDRESS, "mail_username": "helpdesk", "mail_password": MAIL_USERS["helpdesk"],
            "mail_imap_host": dovecot.host, "mail_imap_port": str(dovecot.port), "mail_imap_tls": "none",
            "mail_smtp_host": "127.0.0.1", "mail_smtp_port": str(smtp_port), "mail_smtp_tls": "none",
            "mail_poll_seconds": str(poll_seconds),
        }
        super().__init__(self.values, folder, "node.log")

    def add_user(self, username: str, role: str, password: str) -> None:
        add_user(self.served, username, role, password)


    def log_tail(self, chars: int = 3000) -> str:
        log = self.served.log
        return log.read_text(errors="replace")[-chars:] if log.exists() else ""


@dataclass(frozen=True)
class FolderRead:
    """A folder's row of the node's mail_checkpoints (gateways/mail/checkpoints.py)."""

    uidvalidity: int
    last_uid: int
    read_at: str | None
    failed_at: str | None
    failure: str | None


class Probe:
    """The running node's read store, read from outside: how far each folder was read, what the mail read model
    holds so far. For progress and for knowing a round is over; exact counts come from `read_ledger`."""

    def __init__(self, settings: Settings) -> None:
        self.store = open_read_store(settings)

    def folders(self) -> dict[str, FolderRead]:
        rows = self.store.query("SELECT folder, uidvalidity, last_uid, read_at, failed_at, failure"
                                " FROM mail_checkpoints WHERE mailbox = ?", (OFFICE_ADDRESS,))
        return {r[0]: FolderRead(int(r[1]), int(r[2]), r[3], r[4], r[5]) for r in rows}

    def mails(self) -> int:
        return int(self.store.query("SELECT COUNT(*) FROM rm_mail")[0][0])

    def held(self) -> int:
        """Mails taken in and not yet recorded (the spool, gateways/mail/spool.py)."""
        return int(self.store.query("SELECT COUNT(*) FROM mail_spool WHERE mailbox = ?", (OFFICE_ADDRESS,))[0][0])

    def sent(self) -> int:
        return int(self.store.query("SELECT COUNT(*) FROM rm_mail_outbox WHERE sent_at IS NOT NULL")[0][0])

    def progress(self) -> tuple[object, ...]:
        """A value that changes while the node reads or sends."""
        return (*sorted((f, s.uidvalidity, s.last_uid) for f, s in self.folders().items()), self.mails(), self.sent())

    def read_through(self, dovecot: Dovecot) -> bool:
        """The node has handed on every message of both folders under the UIDVALIDITY each has now (Dovecot's
        helpers ask again while a folder's index is rebuilt after a UIDVALIDITY reset)."""
        seen = self.folders()
        for folder in FOLDERS:
            uids = dovecot.uids("helpdesk", folder)
            if not uids:
                continue
            state = seen.get(folder)
            if state is None or state.uidvalidity != dovecot.uidvalidity("helpdesk", folder) \
                    or state.last_uid < max(uids):
                return False
        return True

    def close(self) -> None:
        self.store.close()


@dataclass(frozen=True)
class MailLedger:
    """The exact counts of a stopped node's own record (its events, and its outbox read model caught up)."""

    mails: int  # Mail.Received events
    distinct_mails: int  # distinct Mail aggregates among them (a mail recorded twice would show here)
    distinct_message_ids: int
    dispositions: Counter[str]  # opened, joined, held, quarantined, …
    opened_consultations: int  # distinct consultations the mails opened
    email_consultations: int  # Consultation.Opened events on the e-mail channel
    sent: int  # OutgoingMail.Sent events
    distinct_sent: int
    sent_message_ids: frozenset[str]
    sent_causes: Counter[str]  # acknowledgement, answer, …
    cause_of: dict[str, str]  # each sent mail's Message-ID → its cause
    outbox_rows: int
    outbox_sent: int  # rows with sent_at set

    def summary(self) -> str:
        return (f"mails {self.mails} ({self.distinct_mails} distinct, {self.distinct_message_ids} Message-IDs, "
                f"{dict(self.dispositions)}), consultations {self.email_consultations} "
                f"(opened by mail {self.opened_consultations}), sent {self.sent} ({self.distinct_sent} distinct, "
                f"{dict(self.sent_causes)}), "
                f"outbox {self.outbox_sent}/{self.outbox_rows} sent")


def _events(app: object, event_class: type) -> list:
    recorder, mapper = app.recorder, app.mapper  # type: ignore[attr-defined]
    found, start, topic = [], 1, get_topic(event_class)
    while batch := recorder.select_notifications(start, 500, topics=[topic]):
        found.extend(mapper.to_domain_event(n) for n in batch)
        start = batch[-1].id + 1
    return found


def recorded_mails(settings: Settings) -> int:
    """How many Mail.Received events the node's store holds; the node must have stopped."""
    node = build_node(settings)
    try:
        return len(_events(node.helpdesk, Mail.Received))
    finally:
        node.close()


def read_ledger(settings: Settings) -> MailLedger:
    """The counts from the node's store; the node must have stopped."""
    node = build_node(settings)
    try:
        received = _events(node.helpdesk, Mail.Received)
        opened = _events(node.helpdesk, Consultation.Opened)
        sent = _events(node.helpdesk, OutgoingMail.Sent)
        node.projections.catch_up()
        rows = node.projections.store.query("SELECT COUNT(*), COUNT(sent_at) FROM rm_mail_outbox")[0]
        return MailLedger(
            mails=len(received), distinct_mails=len({e.originator_id for e in received}),
            distinct_message_ids=len({e.mail.message_id for e in received}),
            dispositions=Counter(e.disposition.value for e in received),
            opened_consultations=len({e.consultation_id for e in received if e.disposition.value == "opened"}),
            email_consultations=sum(e.channel is Channel.EMAIL for e in opened),
            sent=len(sent), distinct_sent=len({e.originator_id for e in sent}),
            sent_message_ids=frozenset(e.message_id for e in sent), sent_causes=Counter(e.cause for e in sent),
            cause_of={e.message_id: e.cause for e in sent}, outbox_rows=int(rows[0]),
            outbox_sent=int(rows[1]))
    finally:
        node.close()
