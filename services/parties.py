"""The office's own parties for the election period: added and removed by the Ketua or a coordinator, and the
register (national list plus the office's) that resolves a consultee's party."""

from __future__ import annotations

from domain.errors import ConcurrentChange, NotFound
from domain.office_parties import OfficeParties, office_parties_id
from domain.parties import PartyRegister
from services.base import NodeApplication


class PartyCommands(NodeApplication):
    """Part of the Helpdesk application."""

    parties: PartyRegister  # the election period's national register
    election_period: str

    def add_party(self, office_id: str, name: str, abbreviation: str | None, actor: str) -> None:
        def add() -> None:
            at = self.clock()
            found = self._office_parties(office_id)
            office = found or OfficeParties.start(office_id=office_id, period=self.election_period, at=at)
            office.add(name, abbreviation, self.parties, actor, at)
            self._save(office)

        _twice(add)

    def remove_party(self, office_id: str, name: str, actor: str) -> None:
        def remove() -> None:
            office = self._office_parties(office_id)
            if office is None:
                raise NotFound(field="name")
            office.remove(name, actor, self.clock())
            self._save(office)

        _twice(remove)

    def register_for(self, office_id: str | None) -> PartyRegister:
        """The register a consultee's party is resolved against at this office (one aggregate, loaded by its id)."""
        office = self._office_parties(office_id) if office_id else None
        return self.parties if office is None else self.parties.with_parties(office.parties)

    def _office_parties(self, office_id: str) -> OfficeParties | None:
        try:
            found = self._load(office_parties_id(office_id, self.election_period))
        except NotFound:
            return None
        return found if isinstance(found, OfficeParties) and found.office_id == office_id else None


def _twice(attempt) -> None:  # noqa: ANN001 - a command
    """Two coordinators adding at the same moment: the later one tries again on the list as it now stands."""
    try:
        attempt()
    except ConcurrentChange:
        attempt()
