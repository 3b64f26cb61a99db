"""Each documentation file attached to a consultation, one row per file: the day's photo documentation report
("Dokumentasi Foto", the SOP flow chart's last step) lists them without reading the log."""

from __future__ import annotations

from typing import Any, ClassVar

from domain.consultation import Consultation
from projections.base import ReadModel, Writer, iso
from projections.consultations import local_day

NAME = "documentation"

# The office and channel of every consultation (from its Opened event), so a file's row needs no other read model.
CASE_COLUMNS = "consultation_id TEXT PRIMARY KEY, office_id TEXT NOT NULL, channel TEXT NOT NULL"
FILE_COLUMNS = """
    consultation_id TEXT NOT NULL, position INTEGER NOT NULL, office_id TEXT NOT NULL, channel TEXT NOT NULL,
    day TEXT NOT NULL, attached_at TEXT NOT NULL, kind TEXT NOT NULL, storage_key TEXT NOT NULL,
    sha256 TEXT NOT NULL, actor TEXT NOT NULL, PRIMARY KEY (consultation_id, position)
"""


class DocumentationProjection(ReadModel):
    name = NAME
    version = 1
    tables: ClassVar[dict[str, str]] = {"rm_documentation_cases": CASE_COLUMNS, "rm_documentation": FILE_COLUMNS}
    indexes = ("CREATE INDEX IF NOT EXISTS rm_documentation_day ON rm_documentation (office_id, day, attached_at)",)
    topics = (Consultation.Opened, Consultation.DocumentationAttached)

    def process(self, event: Any, position: int, tx: Writer) -> None:
        if type(event) is Consultation.Opened:
            tx.execute("INSERT INTO rm_documentation_cases (consultation_id, office_id, channel) VALUES (?, ?, ?)"
                       " ON CONFLICT (consultation_id) DO NOTHING",
                       (str(event.originator_id), event.office_id, event.channel.value))
            return
        found = tx.execute("SELECT office_id, channel FROM rm_documentation_cases WHERE consultation_id = ?",
                           (str(event.originator_id),))
        if not found:
            return  # a consultation of another office's log: not this office's documentation
        office_id, channel = found[0]
        item = event.documentation
        # The event's version orders a consultation's files and makes an event read twice change nothing.
        tx.execute(
            "INSERT INTO rm_documentation (consultation_id, position, office_id, channel, day, attached_at, kind,"
            " storage_key, sha256, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (consultation_id, position) DO NOTHING",
            (str(event.originator_id), event.originator_version, office_id, channel,
             local_day(event.timestamp, office_id), iso(event.timestamp), item.kind.value, item.storage_key,
             item.sha256, event.actor),
        )
