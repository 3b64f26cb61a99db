"""IMAP IDLE on the inbox where the server offers it (RFC 2177): a mail arriving wakes the mailbox job at once, so
a question is a consultation within seconds instead of at the next round. The rounds go on regardless (the spam
folder has no IDLE here, and a dropped connection is only noticed by them); this is a shortcut, never the record.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import structlog

from gateways.mail.account import MailAccount
from gateways.mail.imap import connected

log = structlog.get_logger("mail")
CHECK_SECONDS = 5.0  # how long one wait for the server lasts: the watcher notices a stop this fast
RENEW_SECONDS = 25 * 60  # RFC 2177: a client should re-issue IDLE at least every 29 minutes
RETRY_SECONDS = 30.0


class IdleWatcher:
    def __init__(self, account: MailAccount, arrived: Callable[[], None]) -> None:
        self.account = account
        self.arrived = arrived
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.supported: bool | None = None  # unknown until the first connection

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="mail-idle", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=CHECK_SECONDS * 3)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._watch()
            except Exception as error:  # noqa: BLE001 — the rounds read the mail anyway; try again later
                log.info("mail_idle_lost", mailbox=self.account.address, error=type(error).__name__)
            if self.supported is False:
                return
            self._stop.wait(RETRY_SECONDS)

    def _watch(self) -> None:
        with connected(self.account) as client:
            self.supported = b"IDLE" in client.capabilities()
            if not self.supported:
                log.info("mail_idle_unsupported", mailbox=self.account.address)
                return
            client.select_folder(self.account.inbox, readonly=True)
            while not self._stop.is_set():
                client.idle()
                renew_at = time.monotonic() + RENEW_SECONDS
                while not self._stop.is_set() and time.monotonic() < renew_at:
                    if any(_arrival(response) for response in client.idle_check(timeout=CHECK_SECONDS)):
                        self.arrived()
                client.idle_done()


def _arrival(response: tuple) -> bool:
    """`(n, b"EXISTS")`: the inbox holds n mails now (a new one arrived, or one was moved in)."""
    return len(response) >= 2 and response[1] in (b"EXISTS", b"RECENT")
