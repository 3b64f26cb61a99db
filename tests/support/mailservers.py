"""Real mail servers for the e-mail channel tests: Dovecot (IMAP) from a config of its own in a temporary folder,
and an aiosmtpd sink (SMTP) that keeps every message and delivers it to the recipient's Dovecot INBOX.

Dovecot runs as a child (`dovecot -F -c <conf>`) that dies with the test process; plain IMAP on 127.0.0.1 (no TLS
on loopback), passwd-file users, one Maildir per user, `Junk` (\\Junk) and `Sent` (\\Sent) created on first use.
Run as root, every Dovecot process and the mail belong to `nobody`; run as another user, to that user.
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from imapclient import IMAPClient

from gateways.natsserver import die_with_parent, stop_process
from tests.support.ports import free_port
from tests.support.waiting import wait_until

DOVECOT = "/usr/sbin/dovecot"
DOVEADM = "/usr/bin/doveadm"
NOT_INSTALLED = "dovecot-imapd tidak terpasang (not installed): apt-get install dovecot-imapd"
START_LIMIT = 60.0  # a bound, not an expectation: Dovecot greets in ~20 ms on an idle machine
APPENDUID = re.compile(rb"\[APPENDUID (\d+) (\d+)\]")

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


def dovecot_missing() -> str | None:
    """None when Dovecot can run here; else why not (the skip reason)."""
    missing = [path for path in (DOVECOT, DOVEADM) if not os.access(path, os.X_OK)]
    return f"{NOT_INSTALLED} (no executable {', '.join(missing)})" if missing else None


class DovecotError(RuntimeError):
    """Dovecot did not start, or an IMAP step against it failed; the message carries Dovecot's log."""


def _owner() -> tuple[str, str, int, int]:
    """The user and group every Dovecot process and the mail run as: `nobody` for root, else the caller."""
    entry = pwd.getpwnam("nobody") if os.geteuid() == 0 else pwd.getpwuid(os.geteuid())
    return entry.pw_name, grp.getgrgid(entry.pw_gid).gr_name, entry.pw_uid, entry.pw_gid


class Dovecot:
    """One Dovecot IMAP server with its own folder; `users` maps name → password (more via `add_user`)."""

    def __init__(self, users: dict[str, str] | None = None, *, port: int | None = None) -> None:
        self.host = "127.0.0.1"
        self.port = port or free_port()
        self.users: dict[str, str] = {}
        self.process: subprocess.Popen[bytes] | None = None
        # Its own folder under /tmp, not pytest's tmp_path: that one is closed to `nobody`.
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
            raise ValueError(f"unusable mail user {name!r}")
        self.users[name] = password
        self._write_users()

    def _write_users(self) -> None:  # readable by all: the auth process runs as the mail owner
        (self.root / "users").write_text("".join(f"{name}:{{PLAIN}}{pw}::::::\n" for name, pw in self.users.items()))
        (self.root / "users").chmod(0o644)

    def start(self) -> Dovecot:
        if self.process is not None and self.process.poll() is None:
            return self
        with (self.root / "dovecot.out").open("ab") as out:
            self.process = subprocess.Popen([DOVECOT, "-F", "-c", str(self.config)], stdout=out,
                                            stderr=subprocess.STDOUT, preexec_fn=die_with_parent)  # noqa: PLW1509
        wait_until(self._greets, what=f"Dovecot greeting on {self.host}:{self.port}", stall=START_LIMIT,
                   limit=START_LIMIT, poll=0.02, detail=self.log_text)
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

    def __enter__(self) -> Dovecot:
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

    def uids(self, user: str, folder: str) -> list[int]:
        with self.connect(user) as client:
            client.select_folder(folder, readonly=True)
            return sorted(client.search(["ALL"]))

    def uidvalidity(self, user: str, folder: str) -> int:
        with self.connect(user) as client:
            return int(client.folder_status(folder, [b"UIDVALIDITY"])[b"UIDVALIDITY"])

    def messages(self, user: str, folder: str) -> list[bytes]:
        """Every message in `folder`, raw, in UID order (read without setting \\Seen)."""
        with self.connect(user) as client:
            client.select_folder(folder, readonly=True)
            uids = sorted(client.search(["ALL"]))
            fetched = client.fetch(uids, [b"BODY.PEEK[]"]) if uids else {}
            return [bytes(fetched[uid][b"BODY[]"]) for uid in uids]

    def move(self, user: str, uid: int, src: str, dst: str) -> int:
        """UID MOVE one message; its new UID in `dst` (from the server's COPYUID, which imapclient drops)."""
        with self.connect(user) as client:
            client.select_folder(src)
            imap: Any = client._imap  # imaplib keeps the untagged `OK [COPYUID v old new]` there
            imap.untagged_responses.pop("COPYUID", None)
            client.move([uid], dst)
            copyuid = imap.untagged_responses.pop("COPYUID", None)
        if not copyuid:
            raise DovecotError(f"no COPYUID for MOVE {uid} {src} -> {dst}:\n{self.log_text()}")
        text = copyuid[-1].decode() if isinstance(copyuid[-1], bytes) else str(copyuid[-1])
        return int(text.split()[2])

    def reset_uidvalidity(self, user: str, folder: str, *, renumber: bool = True) -> int:
        """Gives `folder` a new, higher UIDVALIDITY, keeping its messages; returns it. Works for INBOX too (which
        IMAP cannot delete). Connected clients are disconnected either way.

        renumber=True: the server lost its index (as after a restore or a broken disk): Dovecot is stopped, the
        folder's `dovecot-uidlist` and `dovecot.index*` (and the user's `dovecot.list.index*`) are deleted, and on
        start Dovecot numbers the messages again from UID 1 under a new UIDVALIDITY, in the order it finds the files.
        renumber=False: `doveadm mailbox update --uid-validity <old + 1>` on the running server; the UIDs stay.
        """
        old = self.uidvalidity(user, folder)
        if renumber:
            self.stop()
            mail = self.root / "mail" / user
            where = mail if folder.upper() == "INBOX" else mail / f".{folder}"
            lost = [*where.glob("dovecot-uidlist"), *where.glob("dovecot.index*"), *mail.glob("dovecot.list.index*")]
            for path in lost:
                path.unlink()
            self.start()
        else:
            done = subprocess.run([DOVEADM, "-c", str(self.config), "mailbox", "update", "--uid-validity",
                                   str(old + 1), "-u", user, folder], capture_output=True, timeout=60, check=False)
            if done.returncode != 0:
                raise DovecotError(f"doveadm mailbox update failed ({done.returncode}): "
                                   f"{done.stderr.decode(errors='replace')}\n{self.log_text()}")
        seen = self.uidvalidity(user, folder)
        if seen <= old:
            raise DovecotError(f"UIDVALIDITY of {user}/{folder} went {old} -> {seen}:\n{self.log_text()}")
        return seen


# SMTP.

@dataclass(frozen=True)
class Received:
    """One message the SMTP sink accepted: the envelope as given and the raw bytes after DATA."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes
    delivered_to: tuple[str, ...]  # the Dovecot users whose INBOX got it


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = bytes(envelope.original_content or envelope.content)
        try:
            delivered = await asyncio.to_thread(self.sink.deliver, raw, list(envelope.rcpt_tos))
        except Exception as error:  # noqa: BLE001 - the SMTP client sees the failure as a 451
            self.sink.errors.append(repr(error))
            return "451 delivery to Dovecot failed"
        self.sink.received.append(Received(envelope.mail_from or "", tuple(envelope.rcpt_tos), raw, tuple(delivered)))
        return "250 Message accepted for delivery"


class SmtpSink:
    """aiosmtpd in a thread of this process on 127.0.0.1:`port`: plain SMTP, no AUTH, any recipient. Keeps every
    message in `received`, and before answering 250 appends it to the INBOX of each recipient whose local part is
    a user of `dovecot`."""

    def __init__(self, dovecot: Dovecot | None = None, *, port: int | None = None) -> None:
        self.dovecot = dovecot
        self.host = "127.0.0.1"
        self.port = port or free_port()  # aiosmtpd cannot take port 0: it probes the port it was given
        self.received: list[Received] = []
        self.errors: list[str] = []  # deliveries to Dovecot that failed (the client got 451; not in `received`)
        self._controller = Controller(_Handler(self), hostname=self.host, port=self.port, ready_timeout=30,
                                      enable_SMTPUTF8=True)

    def deliver(self, raw: bytes, rcpt_tos: list[str]) -> list[str]:
        if self.dovecot is None:
            return []
        users = [(rcpt.rpartition("@")[0] or rcpt).lower() for rcpt in rcpt_tos]
        known = [user for user in dict.fromkeys(users) if user in self.dovecot.users]
        for user in known:
            self.dovecot.append(user, "INBOX", raw)
        return known

    def messages(self) -> list[Received]:
        return list(self.received)  # a copy: the SMTP thread appends to `received`

    def wait_for(self, count: int, *, limit: float = 60.0) -> list[Received]:
        """Blocks until at least `count` messages arrived; all of them."""
        wait_until(lambda: len(self.messages()) >= count, what=f"{count} message(s) at the SMTP sink",
                   progress=lambda: len(self.messages()), stall=limit, limit=limit,
                   detail=lambda: f"{len(self.messages())} arrived; errors {self.errors}")
        return self.messages()

    def start(self) -> SmtpSink:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()
