"""Runs a node's projections in the background: woken by its own saves, by PostgreSQL's subscription, or a poll.

SQLite's recorder has no subscribe(), so on SQLite the follower polls (and is woken at once by saves made
in this process). On PostgreSQL it also listens to the log's subscription, so events written by another
process (a CLI, an HTTP process of `helpdesk serve --workers N`) reach the read models without waiting for the poll;
and since the other background jobs of this process (the NATS relay, the mail and notification jobs) hear only
this process's saves, the subscription tells them too (`listeners`): an escalation saved by an HTTP process is
relayed by the worker at once, not at its next poll.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import structlog

from projections.runner import ReadModelRunner

log = structlog.get_logger("projections")


class Follower:
    def __init__(
        self,
        runner: ReadModelRunner,
        *,
        poll_seconds: float = 1.0,
        subscribe: bool = False,
        after_catch_up: Callable[[], None] | None = None,
        coalesce_seconds: float = 0.02,
        listeners: list[Callable[[], None]] | None = None,
    ) -> None:
        self.runner = runner
        self.poll_seconds = poll_seconds
        # After a wake, a moment for the saves made at the same time (many desks at once) to join the batch:
        # one transaction per read model for all of them instead of one each. Queries never wait for it —
        # they catch up before reading.
        self.coalesce_seconds = coalesce_seconds
        self.subscribe = subscribe
        self.after_catch_up = after_catch_up
        # Told when the subscription sees events (the log's listeners: services/base.py; the follower's own wake
        # among them skipped): at the first of a burst, and again at the batch that follows, which covers the rest.
        self.listeners = listeners if listeners is not None else []
        self._news = threading.Event()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._subscription: Any = None
        self.errors = 0

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._stop.clear()
        self._threads = [threading.Thread(target=self._run, name="projections", daemon=True)]
        if self.subscribe:
            self._threads.append(threading.Thread(target=self._listen, name="projections-listen", daemon=True))
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._subscription is not None:
            self._subscription.stop()
        for thread in self._threads:
            thread.join(timeout=10)
        self._threads = []

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                if self._news.is_set():
                    # The rest of a burst the subscription saw (its first event told them already, in _listen).
                    self._news.clear()
                    self._tell_listeners()
                self.runner.catch_up()
                if self.after_catch_up is not None:
                    self.after_catch_up()
            except Exception:  # noqa: BLE001 - a failing batch is rolled back and retried; the node stays up
                self.errors += 1
                log.exception("projection_failed", alert=True)
                self._stop.wait(self.poll_seconds)
            if self._wake.wait(self.poll_seconds) and self.coalesce_seconds:
                self._stop.wait(self.coalesce_seconds)

    def _listen(self) -> None:
        # The subscription yields every new notification; each one wakes the batching loop above (and the first of a
        # burst the other jobs).
        while not self._stop.is_set():
            try:
                with self.runner.source.recorder.subscribe(gt=self.runner.head()) as subscription:
                    self._subscription = subscription
                    for _ in subscription:
                        if not self._news.is_set():  # the first event since the last batch: told at once
                            self._news.set()
                            self._tell_listeners()
                        self._wake.set()
            except Exception:  # noqa: BLE001 - a dropped LISTEN connection: the poll covers until it is back
                log.warning("projection_subscription_lost")
                self._stop.wait(self.poll_seconds)

    def _tell_listeners(self) -> None:
        for listener in list(self.listeners):
            if listener != self.wake:
                try:
                    listener()
                except Exception:  # noqa: BLE001 - one job's wake failing must not stop the others' nor the follower
                    log.exception("listener_failed")
