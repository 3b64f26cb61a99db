"""An office's helpdesk mailbox as the node reaches it: IMAP to read, SMTP to send, from the settings."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal, cast

import msgspec

from gateways.config import Settings

TlsMode = Literal["none", "starttls", "tls"]


class MailAccount(msgspec.Struct, frozen=True, kw_only=True):
    address: str  # the office's helpdesk address, shown to liaisons and used as From
    username: str
    password: str
    imap_host: str
    imap_port: int = 993
    imap_tls: TlsMode = "tls"
    smtp_host: str
    smtp_port: int = 587
    smtp_tls: TlsMode = "starttls"
    inbox: str = "INBOX"
    spam: str = ""  # "": the folder the server marks \Junk, else "Junk"
    sent: str = ""  # "": the folder the server marks \Sent, else "Sent"
    poll_seconds: int = 300  # C.a.3 asks for at least hourly; every five minutes by default
    check_minutes: int = 60  # the standard: a mailbox not read for longer is an alert

    @property
    def domain(self) -> str:
        return self.address.rsplit("@", 1)[-1]


def tls_context() -> ssl.SSLContext:
    """The system's trusted certificates, hostnames checked."""
    return ssl.create_default_context()


@contextmanager
def smtp_session(account: MailAccount, timeout: float) -> Iterator[smtplib.SMTP]:
    """A connection to the account's SMTP server, with its TLS mode and login (none over a plain local link)."""
    if account.smtp_tls == "tls":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(account.smtp_host, account.smtp_port, timeout=timeout,
                                             context=tls_context())
    else:
        smtp = smtplib.SMTP(account.smtp_host, account.smtp_port, timeout=timeout)
    with smtp:
        if account.smtp_tls == "starttls":
            smtp.starttls(context=tls_context())
        if account.password and account.smtp_tls != "none":
            smtp.login(account.username, account.password)
        yield smtp


def mail_account(settings: Settings) -> MailAccount | None:
    """The mailbox the settings name (checked when they were read); None without a mail_address."""
    if not settings.mail_address:
        return None
    password = settings.mail_password
    if settings.mail_password_file:
        password = Path(settings.mail_password_file).read_text(encoding="utf-8").strip()
    return MailAccount(
        address=settings.mail_address, username=settings.mail_username or settings.mail_address, password=password,
        imap_host=settings.mail_imap_host, imap_port=settings.mail_imap_port,
        imap_tls=cast(TlsMode, settings.mail_imap_tls), smtp_host=settings.mail_smtp_host or settings.mail_imap_host,
        smtp_port=settings.mail_smtp_port, smtp_tls=cast(TlsMode, settings.mail_smtp_tls),
        spam=settings.mail_spam_folder, poll_seconds=settings.mail_poll_seconds,
    )
