"""A mail server on this machine, for `helpdesk local` (`make run`) and the e-mail channel tests: Dovecot (IMAP)
from a config of its own in a temporary folder, and an aiosmtpd relay (SMTP) that delivers each message it accepts
to the Dovecot mailbox of its recipient.

Dovecot runs as a child (`dovecot -F -c <conf>`) that dies with the thread that started it; plain IMAP on 127.0.0.1
(no TLS on loopback), passwd-file users, one Maildir per user, `Junk` (\\Junk) and `Sent` (\\Sent) created on first
use. Run as root, every Dovecot process and the mail belong to `nobody`; run as another user, to that user.
Never a production mail server: no TLS, plaintext passwords, any sender relayed.
"""

from __future__ import annotations

import asyncio
import grp
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Any, Self

from aiosmtpd.controller import Controller
from imapclient import IMAPClient

from gateways.natsserver import die_with_parent, free_port, stop_process

DOVECOT = "/usr/sbin/dovecot"
DOVEADM = "/usr/bin/doveadm"
NOT_INSTALLED = "dovecot-imapd tidak terpasang (not installed): apt-get install dovecot-imapd"
START_LIMIT = 60.0  # a bound, not an expectation: Dovecot greets in ~20 ms on an idle machine
APPENDUID = re.compile(rb"\[APPENDUID (\d+) (\d+)\]")
SPAM_FLAG = "X-Spam-Flag"  # SpamAssassin's mark; with `file_spam`, the relay files such mail in Junk

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
default_login_user = {user}
default_internal_user = {user}
default_internal_group = {group}
first_valid_uid = {uid}
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={user} gid={group} home={root}/home/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
namespace inbox {{
  inbox = yes
  mailbox Junk {{
    auto = create
    special_use = \\Junk
  }}
  mailbox Sent {{
    auto = create
    special_use = \\Sent
  }}
}}
"""


def dovecot_missing(programs: Sequence[str] = (DOVECOT,)) -> str | None:
    """None when these Dovecot programs can run here; else why not."""
    missing = [path for path in programs if not os.access(path, os.X_OK)]
    return f"{NOT_INSTALLED} (no executable {', '.join(missing)})" if missing else None


class DovecotError(RuntimeError):
    """Dovecot did not start, or an IMAP step against it failed; the message carries Dovecot's log."""


def _owner() -> tuple[str, str, int, int]:
    """The user and group every Dovecot process and the mail run as: `nobody` for root, else the caller."""
    entry = pwd.getpwnam("nobody") if os.geteuid() == 0 else pwd.getpwuid(os.geteuid())
    return entry.pw_name, grp.getgrgid(entry.pw_gid).gr_name, entry.pw_uid, entry.pw_gid


class Dovecot:
    """One Dovecot IMAP server with its own folder; `users` maps name → password (more via `add_user`)."""

    def __init__(self, users: Mapping[str, str] | None = None, *, port: int | None = None) -> None:
        self.host = "127.0.0.1"
        self.port = port or free_port(self.host)
        self.users: dict[str, str] = {}
        self.process: subprocess.Popen[bytes] | None = None
        # Its own folder under /tmp: a folder of the caller's (pytest's tmp_path, a node's data) is closed to `nobody`.
        self.root = Path(tempfile.mkdtemp(prefix="helpdesk-dovecot-"))
        self.root.chmod(0o755)
        self._user, self._group, self._uid, self._gid = _owner()
        for folder in ("mail", "home"):
            (self.root / folder).mkdir()
            os.chown(self.root / folder, self._uid, self._gid)
        self.config = self.root / "dovecot.conf"
        self.log = self.root / "dovecot.log"
        self.config.write_text(CONFIG.format(root=self.root, port=self.port, user=self._user, group=self._group,
                                             uid=self._uid))
        self._write_users()
        for name, password in (users or {}).items():
            self.add_user(name, password)

    # Lifecycle.

    def add_user(self, name: str, password: str) -> None:
        """A mailbox `name` (Dovecot rereads the passwd-file when it changes, so also while running)."""
        if not re.fullmatch(r"[A-Za-z0-9._-]+", name) or ":" in password or "\n" in password:
            raise ValueError(f"unusable mail user {name!r} or its password (no ':' or line break)")
        self.users[name] = password
        self._write_users()

    def _write_users(self) -> None:  # readable by all: the auth process runs as the mail owner
        (self.root / "users").write_text("".join(f"{name}:{{PLAIN}}{pw}::::::\n" for name, pw in self.users.items()))
        (self.root / "users").chmod(0o644)

    def start(self) -> Self:
        if self.process is not None and self.process.poll() is None:
            return self
        with (self.root / "dovecot.out").open("ab") as out:
            # Its own session: a Ctrl-C aimed at the terminal reaches the caller, which stops Dovecot in order.
            self.process = subprocess.Popen([DOVECOT, "-F", "-c", str(self.config)], stdout=out,
                                            stderr=subprocess.STDOUT, start_new_session=True,
                                            preexec_fn=die_with_parent)  # noqa: PLW1509 - one prctl call
        deadline = time.monotonic() + START_LIMIT
        while not self._greets():
            if time.monotonic() > deadline:
                self.stop()
                raise DovecotError(f"no Dovecot greeting on {self.host}:{self.port} within {START_LIMIT:.0f} s:\n"
                                   f"{self.log_text()}")
            time.sleep(0.02)
        return self

    def _greets(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise DovecotError(f"dovecot exited with {self.process.returncode}:\n{self.log_text()}")
        try:
            with socket.create_connection((self.host, self.port), timeout=2) as probe:
                return probe.recv(64).startswith(b"* OK")
        except OSError:
            return False

    def stop(self) -> None:
        """Stops the server; the mail stays for `start()`."""
        if self.process is not None:
            stop_process(self.process, signal.SIGTERM, 15)
            self.process = None

    def restart(self) -> None:
        """Stop and start again: same port, same mail, same UIDVALIDITY."""
        self.stop()
        self.start()

    def close(self) -> None:
        """Stop and delete the folder with all mail."""
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.close()

    def log_text(self) -> str:
        parts = [p.read_text(errors="replace") for p in (self.log, self.root / "dovecot.out") if p.exists()]
        return "\n".join(parts)[-8000:] or "(Dovecot wrote no log)"

    # IMAP.

    def connect(self, user: str) -> IMAPClient:
        """A logged-in imapclient connection as `user` (close it with `.logout()`, or use it in `with`)."""
        client = IMAPClient(self.host, self.port, ssl=False, timeout=30)
        try:
            client.login(user, self.users[user])
            return client
        except Exception:
            client.shutdown()
            raise

    def append(self, user: str, folder: str, raw: bytes) -> int:
        """IMAP APPEND `raw` to `folder` of `user`; the message's new UID."""
        with self.connect(user) as client:
            reply = client.append(folder, raw)
            given = APPENDUID.search(reply if isinstance(reply, bytes) else str(reply).encode())
            if given:
                return int(given.group(2))
            client.select_folder(folder, readonly=True)
            return int(max(client.search(["ALL"])))  # no APPENDUID: the newest message is ours

    def messages(self, user: str, folder: str) -> list[bytes]:
        """Every message in `folder`, raw, in UID order (read without setting \\Seen)."""
        with self.connect(user) as client:
            client.select_folder(folder, readonly=True)
            uids = sorted(client.search(["ALL"]))
            fetched = client.fetch(uids, [b"BODY.PEEK[]"]) if uids else {}
            return [bytes(fetched[uid][b"BODY[]"]) for uid in uids]


# SMTP.

@dataclass(frozen=True)
class Received:
    """One message the SMTP relay accepted: the envelope as given and the raw bytes after DATA."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes
    delivered_to: tuple[str, ...]  # the Dovecot users whose mailbox got it


class _Handler:
    def __init__(self, relay: MailRelay) -> None:
        self.relay = relay

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = bytes(envelope.original_content or envelope.content)
        sender, recipients = envelope.mail_from or "", list(envelope.rcpt_tos)
        try:
            # Shielded: a client gone during DATA cancels this handler, not the delivery already under way, which
            # then records what it delivered (a counting test must see every mail that reached a mailbox).
            await asyncio.shield(asyncio.to_thread(self.relay.accept, sender, raw, recipients))
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - the SMTP client sees the failure as a 451
            self.relay.errors.append(repr(error))
            return "451 delivery to Dovecot failed"
        return "250 Message accepted for delivery"


class MailRelay:
    """aiosmtpd in a thread of this process on 127.0.0.1:`port`: plain SMTP, no AUTH, any sender and recipient.
    Keeps every message in `received`, and before answering 250 appends it to the INBOX of each recipient that is a
    user of `dovecot`: the one `aliases` names for its address, else the one named by its local part. With
    `file_spam`, a message marked `X-Spam-Flag: YES` goes to the recipient's Junk folder instead, as a spam filter
    would put it."""

    def __init__(self, dovecot: Dovecot | None = None, *, port: int | None = None,
                 aliases: Mapping[str, str] | None = None, file_spam: bool = False) -> None:
        self.dovecot = dovecot
        self.host = "127.0.0.1"
        self.port = port or free_port(self.host)  # aiosmtpd cannot take port 0: it probes the port it was given
        self.aliases = {address.lower(): user for address, user in (aliases or {}).items()}
        self.file_spam = file_spam
        self.received: list[Received] = []
        self.errors: list[str] = []  # deliveries to Dovecot that failed (the client got 451; not in `received`)
        self._controller = Controller(_Handler(self), hostname=self.host, port=self.port, ready_timeout=30,
                                      enable_SMTPUTF8=True)

    def accept(self, sender: str, raw: bytes, rcpt_tos: list[str]) -> None:
        """Delivers and records one message (whether or not its client waits for the answer)."""
        delivered = self.deliver(raw, rcpt_tos)
        self.received.append(Received(sender, tuple(rcpt_tos), raw, tuple(delivered)))

    def deliver(self, raw: bytes, rcpt_tos: list[str]) -> list[str]:
        if self.dovecot is None:
            return []
        users = [self.aliases.get(rcpt.lower()) or (rcpt.rpartition("@")[0] or rcpt).lower() for rcpt in rcpt_tos]
        known = [user for user in dict.fromkeys(users) if user in self.dovecot.users]
        folder = "Junk" if self.file_spam and _spam_flagged(raw) else "INBOX"
        for user in known:
            self.dovecot.append(user, folder, raw)
        return known

    def messages(self) -> list[Received]:
        return list(self.received)  # a copy: the SMTP thread appends to `received`

    def start(self) -> Self:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


def _spam_flagged(raw: bytes) -> bool:
    flag = BytesHeaderParser().parsebytes(raw).get(SPAM_FLAG, "")
    return str(flag).strip().upper().startswith("YES")
