"""The e-mail channel as the desk's pages use it: the mailbox's state (when each folder was last read, an alert
past the standard), the mail waiting for a decision, and releasing or rejecting one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from uuid import UUID

import msgspec

from domain.mail import Folder, mailbox_late
from gateways.mail.account import MailAccount
from gateways.mail.checkpoints import Checkpoints, FolderState
from projections.mail_queries import MailQueries, MailRow, OutboxRow
from services.mail import MailCommands


class MailboxStatus(msgspec.Struct, frozen=True):
    address: str
    standard_minutes: int
    folders: list[FolderState]  # the folders read ("INBOX", "Junk"); "*" the mailbox itself, "smtp" the sending
    late: bool  # a folder unread past the standard, or never read
    last_read: datetime | None  # the oldest of the folders' last reads
    failure: str | None  # the last failure still standing (a failure after the last good read)


class MailDesk:
    def __init__(self, helpdesk: MailCommands, queries: MailQueries, checkpoints: Checkpoints,
                 account: MailAccount | None, clock: Callable[[], datetime]) -> None:
        self.helpdesk = helpdesk
        self.queries = queries
        self.checkpoints = checkpoints
        self.account = account
        self.clock = clock

    def status(self) -> MailboxStatus | None:
        """None when the office has no mailbox set."""
        if self.account is None:
            return None
        states = self.checkpoints.states(self.account.address)
        read = [s for s in states if s.folder not in ("*", "smtp")]
        reads = [s.read_at for s in read if s.read_at is not None]
        last = min(reads) if len(reads) == len(read) and reads else None
        failures = [s for s in states if s.failure and (s.failed_at and (last is None or s.failed_at > last))]
        return MailboxStatus(
            address=self.account.address, standard_minutes=self.account.check_minutes, folders=states,
            late=mailbox_late(last, self.clock(), self.account.check_minutes) or len(read) < len(Folder),
            last_read=last, failure=failures[-1].failure if failures else None,
        )

    def waiting(self, office_id: str) -> list[MailRow]:
        return self.queries.waiting(office_id)

    def of_consultation(self, consultation_id: UUID) -> list[MailRow]:
        return self.queries.of_consultation(consultation_id)

    def outbox_of(self, consultation_id: UUID) -> list[OutboxRow]:
        return self.queries.outbox_of(consultation_id)

    def release(self, mail_id: UUID, actor: str) -> UUID:
        return self.helpdesk.release_mail(mail_id, actor)

    def reject(self, mail_id: UUID, actor: str, note: str) -> None:
        self.helpdesk.reject_mail(mail_id, actor, note)
