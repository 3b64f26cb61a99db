"""The messaging channel's parts, built for the composition root (gateways/bootstrap.py): its read model's queries,
the webhooks' intake and the outbox job, each wired to the Helpdesk application."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from domain.messaging import ChatMessage
from domain.parties import Party
from domain.personal_data import FieldKind
from gateways.config import Settings
from gateways.messaging.fetcher import ChatMediaFetcher
from gateways.messaging.intake import ChatIntake
from gateways.messaging.job import ChatJob
from gateways.messaging.sender import ChatOutboxSender
from gateways.messaging.settings import telegram_bot, whatsapp_account
from gateways.storage import DocumentStore
from projections.messaging_queries import MessagingQueries
from projections.runner import ReadModelRunner
from services.helpdesk import Helpdesk


@dataclass(frozen=True)
class ChatParts:
    queries: MessagingQueries  # the messages taken in, the chatted consultations, the answers waiting to be posted
    intake: ChatIntake  # what the webhooks hand on (gateways/http/webhooks.py)
    sender: ChatOutboxSender
    media: ChatMediaFetcher | None  # keeps what liaisons send as documentation (None: the node has no file store)
    job: ChatJob | None  # posts the answers, fetches the media (None: neither Telegram nor WhatsApp is set)


def chat_parts(settings: Settings, helpdesk: Helpdesk, runner: ReadModelRunner, office_name: str,
               pseudonym: Callable[[str, str], str],
               party_of_group: Callable[[str, str], str | None] | None = None,
               files: DocumentStore | None = None) -> ChatParts:
    """`party_of_group(network, chat_id)`: the groups register's party name of a chat (projections/groups_queries.py),
    when the node keeps the register."""
    queries = MessagingQueries(runner)
    bot, account = telegram_bot(settings), whatsapp_account(settings)
    # What the messaging channel's rules ask of the read model and the office's key (services/messaging.py).
    helpdesk.chat_threads = queries
    helpdesk.sender_pseudonym = lambda message: sender_pseudonym(pseudonym, message)
    if party_of_group is not None:
        def group_party(network: str, chat_id: str) -> Party | None:
            name = party_of_group(network, chat_id)
            return (helpdesk.parties.find(name) or Party(name=name)) if name else None

        helpdesk.group_party = group_party
    sender = ChatOutboxSender(helpdesk, queries, bot, account, office_name)
    fetcher = ChatMediaFetcher(helpdesk, queries, files, bot, account) if files is not None else None
    job = ChatJob(sender, fetcher) if bot is not None or account is not None else None
    if job is not None:
        helpdesk.listeners.append(job.wake)  # a recorded answer or media is handled without waiting for the round
    return ChatParts(queries, ChatIntake(helpdesk, bot, account), sender, fetcher, job)


def sender_pseudonym(pseudonym: Callable[[str, str], str], message: ChatMessage) -> str:
    """The office's pseudonym of a sender on a network: finds their open consultation without keeping their id."""
    return pseudonym(FieldKind.ACCOUNT.value, f"{message.network.value}:{message.sender_id}")
