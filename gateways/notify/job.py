"""The notification job: after the read model records notifications, plans their deliveries and sends each once,
whenever it is woken (something was recorded) or every few seconds; started and stopped with the app."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol

import msgspec
import structlog

from domain.notification_values import DeliveryChannel, Subject
from gateways.notify.ledger import Delivery, DeliveryLedger
from gateways.notify.outlets import Letter
from gateways.notify.words import kind_label, link_of, notice_text

log = structlog.get_logger("notify")
ROUND_SECONDS = 10.0


class Outlet(Protocol):
    def send(self, delivery: Delivery, letter: Letter) -> None: ...


class NotifyJob:
    def __init__(self, catch_up: Callable[[], object], ledger: DeliveryLedger,
                 outlets: dict[DeliveryChannel, Outlet], public_url: str = "") -> None:
        self.catch_up = catch_up  # brings the notifications read model up to the log
        self.ledger = ledger
        self.outlets = outlets
        self.public_url = public_url.rstrip("/")
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        unsure = self.ledger.recover()
        if unsure:
            log.warning("notify_unsure_after_restart", deliveries=unsure)
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="notify-job", daemon=True)
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
            try:
                self.round()
            except Exception as error:  # noqa: BLE001 — the rows stay pending; the next round retries
                log.warning("notify_round_failed", error=f"{type(error).__name__}: {error}"[:300])
            self._wake.wait(ROUND_SECONDS)
            self._wake.clear()

    def round(self) -> int:
        """One round: catch up, plan, send what waits; returns how many were sent."""
        self.catch_up()
        self.ledger.plan()
        sent = 0
        for delivery in self.ledger.pending():
            outlet = self.outlets.get(delivery.channel)
            if outlet is None or not self.ledger.claim(delivery):
                continue  # a way out the office has not set up keeps its rows pending until it has
            try:
                outlet.send(delivery, self.letter(delivery))
            except Exception as error:  # noqa: BLE001 — not taken by the server: tried again next round
                self.ledger.failed(delivery, f"{type(error).__name__}: {error}")
                log.warning("notify_send_failed", channel=delivery.channel.value, position=delivery.position)
                continue
            self.ledger.sent(delivery)
            sent += 1
        return sent

    def letter(self, delivery: Delivery) -> Letter:
        """The words in Bahasa Indonesia: the kind, the consultation number, the sentence and the link; never the
        consultee's name or contact details (the read model never had them)."""
        values = msgspec.json.decode(delivery.values, type=dict[str, str])
        subject = f"[Helpdesk SIPOL] {kind_label(delivery.kind)}" + (f" {delivery.number}" if delivery.number else "")
        text = notice_text(delivery.code, values)
        link = link_of(Subject(delivery.subject), delivery.subject_id)
        if link and self.public_url:
            text += f"\n\n{self.public_url}{link}"
        return Letter(subject, text + "\n")

