"""What the webhooks hand on: a Telegram update or a WhatsApp payload, its secret or signature checked before a byte
of it is parsed, made into the messages the desk takes in (services/messaging.py). A channel whose secrets are unset
is not there (404); a wrong or missing secret is refused (401) and nothing is recorded."""

from __future__ import annotations

import hmac

import msgspec
import structlog
from litestar.exceptions import ClientException, NotAuthorizedException, NotFoundException, PermissionDeniedException

from domain.messaging import ChatMessage
from gateways.messaging import telegram, whatsapp
from gateways.messaging.settings import TelegramBot, WhatsAppAccount
from services.messaging import MessagingCommands

log = structlog.get_logger("messaging")


class ChatIntake:
    def __init__(self, helpdesk: MessagingCommands, bot: TelegramBot | None,
                 whatsapp_account: WhatsAppAccount | None) -> None:
        self.helpdesk = helpdesk
        self.bot = bot
        self.whatsapp = whatsapp_account

    def telegram(self, raw: bytes, secret: str | None) -> int:
        """Takes in one update; how many messages it recorded (0: ignored, or recorded before)."""
        bot = self.bot
        if bot is None:
            raise NotFoundException()
        if secret is None or not hmac.compare_digest(secret.encode(), bot.secret_token.encode()):
            raise NotAuthorizedException()
        try:
            update = telegram.UPDATE.decode(raw)
        except msgspec.DecodeError:  # ValidationError is one: a field of the wrong type
            raise ClientException() from None
        message = telegram.chat_message(update, bot)
        if message is None:
            log.info("telegram_update_ignored", update_id=update.update_id,
                     kind="message" if update.message is not None else "other")
            return 0
        return self._take(message)

    def whatsapp_challenge(self, mode: str | None, token: str | None, challenge: str | None) -> str:
        """The subscription check: the challenge back when the verify token matches."""
        account = self.whatsapp
        if account is None:
            raise NotFoundException()
        if mode != "subscribe" or token is None or challenge is None or not hmac.compare_digest(
                token.encode(), account.verify_token.encode()):
            raise PermissionDeniedException()
        return challenge

    def whatsapp_payload(self, raw: bytes, signature: str | None) -> int:
        account = self.whatsapp
        if account is None:
            raise NotFoundException()
        if not whatsapp.signature_valid(account.app_secret, raw, signature):
            raise NotAuthorizedException()
        try:
            payload = whatsapp.PAYLOAD.decode(raw)
        except msgspec.DecodeError:
            raise ClientException() from None
        messages = whatsapp.chat_messages(payload, account)
        if not messages:
            log.info("whatsapp_payload_ignored", object=payload.object, entries=len(payload.entry))
        return sum(self._take(each) for each in messages)

    def _take(self, message: ChatMessage) -> int:
        _, new = self.helpdesk.receive_chat(message)
        return int(new)
