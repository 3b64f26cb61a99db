"""The retention job: once a day (and on `helpdesk pdp expire`) erases the personal data whose retention has passed.

Started and stopped with the node's other background work (gateways/http/lifespans.py, wired in gateways/app.py).
It runs when it starts and then once per day of the office's calendar, by the node's clock; a run that finds
nothing records nothing.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

import structlog

from domain.offices import OfficeId
from domain.retention import RecordKind, RetentionPolicy
from gateways.config import Settings
from gateways.messages import message
from gateways.storage import DocumentStore
from projections.mail_queries import MailQueries
from projections.pdp_queries import PersonalDataQueries
from projections.runner import ReadModelRunner
from services.helpdesk import Helpdesk
from services.personal_data import PersonalData
from services.ports import Clock
from services.retention import ExpiryReport, PersonalDataRequests

log = structlog.get_logger("retention")
_MAIL_KEY = re.compile(r"^mail/[0-9a-f]{64}\.eml$")


def retention_policy(settings: Settings) -> RetentionPolicy:
    """The settings' rule (checked when they were read)."""
    return RetentionPolicy(
        years={RecordKind.CONSULTATION: settings.retention_consultation_years,
               RecordKind.GUEST_BOOK: settings.retention_guest_book_years},
        stage_end=date.fromisoformat(settings.election_stage_end) if settings.election_stage_end else None,
    )


class StoredSignatures:
    """The guest book's drawn signatures in the node's file store (gateways/storage.py: `ab/abcd….png`, in the local
    folder or the office's bucket)."""

    def __init__(self, files: DocumentStore) -> None:
        self.files = files

    def holds(self, storage_key: str) -> bool:
        return self.files.exists(storage_key)

    def delete(self, storage_key: str) -> bool:
        return self.files.delete(storage_key)


class NodeParts(Protocol):
    """The parts of a node (gateways/bootstrap.py) the job and `helpdesk pdp` use."""

    @property
    def settings(self) -> Settings: ...
    @property
    def personal_data(self) -> PersonalData: ...
    @property
    def projections(self) -> ReadModelRunner: ...
    @property
    def helpdesk(self) -> Helpdesk: ...
    @property
    def files(self) -> DocumentStore: ...
    @property
    def clock(self) -> Clock: ...


class StoredMails:
    """The mails as received, in the node's files (gateways/mail/mime.py: `files/mail/<sha256>.eml`)."""

    def __init__(self, root: Path, queries: MailQueries) -> None:
        self.root = root
        self.queries = queries

    def of_subjects(self, subject_ids: Sequence[str]) -> list[str]:
        return self.queries.raw_keys(list(subject_ids))

    def delete(self, storage_key: str) -> bool:
        if not _MAIL_KEY.match(storage_key):
            return False
        try:
            (self.root / storage_key).unlink()
        except FileNotFoundError:
            return False
        return True


def personal_data_requests(node: NodeParts) -> PersonalDataRequests:
    """The service behind `helpdesk pdp` and the job, from the node's parts."""
    return PersonalDataRequests(
        office_id=node.settings.node_id, subjects=node.personal_data, records=PersonalDataQueries(node.projections),
        log=node.helpdesk, signatures=StoredSignatures(node.files), policy=retention_policy(node.settings),
        clock=node.clock, word=message, mails=StoredMails(node.files.root, MailQueries(node.projections)),
    )


class RetentionJob:
    """Runs the expiry on the first check and then whenever the office's day has changed since the last run."""

    def __init__(self, node: NodeParts, check_seconds: float = 3600) -> None:
        self.node = node
        self.requests = personal_data_requests(node)
        self.check_seconds = check_seconds
        self.zone = ZoneInfo(OfficeId(node.settings.node_id).timezone)
        self.last_day: date | None = None
        self.runs = 0
        self.errors = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def tick(self) -> ExpiryReport | None:
        """Runs the expiry if it has not run yet on the office's day; returns its report (None: not yet time)."""
        with self._lock:
            today = self.node.clock().astimezone(self.zone).date()
            if self.last_day == today:
                return None
            report = self.requests.expire()
            self.last_day = today
            self.runs += 1
            if report.subjects or report.signatures:
                log.info("retention_expired", subjects=len(report.subjects.subjects) if report.subjects else 0,
                         signatures=report.signatures.signatures_deleted if report.signatures else 0)
            return report

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="retention", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:  # noqa: BLE001 - a failed run is logged and tried again at the next check
                self.errors += 1
                log.exception("retention_failed", alert=True)
            self._stop.wait(self.check_seconds)
