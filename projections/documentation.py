"""Each documentation file attached to a consultation, one row per file: the day's photo documentation report
("Dokumentasi Foto", the SOP flow chart's last step) lists them without reading the log."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from domain.consultation import Consultation
from projections.base import KEYS_PER_QUERY, BatchRows, ReadModel, Writer, iso
from projections.consultations import local_day

NAME = "documentation"

# The office and channel of every consultation (from its Opened event), so a file's row needs no other read model.
CASE_COLUMNS = "consultation_id TEXT PRIMARY KEY, office_id TEXT NOT NULL, channel TEXT NOT NULL"
FILE_COLUMNS = """
    consultation_id TEXT NOT NULL, position INTEGER NOT NULL, office_id TEXT NOT NULL, channel TEXT NOT NULL,
    day TEXT NOT NULL, attached_at TEXT NOT NULL, kind TEXT NOT NULL, storage_key TEXT NOT NULL,
    sha256 TEXT NOT NULL, actor TEXT NOT NULL, PRIMARY KEY (consultation_id, position)
"""
CASE_NAMES = ("consultation_id", "office_id", "channel")
FILE_NAMES = (
    "consultation_id", "position", "office_id", "channel", "day", "attached_at", "kind", "storage_key", "sha256",
    "actor",
)


class DocumentationProjection(ReadModel):
    name = NAME
    version = 1
    tables: ClassVar[dict[str, str]] = {"rm_documentation_cases": CASE_COLUMNS, "rm_documentation": FILE_COLUMNS}
    indexes = ("CREATE INDEX IF NOT EXISTS rm_documentation_day ON rm_documentation (office_id, day, attached_at)",)
    topics = (Consultation.Opened, Consultation.DocumentationAttached)
    reads_personal_data = False  # of Opened: its office, channel, time and actor

    _batch: _Batch | None = None  # between begin_batch and end_batch

    def begin_batch(self, tx: Writer, events: Sequence[Any] = ()) -> None:
        self._batch = _Batch()
        self._batch.cases.load(tx, (str(event.originator_id) for event in events))

    def end_batch(self, tx: Writer) -> None:
        batch, self._batch = self._batch, None
        if batch is not None:
            batch.write(tx)

    def process(self, event: Any, position: int, tx: Writer) -> None:
        if self._batch is None:  # outside a runner's batch (a test feeding events by hand): a batch of one
            self.begin_batch(tx, (event,))
            self._apply(event, self._batch, tx)  # type: ignore[arg-type]
            self.end_batch(tx)
        else:
            self._apply(event, self._batch, tx)

    def _apply(self, event: Any, batch: _Batch, tx: Writer) -> None:
        cid = str(event.originator_id)
        if type(event) is Consultation.Opened:
            if batch.cases.get(tx, cid) is None:  # a second Opened (cannot happen in one log) changes nothing
                batch.cases.add({"consultation_id": cid, "office_id": event.office_id,
                                 "channel": event.channel.value})
            return
        found = batch.cases.get(tx, cid)
        if found is None:
            return  # a consultation of another office's log: not this office's documentation
        office_id, channel = found["office_id"], found["channel"]
        item = event.documentation
        # The event's version orders a consultation's files and makes an event read twice change nothing.
        batch.files.setdefault((cid, event.originator_version), (
            cid, event.originator_version, office_id, channel, local_day(event.timestamp, office_id),
            iso(event.timestamp), item.kind.value, item.storage_key, item.sha256, event.actor,
        ))


class _Batch:
    """The consultations a batch's events name (read once) and the files it attaches, written at its end."""

    def __init__(self) -> None:
        self.cases = BatchRows("rm_documentation_cases", CASE_NAMES)
        self.files: dict[tuple[str, int], tuple[Any, ...]] = {}

    def write(self, tx: Writer) -> None:
        self.cases.write(tx)
        # A file stored already (its event read twice) is left as it is, as an insert doing nothing would.
        keys = list(self.files)
        for start in range(0, len(keys), KEYS_PER_QUERY):
            chunk = keys[start:start + KEYS_PER_QUERY]
            for stored in tx.execute(
                "SELECT consultation_id, position FROM rm_documentation WHERE consultation_id IN"
                f" ({', '.join('?' * len(chunk))})", [cid for cid, _ in chunk]
            ):
                self.files.pop((stored[0], stored[1]), None)
        tx.insert_many("rm_documentation", FILE_NAMES, list(self.files.values()))
