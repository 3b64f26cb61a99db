"""The mailbox's spool on each backend (gateways/mail/spool.py): a chunk kept with its folder's checkpoint in one
transaction, read back oldest first a folder at a time, taken out once recorded; a chunk read again after its
checkpoint was lost is held once; a chunk that cannot be kept leaves the checkpoint where it was."""

from __future__ import annotations

import pytest

from domain.mail import Folder
from gateways.bootstrap import Node
from gateways.mail.checkpoints import Checkpoints
from gateways.mail.spool import TABLE, Spool

BOX = "helpdesk@kab-1613.kpu.go.id"


def _spool(node: Node) -> Spool:
    checkpoints = Checkpoints(node.store)
    return Spool(node.store, checkpoints)


def _mails(first: int, count: int) -> list[tuple[int, bytes]]:
    return [(uid, b"Subject: %d\r\n\r\nisi \x00\xff biner" % uid) for uid in range(first, first + count)]


def test_a_chunk_is_kept_with_its_checkpoint_and_read_back_a_folder_at_a_time(node: Node) -> None:
    spool = _spool(node)
    spool.take(BOX, Folder.SPAM, "Junk", 7, _mails(1, 2), 2)
    spool.take(BOX, Folder.INBOX, "INBOX", 5, _mails(1, 3), 4)  # UID 4 was expunged between SEARCH and FETCH
    spool.take(BOX, Folder.INBOX, "INBOX", 5, _mails(5, 2), 6)
    assert spool.checkpoints.last_uid(BOX, "INBOX", 5) == 6
    assert spool.checkpoints.last_uid(BOX, "Junk", 7) == 2
    assert spool.held(BOX) == 7

    first = spool.next_chunk(BOX, 4)
    assert [(m.folder, m.uid) for m in first] == [(Folder.INBOX, 1), (Folder.INBOX, 2), (Folder.INBOX, 3),
                                                  (Folder.INBOX, 5)]
    assert first[0].raw == _mails(1, 1)[0][1]  # the bytes as they came, NUL and 0xFF included
    spool.recorded(BOX, first)
    second = spool.next_chunk(BOX, 4)
    assert [(m.folder, m.uid) for m in second] == [(Folder.INBOX, 6)]  # the inbox alone: a chunk is one folder
    spool.recorded(BOX, second)
    assert [(m.folder, m.uid) for m in spool.next_chunk(BOX, 4)] == [(Folder.SPAM, 1), (Folder.SPAM, 2)]
    assert spool.held(BOX) == 2
    assert spool.next_chunk("other@kab.example", 4) == []


def test_mails_read_again_after_a_lost_checkpoint_are_held_once(node: Node) -> None:
    spool = _spool(node)
    spool.take(BOX, Folder.INBOX, "INBOX", 5, _mails(1, 5), 5)
    with node.store.transaction() as tx:
        tx.execute("DELETE FROM mail_checkpoints")
    assert spool.checkpoints.last_uid(BOX, "INBOX", 5) == 0
    spool.take(BOX, Folder.INBOX, "INBOX", 5, _mails(1, 5), 5)
    assert spool.held(BOX) == 5
    spool.take(BOX, Folder.INBOX, "INBOX", 9, _mails(1, 2), 2)  # a new UIDVALIDITY: other mails, held beside
    assert spool.held(BOX) == 7


def test_a_chunk_that_cannot_be_kept_leaves_the_checkpoint_where_it_was(node: Node) -> None:
    spool = _spool(node)
    spool.take(BOX, Folder.INBOX, "INBOX", 5, _mails(1, 2), 2)
    broken = [(3, b"ok"), (4, None)]  # a mail without bytes: the store refuses the row
    with pytest.raises(Exception):  # noqa: B017 - each engine names its own NOT NULL error
        spool.take(BOX, Folder.INBOX, "INBOX", 5, broken, 4)  # type: ignore[arg-type]
    assert spool.checkpoints.last_uid(BOX, "INBOX", 5) == 2
    assert node.store.query(f"SELECT uid FROM {TABLE} ORDER BY uid") == [(1,), (2,)]
