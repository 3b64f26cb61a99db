"""Fetching the media that recorded messages named (projections/messaging.py lists them as pending), keeping their
bytes in the office's file store, and recording each once with what became of it (services/messaging.py): attached
to the consultation as documentation, refused (too large or not a kind kept: nothing stored), unreachable after
`FETCH_ATTEMPTS` rounds, or closed (the consultation was closed before it came).

The webhook only records the message; this runs in the chat job's rounds. The bytes are stored before the outcome
is recorded, by content (storing them again changes nothing): a node stopped in between fetches the media again and
records it once. A network that fails is left for the round; its other media wait for the next one.
"""

from __future__ import annotations

from uuid import UUID

import structlog

from domain.errors import AlreadyClosed
from domain.messaging import Network
from domain.messaging_media import FETCH_ATTEMPTS, MediaOutcome, documentation_kind, too_large
from domain.values import Documentation
from gateways.messaging import media
from gateways.messaging.settings import TelegramBot, WhatsAppAccount
from gateways.storage import DocumentStore, FileRefused, StorageUnavailable, media_type_of
from projections.messaging_queries import ChatMediaRow, MessagingQueries
from services.helpdesk import Helpdesk

log = structlog.get_logger("messaging")


class ChatMediaFetcher:
    def __init__(self, helpdesk: Helpdesk, queries: MessagingQueries, files: DocumentStore, bot: TelegramBot | None,
                 whatsapp_account: WhatsAppAccount | None) -> None:
        self.helpdesk = helpdesk
        self.queries = queries
        self.files = files
        self.bot = bot
        self.whatsapp = whatsapp_account
        self.failures: dict[UUID, int] = {}  # rounds each media was not given (a restart tries again from zero)

    def fetch_pending(self) -> int:
        """Fetches every media waiting; how many were recorded (whatever their outcome)."""
        recorded, failed = 0, set()
        for row in self.queries.pending_media():
            if row.network in failed:
                continue
            try:
                recorded += self._fetch(row)
            except media.FetchFailed as error:
                failed.add(row.network)
                recorded += self._failed(row, str(error))
            except StorageUnavailable as error:  # the store, not the media: nothing counted, all wait
                log.warning("chat_media_store_unavailable", reason=error.reason)
                break
        return recorded

    def _fetch(self, row: ChatMediaRow) -> int:
        if not self.helpdesk.takes_documentation(row.consultation_id):
            return self._record(row, MediaOutcome.CLOSED, AlreadyClosed.code)
        if too_large(row.size, self.files.max_bytes):
            return self._record(row, MediaOutcome.REFUSED, "size")
        try:
            data = self._download(row)
            if data is None:
                return 0
            key, digest = self.files.put(data, row.media_type)
        except media.TooLarge:
            return self._record(row, MediaOutcome.REFUSED, "size")
        except FileRefused as refused:
            return self._record(row, MediaOutcome.REFUSED, refused.reason)
        documentation = Documentation(documentation_kind(media_type_of(key)), key, digest)
        return self._record(row, MediaOutcome.ATTACHED, "", documentation)

    def _download(self, row: ChatMediaRow) -> bytes | None:
        """The media's bytes; None while its network is not set on this node (it waits)."""
        if row.network is Network.TELEGRAM:
            return None if self.bot is None else media.telegram_file(self.bot, row.ref, self.files.max_bytes)
        if self.whatsapp is None:
            return None
        return media.whatsapp_media(self.whatsapp, row.ref, self.files.max_bytes)

    def _failed(self, row: ChatMediaRow, error: str) -> int:
        count = self.failures[row.id] = self.failures.get(row.id, 0) + 1
        log.warning("chat_media_fetch_failed", network=row.network.value, media=str(row.id), attempt=count,
                    error=error)
        if count < FETCH_ATTEMPTS:
            return 0
        return self._record(row, MediaOutcome.UNREACHABLE, "fetch")

    def _record(self, row: ChatMediaRow, outcome: MediaOutcome, reason: str,
                documentation: Documentation | None = None) -> int:
        recorded = self.helpdesk.record_chat_media(
            message=row.message, index=row.index, consultation_id=row.consultation_id, kind=row.kind,
            outcome=outcome, reason=reason, documentation=documentation)
        self.failures.pop(row.id, None)
        if outcome is not MediaOutcome.ATTACHED:
            log.info("chat_media_not_attached", media=str(row.id), consultation=str(row.consultation_id),
                     outcome=outcome.value, reason=reason)
        return int(recorded)
