"""The ways out: an e-mail through the office's SMTP server (From the helpdesk address, a fixed Message-ID per
notice and person), and a message through the office's Telegram bot to the chat a staff member linked."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr

import httpx
import msgspec

from gateways.mail.account import MailAccount, smtp_session
from gateways.messaging.settings import TelegramBot
from gateways.messaging.telegram import MAX_TEXT, TIMEOUT, ApiAnswer, SendFailed
from gateways.notify.ledger import Delivery


class Letter(msgspec.Struct, frozen=True):
    subject: str
    text: str


def message_id(delivery: Delivery, domain: str) -> str:
    """The same for the same notice and person whenever it is composed: a mail program shows a repeat once."""
    return f"<notice-{delivery.position}-{delivery.username}@{domain}>"


class EmailOutlet:
    def __init__(self, account: MailAccount, office_name: str, clock: Callable[[], datetime]) -> None:
        self.account = account
        self.office_name = office_name
        self.clock = clock

    def send(self, delivery: Delivery, letter: Letter) -> None:
        account = self.account
        mail = EmailMessage()
        mail["From"] = formataddr((f"Helpdesk SIPOL {self.office_name}", parseaddr(account.address)[1]))
        mail["To"] = delivery.address
        mail["Subject"] = letter.subject
        mail["Date"] = format_datetime(self.clock())
        mail["Message-ID"] = message_id(delivery, account.domain)
        mail["Auto-Submitted"] = "auto-generated"  # no out-of-office replies to a notice
        mail.set_content(letter.text)
        with smtp_session(account, TIMEOUT) as smtp:
            smtp.send_message(mail, from_addr=parseaddr(account.address)[1], to_addrs=[delivery.address])


class TelegramOutlet:
    def __init__(self, bot: TelegramBot) -> None:
        self.bot = bot

    def send(self, delivery: Delivery, letter: Letter) -> None:
        """sendMessage to the staff member's chat with the bot (they started it, so the bot may write to them)."""
        body = {"chat_id": int(delivery.address), "text": f"{letter.subject}\n{letter.text}"[:MAX_TEXT]}
        try:
            response = httpx.post(self.bot.method_url("sendMessage"), json=body, timeout=TIMEOUT)
            answer = msgspec.json.decode(response.content, type=ApiAnswer)
        except (httpx.HTTPError, msgspec.DecodeError) as error:
            raise SendFailed(f"telegram: {type(error).__name__}") from None
        if not answer.ok:
            raise SendFailed(f"telegram {response.status_code}: {answer.description}"[:300])
