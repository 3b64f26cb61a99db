"""The mailbox job: reads the inbox and the spam folder every `poll_seconds` (C.a.3: at least hourly) and whenever
IMAP IDLE says a mail arrived in the inbox (gateways/mail/idle.py), and sends what the outbox holds whenever it is
woken (an answer was recorded) or every few seconds.

Each round takes the new mail of both folders in (kept in the spool with the folders' checkpoints,
gateways/mail/spool.py), then records what the spool holds, a chunk at a time.

Started and stopped with the node's other background work (gateways/http/lifespans.py). A mailbox that cannot be
reached (refused, wrong password, server down) is recorded as failed with the reason and tried again at the next
round; the page of the mailbox shows when each folder was last read, and an alert past the standard.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import structlog

from domain.mail import Folder
from gateways.mail.account import MailAccount
from gateways.mail.checkpoints import Checkpoints
from gateways.mail.idle import IdleWatcher
from gateways.mail.imap import FETCH_CHUNK, MailboxReader, connected, folder_names
from gateways.mail.mime import read_mails
from gateways.mail.sender import OutboxSender
from gateways.mail.spool import Spool, Spooled
from gateways.storage import DocumentStore
from services.mail import MailCommands

log = structlog.get_logger("mail")
SEND_SECONDS = 5.0  # how often the outbox is looked at without being woken


class MailJob:
    def __init__(self, account: MailAccount, helpdesk: MailCommands, files: DocumentStore, checkpoints: Checkpoints,
                 mailer: OutboxSender, clock: Callable) -> None:
        self.account = account
        self.helpdesk = helpdesk
        self.files = files
        self.checkpoints = checkpoints
        self.reader = MailboxReader(account, checkpoints)
        self.spool = Spool(checkpoints.store, checkpoints)
        self.mailer = mailer
        self.clock = clock
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._read_now = True
        self._reading = helpdesk.reading_round()
        self.idle = IdleWatcher(account, lambda: self.wake(read=True))

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="mail-job", daemon=True)
        self._thread.start()
        self.idle.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self.idle.stop()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def wake(self, read: bool = False) -> None:
        """Looks at the outbox now (and, with `read`, at the mailbox too)."""
        self._read_now = self._read_now or read
        self._wake.set()

    def _run(self) -> None:
        next_read = 0.0
        while not self._stop.is_set():
            if self._read_now or time.monotonic() >= next_read:
                self._read_now = False
                self.read_mailbox()
                next_read = time.monotonic() + self.account.poll_seconds
            self.send_answers()
            self._wake.wait(min(SEND_SECONDS, max(0.0, next_read - time.monotonic())))
            self._wake.clear()

    def read_mailbox(self) -> int:
        """One round: both folders taken in, then every mail the spool holds recorded; returns how many mails were
        taken in."""
        count = self.take_in()
        self.record_spooled()
        return count

    def take_in(self) -> int:
        """Both folders' new mail kept in the spool; returns how many mails. A mailbox that cannot be read is
        recorded as failed, with the reason."""
        count = 0
        try:
            with connected(self.account) as client:
                for folder, name in folder_names(client, self.account).items():
                    count += self._read_folder(client, folder, name)
        except Exception as error:  # noqa: BLE001 — any failure is recorded and retried at the next round
            log.warning("mailbox_unreachable", mailbox=self.account.address, error=type(error).__name__)
            self._failed(error)
            self.helpdesk.note_mailbox_failed(self.account.address, _reason(error))
        return count

    def record_spooled(self) -> int:
        """Records what the spool holds, a chunk at a time in one transaction each, oldest first; returns how many
        mails. A chunk that cannot be recorded stays in the spool for the next round, the failure on the record."""
        self._reading = self.helpdesk.reading_round()  # the threads this round records, known to its later chunks
        done, last = 0, None
        try:
            while (chunk := self.spool.next_chunk(self.account.address, FETCH_CHUNK)) and chunk[0] != last:
                self._record(chunk)
                done, last = done + len(chunk), chunk[0]
        except Exception as error:  # noqa: BLE001 — the mails stay in the spool; the next round records them
            log.warning("mail_record_failed", mailbox=self.account.address, error=type(error).__name__)
            self._failed(error)
        return done

    def _read_folder(self, client: object, folder: Folder, name: str) -> int:
        count = self.reader.read_folder(client, folder, name, self._take)  # type: ignore[arg-type]
        self.checkpoints.read(self.account.address, name, self.clock())
        self.helpdesk.note_folder_read(self.account.address, folder.value, count)
        return count

    def _take(self, mails: list[tuple[int, bytes]], folder: Folder, name: str, uidvalidity: int, last: int) -> None:
        self.spool.take(self.account.address, folder, name, uidvalidity, mails, last)

    def _record(self, chunk: list[Spooled]) -> None:
        """A chunk of the spool: every mail's bytes kept as a file, then each read, then all recorded in one
        transaction, then out of the spool."""
        reads = read_mails([(m.uid, m.raw) for m in chunk], mailbox=self.account.address, folder=chunk[0].folder,
                           uidvalidity=chunk[0].uidvalidity, files=self.files)
        self.helpdesk.receive_mails(reads, self._reading)
        self.spool.recorded(self.account.address, chunk)

    def _failed(self, error: BaseException) -> None:
        self.checkpoints.failed(self.account.address, "*", self.clock(), _reason(error))

    def send_answers(self) -> int:
        try:
            return self.mailer.send_pending()
        except Exception as error:  # noqa: BLE001 — the answers stay in the outbox; the next round retries
            log.warning("mail_send_failed", mailbox=self.account.address, error=type(error).__name__)
            self.checkpoints.failed(self.account.address, "smtp", self.clock(), _reason(error))
            return 0


def _reason(error: BaseException) -> str:
    """What went wrong, without anything a server might echo back of a password."""
    text = str(error).replace("\n", " ")
    return f"{type(error).__name__}: {text}"[:300]
