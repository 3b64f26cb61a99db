"""The e-mail channel's commands (part of the Helpdesk application): a mail read from the mailbox recorded once with
the consultation it opens or joins, a held mail released or rejected by the desk, an answer recorded as sent."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Protocol
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from domain.consultation import Consultation
from domain.errors import ConcurrentChange, DomainError, NotFound
from domain.mail import (
    MAIL_ACTOR,
    Decision,
    Disposition,
    Mail,
    MailAttachment,
    OutgoingMail,
    Quarantine,
    ReadMail,
    Thread,
    decide,
    documentation_kind,
    mail_id,
    mail_identity,
    problem_text,
)
from domain.mailbox_watch import MailboxWatch, watch_id
from domain.meeting import Meeting, MeetingView
from domain.offices import OfficeId
from domain.parties import PartyRegister
from domain.values import Channel, Documentation
from services.base import NodeApplication
from services.mail_chunk import ReadingRound, record_chunk

SAVE_ATTEMPTS = 3  # a joined consultation the desk changed meanwhile is loaded again


class MailThreads(Protocol):
    def find_thread(self, number: str | None, message_ids: Iterable[str]) -> Thread | None: ...

    def thread_finder(self, closed: Callable[[UUID], bool] | None = None, caught_up: bool = False
                      ) -> Callable[[str | None, Iterable[str]], Thread | None]: ...

    def catch_up(self) -> None: ...

    def recorded_mails(self, mail_ids: Iterable[UUID]) -> set[UUID]: ...


class MailCommands(NodeApplication):
    office: OfficeId
    register_for: Callable[[str | None], PartyRegister]
    # Set by the composition root: the read model's thread lookup, and the addresses no consultee writes from.
    mail_threads: MailThreads
    forbidden_sender: Callable[[str], bool]

    def receive_mail(self, read: ReadMail) -> tuple[UUID, bool]:
        """Records a mail read from the mailbox and what it became, in one transaction with the consultation it
        opens or joins. Returns the mail's id and whether it was new (False: this mail was recorded before)."""
        own = mail_id(self.office.value, read.message_id, read.content_hash)
        for _ in range(SAVE_ATTEMPTS):
            if self._recorded_mail(own):
                return own, False
            try:
                self._save(*self._received(read, decide(read, self.mail_threads.find_thread, self.forbidden_sender)))
                return own, True
            except ConcurrentChange:
                continue  # the mail was recorded meanwhile, or the joined consultation changed: look again
        raise ConcurrentChange()

    def receive_mails(self, reads: Sequence[ReadMail], reading: ReadingRound | None = None) -> list[tuple[UUID, bool]]:
        """`receive_mail` for a FETCH chunk: its mails and the consultations they open or join in one transaction
        (services/mail_chunk.py); (id, new) of each mail, in order. `reading` (from `reading_round`) carries the
        threads of the round's earlier chunks."""
        return record_chunk(self, reads, reading or self.reading_round())

    def reading_round(self) -> ReadingRound:
        return ReadingRound(self.mail_threads)

    def release_mail(self, mail_id_: UUID, actor: str) -> UUID:
        """The desk takes a held or quarantined mail in: it opens a consultation (or joins the one it answers)."""
        mail = self._mail(mail_id_)
        as_inbox = Decision(Disposition.OPENED)
        thread = self.mail_threads.find_thread(None, [i for i in (mail.mail.in_reply_to, *mail.mail.references) if i])
        consultation: Consultation | None = (
            None if thread is None or thread.closed else self._load(thread.consultation_id))
        if consultation is None:
            consultation = self._opened(mail.mail, self.clock(), as_inbox)
        else:
            self._attach(consultation, mail.mail.attachments, self.clock())
        mail.release(consultation.id, actor, self.clock())
        self._save(mail, consultation)
        return consultation.id

    def reject_mail(self, mail_id_: UUID, actor: str, note: str) -> None:
        mail = self._mail(mail_id_)
        mail.reject(actor, note, self.clock())
        self._save(mail)

    def record_sent(self, *, outgoing: UUID, consultation_id: UUID | None, cause: str, message_id: str,
                    recipient_pseudonym: str, subject: str) -> bool:
        """Records that a mail left (once: False when it was recorded before)."""
        try:
            self._save(OutgoingMail.record(
                id=outgoing, office_id=self.office.value, consultation_id=consultation_id, cause=cause,
                message_id=message_id, recipient_pseudonym=recipient_pseudonym, subject=subject, at=self.clock()))
        except ConcurrentChange:
            return False
        return True

    def mail_of(self, mail_id_: UUID) -> Mail:
        return self._mail(mail_id_)

    def consultation_as_of(self, consultation_id: UUID, version: int | None = None) -> Consultation:
        """The consultation as it stood right after one of its events (an answer: what that answer's mail says), or
        as it is now."""
        consultation: object = self.repository.get(consultation_id, version=version)
        if not isinstance(consultation, Consultation) or consultation.office_id != self.office.value:
            raise NotFound()
        return consultation

    def note_folder_read(self, mailbox: str, folder: str, new: int) -> None:
        """The hourly check on the record (C.a.3): a folder read, `new` mails handed on (domain/mailbox_watch.py)."""
        at = self.clock()
        watch = self._watch(mailbox, at)
        watch.folder_read(folder, new, at)
        self._save_watch(watch)

    def note_mailbox_failed(self, mailbox: str, reason: str) -> None:
        at = self.clock()
        watch = self._watch(mailbox, at)
        watch.read_failed(reason, at)
        self._save_watch(watch)

    def mailbox_watch(self, mailbox: str, day: date) -> MailboxWatch | None:
        try:
            found = self._load(watch_id(self.office.value, mailbox, day))
        except NotFound:
            return None
        return found if isinstance(found, MailboxWatch) else None

    def _watch(self, mailbox: str, at: datetime) -> MailboxWatch:
        day = at.astimezone(ZoneInfo(self.office.timezone)).date()
        return self.mailbox_watch(mailbox, day) or MailboxWatch.start(self.office.value, mailbox, day, at)

    def _save_watch(self, watch: MailboxWatch) -> None:
        try:
            self._save(watch)
        except ConcurrentChange:
            pass  # recorded by another round at the same moment: the record holds the check either way

    def meeting_version(self, meeting_id: UUID, version: int) -> MeetingView:
        """A meeting as it stood right after one of its changes: what that change's invitation says."""
        meeting: object = self.repository.get(meeting_id, version=version)
        if not isinstance(meeting, Meeting) or meeting.office_id != self.office.value:
            raise NotFound()
        return meeting.view()

    # What a mail becomes, as aggregates to save together.

    def _received(self, read: ReadMail, decision: Decision,
                  load: Callable[[UUID], Consultation] | None = None) -> list:
        at = self.clock()
        changed: list = []
        consultation_id = decision.consultation_id
        if decision.disposition is Disposition.OPENED:
            try:
                consultation = self._opened(read, at, decision)
            except DomainError:  # no usable name or address in From: the desk decides
                decision = Decision(Disposition.QUARANTINED, reason=Quarantine.NO_SENDER)
            else:
                changed.append(consultation)
                consultation_id = consultation.id
        elif decision.disposition is Disposition.JOINED and consultation_id is not None:
            joined = (load or self._load)(consultation_id)
            self._attach(joined, read.attachments, at)
            changed.append(joined)
        return [Mail.receive(self.office.value, read, decision, consultation_id, at), *changed]

    def _opened(self, read: ReadMail, at: datetime, decision: Decision) -> Consultation:
        consultation = Consultation.open(
            id=uuid4(), office_id=self.office.value, channel=Channel.EMAIL, identity=mail_identity(read),
            actor=MAIL_ACTOR, at=at, arrived_at=read.sent_at,
        )
        consultation.record_problem(problem_text(read, decision.consultation_id), MAIL_ACTOR, at)
        self._attach(consultation, read.attachments, at)
        return consultation

    @staticmethod
    def _attach(consultation: Consultation, attachments: tuple[MailAttachment, ...], at: datetime) -> None:
        for item in attachments:
            try:
                consultation.attach_documentation(
                    Documentation(documentation_kind(item.media_type), item.storage_key, item.sha256), MAIL_ACTOR, at)
            except DomainError:
                break  # a closed consultation keeps no more documentation; the mail keeps its attachments

    def _recorded_mail(self, own: UUID) -> bool:
        try:
            self._load(own)
        except NotFound:
            return False
        return True

    def _mail(self, mail_id_: UUID) -> Mail:
        mail = self._load(mail_id_)
        if not isinstance(mail, Mail) or mail.office_id != self.office.value:
            raise NotFound()
        return mail
