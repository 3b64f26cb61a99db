"""The acknowledgement of a question that came by mail, against real servers (Dovecot, the SMTP sink) on SQLite and
PostgreSQL: the mail that opens a consultation gets one reply threaded under it with the number, the SOP's promise
and the liaison's tracking link, which opens the tracking page; a reply joining the consultation, a held mail not
taken in, a rejected one and an automatic reply get none; nothing is sent again after a restart, a redelivery or a
rebuild of the mail read model, and an acknowledgement past its time or overtaken by the answer is never sent."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from uuid import UUID

import msgspec
import pytest
from litestar.testing import TestClient

from domain.mail import message_id_for
from domain.roles import Role
from gateways.app import create_app
from gateways.bootstrap import Node, build_node
from gateways.mail.sender import ACKNOWLEDGEMENT_HOURS
from tests.conftest import FakeClock
from tests.integration.test_mail_channel import LIAISON, mail_settings
from tests.support.mailservers import Dovecot, SmtpSink
from tests.support.schemas import drop_schema
from tests.support.settings import settings_for

PUBLIC_URL = "https://helpdesk.kab-1613.example"
NAME = "Tono Sugiarto"
PROBLEM = "Akun operator kami terkunci sejak pagi; mohon dibuka."
LINK = re.compile(re.escape(PUBLIC_URL) + r"(/lacak/[A-Za-z0-9_-]+)")
Make = Callable[..., Node]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime.now(UTC))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def make_node(request: pytest.FixtureRequest, tmp_path: Path, dovecot: Dovecot, smtp_sink: SmtpSink,
              clock: FakeClock) -> Iterator[Make]:
    """Builds the office's node on the test's database (again, for a restart: the same store and settings), with
    the public address or without; every node built is closed at the end, its PostgreSQL schema dropped."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    base = mail_settings(settings_for(request.param, tmp_path / "node", url), dovecot, smtp_sink)
    built: list[Node] = []

    def make(public_url: str = PUBLIC_URL) -> Node:
        built.append(build_node(msgspec.structs.replace(base, public_url=public_url), clock=clock))
        return built[-1]

    yield make
    for node in built:
        node.close()
    if url is not None:
        drop_schema(base)


def question(clock: FakeClock, subject: str = "Akun SIPOL terkunci", text: str = PROBLEM,
             in_reply_to: str | None = None, automatic: bool = False) -> tuple[bytes, str]:
    """A liaison's mail, dated by the test's clock, and its Message-ID."""
    mail = EmailMessage()
    mail["From"] = f"{NAME} <{LIAISON}>"
    mail["To"] = "helpdesk@kab-1613.kpu.go.id"
    mail["Subject"] = subject
    mail["Message-ID"] = make_msgid(domain="partai-contoh.id")
    mail["Date"] = format_datetime(clock.now)
    if in_reply_to:
        mail["In-Reply-To"] = in_reply_to
        mail["References"] = in_reply_to
    if automatic:
        mail["Auto-Submitted"] = "auto-replied"
    mail.set_content(text)
    return mail.as_bytes(), str(mail["Message-ID"])


def read(node: Node) -> None:
    assert node.mail_job is not None
    node.mail_job.read_mailbox()
    node.projections.catch_up()


def send(node: Node) -> int:
    assert node.mail_job is not None
    node.projections.catch_up()
    return node.mail_job.send_answers()


def arrived(dovecot: Dovecot) -> list[EmailMessage]:
    """What the liaison's mailbox holds, oldest first."""
    return [email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[misc]
            for raw in dovecot.messages("liaison", "INBOX")]


def body(mail: EmailMessage) -> str:
    part = mail.get_body(("plain",))
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]


def opened(node: Node) -> list[UUID]:
    return [c.id for c in node.consultations.list(node.settings.node_id, limit=100)]


def tracking_page(node: Node, path: str) -> str:
    """The page the link opens, as the liaison (nobody signed in) sees it: never anything of theirs."""
    with TestClient(create_app(node)) as client:
        page = client.get(path)
    assert page.status_code == 200, page.text
    for private in (NAME, "Tono", LIAISON, "partai-contoh", PROBLEM, "terkunci sejak pagi"):
        assert private.lower() not in page.text.lower(), private
    return page.text


def test_a_mail_opening_a_consultation_is_acknowledged_once_under_it_with_its_tracking_link(
        make_node: Make, dovecot: Dovecot, smtp_sink: SmtpSink, clock: FakeClock) -> None:
    node = make_node()
    raw, asked_id = question(clock)
    dovecot.append("helpdesk", "INBOX", raw)
    read(node)
    (cid,) = opened(node)
    number = f"HD-{cid.hex[:8]}"

    # One acknowledgement, threaded under the question, with the number as the answer will carry it.
    assert send(node) == 1
    (ack,) = arrived(dovecot)
    assert ack["In-Reply-To"] == asked_id and asked_id in ack["References"]
    assert ack["Auto-Submitted"] == "auto-replied"  # RFC 3834: the liaison's autoresponder does not answer it
    assert ack["Subject"] == f"Re: [{number}] Akun SIPOL terkunci"
    text = body(ack)
    assert f"Yth. {NAME}," in text and f"sudah kami terima dengan nomor {number}" in text
    assert "batas waktu layanan yang ditetapkan SOP" in text
    # Its link opens the consultation's tracking page: the number, received, nothing of the liaison.
    link = LINK.search(text)
    assert link is not None, text
    page = tracking_page(node, link.group(1))
    assert number in page and "Diterima" in page

    # A reply to the acknowledgement joins the consultation: nothing is acknowledged again.
    follow_up, _ = question(clock, subject=str(ack["Subject"]), text="Tambahan: akun kedua juga terkunci.",
                            in_reply_to=str(ack["Message-ID"]))
    dovecot.append("helpdesk", "INBOX", follow_up)
    read(node)
    assert opened(node) == [cid]
    assert [m.disposition for m in node.mail.of_consultation(cid)] == ["opened", "joined"]
    assert send(node) == 0

    # The answer carries the link too; it opens the page, now answered.
    node.helpdesk.answer_problem(node.settings.node_id, cid, "Akun dibuka kembali; silakan masuk ulang.",
                                 [("pkpu", "PKPU 4/2022 Pasal 10")], "desk.ani", role=Role.ANGGOTA_HELPDESK)
    assert send(node) == 1
    answer = arrived(dovecot)[-1]
    link = LINK.search(body(answer))
    assert link is not None, body(answer)
    assert "Sudah dijawab" in tracking_page(node, link.group(1))

    # Restarted, and every mail of the inbox delivered again under a new UIDVALIDITY: read again, sent nothing.
    node.close()
    node = make_node()
    dovecot.reset_uidvalidity("helpdesk", "INBOX")
    read(node)
    assert opened(node) == [cid] and send(node) == 0
    # The mail read model rebuilt from the log: the outbox as it was, all sent; nothing goes out.
    node.projections.rebuild("mail")
    rows = node.projections.store.query("SELECT cause, sent_at IS NOT NULL FROM rm_mail_outbox ORDER BY created_at")
    assert [(cause, bool(sent)) for cause, sent in rows] == [("acknowledgement", True), ("answer", True)]
    assert send(node) == 0
    assert len(arrived(dovecot)) == len(smtp_sink.messages()) == 2


def test_only_a_mail_that_opens_a_consultation_is_acknowledged(
        make_node: Make, dovecot: Dovecot, clock: FakeClock) -> None:
    node = make_node()
    first, first_id = question(clock)
    dovecot.append("helpdesk", "INBOX", first)
    dovecot.append("helpdesk", "INBOX", question(clock, subject="Saya sedang cuti", automatic=True)[0])
    # Through the spam folder: a new question, a reply to the first, and one the desk will reject.
    held_new, held_new_id = question(clock, subject="Unggah KTA gagal", text="Unggahan KTA selalu gagal.")
    held_reply, _ = question(clock, subject="Re: Akun SIPOL terkunci", text="Sudah dicoba lagi.",
                             in_reply_to=first_id)
    held_junk, _ = question(clock, subject="Penawaran", text="Promo!")
    for raw in (held_new, held_reply, held_junk):
        dovecot.append("helpdesk", "Junk", raw)
    read(node)
    (cid,) = opened(node)
    office = node.settings.node_id
    assert sorted(m.disposition for m in node.mail.waiting(office)) == ["held", "held", "held"]
    # The question from the inbox only: the automatic reply is recorded and never answered, the held ones wait.
    assert send(node) == 1
    assert [m["In-Reply-To"] for m in arrived(dovecot)] == [first_id]

    waiting = {m.subject: UUID(m.id) for m in node.mail.waiting(office)}
    # Taken in as a new consultation: acknowledged under it.
    new = node.helpdesk.release_mail(waiting["Unggah KTA gagal"], "desk.ani")
    assert send(node) == 1
    ack = arrived(dovecot)[-1]
    assert ack["In-Reply-To"] == held_new_id and ack["Subject"] == f"Re: [HD-{new.hex[:8]}] Unggah KTA gagal"
    # Taken into the consultation it answers, or rejected: nothing.
    assert node.helpdesk.release_mail(waiting["Re: Akun SIPOL terkunci"], "desk.ani") == cid
    node.helpdesk.reject_mail(waiting["Penawaran"], "desk.ani", "Iklan")
    assert send(node) == 0
    assert sorted(opened(node)) == sorted([cid, new]) and len(arrived(dovecot)) == 2


def test_without_a_public_address_the_mails_give_no_link(make_node: Make, dovecot: Dovecot,
                                                         clock: FakeClock) -> None:
    node = make_node(public_url="")
    dovecot.append("helpdesk", "INBOX", question(clock)[0])
    read(node)
    (cid,) = opened(node)
    assert send(node) == 1
    node.helpdesk.answer_problem(node.settings.node_id, cid, "Akun dibuka kembali.", [("faq_sipol", "FAQ 3")],
                                 "desk.ani", role=Role.ANGGOTA_HELPDESK)
    assert send(node) == 1
    ack, answer = arrived(dovecot)
    assert f"nomor HD-{cid.hex[:8]}" in body(ack) and "Akun dibuka kembali." in body(answer)
    for text in (body(ack), body(answer)):
        assert "lacak" not in text and "http" not in text and "tautan" not in text.lower()
        assert "\n\n\n" not in text  # the paragraph left out, not left blank


def test_an_acknowledgement_past_its_time_or_overtaken_by_the_answer_is_never_sent(
        make_node: Make, dovecot: Dovecot, clock: FakeClock) -> None:
    node = make_node()
    office = node.settings.node_id
    # Read while the SMTP server was unreachable for longer than the acknowledgement's time: never acknowledged.
    dovecot.append("helpdesk", "INBOX", question(clock, subject="Pertanyaan lama")[0])
    read(node)
    clock.advance(minutes=ACKNOWLEDGEMENT_HOURS * 60 + 1)
    assert send(node) == 0
    # A question answered before its acknowledgement left — as a node from before acknowledgements recorded its
    # answer sent: the acknowledgement is no longer due.
    dovecot.append("helpdesk", "INBOX", question(clock, subject="Pertanyaan terjawab")[0])
    read(node)
    answered = next(c for c in opened(node) if node.mail.of_consultation(c)[0].subject == "Pertanyaan terjawab")
    node.helpdesk.answer_problem(office, answered, "Sudah dijawab di loket.", [("faq_sipol", "FAQ 1")], "desk.ani",
                                 role=Role.ANGGOTA_HELPDESK)
    node.projections.catch_up()
    (row,) = node.mail.outbox_of(answered)
    assert row.cause == "answer"
    node.helpdesk.record_sent(outgoing=row.id, consultation_id=answered, cause="answer",
                              message_id=message_id_for(row.id, "kab-1613.kpu.go.id"), recipient_pseudonym="p",
                              subject="Re: Pertanyaan terjawab")
    assert send(node) == 0
    # Rebuilt from the log, the mail read model lists neither again.
    node.projections.rebuild("mail")
    assert send(node) == 0 and arrived(dovecot) == []
    # A question read now is acknowledged, still within its time a day later less a minute.
    dovecot.append("helpdesk", "INBOX", question(clock, subject="Pertanyaan baru")[0])
    read(node)
    clock.advance(minutes=ACKNOWLEDGEMENT_HOURS * 60 - 1)
    assert send(node) == 1
    (ack,) = arrived(dovecot)
    assert ack["Subject"].endswith("Pertanyaan baru")
