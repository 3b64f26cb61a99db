"""Real mail servers for the e-mail channel tests: gateways/maildev.py's Dovecot (IMAP) and its SMTP relay, here as
the sink the tests read back (every message it accepted, delivered to the recipient's Dovecot INBOX), plus what
only the tests do to a mailbox: look at UIDs, move a message, reset a folder's UIDVALIDITY.
"""

from __future__ import annotations

import imaplib
import subprocess
from collections.abc import Callable
from typing import Any, TypeVar

from gateways import maildev
from gateways.maildev import DOVEADM, DOVECOT, NOT_INSTALLED, DovecotError, MailRelay, Received
from tests.support.waiting import wait_until

__all__ = ["NOT_INSTALLED", "Dovecot", "DovecotError", "Received", "SmtpSink", "dovecot_missing"]
T = TypeVar("T")
# While Dovecot rebuilds a folder's index after a UIDVALIDITY reset (its own session for the node racing the test's),
# a SELECT, STATUS or MOVE may answer "Mailbox was deleted under us" for a moment. The rebuild ends by itself.
REBUILDING = "deleted under us"
REBUILD_STALL = 60.0  # a rebuild this long is no rebuild: the error is real


def dovecot_missing() -> str | None:
    """None when Dovecot (with doveadm, which the UIDVALIDITY tests use) can run here; else why not (the skip
    reason)."""
    return maildev.dovecot_missing((DOVECOT, DOVEADM))


class Dovecot(maildev.Dovecot):
    """One Dovecot IMAP server with its own folder; `users` maps name → password (more via `add_user`)."""

    def uids(self, user: str, folder: str) -> list[int]:
        def read() -> list[int]:
            with self.connect(user) as client:
                client.select_folder(folder, readonly=True)
                return sorted(client.search(["ALL"]))
        return _after_rebuild(read, f"the UIDs of {user}/{folder}")

    def uidvalidity(self, user: str, folder: str) -> int:
        def read() -> int:
            with self.connect(user) as client:
                return int(client.folder_status(folder, [b"UIDVALIDITY"])[b"UIDVALIDITY"])
        return _after_rebuild(read, f"the UIDVALIDITY of {user}/{folder}")

    def messages(self, user: str, folder: str) -> list[bytes]:
        return _after_rebuild(lambda: super(Dovecot, self).messages(user, folder), f"the messages of {user}/{folder}")

    def move(self, user: str, uid: int, src: str, dst: str) -> int:
        """UID MOVE one message; its new UID in `dst` (from the server's COPYUID, which imapclient drops). A MOVE
        refused while `src` is rebuilt moved nothing (IMAP commands are atomic) and is asked again."""
        def moved() -> Any:
            with self.connect(user) as client:
                client.select_folder(src)
                imap: Any = client._imap  # imaplib keeps the untagged `OK [COPYUID v old new]` there
                imap.untagged_responses.pop("COPYUID", None)
                client.move([uid], dst)
                return imap.untagged_responses.pop("COPYUID", None)
        copyuid = _after_rebuild(moved, f"MOVE {uid} {src} -> {dst}")
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
        # Dovecot takes a new value from the clock: after a doveadm update set one ahead of it, or within the same
        # second as the last, it may not be higher. Then the value is set past the old one by hand.
        if not renumber or self.uidvalidity(user, folder) <= old:
            self._set_uidvalidity(user, folder, old + 1)
        seen = self.uidvalidity(user, folder)
        if seen <= old:
            raise DovecotError(f"UIDVALIDITY of {user}/{folder} went {old} -> {seen}:\n{self.log_text()}")
        return seen


    def _set_uidvalidity(self, user: str, folder: str, value: int) -> None:
        done = subprocess.run([DOVEADM, "-c", str(self.config), "mailbox", "update", "--uid-validity",
                               str(value), "-u", user, folder], capture_output=True, timeout=60, check=False)
        if done.returncode != 0:
            raise DovecotError(f"doveadm mailbox update failed ({done.returncode}): "
                               f"{done.stderr.decode(errors='replace')}\n{self.log_text()}")


class SmtpSink(MailRelay):
    """gateways/maildev.py's relay on 127.0.0.1:`port`: plain SMTP, no AUTH, any recipient. Keeps every message in
    `received`, and before answering 250 appends it to the INBOX of each recipient whose local part is a user of
    `dovecot`."""

    def __init__(self, dovecot: maildev.Dovecot | None = None, *, port: int | None = None) -> None:
        super().__init__(dovecot, port=port)

    def wait_for(self, count: int, *, limit: float = 60.0) -> list[Received]:
        """Blocks until at least `count` messages arrived; all of them."""
        wait_until(lambda: len(self.messages()) >= count, what=f"{count} message(s) at the SMTP sink",
                   progress=lambda: len(self.messages()), stall=limit, limit=limit,
                   detail=lambda: f"{len(self.messages())} arrived; errors {self.errors}")
        return self.messages()


def _after_rebuild(action: Callable[[], T], what: str) -> T:
    """`action()`, asked again while Dovecot answers that the folder is being rebuilt (REBUILDING); any other error,
    or a rebuild that does not end, fails."""
    def attempt() -> tuple[T] | None:
        try:
            return (action(),)
        except imaplib.IMAP4.error as error:
            if REBUILDING not in str(error):
                raise
            return None
    return wait_until(attempt, what=f"{what} after Dovecot's index rebuild", stall=REBUILD_STALL, poll=0.1)[0]
