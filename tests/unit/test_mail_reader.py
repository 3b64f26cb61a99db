"""How the reader hands a folder's mails on (gateways/mail/imap.py): oldest first, every UID once, the checkpoint's UID
with each batch; chunks fetched while the keeper is busy are taken together (never more than KEEP_BATCH); a batch
the keeper fails on stops the folder there, nothing after it handed on. The IMAP server is a fake with the two calls
the reader makes after SELECT."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from domain.mail import Folder
from gateways.mail.account import MailAccount
from gateways.mail.imap import FETCH_CHUNK, KEEP_BATCH, MailboxReader

ACCOUNT = MailAccount(address="helpdesk@kab-1613.kpu.go.id", username="u", password="p", imap_host="localhost",
                      smtp_host="localhost")


class FakeImap:
    def __init__(self, uids: list[int], expunged: set[int] = frozenset()) -> None:  # type: ignore[assignment]
        self.uids, self.expunged = uids, expunged
        self.fetches = 0
        self.fetched = threading.Event()

    def folder_exists(self, _: str) -> bool:
        return True

    def select_folder(self, _: str, readonly: bool) -> dict[bytes, Any]:
        assert readonly
        return {b"UIDVALIDITY": 7}

    def search(self, _: list[str]) -> list[int]:
        return list(self.uids)

    def fetch(self, chunk: list[int], _: list[str]) -> dict[int, dict[bytes, bytes]]:
        self.fetches += 1
        if self.fetches >= 3:
            self.fetched.set()
        return {uid: {b"BODY[]": b"mail %d" % uid} for uid in chunk if uid not in self.expunged}


class Checkpoint:
    def last_uid(self, *_: object) -> int:
        return 0


def test_every_mail_is_handed_on_once_in_order_with_the_checkpoint_of_its_batch() -> None:
    server = FakeImap(list(range(1, 12 * FETCH_CHUNK + 1)), expunged={30, 31})
    batches: list[tuple[list[int], int]] = []
    first = threading.Event()

    def keep(mails: list[tuple[int, bytes]], folder: Folder, name: str, uidvalidity: int, last: int) -> None:
        assert (folder, name, uidvalidity) == (Folder.INBOX, "INBOX", 7)
        if not first.is_set():  # the first batch is slow: the fetching goes on meanwhile
            first.set()
            server.fetched.wait(10)
        batches.append(([uid for uid, _ in mails], last))

    count = MailboxReader(ACCOUNT, Checkpoint()).read_folder(server, Folder.INBOX, "INBOX", keep)  # type: ignore[arg-type]
    assert count == 12 * FETCH_CHUNK
    handed = [uid for uids, _ in batches for uid in uids]
    assert handed == [uid for uid in server.uids if uid not in server.expunged]
    assert [last for _, last in batches] == sorted({last for _, last in batches})
    assert batches[-1][1] == 12 * FETCH_CHUNK
    assert len(batches) < 12  # chunks fetched while the keeper was busy went together
    assert all(len(uids) <= KEEP_BATCH * FETCH_CHUNK for uids, _ in batches)
    # Each batch ends on a chunk's last UID: the checkpoint never stops inside a chunk.
    assert all(last % FETCH_CHUNK == 0 for _, last in batches)


def test_a_batch_the_keeper_fails_on_stops_the_folder_there() -> None:
    server = FakeImap(list(range(1, 6 * FETCH_CHUNK + 1)))
    kept: list[int] = []

    def keep(mails: list[tuple[int, bytes]], *_: object) -> None:
        if kept:
            raise ConnectionError("read store unreachable")
        kept.append(mails[-1][0])

    with pytest.raises(ConnectionError):
        MailboxReader(ACCOUNT, Checkpoint()).read_folder(server, Folder.INBOX, "INBOX", keep)  # type: ignore[arg-type]
    assert kept == [FETCH_CHUNK]  # the first chunk kept; nothing handed on after the failure
