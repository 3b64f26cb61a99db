"""The chat job: posts the answers waiting and fetches the media that recorded messages named, whenever it is woken
(something was recorded) or every few seconds, so an answer or a media recorded while a network was unreachable, or
before the node was restarted, is still handled.

Started and stopped with the node's other background work (gateways/http/lifespans.py job_lifespan)."""

from __future__ import annotations

import threading

import structlog

from gateways.messaging.fetcher import ChatMediaFetcher
from gateways.messaging.sender import ChatOutboxSender

log = structlog.get_logger("messaging")
SEND_SECONDS = 5.0  # how often the outbox is looked at without being woken


class ChatJob:
    def __init__(self, sender: ChatOutboxSender, fetcher: ChatMediaFetcher | None = None) -> None:
        self.sender = sender
        self.fetcher = fetcher
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="chat-job", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def wake(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.send_answers()
            self.fetch_media()
            self._wake.wait(SEND_SECONDS)
            self._wake.clear()

    def send_answers(self) -> int:
        try:
            return self.sender.send_pending()
        except Exception as error:  # noqa: BLE001 — the answers stay in the outbox; the next round retries
            log.warning("chat_send_failed", error=f"{type(error).__name__}: {error}"[:300])
            return 0

    def fetch_media(self) -> int:
        if self.fetcher is None:
            return 0
        try:
            return self.fetcher.fetch_pending()
        except Exception as error:  # noqa: BLE001 — the media stay pending; the next round retries
            log.warning("chat_media_round_failed", error=f"{type(error).__name__}: {error}"[:300])
            return 0
