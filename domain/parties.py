"""The party register of an election period: the parties known nationally (the ballot, once it is drawn) and those
an office added (calon peserta that registered or asked before the list was set); how a consultee's party is
resolved against it."""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from domain.errors import PartyRequired, UnknownParty

MAX_PARTY_NAME = 150


class Party(msgspec.Struct, frozen=True):
    """A political party; `number` is its ballot number when it is in the register, else None."""

    name: str
    abbreviation: str | None = None
    number: int | None = None
    local: bool = False  # an Aceh local party


class PartyRegister:
    """The parties of one election, searchable by ballot number, name or abbreviation."""

    def __init__(self, parties: Iterable[Party]) -> None:
        # Ballot numbers first in their order; parties without one after them, by name.
        self.parties = tuple(sorted(parties, key=lambda p: (p.number is None, p.number or 0, p.name.lower())))
        self._by_number = {p.number: p for p in self.parties if p.number is not None}
        self._by_key: dict[str, Party] = {}
        for party in self.parties:
            for key in (party.name, party.abbreviation):
                if key:
                    self._by_key[_key(key)] = party

    def with_parties(self, added: Iterable[Party]) -> PartyRegister:
        """This register and an office's own parties (those already known here are not added twice)."""
        extra = [party for party in added if self.find(party.name) is None]
        return PartyRegister((*self.parties, *extra))

    def find(self, name: str) -> Party | None:
        """The party known by this name or abbreviation, whatever its case and dots."""
        return self._by_key.get(_key(name))

    def resolve(self, number: int | None, name: str | None) -> Party:
        """A ballot number must exist; a free name is matched to the register or kept as given."""
        if number is not None:
            party = self._by_number.get(number)
            if party is None:
                raise UnknownParty(field="party_number", number=number)
            return party
        text = (name or "").strip()
        if not text:
            raise PartyRequired(field="party_number")
        if len(text) > MAX_PARTY_NAME:
            raise UnknownParty(field="party_name")
        return self._by_key.get(_key(text)) or Party(name=text)


def _key(text: str) -> str:
    # "P.K.B." and "PKB", "Partai  Kebangkitan Bangsa" and "partai kebangkitan bangsa" name the same party.
    return " ".join(text.lower().replace(".", "").split())
