"""The party register: parties known to SIPOL, and how a consultee's party is resolved against it."""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from domain.errors import TextRequired, UnknownParty

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
        self.parties = tuple(sorted(parties, key=lambda p: p.number or 0))
        self._by_number = {p.number: p for p in self.parties if p.number is not None}
        self._by_key: dict[str, Party] = {}
        for party in self.parties:
            for key in (party.name, party.abbreviation):
                if key:
                    self._by_key[_key(key)] = party

    def resolve(self, number: int | None, name: str | None) -> Party:
        """A ballot number must exist; a free name is matched to the register or kept as given."""
        if number is not None:
            party = self._by_number.get(number)
            if party is None:
                raise UnknownParty(field="party_number", number=number)
            return party
        text = (name or "").strip()
        if not text:
            raise TextRequired(field="party_name")
        if len(text) > MAX_PARTY_NAME:
            raise UnknownParty(field="party_name")
        return self._by_key.get(_key(text)) or Party(name=text)


def _key(text: str) -> str:
    return " ".join(text.lower().replace(".", " ").split())
