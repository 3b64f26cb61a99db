"""Notifications by e-mail arrive in a real SMTP server (aiosmtpd, tests/support/mailservers.py), once per event per
person who chose them, with the consultation number and no personal data of the consultee; and a node stopped and
started again sends none of them a second time."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Callable, Iterator
from pathlib import Path

import msgspec
import pytest

from domain.roles import Role
from gateways.bootstrap import Node, build_node
from gateways.config import Settings
from gateways.natsserver import free_port
from services.consultations import IdentityInput
from services.notifications import ChoicesInput
from tests.conftest import FakeClock, FakeHasher
from tests.support.by_hand import KAB
from tests.support.consultations import handed_to_commissioner
from tests.support.mailservers import SmtpSink
from tests.support.schemas import drop_schema
from tests.support.settings import settings_for

PASSWORD = "kuda-lari-cepat-99"
CONSULTEE = IdentityInput(name="Tono Sukarno", party_number=5, phone="081298765432", email="tono@partai.example")


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    relay = SmtpSink().start()  # no mailbox behind it: what it took is in `received`
    try:
        yield relay
    finally:
        relay.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def mail_settings(request: pytest.FixtureRequest, tmp_path: Path, sink: SmtpSink) -> Iterator[Settings]:
    """A node whose office mailbox sends through the sink (its IMAP side is never read here)."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    base = settings_for(request.param, tmp_path / "node", url)
    settings = msgspec.structs.replace(
        base, mail_address="helpdesk@kpu-kab.example.go.id", mail_username="helpdesk", mail_password="rahasia",
        mail_imap_host="127.0.0.1", mail_imap_tls="none", mail_smtp_host=sink.host, mail_smtp_port=sink.port,
        mail_smtp_tls="none", public_url="https://helpdesk.kpu-kab.example.go.id")
    yield settings
    if settings.backend == "postgresql":
        drop_schema(settings)


def mails(sink: SmtpSink) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(m.raw, policy=email.policy.default) for m in sink.messages()]  # type: ignore[misc]


def test_a_chosen_notification_is_mailed_once_also_across_a_restart(
    mail_settings: Settings, open_node: Callable[[Settings], Node], sink: SmtpSink, clock: FakeClock,
    hasher: FakeHasher,
) -> None:
    node = build_node(mail_settings, clock=clock, hasher=hasher)  # stopped by the test itself, below
    accounts = node.accounts
    for username, role in (("kpu.satu", Role.ANGGOTA_KPU), ("kpu.dua", Role.ANGGOTA_KPU),
                           ("desk.ani", Role.ANGGOTA_HELPDESK)):
        accounts.register_user(username, username.title(), role, KAB, PASSWORD, "admin")
    # One commissioner wants handovers by e-mail; the other only in the app.
    chooser = accounts.get_user(accounts.register_user("kpu.tiga", "Kpu Tiga", Role.ANGGOTA_KPU, KAB, PASSWORD, "a"))
    node.helpdesk.choose_notifications(chooser, ChoicesInput(email="kpu.tiga@kpu.go.id",
                                                          email_kinds=["handover_waiting"]))
    job = node.notify.job
    assert job is not None
    job.start()
    # The desk hands a problem over: one mail reaches the commissioner who chose it.
    first = handed_to_commissioner(node.helpdesk, KAB, CONSULTEE, "Akun terkunci", "Jadi akun terkunci?",
                                   "Tidak ada di FAQ", desk="desk.ani")
    sink.wait_for(1)
    job.stop()
    [mail] = mails(sink)
    assert sink.messages()[0].rcpt_tos == ("kpu.tiga@kpu.go.id",)
    assert f"HD-{first.hex[:8]}" in str(mail["Subject"])
    body = mail.get_body().get_content()  # type: ignore[union-attr]
    assert f"https://helpdesk.kpu-kab.example.go.id/konsultasi/{first}" in body
    raw = sink.messages()[0].raw.decode(errors="replace")
    assert "Tono" not in raw and "081298765432" not in raw and "tono@partai.example" not in raw
    assert job.round() == 0  # nothing left to send
    node.close()

    # The node stops and starts again: the mail sent is not sent again; a new handover is.
    again = open_node(mail_settings)
    job = again.notify.job
    assert job is not None
    job.start()
    second = handed_to_commissioner(again.helpdesk, KAB, CONSULTEE, "Sandi hilang", "Jadi sandi hilang?",
                                    "Tidak ada di FAQ", desk="desk.ani")
    sink.wait_for(2)
    job.stop()
    assert job.round() == 0
    subjects = [str(m["Subject"]) for m in mails(sink)]
    assert len(subjects) == 2
    assert f"HD-{first.hex[:8]}" in subjects[0] and f"HD-{second.hex[:8]}" in subjects[1]
    assert len({str(m["Message-ID"]) for m in mails(sink)}) == 2
    assert [state for *_, state in again.notify.ledger.states()] == ["sent", "sent"]


def test_a_mail_a_stopped_node_may_have_sent_is_never_sent_again_and_a_refused_one_is_retried(
    mail_settings: Settings, open_node: Callable[[Settings], Node], sink: SmtpSink, clock: FakeClock,
    hasher: FakeHasher,
) -> None:
    # The SMTP server cannot be reached at first (a closed port).
    unreachable = msgspec.structs.replace(mail_settings, mail_smtp_port=free_port("127.0.0.1"))
    node = build_node(unreachable, clock=clock, hasher=hasher)
    user_id = node.accounts.register_user("kpu.satu", "Kpu Satu", Role.ANGGOTA_KPU, KAB, PASSWORD, "admin")
    node.helpdesk.choose_notifications(node.accounts.get_user(user_id), ChoicesInput(
        email="kpu.satu@kpu.go.id", email_kinds=["handover_waiting"]))
    job, ledger = node.notify.job, node.notify.ledger
    assert job is not None
    for n in (1, 2):
        handed_to_commissioner(node.helpdesk, KAB, CONSULTEE, f"Masalah {n}", f"Jadi masalah {n}?", "Di luar FAQ",
                               desk="desk.ani")
    # A round plans both; the first is claimed and the node stops before it is recorded as sent (as if killed
    # after the server took it). The second is refused by the unreachable server and stays pending.
    node.projections.catch_up("notifications")
    assert ledger.plan() == 2
    first, second = ledger.pending()
    assert ledger.claim(first)
    assert job.round() == 0  # the second tried, and refused: the server is unreachable
    assert [state for *_, state in ledger.states()] == ["sending", "pending"]
    node.close()
    # Started again, with the server reachable: the first is unsure and never sent; the second goes, once.
    again = open_node(mail_settings)
    job = again.notify.job
    assert job is not None
    job.start()
    sink.wait_for(1)
    job.stop()
    assert job.round() == 0
    assert [state for *_, state in again.notify.ledger.states()] == ["unsure", "sent"]
    [mail] = mails(sink)
    assert str(mail["Message-ID"]) == f"<notice-{second.position}-kpu.satu@kpu-kab.example.go.id>"
