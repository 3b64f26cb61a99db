"""Sending what the outbox holds (projections/mail.py): the acknowledgements of mails that opened a consultation,
the answers of consultations that came by mail and the invitations to online meetings — recorded first (the event
that caused each made its row), sent after, retried until it leaves, recorded as sent once. What each kind says:
gateways/mail/letters.py.

Each mail's Message-ID is fixed before it is sent (`message_id_for`, from its outgoing id), and a copy goes to the
mailbox's Sent folder right after the SMTP server took it. Before sending, the Sent folder is searched for that
Message-ID: a mail a killed node had sent but not yet recorded is recorded, not sent again. What stays open is the
moment between the SMTP server's acceptance and the copy: a node killed exactly then sends the mail again under the
same Message-ID, which mail programs show once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from email.utils import parseaddr
from zoneinfo import ZoneInfo

import imapclient
import structlog
from imapclient.imapclient import SEEN

from domain.mail import message_id_for
from gateways.mail.account import MailAccount, smtp_session
from gateways.mail.compose import compose_reply
from gateways.mail.imap import connected, sent_folder
from gateways.mail.letters import LETTERS, Letter, TrackingLink, Writing
from projections.mail_queries import MailQueries, OutboxRow
from services.mail import MailCommands

log = structlog.get_logger("mail")
TIMEOUT = 60.0
# An acknowledgement is worth sending while the question is fresh: one not sent within a day of its mail's reading (the
# node or the SMTP server down that long, or a rebuild of the mail read model listing the first mails of old
# consultations, which never had one) is left out for good. The answer, with the same tracking link, still goes.
ACKNOWLEDGEMENT_HOURS = 24


class OutboxSender:
    def __init__(self, account: MailAccount, helpdesk: MailCommands, queries: MailQueries, office_name: str,
                 zone: ZoneInfo, pseudonym: Callable[[str, str], str], clock: Callable[[], datetime],
                 tracking_link: TrackingLink) -> None:
        self.account = account
        self.helpdesk = helpdesk
        self.queries = queries
        self.writing = Writing(helpdesk, queries, office_name, account.address, zone, tracking_link)
        self.pseudonym = pseudonym
        self.clock = clock

    def send_pending(self) -> int:
        """Sends every mail waiting; returns how many were recorded as sent. A failure stops the round (the next
        round retries from the same mail)."""
        pending = self.queries.pending(acknowledged_since=self.clock() - timedelta(hours=ACKNOWLEDGEMENT_HOURS))
        if not pending:
            return 0
        sent = 0
        with connected(self.account) as imap:
            sent_box = sent_folder(imap, self.account)
            for row in pending:
                sent += self._send(imap, sent_box, row)
        return sent

    def _send(self, imap: imapclient.IMAPClient, sent_box: str, row: OutboxRow) -> int:
        letter = LETTERS[row.cause](self.writing, row)
        if letter is None:
            log.warning("mail_without_address", cause=row.cause, consultation=str(row.consultation_id))
            return 0
        message_id = message_id_for(row.id, self.account.domain)
        if not self._already_in_sent(imap, sent_box, message_id):
            raw = self._compose(letter, message_id)
            self._smtp(raw, letter.to_address)
            imap.append(sent_box, raw, flags=[SEEN])
        recorded = self.helpdesk.record_sent(
            outgoing=row.id, consultation_id=row.consultation_id, cause=row.cause, message_id=message_id,
            recipient_pseudonym=self.pseudonym("email", letter.to_address), subject=letter.subject)
        return int(recorded)

    def _compose(self, letter: Letter, message_id: str) -> bytes:
        return compose_reply(
            office_address=self.account.address, office_name=self.writing.office_name, to_name=letter.to_name,
            to_address=letter.to_address, subject=letter.subject, text=letter.text, message_id=message_id,
            in_reply_to=letter.in_reply_to, references=letter.references, at=self.clock(),
            attachments=letter.attachments, automatic=letter.automatic)

    @staticmethod
    def _already_in_sent(imap: imapclient.IMAPClient, sent_box: str, message_id: str) -> bool:
        if not imap.folder_exists(sent_box):
            imap.create_folder(sent_box)
            return False
        imap.select_folder(sent_box, readonly=True)
        return bool(imap.search(["HEADER", "Message-ID", message_id]))

    def _smtp(self, raw: bytes, address: str) -> None:
        with smtp_session(self.account, TIMEOUT) as smtp:
            smtp.sendmail(parseaddr(self.account.address)[1], [address], raw)
