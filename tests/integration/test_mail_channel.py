"""The e-mail channel against real servers: mail put into Dovecot's inbox and spam folder becomes consultations
(one per mail, whatever happens to the folders), each acknowledged, and the desk's answer leaves over SMTP threaded
under the question and lands in the liaison's mailbox, once. (The acknowledgement's own story:
test_mail_acknowledgement.py.)"""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from uuid import UUID
from zoneinfo import ZoneInfo

import msgspec
import pytest
from icalendar import Calendar

from domain.personal_data import PLACEHOLDER
from domain.roles import Role
from domain.values import Channel
from gateways.bootstrap import Node, build_node
from gateways.config import Settings
from gateways.retention_job import personal_data_requests
from services.consultations import IdentityInput
from tests.integration.conftest import MAIL_USERS
from tests.support.mailservers import Dovecot, SmtpSink
from tests.support.settings import settings_for
from tests.support.waiting import wait_until

OFFICE_ADDRESS = "helpdesk@kab-1613.kpu.go.id"
LIAISON = "liaison@partai-contoh.id"


def mail_settings(base: Settings, dovecot: Dovecot, sink: SmtpSink) -> Settings:
    return msgspec.structs.replace(
        base,
        mail_address=OFFICE_ADDRESS, mail_username="helpdesk", mail_password=MAIL_USERS["helpdesk"],
        mail_imap_host=dovecot.host, mail_imap_port=dovecot.port, mail_imap_tls="none",
        mail_smtp_host=sink.host, mail_smtp_port=sink.port, mail_smtp_tls="none",
    )


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def node(request: pytest.FixtureRequest, tmp_path: Path, dovecot: Dovecot, smtp_sink: SmtpSink) -> Iterator[Node]:
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    settings = mail_settings(settings_for(request.param, tmp_path / "node", url), dovecot, smtp_sink)
    built = build_node(settings)
    try:
        yield built
    finally:
        built.close()


def question(subject: str, text: str, sender: str = LIAISON, name: str = "Tono Sugiarto") -> bytes:
    mail = EmailMessage()
    mail["From"] = f"{name} <{sender}>"
    mail["To"] = OFFICE_ADDRESS
    mail["Subject"] = subject
    mail["Message-ID"] = make_msgid(domain="partai-contoh.id")
    mail["Date"] = format_datetime(datetime.now(UTC))
    mail.set_content(text)
    return mail.as_bytes()


def consultations(node: Node) -> list:
    return node.consultations.list(node.settings.node_id, limit=100)


def read(node: Node) -> None:
    assert node.mail_job is not None
    node.mail_job.read_mailbox()
    node.projections.catch_up()


def test_mail_in_the_inbox_and_spam_becomes_consultations_and_the_answer_arrives_threaded(
        node: Node, dovecot: Dovecot, smtp_sink: SmtpSink) -> None:
    first = question("Akun SIPOL terkunci", "Akun operator kami terkunci sejak pagi. Mohon bantuan.")
    dovecot.append("helpdesk", "INBOX", first)
    dovecot.append("helpdesk", "INBOX", question("Unggah KTA gagal", "Unggahan KTA selalu gagal."))
    dovecot.append("helpdesk", "Junk", question("Penawaran", "Promo!", sender="promo@iklan.example"))
    read(node)

    opened = consultations(node)
    assert sorted(c.channel for c in opened) == [Channel.EMAIL, Channel.EMAIL]
    held = node.mail.waiting(node.settings.node_id)
    assert [(m.folder, m.disposition, m.sender) for m in held] == [("spam", "held", "p•••@iklan.example")]

    # Each question opened is acknowledged (the held mail is not, until the desk takes it in).
    assert node.mail_job is not None and node.mail_job.send_answers() == 2
    assert len(smtp_sink.messages()) == 2 and len(dovecot.messages("liaison", "INBOX")) == 2

    office = node.settings.node_id
    asked = next(c for c in opened if "terkunci" in (node.helpdesk.get_consultation(office, c.id).problem or ""))
    node.helpdesk.answer_problem(node.settings.node_id, asked.id, "Akun dibuka kembali; silakan masuk ulang.",
                                 [("pkpu", "PKPU 4/2022 Pasal 10")], "desk.ani", role=Role.ANGGOTA_HELPDESK)
    node.projections.catch_up()
    assert node.mail_job.send_answers() == 1

    sent = smtp_sink.messages()[-1]
    assert sent.rcpt_tos == (LIAISON,) and sent.delivered_to == ("liaison",)
    arrived = dovecot.messages("liaison", "INBOX")[-1]
    reply = email.message_from_bytes(arrived, policy=email.policy.default)
    original = email.message_from_bytes(first, policy=email.policy.default)
    assert reply["In-Reply-To"] == original["Message-ID"]
    assert original["Message-ID"] in reply["References"]
    assert reply["Subject"] == f"Re: [HD-{asked.id.hex[:8]}] Akun SIPOL terkunci"
    body = reply.get_body(("plain",)).get_content()
    assert "Akun dibuka kembali" in body and "PKPU 4/2022 Pasal 10" in body
    # A copy in the office's Sent folder, by which a restarted node knows the answer left.
    assert [m for m in dovecot.messages("helpdesk", "Sent") if reply["Message-ID"].encode() in m]

    # Nothing is sent twice, and reading again opens nothing new.
    node.projections.catch_up()
    assert node.mail_job.send_answers() == 0
    read(node)
    assert node.mail_job.send_answers() == 0
    assert len(consultations(node)) == 2 and len(smtp_sink.messages()) == 3


def test_a_reset_uidvalidity_and_a_mail_moved_from_spam_leave_one_consultation_each(
        node: Node, dovecot: Dovecot) -> None:
    for n in range(3):
        dovecot.append("helpdesk", "INBOX", question(f"Pertanyaan {n}", f"Isi pertanyaan nomor {n}."))
    spam_uid = dovecot.append("helpdesk", "Junk", question("Verifikasi anggota", "Bagaimana verifikasi?"))
    read(node)
    assert len(consultations(node)) == 3 and len(node.mail.waiting(node.settings.node_id)) == 1

    dovecot.reset_uidvalidity("helpdesk", "INBOX")
    dovecot.move("helpdesk", spam_uid, "Junk", "INBOX")
    read(node)
    assert len(consultations(node)) == 3  # the moved mail is the held one: still waiting for the desk
    assert len(node.mail.waiting(node.settings.node_id)) == 1

    (held,) = node.mail.waiting(node.settings.node_id)
    node.helpdesk.release_mail(UUID(held.id), "desk.ani")
    node.projections.catch_up()
    assert len(consultations(node)) == 4 and node.mail.waiting(node.settings.node_id) == []


def test_a_reply_joins_its_consultation_and_an_unreachable_mailbox_is_recorded(
        node: Node, dovecot: Dovecot) -> None:
    first = question("Kepengurusan", "Bagaimana mengganti pengurus?")
    dovecot.append("helpdesk", "INBOX", first)
    read(node)
    (opened,) = consultations(node)
    original = email.message_from_bytes(first, policy=email.policy.default)
    follow_up = EmailMessage()
    follow_up["From"] = f"Tono Sugiarto <{LIAISON}>"
    follow_up["Subject"] = "Re: Kepengurusan"
    follow_up["Message-ID"] = make_msgid(domain="partai-contoh.id")
    follow_up["In-Reply-To"] = original["Message-ID"]
    follow_up.set_content("Tambahan: SK kepengurusan terlampir nanti.")
    dovecot.append("helpdesk", "INBOX", follow_up.as_bytes())
    read(node)
    assert len(consultations(node)) == 1
    assert [m.disposition for m in node.mail.of_consultation(opened.id)] == ["opened", "joined"]

    dovecot.stop()
    read(node)
    states = {s.folder: s for s in node.mail_checkpoints.states(OFFICE_ADDRESS)}
    assert states["*"].failure and states["INBOX"].read_at is not None
    # The hourly check on the record (C.a.3), in the log the audit trail is made of: both folders read (the inbox's
    # second read found mail), then the outage, once.
    day = datetime.now(ZoneInfo(node.settings.office.timezone)).date()
    watch = node.helpdesk.mailbox_watch(OFFICE_ADDRESS, day)
    assert watch is not None and watch.failing
    events = list(node.helpdesk.events.get(watch.id))
    assert [(type(e).__name__, getattr(e, "folder", "")) for e in events] == [
        ("Started", ""), ("FolderRead", "inbox"), ("FolderRead", "spam"), ("FolderRead", "inbox"),
        ("ReadFailed", "")]


def test_a_meeting_invitation_goes_by_mail_and_a_change_sends_an_update_with_the_same_uid(
        node: Node, dovecot: Dovecot, smtp_sink: SmtpSink) -> None:
    office = node.settings.node_id
    node.accounts.register_user("host.rina", "Rina Host", Role.ANGGOTA_HELPDESK, office, "Kuat-Sekali-2024!",
                                actor="cli")
    consultation = node.helpdesk.open_consultation(
        office, Channel.ONLINE_MEETING, IdentityInput("Tono Sugiarto", party_number=1, email=LIAISON), "host.rina")
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    meeting = node.helpdesk.schedule_meeting(office, consultation, start, start + timedelta(hours=1), "host.rina",
                                             Role.ANGGOTA_HELPDESK)
    node.projections.catch_up()
    assert node.mail_job is not None and node.mail_job.send_answers() == 1
    node.helpdesk.reschedule_meeting(office, meeting, start + timedelta(hours=2), start + timedelta(hours=3),
                                     "host.rina", Role.ANGGOTA_HELPDESK)
    node.helpdesk.cancel_meeting(office, meeting, "Petugas penghubung berhalangan", "host.rina",
                                 Role.ANGGOTA_HELPDESK)
    node.projections.catch_up()
    assert node.mail_job.send_answers() == 2 and node.mail_job.send_answers() == 0

    calendars = []
    for raw in dovecot.messages("liaison", "INBOX"):
        mail = email.message_from_bytes(raw, policy=email.policy.default)
        (ics,) = [part for part in mail.iter_attachments() if part.get_content_type() == "text/calendar"]
        calendars.append(Calendar.from_ical(ics.get_content()))
    events = [next(iter(c.walk("VEVENT"))) for c in calendars]
    assert len({str(e["UID"]) for e in events}) == 1
    assert [int(e["SEQUENCE"]) for e in events] == [0, 1, 2]
    assert [str(c["METHOD"]) for c in calendars] == ["REQUEST", "REQUEST", "CANCEL"]
    zone = ZoneInfo(node.settings.office.timezone)
    assert events[1].decoded("DTSTART") == (start + timedelta(hours=2)).astimezone(zone)
    assert events[1]["DTSTART"].params["TZID"] == zone.key  # written in the office's own zone


def test_erasing_a_liaison_deletes_the_mails_as_received(node: Node, dovecot: Dovecot) -> None:
    dovecot.append("helpdesk", "INBOX", question("Akun SIPOL", "Akun terkunci.", name="Siti Aminah"))
    dovecot.append("helpdesk", "INBOX", question("Lain", "Pertanyaan orang lain.", sender="budi@partai-lain.id"))
    read(node)
    keys = {m.subject: node.files.root / node.helpdesk.mail_of(UUID(m.id)).mail.raw_key
            for c in consultations(node) for m in node.mail.of_consultation(c.id)}
    assert all(path.exists() for path in keys.values())
    office = node.settings.node_id
    (asked,) = [c for c in consultations(node) if node.mail.of_consultation(c.id)[0].subject == "Akun SIPOL"]
    # Erasure waits until the office owes the person nothing: answered, logged and closed.
    node.helpdesk.answer_problem(office, asked.id, "Akun dibuka.", [("faq_sipol", "FAQ 3")], "desk.ani",
                                 role=Role.ANGGOTA_HELPDESK)
    node.helpdesk.log_in_report(office, asked.id, "desk.ani")
    node.helpdesk.close_consultation(office, asked.id, "desk.ani")
    node.projections.catch_up()

    report = personal_data_requests(node).erase(LIAISON, "permintaan subjek data", "cli.test")
    assert report.mails_deleted == 1
    assert not keys["Akun SIPOL"].exists() and keys["Lain"].exists()
    assert node.helpdesk.get_consultation(office, asked.id).identity.email == PLACEHOLDER


def test_a_mail_arriving_is_read_at_once_where_the_server_offers_idle(node: Node, dovecot: Dovecot) -> None:
    job = node.mail_job
    assert job is not None and job.account.poll_seconds == 300  # the next round is minutes away
    job.start()
    try:
        wait_until(lambda: job.idle.supported, what="the IDLE watcher's first connection", stall=30)
        wait_until(lambda: any(s.read_at for s in node.mail_checkpoints.states(OFFICE_ADDRESS)),
                   what="the job's first round", stall=30)
        dovecot.append("helpdesk", "INBOX", question("Lupa kata sandi", "Operator lupa kata sandi SIPOL."))
        # Well inside the five minutes of the next round: IDLE woke the job.
        wait_until(lambda: len(consultations(node)) == 1, what="the mail read after IDLE", stall=60, limit=120)
    finally:
        job.stop()


def test_a_chunk_the_recording_fails_on_waits_in_the_spool_for_the_next_round(
        node: Node, dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(3):
        dovecot.append("helpdesk", "INBOX", question(f"Pertanyaan {n}", f"Isi pertanyaan nomor {n}."))
    job = node.mail_job
    assert job is not None

    def refused(*_: object) -> None:
        raise ConnectionError("event store unreachable")

    monkeypatch.setattr(node.helpdesk, "receive_mails", refused)
    assert job.read_mailbox() == 3  # taken in: off the server, past the checkpoint
    assert job.spool.held(OFFICE_ADDRESS) == 3
    assert {s.folder: s.last_uid for s in node.mail_checkpoints.states(OFFICE_ADDRESS)}["INBOX"] == 3
    assert [s.failure for s in node.mail_checkpoints.states(OFFICE_ADDRESS) if s.folder == "*"] == [
        "ConnectionError: event store unreachable"]
    node.projections.catch_up()
    assert consultations(node) == []

    monkeypatch.undo()
    assert job.read_mailbox() == 0  # nothing new on the server; the spool is recorded
    node.projections.catch_up()
    assert sorted(c.channel for c in consultations(node)) == [Channel.EMAIL] * 3
    assert job.spool.held(OFFICE_ADDRESS) == 0
    assert job.read_mailbox() == 0 and len(consultations(node)) == 3
