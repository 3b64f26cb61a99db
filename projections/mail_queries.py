"""Queries over the mail read model: the thread a mail answers, the mail waiting for the desk, a consultation's
mail, and the answers waiting to be sent."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from uuid import UUID

import msgspec

from domain.mail import Thread
from projections.base import from_iso, iso
from projections.runner import ReadModelRunner

NAME = "mail"
_ROW = ("SELECT id, folder, disposition, consultation_id, follows, reason, subject, sender, message_id, read_at,"
        " waiting, attachments, excerpt, settled_by, settled_at, not_kept FROM rm_mail")


class MailRow(msgspec.Struct, frozen=True):
    id: str
    folder: str
    disposition: str
    consultation_id: str | None
    follows: str | None
    reason: str | None
    subject: str
    sender: str  # masked
    message_id: str | None
    read_at: datetime
    waiting: bool
    attachments: int
    excerpt: str
    settled_by: str | None
    settled_at: datetime | None
    not_kept: tuple[str, ...]  # attachments named in the mail and not kept as files (still in its bytes)


class OutboxRow(msgspec.Struct, frozen=True):
    id: UUID
    consultation_id: UUID
    cause: str  # "answer", "invitation" or "acknowledgement"
    source: UUID  # the consultation (an answer), the meeting (an invitation) or the mail (an acknowledgement)
    cause_version: int
    created_at: datetime
    sent_at: datetime | None = None


def _at(text: str) -> datetime:
    moment = from_iso(text)
    assert moment is not None  # a NOT NULL column
    return moment


def _row(values: tuple) -> MailRow:
    return MailRow(*values[:9], read_at=_at(values[9]), waiting=bool(values[10]), attachments=values[11],
                   excerpt=values[12], settled_by=values[13],
                   settled_at=from_iso(values[14]), not_kept=tuple(filter(None, values[15].split("\n"))))


class MailQueries:
    def __init__(self, runner: ReadModelRunner) -> None:
        self.runner = runner

    def _query(self, statement: str, params: tuple = ()) -> list[tuple]:
        self.runner.catch_up(NAME)
        return self.runner.store.query(statement, params)

    def find_thread(self, number: str | None, message_ids: Iterable[str]) -> Thread | None:
        """The consultation a mail answers: by a Message-ID of its thread first, else by the number in its subject."""
        return self.thread_finder()(number, message_ids)

    def thread_finder(self, closed: Callable[[UUID], bool] | None = None, caught_up: bool = False
                      ) -> Callable[[str | None, Iterable[str]], Thread | None]:
        """`find_thread` for mails read together: the mail read model is caught up once (unless the caller just did,
        `caught_up`), at the first mail that names a thread at all (a mail with no In-Reply-To, References or number
        looks nothing up), and every later lookup reads it as it then was. Whether a thread's consultation is closed
        comes from `closed` when given (the caller's own record), else from the consultations read model, caught up
        once too. What the mails read together record is the caller's to know."""
        caught_up_now: set[str] = {NAME} if caught_up else set()

        def catch_up(name: str) -> None:
            if name not in caught_up_now:
                self.runner.catch_up(name)
                caught_up_now.add(name)

        def is_closed(consultation_id: UUID) -> bool:
            catch_up("consultations")
            status = self.runner.store.query("SELECT status FROM rm_consultations WHERE id = ?",
                                             (str(consultation_id),))
            return bool(status) and status[0][0] == "closed"

        def find(number: str | None, message_ids: Iterable[str]) -> Thread | None:
            ids = list(dict.fromkeys(message_ids))
            if not ids and not number:
                return None
            catch_up(NAME)
            found = self._thread(number, ids)
            return None if found is None else Thread(found, closed=(closed or is_closed)(found))

        return find

    def catch_up(self) -> None:
        """The mail read model made current (for lookups that then read it as it is)."""
        self.runner.catch_up(NAME)

    def recorded_mails(self, mail_ids: Iterable[UUID]) -> set[UUID]:
        """Which of these mails the mail read model holds, as it is now (not caught up here)."""
        wanted = [str(one) for one in mail_ids]
        found: set[UUID] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            rows = self.runner.store.query(f"SELECT id FROM rm_mail WHERE id IN ({', '.join('?' * len(chunk))})",
                                           tuple(chunk))
            found |= {UUID(r[0]) for r in rows}
        return found

    def _thread(self, number: str | None, ids: list[str]) -> UUID | None:
        query = self.runner.store.query
        found: list[tuple] = []
        if ids:
            found = query("SELECT t.consultation_id FROM rm_mail_thread_ids t WHERE t.message_id IN"
                          f" ({', '.join('?' * len(ids))}) LIMIT 1", tuple(ids))
        if not found and number:
            found = query("SELECT consultation_id FROM rm_mailed WHERE consultation_id LIKE ? LIMIT 2",
                          (f"{number}%",))
            found = found if len(found) == 1 else []  # a number two consultations share names neither
        return UUID(found[0][0]) if found else None

    def waiting(self, office_id: str) -> list[MailRow]:
        """Held (from the spam folder) and quarantined mail not yet released or rejected, oldest first."""
        rows = self._query(f"{_ROW} WHERE office_id = ? AND waiting = 1 ORDER BY read_at", (office_id,))
        return [_row(r) for r in rows]

    def get(self, office_id: str, mail_id: str) -> MailRow | None:
        rows = self._query(f"{_ROW} WHERE office_id = ? AND id = ?", (office_id, mail_id))
        return _row(rows[0]) if rows else None

    def of_consultation(self, consultation_id: UUID) -> list[MailRow]:
        rows = self._query(f"{_ROW} WHERE consultation_id = ? ORDER BY read_at", (str(consultation_id),))
        return [_row(r) for r in rows]

    def thread_ids(self, consultation_id: UUID) -> tuple[str | None, tuple[str, ...]]:
        """What a reply about the consultation answers: the last mail read in it, and every mail read in it."""
        rows = self._query("SELECT message_id FROM rm_mail WHERE consultation_id = ? AND message_id IS NOT NULL"
                           " ORDER BY read_at", (str(consultation_id),))
        ids = tuple(r[0] for r in rows)
        return (ids[-1] if ids else None), ids

    def first_mail(self, consultation_id: UUID) -> str | None:
        rows = self._query("SELECT first_mail FROM rm_mailed WHERE consultation_id = ?", (str(consultation_id),))
        return rows[0][0] if rows else None

    def pending(self, acknowledged_since: datetime, limit: int = 100) -> list[OutboxRow]:
        """Mails recorded and not yet sent, oldest first; acknowledgements only of mails read since
        `acknowledged_since` (an older one is no longer worth sending, and is never listed again)."""
        rows = self._query("SELECT id, consultation_id, cause, source, cause_event, created_at FROM rm_mail_outbox"
                           " WHERE sent_at IS NULL AND (cause <> 'acknowledgement' OR created_at >= ?)"
                           " ORDER BY created_at LIMIT ?", (iso(acknowledged_since), limit))
        return [OutboxRow(UUID(r[0]), UUID(r[1]), r[2], UUID(r[3]), int(r[4]), _at(r[5])) for r in rows]

    def raw_keys(self, subject_ids: list[str]) -> list[str]:
        """Where the mails of these senders (data subjects: a consultation's consultee, or a held mail's sender)
        are kept as received."""
        if not subject_ids:
            return []
        marks = ", ".join("?" * len(subject_ids))
        rows = self._query(f"SELECT raw_key FROM rm_mail WHERE subject_id IN ({marks}) OR consultation_id IN ({marks})",
                           (*subject_ids, *subject_ids))
        return sorted({r[0] for r in rows})

    def outbox_of(self, consultation_id: UUID) -> list[OutboxRow]:
        """What the office sent or is about to send about a consultation (answers, invitations), oldest first. Not
        the acknowledgement of its first mail: a receipt the desk has nothing to do about (and one past its time
        stays unsent for good)."""
        rows = self._query("SELECT id, consultation_id, cause, source, cause_event, created_at, sent_at"
                           " FROM rm_mail_outbox WHERE consultation_id = ? AND cause <> 'acknowledgement'"
                           " ORDER BY created_at",
                           (str(consultation_id),))
        return [OutboxRow(UUID(r[0]), UUID(r[1]), r[2], UUID(r[3]), int(r[4]), _at(r[5]), from_iso(r[6]))
                for r in rows]

    def sent_count(self) -> int:
        return int(self._query("SELECT COUNT(*) FROM rm_mail_outbox WHERE sent_at IS NOT NULL")[0][0])
