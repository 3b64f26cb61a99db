"""The mail servers the e-mail channel tests use (tests/support/mailservers.py), checked against themselves:
Dovecot over IMAP with imapclient, and the SMTP sink delivering into Dovecot."""

from __future__ import annotations

import email
import smtplib
from email import policy

import pytest

from tests.support.mailservers import Dovecot, SmtpSink


def mail(number: int, *, to: str = "helpdesk@kab-16-13.example") -> bytes:
    return (f"From: Warga <warga{number}@example.org>\r\nTo: {to}\r\nSubject: Pengaduan {number}\r\n"
            f"Message-ID: <pengaduan-{number}@example.org>\r\nDate: Thu, 03 Dec 2026 10:00:00 +0700\r\n"
            f"\r\nIsi pengaduan nomor {number}.\r\n").encode()


def message_ids(raws: list[bytes]) -> list[str]:
    return [str(email.message_from_bytes(raw, policy=policy.default)["Message-ID"]) for raw in raws]


def test_append_to_inbox_and_junk_reads_back_with_rising_uids(dovecot: Dovecot) -> None:
    inbox = [dovecot.append("helpdesk", "INBOX", mail(n)) for n in range(3)]
    junk = [dovecot.append("helpdesk", "Junk", mail(n)) for n in range(10, 12)]

    assert inbox == sorted(inbox) and len(set(inbox)) == 3
    assert junk == sorted(junk) and len(set(junk)) == 2
    with dovecot.connect("helpdesk") as client:
        assert client.find_special_folder(b"\\Junk") == "Junk"
        assert client.find_special_folder(b"\\Sent") == "Sent"
        client.select_folder("INBOX", readonly=True)
        assert sorted(client.search(["ALL"])) == inbox
        fetched = client.fetch(inbox, [b"BODY.PEEK[]"])
    assert [bytes(fetched[uid][b"BODY[]"]) for uid in inbox] == [mail(n) for n in range(3)]
    assert dovecot.messages("helpdesk", "Junk") == [mail(10), mail(11)]
    assert dovecot.messages("liaison", "INBOX") == []  # one mailbox per user


def test_restart_keeps_port_mail_and_uidvalidity(dovecot: Dovecot) -> None:
    first = dovecot.append("helpdesk", "INBOX", mail(1))
    port, validity = dovecot.port, dovecot.uidvalidity("helpdesk", "INBOX")
    pid = dovecot.process.pid if dovecot.process else None

    dovecot.restart()

    assert dovecot.process is not None and dovecot.process.pid != pid
    assert dovecot.port == port
    assert dovecot.uidvalidity("helpdesk", "INBOX") == validity
    assert dovecot.messages("helpdesk", "INBOX") == [mail(1)]
    assert dovecot.append("helpdesk", "INBOX", mail(2)) > first


@pytest.mark.parametrize("folder", ["INBOX", "Junk"])
def test_reset_uidvalidity_renumbers_and_keeps_messages(dovecot: Dovecot, folder: str) -> None:
    uids = [dovecot.append("helpdesk", folder, mail(n)) for n in range(3)]
    dovecot.move("helpdesk", uids[0], folder, "Sent")  # a gap: the UIDs left are 2 and 3
    before = dovecot.uidvalidity("helpdesk", folder)

    after = dovecot.reset_uidvalidity("helpdesk", folder)

    assert after != before and after == dovecot.uidvalidity("helpdesk", folder)
    assert dovecot.uids("helpdesk", folder) == [1, 2]  # numbered again from 1
    assert sorted(dovecot.messages("helpdesk", folder)) == sorted([mail(1), mail(2)])
    assert dovecot.append("helpdesk", folder, mail(9)) == 3


def test_reset_uidvalidity_keeping_uids(dovecot: Dovecot) -> None:
    uids = [dovecot.append("helpdesk", "INBOX", mail(n)) for n in range(2)]
    before = dovecot.uidvalidity("helpdesk", "INBOX")

    after = dovecot.reset_uidvalidity("helpdesk", "INBOX", renumber=False)

    assert after != before
    assert dovecot.uids("helpdesk", "INBOX") == uids
    assert dovecot.messages("helpdesk", "INBOX") == [mail(0), mail(1)]


def test_move_gives_a_new_uid_in_the_target(dovecot: Dovecot) -> None:
    for n in range(3):
        dovecot.append("helpdesk", "INBOX", mail(n))
    junk = dovecot.append("helpdesk", "Junk", mail(7))

    rescued = dovecot.move("helpdesk", junk, "Junk", "INBOX")

    assert rescued == 4
    assert dovecot.uids("helpdesk", "INBOX") == [1, 2, 3, 4]
    assert dovecot.messages("helpdesk", "Junk") == []
    assert dovecot.messages("helpdesk", "INBOX")[-1] == mail(7)
    assert dovecot.move("helpdesk", rescued, "INBOX", "Junk") == junk + 1  # and a new one again on moving back


def test_smtp_sink_delivers_to_the_recipients_inbox(smtp_sink: SmtpSink, dovecot: Dovecot) -> None:
    reply = mail(5, to="Liaison <liaison@prov-16.example>")
    with smtplib.SMTP(smtp_sink.host, smtp_sink.port, timeout=30) as client:
        refused = client.sendmail("helpdesk@kab-16-13.example", ["liaison@prov-16.example", "orang@luar.example"],
                                  reply)

    assert refused == {}
    [received] = smtp_sink.wait_for(1)
    assert received.mail_from == "helpdesk@kab-16-13.example"
    assert received.rcpt_tos == ("liaison@prov-16.example", "orang@luar.example")
    assert received.delivered_to == ("liaison",)
    assert message_ids([received.raw]) == ["<pengaduan-5@example.org>"]
    arrived = dovecot.messages("liaison", "INBOX")
    assert message_ids(arrived) == ["<pengaduan-5@example.org>"]
    assert dovecot.messages("helpdesk", "INBOX") == []


def test_dovecot_refuses_a_wrong_password(dovecot: Dovecot) -> None:
    from imapclient import IMAPClient
    from imapclient.exceptions import LoginError

    assert {"helpdesk", "liaison"} <= set(dovecot.users)
    with IMAPClient(dovecot.host, dovecot.port, ssl=False, timeout=30) as client, pytest.raises(LoginError):
        client.login("helpdesk", "salah")
