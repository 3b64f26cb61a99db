"""Posting what the chat outbox holds (projections/messaging.py): the answers of consultations that came by a
Telegram group or a WhatsApp chat — recorded first (the answer's event made its row), posted after as a reply to the
question, retried until it leaves, recorded as sent once (`OutgoingChat`, under the id of the answer's event).

Neither network takes an idempotency key: a node killed between the network's acceptance and the record of it posts
that answer again when it comes back. Every other crash, refusal or outage leaves the row waiting and posts it once.
"""

from __future__ import annotations

import structlog

from domain.messaging import Network
from domain.personal_data import PLACEHOLDER
from gateways.messages import label, message
from gateways.messaging import telegram, whatsapp
from gateways.messaging.settings import TelegramBot, WhatsAppAccount
from projections.messaging_queries import ChatOutboxRow, MessagingQueries
from services.helpdesk import Helpdesk

log = structlog.get_logger("messaging")


class ChatOutboxSender:
    def __init__(self, helpdesk: Helpdesk, queries: MessagingQueries, bot: TelegramBot | None,
                 whatsapp_account: WhatsAppAccount | None, office_name: str) -> None:
        self.helpdesk = helpdesk
        self.queries = queries
        self.bot = bot
        self.whatsapp = whatsapp_account
        self.office_name = office_name

    def send_pending(self) -> int:
        """Posts every answer waiting; returns how many were recorded as sent. A network that fails is left for the
        round (the next round retries from the same answer, so a consultation's answers keep their order); the other
        network's answers still leave."""
        sent, failed = 0, set()
        for row in self.queries.pending():
            if row.network in failed:
                continue
            try:
                sent += self._send(row)
            except telegram.SendFailed as error:
                failed.add(row.network)
                log.warning("chat_send_failed", network=row.network.value, error=str(error))
        return sent

    def answer_text(self, row: ChatOutboxRow) -> str:
        consultation = self.helpdesk.consultation_as_of(row.consultation_id, row.cause_version)
        bases = "\n".join(f"- {label('basis', b.kind.value)}: {b.reference}" for b in consultation.bases)
        return message("chat_answer", answer=consultation.answer or "", bases=bases or "-",
                       number=f"HD-{consultation.id.hex[:8]}", office=self.office_name)

    def _send(self, row: ChatOutboxRow) -> int:
        text = self.answer_text(row)
        if row.network is Network.TELEGRAM:
            if self.bot is None:
                log.warning("chat_channel_off", network=row.network.value, consultation=str(row.consultation_id))
                return 0
            sent = telegram.send_reply(self.bot, row.chat_id, row.reply_to, text)
        else:
            if self.whatsapp is None:
                log.warning("chat_channel_off", network=row.network.value, consultation=str(row.consultation_id))
                return 0
            # The number the question came from, kept sealed in the question's record (erased: nobody to answer).
            to = self.helpdesk.chat_message(row.first_message).message.sender_id
            if not to or to == PLACEHOLDER:
                log.warning("chat_without_recipient", consultation=str(row.consultation_id))
                return 0
            sent = whatsapp.send_reply(self.whatsapp, to, row.reply_to, text)
        recorded = self.helpdesk.record_chat_sent(
            outgoing=row.id, consultation_id=row.consultation_id, network=row.network, chat_id=row.chat_id,
            reply_to=row.reply_to, sent_message_id=sent, cause=row.cause)
        return int(recorded)
