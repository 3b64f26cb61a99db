"""A FETCH chunk of mails recorded together (services/mail_chunk.py), on each backend: one transaction for the
chunk, a reply to a mail of the same chunk joining its consultation, the same mail twice recorded once, a chunk read
again after a crash recognised whole, and a chunk that meets a change made meanwhile recorded one mail at a time."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from domain.mail import Folder, ReadMail
from gateways.bootstrap import Node
from gateways.mail.mime import read_mails
from services import mail_chunk
from services.mail_chunk import sealed_save

MAILBOX = "helpdesk@kab-1613.kpu.go.id"


def raw(n: int, sender: str = "tono@partai.id", replies_to: int | None = None, subject: str = "") -> bytes:
    message = EmailMessage()
    message["From"] = f"Tono Sugiarto <{sender}>"
    message["To"] = MAILBOX
    message["Subject"] = subject or f"Pertanyaan {n}"
    message["Message-ID"] = f"<m{n}@partai.id>"
    if replies_to is not None:
        message["In-Reply-To"] = f"<m{replies_to}@partai.id>"
        message["References"] = f"<m{replies_to}@partai.id>"
    message.set_content(f"Akun SIPOL kami terkunci ({n}).")
    return message.as_bytes()


def chunk(node: Node, mails: list[bytes], first_uid: int = 1) -> list[ReadMail]:
    return read_mails(list(enumerate(mails, start=first_uid)), mailbox=MAILBOX, folder=Folder.INBOX, uidvalidity=1,
                      files=node.files)


def rows(node: Node) -> dict[str, tuple[str, str | None]]:
    node.projections.catch_up()
    found = node.store.query("SELECT message_id, disposition, consultation_id FROM rm_mail")
    return {r[0]: (r[1], r[2]) for r in found}


def consultations(node: Node) -> int:
    node.projections.catch_up()
    return int(node.store.query("SELECT count(*) FROM rm_consultations")[0][0])


def test_a_chunk_is_recorded_in_one_transaction_and_a_reply_in_it_joins_its_thread(node: Node) -> None:
    saves: list[int] = []
    save = node.helpdesk._save
    node.helpdesk._save = lambda *aggregates: (saves.append(len(aggregates)), save(*aggregates))[1]  # type: ignore[method-assign]
    reads = chunk(node, [raw(1), raw(2, sender="siti@partai.id"), raw(3, replies_to=1), raw(4, replies_to=3)])
    answers = node.helpdesk.receive_mails(reads)
    assert [new for _, new in answers] == [True] * 4
    assert saves == [6]  # four mails and the two consultations they opened, saved together
    recorded = rows(node)
    assert [recorded[f"<m{n}@partai.id>"][0] for n in (1, 2, 3, 4)] == ["opened", "opened", "joined", "joined"]
    first = recorded["<m1@partai.id>"][1]
    assert recorded["<m3@partai.id>"][1] == recorded["<m4@partai.id>"][1] == first  # replies within the chunk
    assert consultations(node) == 2
    # The next chunk's reply finds the thread in the read model, as a mail read alone would.
    later = node.helpdesk.receive_mails(chunk(node, [raw(5, replies_to=2)], first_uid=5))
    assert later[0][1] and rows(node)["<m5@partai.id>"] == ("joined", recorded["<m2@partai.id>"][1])
    # The sender's name and address are sealed in the event store, readable through the aggregate.
    mail = node.helpdesk.mail_of(answers[0][0])
    assert (mail.mail.sender_name, mail.mail.sender_address) == ("Tono Sugiarto", "tono@partai.id")


def test_the_same_mail_twice_and_a_chunk_read_again_are_recorded_once(node: Node) -> None:
    mails = [raw(1), raw(2), raw(1)]
    answers = node.helpdesk.receive_mails(chunk(node, mails))
    assert [new for _, new in answers] == [True, True, False] and answers[0][0] == answers[2][0]
    # Killed after the commit and before the checkpoint moved: the chunk comes again, with one more mail.
    again = node.helpdesk.receive_mails(chunk(node, [*mails, raw(3)]))
    assert [new for _, new in again] == [False, False, False, True]
    assert [own for own, _ in again[:3]] == [own for own, _ in answers]
    assert consultations(node) == 3 and len(rows(node)) == 3


def test_a_chunk_meeting_a_change_made_meanwhile_is_recorded_one_mail_at_a_time(node: Node,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    node.helpdesk.receive_mails(chunk(node, [raw(1)]))
    reads = chunk(node, [raw(2), raw(3, replies_to=1), raw(4, replies_to=2)], first_uid=2)
    calls: list[int] = []

    def meanwhile(app: object, *aggregates: object) -> None:
        calls.append(len(aggregates))
        if len(calls) == 1:
            node.helpdesk.receive_mail(reads[0])  # another reader records mail 2 first
            sealed_save(app, *aggregates)  # type: ignore[arg-type]
        raise AssertionError("the per-mail path saves with _save")

    monkeypatch.setattr(mail_chunk, "sealed_save", meanwhile)
    answers = node.helpdesk.receive_mails(reads)
    assert [new for _, new in answers] == [False, True, True]  # mail 2 was the other reader's
    recorded = rows(node)
    assert recorded["<m3@partai.id>"] == ("joined", recorded["<m1@partai.id>"][1])
    assert recorded["<m4@partai.id>"] == ("joined", recorded["<m2@partai.id>"][1])
    assert consultations(node) == 2 and len(recorded) == 4



def test_a_reading_round_knows_its_earlier_chunks_and_catches_the_read_model_up_once(
        node: Node, monkeypatch: pytest.MonkeyPatch) -> None:
    node.helpdesk.receive_mails(chunk(node, [raw(1)]))  # before the round: only the read model knows it
    caught_up: list[object] = []
    catch_up = node.mail.runner.catch_up
    monkeypatch.setattr(node.mail.runner, "catch_up", lambda *a, **k: (caught_up.append(a), catch_up(*a, **k))[1])
    reading = node.helpdesk.reading_round()
    node.helpdesk.receive_mails(chunk(node, [raw(2), raw(3, replies_to=1)], first_uid=2), reading)
    node.helpdesk.receive_mails(chunk(node, [raw(4, replies_to=2), raw(5, replies_to=3)], first_uid=4), reading)
    assert len(caught_up) == 1  # at the round's first lookup, not once a chunk
    recorded = rows(node)
    assert recorded["<m3@partai.id>"] == recorded["<m5@partai.id>"] == ("joined", recorded["<m1@partai.id>"][1])
    assert recorded["<m4@partai.id>"] == ("joined", recorded["<m2@partai.id>"][1])  # from the round's first chunk
    assert consultations(node) == 2
