"""Queries over the consultations read model: the desk's lists, newest first."""

from __future__ import annotations

from uuid import UUID

from domain.script import Status
from domain.values import Channel
from projections.base import from_iso
from projections.runner import ProjectionRunner
from services.views import ConsultationSummary


class ConsultationQueries:
    def __init__(self, runner: ProjectionRunner) -> None:
        self.runner = runner

    def list(self, office_id: str, status: Status | None = None, limit: int = 50) -> list[ConsultationSummary]:
        # Catching up first gives read-your-writes: the consultation just opened is in the list.
        self.runner.catch_up("consultations")
        where, params = "office_id = ?", [office_id]
        if status is not None:
            where += " AND status = ?"
            params.append(status.value)
        rows = self.runner.store.query(
            "SELECT id, channel, status, consultee, party, opened_by, opened_at, updated_at FROM rm_consultations"
            f" WHERE {where} ORDER BY opened_at DESC, id LIMIT ?",
            (*params, limit),
        )
        return [
            ConsultationSummary(
                id=UUID(r[0]), channel=Channel(r[1]), status=Status(r[2]), consultee=r[3], party=r[4],
                opened_by=r[5], opened_at=from_iso(r[6]), updated_at=from_iso(r[7]),  # type: ignore[arg-type]
            )
            for r in rows
        ]
