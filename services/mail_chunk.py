"""A FETCH chunk's mails recorded together (services/mail.py `receive_mails`): every mail's Mail aggregate and the
consultations the chunk opens or joins, in one transaction of the event store.

What each mail becomes is decided as `receive_mail` decides it, one after another in the order the mailbox gave
them, with one difference the chunk needs: a mail answering another mail of the same chunk (In-Reply-To or
References naming it, or the number of the consultation it opened) joins that mail's consultation, which no read
model knows yet (`ChunkThreads`), and so does a mail answering one of an earlier chunk of the same round of reading
(`ReadingRound`): the mail read model is caught up once a round, not once a mail.

Exactly once holds as for one mail: a mail's id is computed from the office, its Message-ID and its bytes' hash;
a mail recorded before is left out (the round's own record and the mail read model, caught up at the round's start,
say which); and should the transaction meet a mail or a joined consultation recorded meanwhile (ConcurrentChange:
the event store refuses to create a mail twice), nothing of the chunk is kept and each mail is recorded alone, as
`receive_mail` records it, which looks in the event store itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.consultation import Consultation
from domain.errors import ConcurrentChange
from domain.mail import Disposition, Mail, ReadMail, Thread, decide, mail_id
from domain.script import Status

if TYPE_CHECKING:
    from services.mail import MailCommands, MailThreads

Find = Callable[[str | None, Iterable[str]], Thread | None]


class ReadingRound:
    """The threads one round of reading (both folders, every chunk) has opened or joined: Message-ID → consultation,
    as the read model's rm_mail_thread_ids holds them for mails recorded before, and the consultations opened (their
    numbers). Looked at before the read model, which is caught up once a round, at its first lookup, instead of once
    a chunk: what the round itself recorded is known here. A chunk's threads count once it is saved."""

    def __init__(self, threads: MailThreads) -> None:
        self.threads = threads
        self.message_ids: dict[str, UUID] = {}
        self.opened: set[UUID] = set()
        self.mails: set[UUID] = set()  # the mails the round recorded
        self._finder: Find | None = None
        self._closed: Callable[[UUID], bool] = lambda _: False

    def _ready(self) -> Find:
        if self._finder is None:
            self.threads.catch_up()
            self._finder = self.threads.thread_finder(closed=lambda cid: self._closed(cid), caught_up=True)
        return self._finder

    def recorded(self, mail_ids: list[UUID]) -> set[UUID]:
        """Which of these mails were recorded before: by this round, or before it (the mail read model, caught up at
        the round's start). Only a shortcut: a mail recorded meanwhile by anyone else is refused by the event store
        when the chunk is saved, and then each mail is recorded alone."""
        self._ready()
        return (set(mail_ids) & self.mails) | self.threads.recorded_mails(set(mail_ids) - self.mails)

    def find(self, number: str | None, ids: list[str], chunk: ChunkThreads) -> Thread | None:
        """A mail's thread: in the round (this chunk included) by Message-ID, else in the read model, else in the
        round by number; whether it is closed from the chunk's own record of the consultation."""
        self._closed = chunk.closed
        for one in ids:
            found = chunk.message_ids.get(one) or self.message_ids.get(one)
            if found is not None:
                return Thread(found, closed=chunk.closed(found))
        recorded = self._ready()(number, ids)
        if recorded is None and number:
            opened = [c for c in (*self.opened, *chunk.opened) if c.hex.startswith(number)]
            return Thread(opened[0], closed=chunk.closed(opened[0])) if len(opened) == 1 else None
        return recorded

    def saved(self, chunk: ChunkThreads, mail_ids: Iterable[UUID]) -> None:
        self.message_ids.update(chunk.message_ids)
        self.opened |= chunk.opened
        self.mails.update(mail_ids)

    def recorded_alone(self) -> None:
        """Mails were recorded one at a time (they look in the read model themselves): the next lookup of the round
        catches the read model up again."""
        self._finder = None


class ChunkThreads:
    """The threads one chunk has opened or joined so far, until it is saved."""

    def __init__(self, reading: ReadingRound, closed: Callable[[UUID], bool]) -> None:
        self.reading = reading
        self.closed = closed
        self.message_ids: dict[str, UUID] = {}
        self.opened: set[UUID] = set()

    def find(self, number: str | None, message_ids: Iterable[str]) -> Thread | None:
        return self.reading.find(number, list(message_ids), self)

    def recorded_mail(self, read: ReadMail, mail: Mail) -> None:
        if mail.disposition in (Disposition.OPENED, Disposition.JOINED) and mail.consultation_id is not None:
            if read.message_id and read.message_id not in self.reading.message_ids:
                self.message_ids.setdefault(read.message_id, mail.consultation_id)
            if mail.disposition is Disposition.OPENED:
                self.opened.add(mail.consultation_id)


def record_chunk(app: MailCommands, reads: Sequence[ReadMail], reading: ReadingRound) -> list[tuple[UUID, bool]]:
    """Records the chunk's mails; (id, new) of each, in order, as `receive_mail` returns them."""
    office = app.office.value
    owns = [mail_id(office, read.message_id, read.content_hash) for read in reads]
    fresh = set(owns) - reading.recorded(owns)
    consultations: dict[UUID, Consultation] = {}
    # Whether a thread's consultation is closed: from the event store (it is loaded to be joined anyway), so the
    # consultations read model need not catch up in the middle of reading.
    threads = ChunkThreads(reading, lambda cid: _loaded(app, consultations, cid).status is Status.CLOSED)
    aggregates: dict[UUID, Any] = {}
    for own, read in zip(owns, reads, strict=True):
        if own not in fresh or own in aggregates:
            continue  # recorded before, or the same mail twice in the chunk: once
        mail, *changed = app._received(read, decide(read, threads.find, app.forbidden_sender),
                                       load=lambda cid: _loaded(app, consultations, cid))
        for consultation in changed:
            consultations[consultation.id] = consultation
        aggregates[own] = mail
        threads.recorded_mail(read, mail)
    if aggregates:
        try:
            sealed_save(app, *aggregates.values(), *consultations.values())
        except ConcurrentChange:
            reading.recorded_alone()
            return [app.receive_mail(read) for read in reads]  # each alone, looking again
        reading.saved(threads, aggregates)
    seen: set[UUID] = set()
    answer = []
    for own in owns:
        answer.append((own, own in aggregates and own not in seen))
        seen.add(own)
    return answer


def sealed_save(app: MailCommands, *aggregates: Aggregate) -> None:
    """Saves aggregates together, the personal data's keys fetched for all their events at once (services/codec.py
    `prepared`): one transaction of the key store for the chunk."""
    cipher = getattr(app.mapper, "personal", None)
    events = [event for aggregate in aggregates for event in aggregate.pending_events]
    with cipher.prepared(events) if cipher is not None else nullcontext():
        app._save(*aggregates)


def _loaded(app: MailCommands, consultations: dict[UUID, Consultation], consultation_id: UUID) -> Consultation:
    if consultation_id not in consultations:
        consultations[consultation_id] = app._load(consultation_id)
    return consultations[consultation_id]
