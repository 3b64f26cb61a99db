"""Escalations streamed at the regency over HTTP while faults happen, as its desk and commissioner would make them.

Each is a consultation taken through the script (opened, problem, restated, confirmed, handed to the commissioner)
and forwarded up by the commissioner: six requests. When a request fails — the node killed, the database away —
its outcome is unknown (it may have committed before the node died). The stream then waits until the node
answers again, reads the consultation's status and goes on from the step it is at, as a person at the desk would
after reloading the page. What counts at the end is not what the stream believes it sent but what the regency's
own record holds (ledger.py).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx

from tests.support.waiting import STALL, wait_until

PASSWORD = "sandi-uji-gangguan-2024"

# Status of the consultation → the next request (path, body, who makes it); "escalated" is done.
STEPS: dict[str, tuple[str, dict[str, Any], str]] = {
    "opened": ("problem", {"text": "Unggah dokumen keanggotaan gagal."}, "desk"),
    "problem_recorded": ("restatement", {"text": "Jadi unggah dokumen keanggotaan gagal?"}, "desk"),
    "problem_restated": ("confirmation", {}, "desk"),
    "problem_confirmed": ("handover", {"reason": "Belum tercakup FAQ Sipol."}, "desk"),
    "with_commissioner": ("forwarding", {"note": "Mohon arahan Helpdesk Provinsi."}, "commissioner"),
}
DONE = "escalated"


class EscalationStream:
    """Makes escalations one after another in a thread until stopped, or until `limit` were forwarded."""

    def __init__(self, base_url: Callable[[], str], limit: int | None = None, pause: float = 0.0) -> None:
        self.base_url, self.limit, self.pause = base_url, limit, pause
        self.forwarded: list[str] = []  # ids whose forwarding the node confirmed (200)
        self.failures: Counter[str] = Counter()  # requests that failed, by kind (transport, 503, …)
        self.unexpected: list[str] = []  # answers no fault explains (4xx other than a replayed step, 500)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="escalation-stream", daemon=True)
        self._tokens: dict[str, str] = {}
        self.slowest = 0.0  # seconds of the longest request the node answered
        self.answered = 0  # responses of any status: the stream's heartbeat, which its waits watch
        self.last_failure_at = float("-inf")  # time.monotonic() of the latest failed request
        self._sent_at: float | None = None  # when the request in flight was sent (None: none in flight)

    def start(self) -> EscalationStream:
        self._thread.start()
        return self

    def stop(self, stall: float = STALL) -> None:
        """Stops after the escalation in hand is forwarded (a half-made one would be left with the commissioner);
        waits as long as the node keeps answering."""
        self._stop.set()
        wait_until(lambda: not self._thread.is_alive(), what="the stream finishing the escalation in hand",
                   progress=lambda: self.answered, stall=stall, detail=self.summary)

    def wait_for(self, count: int, stall: float = STALL) -> None:
        """Waits until `count` escalations were forwarded, however slowly; fails when none was for `stall` seconds
        (or at once when the stream has ended)."""

        def reached() -> bool:
            assert self._thread.is_alive() or len(self.forwarded) >= count, f"stream ended: {self.summary()}"
            return len(self.forwarded) >= count

        wait_until(reached, what=f"{count} escalations forwarded", progress=lambda: len(self.forwarded),
                   stall=stall, poll=0.05, detail=self.summary)

    def wait_until_met(self, since: float, what: str, held: float = 2.0, stall: float = STALL) -> None:
        """Waits until the stream met the fault injected at `since` (time.monotonic()): a request failed after it,
        or one sent after it has been held for `held` seconds (a node waiting for its database to come back)."""

        def met() -> bool:
            sent_at = self._sent_at
            return self.last_failure_at > since or (
                sent_at is not None and sent_at > since and time.monotonic() - sent_at >= held)

        wait_until(met, what=f"a request of the desk meeting {what}", stall=stall, poll=0.05, detail=self.summary)

    @property
    def in_flight(self) -> bool:
        """Whether a request of the desk is on its way now (sent, not yet answered)."""
        return self._sent_at is not None

    def summary(self) -> str:
        return (f"{len(self.forwarded)} forwarded, failures {dict(self.failures)}, slowest answer {self.slowest:.1f} s,"
                f" unexpected {self.unexpected[:5]}")

    def _run(self) -> None:
        with httpx.Client(timeout=15) as http:
            number = 0
            while not self._stop.is_set() and (self.limit is None or len(self.forwarded) < self.limit):
                number += 1
                consultation = self._open(http, number)
                if consultation is None:
                    continue
                if self._walk(http, consultation):
                    self.forwarded.append(consultation)
                if self.pause:
                    time.sleep(self.pause)

    def _open(self, http: httpx.Client, number: int) -> str | None:
        body = {"channel": "messaging", "consultee": {
            "name": f"Pengurus Partai {number}", "party_number": 1 + number % 24, "phone": "081234567890"}}
        response = self._request(http, "POST", "/api/consultations", "desk", body)
        if response is None or response.status_code == 409:
            # Unknown outcome: an opened consultation may be left at the desk, as after a crash. (A 409 here is the
            # store's own retry finding its first, committed attempt: the commit's answer was lost with the
            # connection, so the node cannot tell the request's fate and says it collided.)
            if response is not None:
                self._failed("open:409")
            return None
        return response.json()["id"]

    def _walk(self, http: httpx.Client, consultation: str) -> bool:
        status, attempts = "opened", 0
        while status != DONE:
            attempts += 1
            if status not in STEPS or attempts > 200:
                self.unexpected.append(f"{consultation}: status {status}")
                return False
            path, body, who = STEPS[status]
            response = self._request(http, "POST", f"/api/consultations/{consultation}/{path}", who, body)
            if response is None or response.status_code == 409:
                # Did the step commit before the failure? The consultation's status says.
                status = self._status(http, consultation)
                continue
            status = response.json()["status"]
        return True

    def _status(self, http: httpx.Client, consultation: str) -> str:
        while True:
            response = self._request(http, "GET", f"/api/consultations/{consultation}", "desk")
            if response is not None:
                return response.json()["status"]

    def _request(self, http: httpx.Client, method: str, path: str, who: str,
                 body: dict[str, Any] | None = None) -> httpx.Response | None:
        """The response when the node answered 2xx or 409; None after a failure whose outcome is unknown (the
        node away, 503) — after waiting a moment; retries a request the node refused before doing anything
        (401 after a restart, 429)."""
        try:
            token = self._token(http, who)
            self._sent_at = start = time.monotonic()
            try:
                response = http.request(method, self.base_url() + path, json=body,
                                        headers={"Authorization": f"Bearer {token}"})
            finally:
                self._sent_at = None
            self.slowest = max(self.slowest, time.monotonic() - start)
            self.answered += 1
        except httpx.TransportError as error:
            if not str(error).startswith("login"):
                self._failed(f"transport:{type(error).__name__}")
            time.sleep(0.2)
            return None
        if response.status_code < 300 or response.status_code == 409:
            return response
        if response.status_code in (401, 503):
            self._failed(str(response.status_code))
            self._tokens.pop(who, None) if response.status_code == 401 else None
            time.sleep(0.2)
            return None
        self.unexpected.append(f"{method} {path}: {response.status_code} {response.text[:300]}")
        time.sleep(0.2)
        return None

    def _token(self, http: httpx.Client, who: str) -> str:
        if who not in self._tokens:
            response = http.post(self.base_url() + "/api/auth/login", json={"username": who, "password": PASSWORD})
            self.answered += 1
            if not response.is_success:
                self._failed(f"login:{response.status_code}")
                raise httpx.TransportError(f"login {response.status_code} {response.text[:200]}")
            self._tokens[who] = response.json()["token"]
        return self._tokens[who]

    def _failed(self, kind: str) -> None:
        self.failures[kind] += 1
        self.last_failure_at = time.monotonic()
