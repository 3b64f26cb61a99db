"""The parties each office added to its election period's register, for the party page and the forms' choices."""

from __future__ import annotations

from typing import Any, ClassVar

import msgspec

from domain.office_parties import OfficeParties
from domain.parties import Party, PartyRegister
from projections.base import ReadModel, Writer, iso
from projections.runner import ReadModelRunner

P = OfficeParties
NAME = "office_parties"


class OfficeParty(msgspec.Struct, frozen=True):
    """A party an office added: who added it and when."""

    name: str
    abbreviation: str | None
    period: str
    added_by: str
    added_at: str  # ISO time as the read model keeps it


class OfficePartiesProjection(ReadModel):
    name = NAME
    version = 1
    tables: ClassVar[dict[str, str]] = {
        "rm_office_party_lists": "list_id TEXT PRIMARY KEY, office_id TEXT NOT NULL, period TEXT NOT NULL",
        "rm_office_parties": """
            list_id TEXT NOT NULL, name TEXT NOT NULL, abbreviation TEXT, added_by TEXT NOT NULL,
            added_at TEXT NOT NULL, PRIMARY KEY (list_id, name)
        """,
    }
    indexes = (
        "CREATE INDEX IF NOT EXISTS rm_office_party_lists_office ON rm_office_party_lists (office_id, period)",
    )
    topics = (P.Started, P.PartyAdded, P.PartyRemoved)

    def process(self, event: Any, position: int, tx: Writer) -> None:
        HANDLERS[type(event)](event, str(event.originator_id), tx)


def _started(event: Any, list_id: str, tx: Writer) -> None:
    tx.execute("INSERT INTO rm_office_party_lists (list_id, office_id, period) VALUES (?, ?, ?)"
               " ON CONFLICT (list_id) DO NOTHING", (list_id, event.office_id, event.period))


def _added(event: Any, list_id: str, tx: Writer) -> None:
    tx.execute("INSERT INTO rm_office_parties (list_id, name, abbreviation, added_by, added_at) VALUES (?, ?, ?, ?, ?)"
               " ON CONFLICT (list_id, name) DO NOTHING",
               (list_id, event.name, event.abbreviation, event.actor, iso(event.timestamp)))


def _removed(event: Any, list_id: str, tx: Writer) -> None:
    tx.execute("DELETE FROM rm_office_parties WHERE list_id = ? AND name = ?", (list_id, event.name))


HANDLERS = {P.Started: _started, P.PartyAdded: _added, P.PartyRemoved: _removed}


class PartyQueries:
    """The office's additions, and the register its forms offer (the national list, then the office's)."""

    def __init__(self, runner: ReadModelRunner, national: PartyRegister, period: str) -> None:
        self.runner = runner
        self.national = national
        self.period = period

    def added(self, office_id: str) -> list[OfficeParty]:
        self.runner.catch_up(NAME)
        rows = self.runner.store.query(
            "SELECT p.name, p.abbreviation, l.period, p.added_by, p.added_at FROM rm_office_parties p"
            " JOIN rm_office_party_lists l ON l.list_id = p.list_id"
            " WHERE l.office_id = ? AND l.period = ? ORDER BY p.name",
            (office_id, self.period),
        )
        return [OfficeParty(*row) for row in rows]

    def register(self, office_id: str) -> PartyRegister:
        added = self.added(office_id)
        return self.national.with_parties(Party(name=p.name, abbreviation=p.abbreviation) for p in added)
