"""The hourly check of the mailbox on the record (SOP C.a.3: the inbox and the spam folder are checked at least every
hour): one `MailboxWatch` per office mailbox and local day, holding when each folder was read and when reading
failed, in the node's log and so on the audit trail the centre verifies.

Not every round is written: a folder's read is recorded when it is the first of its hour, or when it found mail;
a failure when the mailbox was not failing already. So a day holds at most some fifty entries per folder, however
often the node reads, and the record still shows the duty kept, hour by hour, and every outage.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

MAX_REASON = 300


def watch_id(office_id: str, mailbox: str, day: date) -> UUID:
    return uuid5(NAMESPACE_URL, f"helpdesk-sipol:mailbox-watch:{office_id}:{mailbox.lower()}:{day.isoformat()}")


def _hour(moment: datetime) -> tuple[int, int, int, int]:
    return moment.year, moment.month, moment.day, moment.hour


class MailboxWatch(Aggregate):
    class Started(Aggregate.Created):
        office_id: str
        mailbox: str
        day: date

    class FolderRead(Aggregate.Event):
        folder: str
        new: int  # mails handed on by this round

        def apply(self, aggregate: MailboxWatch) -> None:
            aggregate.last_recorded[self.folder] = self.timestamp
            aggregate.failing = False

    class ReadFailed(Aggregate.Event):
        reason: str  # the server's answer, without anything it echoed of a password

        def apply(self, aggregate: MailboxWatch) -> None:
            aggregate.failing = True

    @classmethod
    def start(cls, office_id: str, mailbox: str, day: date, at: datetime) -> MailboxWatch:
        return cls._create(cls.Started, id=watch_id(office_id, mailbox, day), timestamp=at, office_id=office_id,
                           mailbox=mailbox, day=day)

    def __init__(self, office_id: str, mailbox: str, day: date) -> None:
        self.office_id = office_id
        self.mailbox = mailbox
        self.day = day
        self.last_recorded: dict[str, datetime] = {}
        self.failing = False

    def folder_read(self, folder: str, new: int, at: datetime) -> None:
        """Records the read when it is the folder's first in this hour, found mail, or ends a failure."""
        last = self.last_recorded.get(folder)
        if new or self.failing or last is None or _hour(last) != _hour(at):
            self.trigger_event(self.FolderRead, timestamp=at, folder=folder, new=new)

    def read_failed(self, reason: str, at: datetime) -> None:
        """Records a failure when the mailbox was not failing already (an outage is one entry, its end another)."""
        if not self.failing:
            self.trigger_event(self.ReadFailed, timestamp=at, reason=reason[:MAX_REASON])
