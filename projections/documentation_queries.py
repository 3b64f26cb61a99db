"""The documentation files of an office's day, in the order they were attached (projections/documentation.py)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import msgspec

from projections.base import from_iso
from projections.documentation import NAME
from projections.runner import ReadModelRunner


class DocumentationRow(msgspec.Struct, frozen=True):
    consultation_id: UUID
    channel: str
    attached_at: datetime
    kind: str  # domain/values.py DocumentationKind
    storage_key: str
    sha256: str
    actor: str


def documentation_of_day(runner: ReadModelRunner, office_id: str, day: date) -> list[DocumentationRow]:
    runner.catch_up(NAME)
    rows = runner.store.query(
        "SELECT consultation_id, channel, attached_at, kind, storage_key, sha256, actor FROM rm_documentation"
        " WHERE office_id = ? AND day = ? ORDER BY attached_at, consultation_id, position",
        (office_id, day.isoformat()),
    )
    return [DocumentationRow(consultation_id=UUID(r[0]), channel=r[1], attached_at=from_iso(r[2]), kind=r[3],
                             storage_key=r[4], sha256=r[5], actor=r[6]) for r in rows]
