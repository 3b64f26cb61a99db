"""The local mailbox of `helpdesk local` (`make run`): one Dovecot and one SMTP relay (gateways/maildev.py) on
127.0.0.1, a helpdesk mailbox for the regency and a liaison's mailbox, so that a mail sent to the regency becomes a
consultation and the desk's answer comes back to the liaison.

`helpdesk local-mail send "subject" "text"` mails the regency as the liaison, `helpdesk local-mail inbox` shows
what reached the liaison; any mail program does the same with the ports and accounts `helpdesk local` prints
(and keeps, with the passwords, in <data-dir>/local-mail.json while it runs). The mail lives in a temporary folder
and is gone when `helpdesk local` stops; the consultations it opened stay with the offices' data.
"""

from __future__ import annotations

import argparse
import email.policy
import json
import os
import smtplib
import socket
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

from gateways.cli import exits
from gateways.cli.words import Parser, refuse, sub_commands
from gateways.config import PREFIX
from gateways.maildev import SPAM_FLAG, Dovecot, MailRelay, dovecot_missing
from gateways.messages import bilingual
from gateways.natsserver import free_port

OFFICE = "kab-16.13"  # the office whose desk reads the local mailbox
LIAISON = "liaison"
LIAISON_ADDRESS = "liaison@partai-contoh.example"
LIAISON_NAME = "Petugas Penghubung Partai Contoh"
POLL_SECONDS = 15  # the regency reads its local mailbox this often (a real one: every 5 minutes)
INFO_FILE = "local-mail.json"
DEFAULT_DATA_DIR = "data/local"


def office_address(node_id: str) -> str:
    """Under `.example` (RFC 2606): an address the node takes as real, which can never be anyone's (a `.local` or
    `.test` one is refused as the sender of a consultation)."""
    return f"helpdesk@{node_id.replace('.', '-')}.kpu.example"


def office_user(node_id: str) -> str:
    """The office's Dovecot user; the relay maps the office's address to it."""
    return f"helpdesk-{node_id.replace('.', '-')}"


def _port(wanted: int) -> int:
    """`wanted` when it is free on 127.0.0.1 (the same port at each `make run`, for a mail program's settings)."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", wanted))
            return wanted
        except OSError:
            return free_port()


class LocalMail:
    """The running mailbox: Dovecot, the relay, and the file that tells `local-mail` and the tests where they are."""

    def __init__(self, dovecot: Dovecot, relay: MailRelay, info_file: Path, password: str) -> None:
        self.dovecot = dovecot
        self.relay = relay
        self.info_file = info_file
        self.password = password

    def info(self) -> dict[str, Any]:
        return {
            "host": self.dovecot.host, "imap_port": self.dovecot.port, "smtp_port": self.relay.port,
            "office": OFFICE, "office_address": office_address(OFFICE), "office_user": office_user(OFFICE),
            "liaison_address": LIAISON_ADDRESS, "liaison_user": LIAISON, "password": self.password,
            "poll_seconds": POLL_SECONDS,
        }

    def environ(self, node_id: str) -> dict[str, str]:
        """The HELPDESK_MAIL_* settings of `node_id`'s `helpdesk serve` (none but the regency's)."""
        if node_id != OFFICE:
            return {}
        return {
            f"{PREFIX}MAIL_ADDRESS": office_address(node_id), f"{PREFIX}MAIL_USERNAME": office_user(node_id),
            f"{PREFIX}MAIL_PASSWORD": self.password,
            f"{PREFIX}MAIL_IMAP_HOST": self.dovecot.host, f"{PREFIX}MAIL_IMAP_PORT": str(self.dovecot.port),
            f"{PREFIX}MAIL_IMAP_TLS": "none",
            f"{PREFIX}MAIL_SMTP_HOST": self.relay.host, f"{PREFIX}MAIL_SMTP_PORT": str(self.relay.port),
            f"{PREFIX}MAIL_SMTP_TLS": "none", f"{PREFIX}MAIL_POLL_SECONDS": str(POLL_SECONDS),
        }

    def summary(self) -> list[str]:
        host = self.dovecot.host
        where = self.info_file.parent
        data_dir = "" if where == Path(DEFAULT_DATA_DIR).resolve() else f" --data-dir {where}"
        return [
            f"  Kotak surel lokal (local mailbox): IMAP {host}:{self.dovecot.port}, SMTP {host}:{self.relay.port}"
            " (tanpa TLS; SMTP tanpa login / no TLS, no SMTP login)",
            f"    {OFFICE}: {office_address(OFFICE)} (akun IMAP {office_user(OFFICE)}), dibaca tiap {POLL_SECONDS} s"
            f" (read every {POLL_SECONDS} s)",
            f"    Penghubung (liaison): {LIAISON_ADDRESS} (akun IMAP {LIAISON}), kata sandi: {self.password}",
            f'    Coba (try): .venv/bin/helpdesk local-mail send{data_dir} "Akun SIPOL terkunci" "Mohon bantuan."',
            f"                .venv/bin/helpdesk local-mail inbox{data_dir}   (send --spam: ke folder Junk / as spam)",
        ]

    def stop(self) -> None:
        self.info_file.unlink(missing_ok=True)
        self.relay.stop()
        self.dovecot.close()


class NoMail:
    """`helpdesk local` without a mailbox: the one line saying why."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def environ(self, node_id: str) -> dict[str, str]:
        return {}

    def summary(self) -> list[str]:
        return [f"  Kotak surel lokal mati (local mailbox off): {self.reason}"]

    def stop(self) -> None:
        pass


def start_local_mail(data_dir: Path, password: str, base_port: int) -> LocalMail | NoMail:
    """Dovecot with the regency's and the liaison's mailbox, and the relay into it; IMAP on `base_port` + 3 and
    SMTP on `base_port` + 4 when those are free."""
    missing = dovecot_missing()
    if missing:
        return NoMail(missing)
    try:
        dovecot = Dovecot(port=_port(base_port + 3))
    except OSError as error:  # /tmp not writable
        return NoMail(f"{type(error).__name__}: {error}")
    try:
        for user in (office_user(OFFICE), LIAISON):
            dovecot.add_user(user, password)  # ValueError: a --password Dovecot's users file cannot hold
        relay = MailRelay(dovecot, port=_port(base_port + 4), aliases={office_address(OFFICE): office_user(OFFICE)},
                          file_spam=True)
        dovecot.start()
        relay.start()
    except (ValueError, OSError, RuntimeError) as error:  # DovecotError too
        dovecot.close()
        return NoMail(f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}")
    mail = LocalMail(dovecot, relay, data_dir / INFO_FILE, password)
    data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(mail.info_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # it holds the demo password
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(mail.info(), out, indent=1)
    return mail


# `helpdesk local-mail`: the liaison's side, without a mail program.

def read_info(data_dir: str | Path) -> dict[str, Any]:
    """What `helpdesk local` wrote about its running mailbox; SystemExit with the reason when it is not running."""
    path = Path(data_dir) / INFO_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise SystemExit(bilingual("cli_no_local_mail", path=path)) from None


def question(info: dict[str, Any], subject: str, text: str, *, spam: bool = False, sender: str = "") -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender or f"{LIAISON_NAME} <{info['liaison_address']}>"
    mail["To"] = info["office_address"]
    mail["Subject"] = subject
    mail["Date"] = format_datetime(datetime.now(UTC))
    mail["Message-ID"] = make_msgid(domain=info["liaison_address"].rpartition("@")[2])
    if spam:
        mail[SPAM_FLAG] = "YES"
    mail.set_content(text)
    return mail


def send(args: argparse.Namespace) -> int:
    info = read_info(args.data_dir)
    mail = question(info, args.subject, args.text, spam=args.spam, sender=args.sender)
    with smtplib.SMTP(info["host"], info["smtp_port"], timeout=30) as smtp:
        smtp.send_message(mail)
    folder = "Junk" if args.spam else "INBOX"
    print(f"Terkirim (sent) {mail['Message-ID']} -> {info['office_address']} ({folder}); lihat (see) /surel"
          f" dan /konsultasi di {info['office']} dalam {info['poll_seconds']} s.")
    return 0


def inbox(args: argparse.Namespace) -> int:
    from imapclient import IMAPClient

    info = read_info(args.data_dir)
    with IMAPClient(info["host"], info["imap_port"], ssl=False, timeout=30) as client:
        client.login(info["liaison_user"], info["password"])
        client.select_folder("INBOX", readonly=True)
        uids = sorted(client.search(["ALL"]))
        fetched = client.fetch(uids, [b"BODY.PEEK[]"]) if uids else {}
    print(f"{info['liaison_address']}: {len(uids)} surel (mails)")
    for uid in uids:
        mail = message_from_bytes(bytes(fetched[uid][b"BODY[]"]), policy=email.policy.default)
        body = mail.get_body(("plain",))
        text = body.get_content().strip() if body is not None else ""
        print(f"\n--- {mail['Date']} | {mail['From']}\n    {mail['Subject']}\n    In-Reply-To: {mail['In-Reply-To']}")
        print("\n".join(f"    {line}" for line in text.splitlines()[:args.lines]))
    return 0


def add_commands(commands: Any) -> None:
    local_mail = commands.add_parser("local-mail", help="kotak surel `helpdesk local` (the local mailbox of make run)")
    actions = sub_commands(local_mail, "mail_command")
    sending = actions.add_parser("send", help="kirim surel ke helpdesk kab-16.13 (mail the regency as the liaison)")
    sending.add_argument("subject", help="subjek (subject)")
    sending.add_argument("text", help="isi surel (the mail's text)")
    sending.add_argument("--spam", action="store_true", help="tandai spam: masuk folder Junk (filed as spam)")
    sending.add_argument("--from", dest="sender", default="", help="pengirim (From), bawaan: the liaison")
    reading = actions.add_parser("inbox", help="surel yang diterima penghubung (what reached the liaison)")
    reading.add_argument("--lines", type=int, default=12, help="baris isi per surel (text lines shown per mail)")
    for action in (sending, reading):
        action.add_argument("--data-dir", default=DEFAULT_DATA_DIR,
                            help="folder data `helpdesk local` (default: %(default)s)")


def run(args: argparse.Namespace) -> int:
    try:
        return send(args) if args.mail_command == "send" else inbox(args)
    except (OSError, smtplib.SMTPException) as error:
        refuse("cli_local_mail_failed", detail=f"{type(error).__name__}: {error}")
        return exits.REFUSED


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m gateways.cli.local_mail send "subject" "text"` as `helpdesk local-mail send …`."""
    parser = Parser(prog="python -m gateways.cli.local_mail")
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["local-mail", *(argv if argv is not None else sys.argv[1:])])
    if args.mail_command is None:
        args.help_of[1].print_help()
        return exits.DONE
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
