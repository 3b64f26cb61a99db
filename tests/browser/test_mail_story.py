"""An e-mail consultation answered by mail, on the regency of `make run` and its local mailbox (gateways/cli/
local_mail.py): a liaison mails the regency over SMTP, the mail becomes a consultation within one polling interval
and is acknowledged under its number, the desk answers it with its basis on a desktop, and the answer reaches the
liaison's mailbox threaded to the question. A mail the spam filter marked waits on /surel under "Menunggu
keputusan" until the desk takes it in. The mailbox and the workspace are looked at on a phone too. Screenshots:
test-artifacts/browser/test_an_e_mail_.../.
"""

from __future__ import annotations

import email.policy
import os
import re
import smtplib
import subprocess
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any
from uuid import UUID, uuid4

import pytest
from imapclient import IMAPClient
from playwright.sync_api import Page, expect

from gateways.cli.local_mail import INFO_FILE, read_info
from gateways.maildev import dovecot_missing
from gateways.reports.labels import STATUSES
from tests.browser.browsing import choose, eventually, log_in
from tests.support.served import helpdesk_command
from tests.support.waiting import wait_until

TOKEN = uuid4().hex[:6]  # the subjects of this run, apart from any other mail in the mailbox
NAME = "Tono Sugiarto"
SUBJECT = f"Akun operator SIPOL terkunci {TOKEN}"
QUESTION = "Akun operator kabupaten kami terkunci sejak pagi setelah tiga kali salah kata sandi. Mohon bantuan."
SPAM_SUBJECT = f"Pelatihan SIPOL berbayar {TOKEN}"
ANSWER = "Akun sudah dibuka kembali oleh admin kabupaten; silakan masuk ulang dan ganti kata sandi."
REFERENCE = "PKPU 4/2022 Pasal 10"
SLACK = 45.0  # reading, recording and projecting after the poll: seconds on a busy machine, bounded here
REPLY_STALL = 60.0


def required() -> bool:
    return os.environ.get("REQUIRE_SERVICES") == "1" or os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="module")
def mailbox(make_run: Any) -> dict[str, Any]:
    """Where `helpdesk local` runs its mailbox, the accounts and the polling interval (<data-dir>/local-mail.json)."""
    missing = dovecot_missing()
    if missing:
        if required():
            pytest.fail(f"{missing} (REQUIRE_SERVICES=1 or CI=true: the mail story is required)", pytrace=False)
        pytest.skip(missing)
    assert make_run.data is not None
    if not (make_run.data / INFO_FILE).exists():
        output = make_run.data.parent / "helpdesk-local.out"
        pytest.fail(f"helpdesk local runs without its mailbox:\n{output.read_text(errors='replace')}", pytrace=False)
    return read_info(make_run.data)


def liaison_inbox(info: dict[str, Any]) -> list[EmailMessage]:
    with IMAPClient(info["host"], info["imap_port"], ssl=False, timeout=30) as client:
        client.login(info["liaison_user"], info["password"])
        client.select_folder("INBOX", readonly=True)
        uids = sorted(client.search(["ALL"]))
        fetched = client.fetch(uids, [b"BODY.PEEK[]"]) if uids else {}
    return [message_from_bytes(bytes(fetched[uid][b"BODY[]"]), policy=email.policy.default)
            for uid in uids]


def send_question(info: dict[str, Any]) -> str:
    """The liaison's question, over SMTP as a mail program sends it; its Message-ID."""
    mail = EmailMessage()
    mail["From"] = f"{NAME} <{info['liaison_address']}>"
    mail["To"] = info["office_address"]
    mail["Subject"] = SUBJECT
    mail["Date"] = format_datetime(datetime.now(UTC))
    mail["Message-ID"] = make_msgid(domain="partai-contoh.example")
    mail.set_content(QUESTION)
    with smtplib.SMTP(info["host"], info["smtp_port"], timeout=30) as smtp:
        smtp.send_message(mail)
    return str(mail["Message-ID"])


def plain(mail: EmailMessage) -> str:
    body = mail.get_body(("plain",))
    assert body is not None
    return str(body.get_content())  # type: ignore[attr-defined]


def send_spam(make_run: Any) -> None:
    """A mail the spam filter marked, sent with the one-line helper a new user is shown."""
    done = subprocess.run([*helpdesk_command(), "local-mail", "send", "--data-dir", str(make_run.data), "--spam",
                           "--from", "Promo <promo@iklan.example>", SPAM_SUBJECT, "Daftar sekarang, diskon 50%!"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, f"helpdesk local-mail send: {done.returncode}\n{done.stdout}\n{done.stderr}"
    assert "(Junk)" in done.stdout, done.stdout


def no_sideways_scroll(page: Page) -> None:
    """The page itself is no wider than the screen (a wide table scrolls inside its own frame)."""
    wide = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert wide[0] <= wide[1] + 1, f"{page.url} is {wide[0]} px wide on a {wide[1]} px screen"


def test_an_e_mail_consultation_answered_by_mail(make_run, mailbox, browser_page, shot):  # noqa: PLR0915 - a story
    info, kab = mailbox, make_run.regency
    within = info["poll_seconds"] + SLACK  # one polling interval, and what follows it
    question_id = send_question(info)
    send_spam(make_run)

    desk = browser_page(kab)  # the desk's PC
    log_in(desk, "anggota_helpdesk")

    # The spam-marked mail waits for the desk on the mailbox page; the office's address is shown for liaisons.
    desk.goto("/surel")
    expect(desk.get_by_test_id("mailbox-address")).to_have_text(info["office_address"])
    spam_row = desk.get_by_test_id("waiting-mail").locator("li.mail-item", has_text=SPAM_SUBJECT)
    eventually(desk, lambda: expect(spam_row).to_be_visible(timeout=1000),
               f"the spam mail under 'Menunggu keputusan' on /surel within {within:.0f} s", seconds=within)
    expect(spam_row).to_contain_text("Spam")
    expect(desk.get_by_test_id("mailbox-folders")).to_contain_text("INBOX")
    shot(desk, "surel-spam-waiting")

    # The commissioner's phone sees the same mailbox page, each waiting mail a card of its own.
    phone = browser_page(kab, "phone")
    log_in(phone, "anggota_kpu")
    phone.goto("/surel")
    expect(phone.get_by_test_id("waiting-mail").locator("li.mail-item", has_text=SPAM_SUBJECT)).to_be_visible()
    shot(phone, "phone-surel-waiting")
    no_sideways_scroll(phone)

    # The question is a consultation on the e-mail channel.
    desk.goto("/konsultasi")
    link = desk.get_by_test_id("consultation-list").locator("tbody tr", has_text=NAME).get_by_role("link")
    eventually(desk, lambda: expect(link.first).to_be_visible(timeout=1000),
               f"the mailed question on /konsultasi within {within:.0f} s", seconds=within)
    expect(desk.get_by_test_id("consultation-list").locator("tbody tr", has_text=NAME)).to_have_count(1)
    shot(desk, "konsultasi-list")
    link.first.click()
    expect(desk).to_have_url(re.compile(r"/konsultasi/[0-9a-f-]{36}$"))
    cid = UUID(desk.url.rsplit("/", 1)[1])
    workspace = desk.url
    expect(desk.get_by_test_id("status")).to_contain_text(STATUSES["problem_recorded"])
    expect(desk.get_by_test_id("problem")).to_contain_text(QUESTION)
    panel = desk.get_by_test_id("consultation-mail")
    expect(panel).to_contain_text(SUBJECT)
    shot(desk, "workspace-mail-question")

    def replies() -> list[EmailMessage]:
        return [m for m in liaison_inbox(info) if m["In-Reply-To"] == question_id]

    # The liaison is told the question arrived, under its number (no tracking link: `helpdesk local` sets no
    # public_url).
    (ack,) = wait_until(replies, what="the acknowledgement in the liaison's mailbox", stall=REPLY_STALL, poll=0.5,
                        progress=lambda: len(liaison_inbox(info)),
                        detail=lambda: f"liaison INBOX: {[str(m['Subject']) for m in liaison_inbox(info)]}")
    assert ack["Subject"] == f"Re: [HD-{cid.hex[:8]}] {SUBJECT}"
    assert f"nomor HD-{cid.hex[:8]}" in plain(ack) and "/lacak/" not in plain(ack), plain(ack)

    # The desk answers with its basis; the answer leaves by mail.
    desk.get_by_label("Jawaban", exact=True).fill(ANSWER)
    choose(desk.get_by_label("Jenis dasar", exact=True), "pkpu", "PKPU")
    desk.get_by_label("Rujukan dasar", exact=True).fill(REFERENCE)
    desk.get_by_role("button", name="Simpan jawaban", exact=True).click()
    expect(desk.get_by_test_id("status")).to_contain_text(STATUSES["answered"])
    shot(desk, "workspace-answered")

    def answers() -> list[EmailMessage]:
        return [m for m in replies() if m["Message-ID"] != ack["Message-ID"]]

    (reply,) = wait_until(answers, what="the answer in the liaison's mailbox", stall=REPLY_STALL, poll=0.5,
                          progress=lambda: len(liaison_inbox(info)),
                          detail=lambda: f"liaison INBOX: {[str(m['Subject']) for m in liaison_inbox(info)]}")
    assert reply["Subject"] == f"Re: [HD-{cid.hex[:8]}] {SUBJECT}"
    assert question_id in str(reply["References"])
    assert reply["From"].addresses[0].addr_spec == info["office_address"]
    assert reply["To"].addresses[0].addr_spec == info["liaison_address"]
    text = plain(reply)
    assert ANSWER in text and REFERENCE in text, text
    assert len(replies()) == 2  # the acknowledgement and the answer, each sent once
    # The workspace says the answer left.
    desk.goto(workspace)
    expect(desk.get_by_test_id("sent-mail")).to_contain_text("Jawaban terkirim lewat e-mail")
    shot(desk, "workspace-answer-sent")

    # The spam mail, taken in by the desk, is a consultation of its own; nothing is left waiting.
    desk.goto("/surel")
    spam_row.get_by_role("button", name="Terima sebagai konsultasi", exact=True).click()
    expect(desk).to_have_url(re.compile(r"/konsultasi/[0-9a-f-]{36}$"))
    assert UUID(desk.url.rsplit("/", 1)[1]) != cid
    expect(desk.get_by_test_id("problem")).to_contain_text(SPAM_SUBJECT)
    shot(desk, "spam-released")
    desk.goto("/surel")
    eventually(desk, lambda: expect(desk.locator("main")).not_to_contain_text(SPAM_SUBJECT, timeout=1000),
               "the released mail gone from 'Menunggu keputusan'")

    # The answered consultation and the list on the phone.
    for path, name in ((workspace, "phone-workspace"), ("/konsultasi", "phone-list")):
        phone.goto(path)
        shot(phone, name)
        no_sideways_scroll(phone)
