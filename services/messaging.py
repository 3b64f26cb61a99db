"""The messaging channel's commands (part of the Helpdesk application): a message from a Telegram group or a WhatsApp
chat recorded once with the consultation it opens or joins, what became of each media it named (recorded once with
the documentation it attached), and an answer recorded as posted."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol
from uuid import UUID, uuid4

from domain.consultation import Consultation
from domain.errors import AlreadyClosed, ConcurrentChange, DomainError, NotFound
from domain.messaging import (
    CHAT_ACTOR,
    ChatMessage,
    ChatReceived,
    Disposition,
    Network,
    OutgoingChat,
    chat_identity,
    decide,
    message_key,
    problem_text,
)
from domain.messaging_media import ChatMedia, MediaKind, MediaOutcome, media_key
from domain.offices import OfficeId
from domain.parties import Party
from domain.script import Status
from domain.values import Channel, Documentation, check_stored
from services.base import NodeApplication
from services.ports import StoredFiles

SAVE_ATTEMPTS = 3  # a delivery recorded meanwhile by a retry of the network is found on the next look


class ChatThreads(Protocol):
    def open_consultation(self, network: str, chat_id: str, sender_pseudonym: str) -> UUID | None:
        """The sender's consultation in that chat that is not closed, if any."""
        ...


def no_group_party(network: str, chat_id: str) -> Party | None:
    """The party a group belongs to, until the office's groups register says: unknown."""
    return None


class MessagingCommands(NodeApplication):
    office: OfficeId
    # Set by the composition root: the read model's lookup of a sender's open consultation, the office's pseudonym
    # of a sender (the key stays in the node), and the groups register's party of a group (H-GROUPS).
    chat_threads: ChatThreads
    sender_pseudonym: Callable[[ChatMessage], str]
    group_party: Callable[[str, str], Party | None] = staticmethod(no_group_party)
    stored_files: StoredFiles

    def receive_chat(self, message: ChatMessage) -> tuple[UUID, bool]:
        """Records a message and the consultation it opens or joins, in one transaction. Returns the message's id and
        whether it was new (False: this delivery was recorded before)."""
        own = message_key(self.office.value, message.network, message.delivery)
        for _ in range(SAVE_ATTEMPTS):
            if self._recorded_chat(own):
                return own, False
            try:
                self._save(*self._chat_received(message))
                return own, True
            except ConcurrentChange:
                continue
        raise ConcurrentChange()

    def record_chat_sent(self, *, outgoing: UUID, consultation_id: UUID, network: Network, chat_id: str,
                         reply_to: str, sent_message_id: str, cause: str) -> bool:
        """Records that an answer was posted (once: False when it was recorded before)."""
        try:
            self._save(OutgoingChat.record(
                id=outgoing, office_id=self.office.value, consultation_id=consultation_id, network=network,
                chat_id=chat_id, reply_to=reply_to, sent_message_id=sent_message_id, cause=cause, at=self.clock()))
        except ConcurrentChange:
            return False
        return True

    def takes_documentation(self, consultation_id: UUID) -> bool:
        """Whether the consultation still keeps documentation (not closed): a media for a closed one is not fetched."""
        return self._load(consultation_id).status is not Status.CLOSED

    def record_chat_media(self, *, message: UUID, index: int, consultation_id: UUID, kind: MediaKind,
                          outcome: MediaOutcome, reason: str = "", documentation: Documentation | None = None) -> bool:
        """Records what became of a message's media, with the documentation attached to the consultation in the same
        transaction when it was stored (a consultation closed meanwhile refuses it: recorded as closed). Once: False
        when this media was recorded before."""
        own = media_key(message, index)
        for _ in range(SAVE_ATTEMPTS):
            if self._recorded_chat(own):
                return False
            at, consultation = self.clock(), self._load(consultation_id)
            changed, final, why = [], outcome, reason
            if documentation is not None and outcome is MediaOutcome.ATTACHED:
                held = self.stored_files.holds(documentation.storage_key, documentation.sha256)
                try:
                    consultation.attach_documentation(check_stored(documentation, held), CHAT_ACTOR, at)
                    changed.append(consultation)
                except AlreadyClosed:
                    final, why = MediaOutcome.CLOSED, AlreadyClosed.code
                except DomainError as refused:  # the file is not kept as recorded: nothing attached
                    final, why = MediaOutcome.REFUSED, refused.code
            media = ChatMedia.record(office_id=self.office.value, message=message, index=index,
                                     consultation_id=consultation_id, kind=kind, outcome=final, reason=why,
                                     documentation=documentation if final is MediaOutcome.ATTACHED else None, at=at)
            try:
                self._save(media, *changed)
                return True
            except ConcurrentChange:
                continue
        raise ConcurrentChange()

    def chat_message(self, key: UUID) -> ChatReceived:
        found = self._load(key)
        if not isinstance(found, ChatReceived) or found.office_id != self.office.value:
            raise NotFound()
        return found

    def _chat_received(self, message: ChatMessage) -> list:
        at = self.clock()
        pseudonym = self.sender_pseudonym(message)
        open_id = self.chat_threads.open_consultation(message.network.value, message.chat_id, pseudonym)
        disposition = decide(open_id)
        changed: list = []
        if open_id is None:
            party = self.group_party(message.network.value, message.chat_id)
            consultation = Consultation.open(
                id=uuid4(), office_id=self.office.value, channel=Channel.MESSAGING,
                identity=chat_identity(message, party), actor=CHAT_ACTOR, at=at, arrived_at=message.sent_at)
            consultation.record_problem(problem_text(message), CHAT_ACTOR, at)
            changed.append(consultation)
            open_id = consultation.id
        return [ChatReceived.receive(self.office.value, message, disposition, open_id, pseudonym, at), *changed]

    def _recorded_chat(self, own: UUID) -> bool:
        try:
            self._load(own)
        except NotFound:
            return False
        return True


__all__ = ["ChatThreads", "Disposition", "MessagingCommands", "no_group_party"]
