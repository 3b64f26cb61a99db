"""Queries over the consultations read model: the desk's list, searched and filtered, one page at a time, newest
first."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import msgspec

from domain.script import Status
from domain.values import Channel
from projections.base import from_iso
from projections.consultations import SEARCHED
from projections.paging import Where, page
from projections.runner import ReadModelRunner
from projections.views import ConsultationPage, ConsultationSummary

SUMMARY_COLUMNS = "id, channel, status, consultee, party, opened_by, opened_at, updated_at"


class ConsultationFilter(msgspec.Struct, frozen=True, kw_only=True):
    """What a person narrows the list by; every filter given must hold."""

    text: str | None = None  # words looked for in the consultee's name, the party, problem, restatement and answer
    status: Status | None = None
    channel: Channel | None = None
    opened_by: str | None = None  # the staff member's username
    party: str | None = None  # its abbreviation or its name, as the list shows it
    since: date | None = None  # the office's local days, both included
    until: date | None = None


class ConsultationQueries:
    def __init__(self, runner: ReadModelRunner) -> None:
        self.runner = runner

    def page(self, office_id: str, found: ConsultationFilter | None = None, offset: int = 0, limit: int = 50
             ) -> ConsultationPage:
        # Catching up first gives read-your-writes: the consultation just opened is in the list.
        self.runner.catch_up("consultations")
        found = found or ConsultationFilter()
        where = Where("office_id = ?", office_id).equals("opened_by", found.opened_by)
        where.equals("status", found.status.value if found.status else None)
        where.equals("channel", found.channel.value if found.channel else None)
        where.one_of(("party", "party_name"), found.party).days("local_day", found.since, found.until)
        where.text(SEARCHED, self.runner.store.dialect, found.text)
        rows, total = page(self.runner.store, SUMMARY_COLUMNS, "rm_consultations", where, "opened_at DESC, id",
                           offset, limit, _counted(office_id, found))
        return ConsultationPage(items=[_summary(r) for r in rows], total=total, offset=offset, limit=limit)

    def list(self, office_id: str, status: Status | None = None, limit: int = 50) -> list[ConsultationSummary]:
        """The newest `limit` consultations (with one status, if given)."""
        return self.page(office_id, ConsultationFilter(status=status), 0, limit).items


def _counted(office_id: str, found: ConsultationFilter) -> tuple[str, list[str]] | None:
    """How many match, from the counts the read model keeps, when the filters are only the ones it counts by (status,
    channel): the whole list, or one status of it, costs the same however long the office's history is."""
    if found.text or found.opened_by or found.party or found.since or found.until:
        return None
    where = Where("office_id = ?", office_id)
    where.equals("status", found.status.value if found.status else None)
    where.equals("channel", found.channel.value if found.channel else None)
    return f"SELECT coalesce(sum(n), 0) FROM rm_consultation_counts WHERE {where.sql()}", where.params


def _summary(r: tuple) -> ConsultationSummary:  # type: ignore[type-arg]
    return ConsultationSummary(
        id=UUID(r[0]), channel=Channel(r[1]), status=Status(r[2]), consultee=r[3], party=r[4], opened_by=r[5],
        opened_at=from_iso(r[6]), updated_at=from_iso(r[7]),  # type: ignore[arg-type]
    )
