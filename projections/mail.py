"""The office's mail as the desk works it: every mail read (what it became), the threads mails are matched to, and
the answers waiting to be sent (the outbox).

The sender's address is kept here only masked (`t•••@gmail.com`): the full address stays sealed in the events and
in the consultation's identity. A consultation's answers go out by mail when the consultation came by mail: its
Answered and AnswerArrived events make an outbox row, which the `OutgoingMail.Sent` of the same cause closes.

A mail that opens a consultation (read into a new one, or released by the desk into one no mail had reached) makes an
acknowledgement row: the sender is told the question arrived, its number and where to follow it. An
acknowledgement still waiting when the consultation's answer has left is no longer due and goes (the answer says
more, with the same link); one waiting too long is left out by the sender (gateways/mail/sender.py), so a rebuild of
this read model never acknowledges the questions of days ago.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from domain.consultation import Consultation
from domain.mail import Mail, OutgoingMail, masked_address, outgoing_id
from domain.meeting import Meeting
from projections.base import ReadModel, Writer, among, iso

MAIL = """
    id TEXT PRIMARY KEY, office_id TEXT NOT NULL, folder TEXT NOT NULL, disposition TEXT NOT NULL,
    consultation_id TEXT, follows TEXT, reason TEXT, subject TEXT NOT NULL, sender TEXT NOT NULL,
    message_id TEXT, read_at TEXT NOT NULL, waiting INTEGER NOT NULL, attachments INTEGER NOT NULL,
    excerpt TEXT NOT NULL, settled_by TEXT, settled_at TEXT, not_kept TEXT NOT NULL, raw_key TEXT NOT NULL,
    subject_id TEXT NOT NULL
"""
# Every Message-ID the office has seen in a consultation's thread: the mails it read and the mails it sent.
THREAD_IDS = "message_id TEXT PRIMARY KEY, consultation_id TEXT NOT NULL"
# The mailed consultations (the outbox needs to know a consultation's answers go by mail).
MAILED = "consultation_id TEXT PRIMARY KEY, first_mail TEXT NOT NULL"
# What waits to be sent: `source` is the aggregate whose event caused it (the consultation for an answer, the meeting
# for an invitation, the mail for an acknowledgement), `cause_event` that event's version.
OUTBOX = """
    id TEXT PRIMARY KEY, consultation_id TEXT NOT NULL, cause TEXT NOT NULL, source TEXT NOT NULL,
    cause_event TEXT NOT NULL, created_at TEXT NOT NULL, sent_at TEXT, message_id TEXT
"""
MEETINGS = "meeting_id TEXT PRIMARY KEY, consultation_id TEXT NOT NULL"
EXCERPT = 300


class MailProjection(ReadModel):
    name = "mail"
    version = 2  # 2: acknowledgements of the mails that open a consultation
    tables: ClassVar[dict[str, str]] = {
        "rm_mail": MAIL, "rm_mail_thread_ids": THREAD_IDS, "rm_mailed": MAILED, "rm_mail_outbox": OUTBOX,
        "rm_mail_meetings": MEETINGS,
    }
    indexes = (
        "CREATE INDEX IF NOT EXISTS rm_mail_waiting ON rm_mail (office_id, waiting, read_at)",
        "CREATE INDEX IF NOT EXISTS rm_mail_consultation ON rm_mail (consultation_id, read_at)",
        "CREATE INDEX IF NOT EXISTS rm_mail_subject ON rm_mail (subject_id)",
        "CREATE INDEX IF NOT EXISTS rm_mail_outbox_pending ON rm_mail_outbox (sent_at, created_at)",
        "CREATE INDEX IF NOT EXISTS rm_mail_outbox_consultation ON rm_mail_outbox (consultation_id, cause)",
    )
    topics = (Mail.Received, Mail.Released, Mail.Rejected, OutgoingMail.Sent, Consultation.Answered,
              Consultation.AnswerArrived, Meeting.Scheduled, Meeting.Rescheduled, Meeting.Cancelled)

    # Between begin_batch and end_batch: the consultations of the batch's answers that are mailed, read with one
    # query and kept up to date by the batch's mails, so an answer needs no look-up of its own.
    _mailed: set[str] | None = None

    def begin_batch(self, tx: Writer, events: Sequence[Any] = ()) -> None:
        answered = [str(event.originator_id) for event in events if type(event) in _ANSWERS]
        self._mailed = among(tx, "rm_mailed", "consultation_id", answered)

    def end_batch(self, tx: Writer) -> None:
        self._mailed = None

    def process(self, event: Any, position: int, tx: Writer) -> None:
        mailed, kind = self._mailed, type(event)
        if mailed is not None and kind in _ANSWERS:
            if str(event.originator_id) in mailed:
                _outbox(tx, event, str(event.originator_id), "answer")
            return
        threaded = HANDLERS[kind](event, tx)
        if mailed is not None and threaded is not None:
            mailed.add(threaded)


def _received(event: Mail.Received, tx: Writer) -> str | None:
    """Returns the consultation the mail made a mailed one (or None), as `_released` does."""
    mail, key = event.mail, str(event.originator_id)
    consultation = str(event.consultation_id) if event.consultation_id else None
    waiting = event.disposition in ("held", "quarantined")
    tx.execute(
        "INSERT INTO rm_mail (id, office_id, folder, disposition, consultation_id, follows, reason, subject, sender,"
        " message_id, read_at, waiting, attachments, excerpt, not_kept, raw_key, subject_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (id) DO NOTHING",
        (key, event.office_id, mail.folder.value, event.disposition.value, consultation,
         str(event.follows) if event.follows else None, event.reason.value if event.reason else None,
         mail.subject, masked_address(mail.sender_address), mail.message_id, iso(event.read_at), int(waiting),
         len(mail.attachments), mail.text[:EXCERPT], "\n".join(mail.not_kept), mail.raw_key, str(event.subject_id)),
    )
    threaded = None
    if consultation and event.disposition in ("opened", "joined"):
        threaded = _thread(tx, consultation, mail.message_id, key)
    if consultation and event.disposition == "opened":
        _outbox(tx, event, consultation, "acknowledgement")
    return threaded


def _thread(tx: Writer, consultation: str, message_id: str | None, first_mail: str) -> str:
    if message_id:
        tx.execute("INSERT INTO rm_mail_thread_ids (message_id, consultation_id) VALUES (?, ?)"
                   " ON CONFLICT (message_id) DO NOTHING", (message_id, consultation))
    tx.execute("INSERT INTO rm_mailed (consultation_id, first_mail) VALUES (?, ?)"
               " ON CONFLICT (consultation_id) DO NOTHING", (consultation, first_mail))
    return consultation


def _released(event: Mail.Released, tx: Writer) -> str:
    key, consultation = str(event.originator_id), str(event.consultation_id)
    tx.execute("UPDATE rm_mail SET waiting = 0, disposition = 'opened', consultation_id = ?, settled_by = ?,"
               " settled_at = ? WHERE id = ?", (consultation, event.actor, iso(event.timestamp), key))
    found = tx.execute("SELECT message_id FROM rm_mail WHERE id = ?", (key,))
    opened = not _mail_reached(tx, consultation)
    _thread(tx, consultation, found[0][0] if found else None, key)
    if opened:
        _outbox(tx, event, consultation, "acknowledgement")
    return consultation


def _mail_reached(tx: Writer, consultation: str) -> bool:
    """Whether mail went either way in the consultation before: a mail read into it, or a mail the office sent or
    will send about it (an online meeting's invitation, whose reply the desk released into it)."""
    return bool(tx.execute("SELECT 1 FROM rm_mailed WHERE consultation_id = ?", (consultation,))
                or tx.execute("SELECT 1 FROM rm_mail_outbox WHERE consultation_id = ? LIMIT 1", (consultation,)))


def _rejected(event: Mail.Rejected, tx: Writer) -> None:
    tx.execute("UPDATE rm_mail SET waiting = 0, settled_by = ?, settled_at = ? WHERE id = ?",
               (event.actor, iso(event.timestamp), str(event.originator_id)))


def _sent(event: OutgoingMail.Sent, tx: Writer) -> None:
    tx.execute("UPDATE rm_mail_outbox SET sent_at = ?, message_id = ? WHERE id = ?",
               (iso(event.sent_at), event.message_id, str(event.originator_id)))
    if event.cause == "answer" and event.consultation_id is not None:
        # The answer has left: an acknowledgement not sent by now is no longer due.
        tx.execute("DELETE FROM rm_mail_outbox WHERE consultation_id = ? AND cause = 'acknowledgement'"
                   " AND sent_at IS NULL", (str(event.consultation_id),))
    if event.consultation_id is not None:
        tx.execute("INSERT INTO rm_mail_thread_ids (message_id, consultation_id) VALUES (?, ?)"
                   " ON CONFLICT (message_id) DO NOTHING", (event.message_id, str(event.consultation_id)))


def _answered(event: Any, tx: Writer) -> None:
    """An answer of a consultation that came by mail goes back by mail: one outbox row per answer event."""
    consultation = str(event.originator_id)
    if tx.execute("SELECT 1 FROM rm_mailed WHERE consultation_id = ?", (consultation,)):
        _outbox(tx, event, consultation, "answer")


def _scheduled(event: Meeting.Scheduled, tx: Writer) -> None:
    tx.execute("INSERT INTO rm_mail_meetings (meeting_id, consultation_id) VALUES (?, ?)"
               " ON CONFLICT (meeting_id) DO NOTHING", (str(event.originator_id), str(event.consultation_id)))
    _invited(event, tx)


def _invited(event: Any, tx: Writer) -> None:
    """Each scheduling, rescheduling and cancelling of a meeting sends the liaison the invitation as it now is."""
    meeting = str(event.originator_id)
    found = tx.execute("SELECT consultation_id FROM rm_mail_meetings WHERE meeting_id = ?", (meeting,))
    if found:
        _outbox(tx, event, found[0][0], "invitation")


def _outbox(tx: Writer, event: Any, consultation: str, cause: str) -> None:
    tx.execute(
        "INSERT INTO rm_mail_outbox (id, consultation_id, cause, source, cause_event, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
        (str(outgoing_id(event.originator_id, event.originator_version)), consultation, cause,
         str(event.originator_id), str(event.originator_version), iso(event.timestamp)),
    )


_ANSWERS = (Consultation.Answered, Consultation.AnswerArrived)
# Each handler returns the consultation its event made a mailed one, if any.
HANDLERS: dict[type, Callable[[Any, Writer], str | None]] = {
    Mail.Received: _received,
    Mail.Released: _released,
    Mail.Rejected: _rejected,
    OutgoingMail.Sent: _sent,
    Consultation.Answered: _answered,
    Consultation.AnswerArrived: _answered,
    Meeting.Scheduled: _scheduled,
    Meeting.Rescheduled: _invited,
    Meeting.Cancelled: _invited,
}
