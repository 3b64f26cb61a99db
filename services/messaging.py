"""The messaging channel's commands (part of the Helpdesk application): a message from a Telegram group or a WhatsApp
chat recorded once with the consultation it opens or joins, and an answer recorded as posted."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol
from uuid import UUID, uuid4

from domain.consultation import Consultation
from domain.errors import ConcurrentChange, NotFound
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
from domain.offices import OfficeId
from domain.parties import Party
from domain.values import Channel
from services.base import NodeApplication

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
