"""The notifications' parts for the composition root (gateways/bootstrap.py): the read model's queries, the delivery
ledger, and the job that sends by the ways out the office has set up (its mailbox's SMTP, its Telegram bot)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.notification_values import DeliveryChannel
from gateways.config import Settings
from gateways.mail.account import mail_account
from gateways.messaging.settings import telegram_bot
from gateways.notify.job import NotifyJob, Outlet
from gateways.notify.ledger import DeliveryLedger
from gateways.notify.outlets import EmailOutlet, TelegramOutlet
from projections.notification_queries import NotificationQueries
from projections.runner import ReadModelRunner
from services.ports import Clock


@dataclass(frozen=True)
class NotifyParts:
    queries: NotificationQueries  # my notifications, the badge's counts, read marks
    ledger: DeliveryLedger  # what was sent by e-mail and Telegram, once each
    job: NotifyJob | None  # None: the office has neither a mailbox nor a Telegram bot
    channels: frozenset[DeliveryChannel]  # the ways out this office offers its staff


def notify_parts(settings: Settings, runner: ReadModelRunner, office_name: str, clock: Clock) -> NotifyParts:
    queries = NotificationQueries(runner, clock)
    queries.prepare()
    ledger = DeliveryLedger(runner.store, clock)
    ledger.prepare(runner.head())
    outlets: dict[DeliveryChannel, Outlet] = {}
    account, bot = mail_account(settings), telegram_bot(settings)
    if account is not None:
        outlets[DeliveryChannel.EMAIL] = EmailOutlet(account, office_name, clock)
    if bot is not None:
        outlets[DeliveryChannel.TELEGRAM] = TelegramOutlet(bot)
    job = NotifyJob(lambda: runner.catch_up("notifications"), ledger, outlets, settings.public_url) if outlets \
        else None
    return NotifyParts(queries, ledger, job, frozenset(outlets))
