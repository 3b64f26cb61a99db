"""Reading the office's mailbox over IMAP (imapclient): the inbox and the spam folder, every mail after the last
UID read under the folder's UIDVALIDITY, fetched with BODY.PEEK[] so nothing depends on the \\Seen flag (a person
reading the mailbox in a mail program changes nothing here).

A reset UIDVALIDITY reads the folder again from its first mail; the mails already recorded are recognised by their
id (domain/mail.py) and recorded once. Mails are fetched FETCH_CHUNK at a time and handed on a chunk at a time with
the UID the folder's checkpoint moves to: the job keeps the chunk in its spool and moves the checkpoint in one
transaction (gateways/mail/spool.py), so a node killed mid-fetch reads again from the first mail it did not keep.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager

import imapclient
from imapclient.exceptions import IMAPClientError
from imapclient.imapclient import JUNK, SENT

from domain.mail import Folder
from gateways.mail.account import MailAccount, tls_context
from gateways.mail.checkpoints import Checkpoints

FETCH_CHUNK = 25  # mails per FETCH: a 25 MB mail is allowed, so a chunk stays well under a few hundred MB
KEEP_BATCH = 4  # FETCH chunks the keeper takes at most in one transaction, when the fetching is ahead of it
KEEP_BYTES = 16 * 1024 * 1024  # and bytes: past either, the fetching waits for the keeper
TIMEOUT = 60.0

# What reading a chunk of mails does with it: ((UID, raw bytes) of each, oldest first; folder; its name; UIDVALIDITY;
# the UID the checkpoint moves to, with the chunk kept); raises to stop the folder there.
Handle = Callable[[list[tuple[int, bytes]], Folder, str, int, int], None]


@contextmanager
def connected(account: MailAccount) -> Iterator[imapclient.IMAPClient]:
    client = imapclient.IMAPClient(account.imap_host, port=account.imap_port, ssl=account.imap_tls == "tls",
                                   ssl_context=tls_context() if account.imap_tls == "tls" else None, timeout=TIMEOUT)
    try:
        if account.imap_tls == "starttls":
            client.starttls(tls_context())
        client.login(account.username, account.password)
        yield client
    finally:
        try:
            client.logout()
        except Exception:  # noqa: BLE001 — the connection may already be gone; nothing to keep
            pass


def folder_names(client: imapclient.IMAPClient, account: MailAccount) -> dict[Folder, str]:
    """The inbox and the spam folder: as set, else the folder the server marks \\Junk, else "Junk"."""
    spam = account.spam or _special(client, JUNK) or "Junk"
    return {Folder.INBOX: account.inbox, Folder.SPAM: spam}


def sent_folder(client: imapclient.IMAPClient, account: MailAccount) -> str:
    return account.sent or _special(client, SENT) or "Sent"


def _special(client: imapclient.IMAPClient, flag: bytes) -> str | None:
    try:
        found = client.find_special_folder(flag)
    except IMAPClientError:
        return None
    return str(found) if found else None


class MailboxReader:
    def __init__(self, account: MailAccount, checkpoints: Checkpoints) -> None:
        self.account = account
        self.checkpoints = checkpoints

    def read_folder(self, client: imapclient.IMAPClient, folder: Folder, name: str, handle: Handle) -> int:
        """Hands every mail not read yet to `handle`, one or a few FETCH chunks at a time, oldest first; returns how
        many. The handler moves the checkpoint with each batch it keeps."""
        if not client.folder_exists(name):
            return 0
        selected = client.select_folder(name, readonly=True)
        uidvalidity = int(selected[b"UIDVALIDITY"])
        last = self.checkpoints.last_uid(self.account.address, name, uidvalidity)
        # "n:*" always names the newest mail, even when its UID is below n: only the UIDs above the last count.
        uids = sorted(uid for uid in client.search(["UID", f"{last + 1}:*"]) if uid > last)
        # Chunks are fetched while the last ones are kept: the keeper takes, in one go, every chunk fetched since it
        # last started (at most KEEP_BATCH chunks or about KEEP_BYTES; then the fetching waits for it), in order; a
        # batch it fails on stops the folder there (its checkpoint stays before it).
        with ThreadPoolExecutor(1, thread_name_prefix="mail-keep") as keeper:
            kept: Future[None] | None = None
            waiting: list[tuple[int, bytes]] = []
            batched, size, through = 0, 0, 0  # chunks fetched and not yet handed on, their bytes, their last UID
            for start in range(0, len(uids), FETCH_CHUNK):
                chunk = uids[start:start + FETCH_CHUNK]
                fetched = client.fetch(chunk, ["BODY.PEEK[]"])
                # A mail expunged between SEARCH and FETCH comes back without its bytes: nothing to read.
                mails = [(uid, bytes(raw)) for uid in chunk if (raw := fetched.get(uid, {}).get(b"BODY[]")) is not None]
                waiting += mails
                batched, size, through = batched + 1, size + sum(len(raw) for _, raw in mails), chunk[-1]
                if kept is not None and not kept.done() and batched < KEEP_BATCH and size < KEEP_BYTES:
                    continue
                if kept is not None:
                    kept.result()
                kept = keeper.submit(handle, waiting, folder, name, uidvalidity, through)
                waiting, batched, size = [], 0, 0
            if kept is not None:
                kept.result()
            if batched:
                handle(waiting, folder, name, uidvalidity, through)
        return len(uids)
