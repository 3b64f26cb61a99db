"""The parties an office added to its election period's register: calon peserta that came to the desk before (or
without) a national list, so the desk can pick them instead of typing the name each time."""

from __future__ import annotations

from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.errors import DomainError
from domain.parties import MAX_PARTY_NAME, Party, PartyRegister
from domain.values import clean_name

MAX_ABBREVIATION = 30


class PartyAlreadyKnown(DomainError):
    """The party is in the register already (by its name or abbreviation)."""

    code = "party_already_known"
    kind = "conflict"


class UnknownOfficeParty(DomainError):
    code = "unknown_office_party"
    kind = "not_found"


def office_parties_id(office_id: str, period: str) -> UUID:
    """One list per office and election period, the same wherever it is computed."""
    return uuid5(NAMESPACE_URL, f"helpdesk-sipol:office-parties:{office_id}:{period}")


class OfficeParties(Aggregate):
    """An office's own additions to the party register of one election period."""

    class Started(Aggregate.Created):
        office_id: str
        period: str

    class PartyAdded(Aggregate.Event):
        name: str
        abbreviation: str | None
        actor: str

        def apply(self, aggregate: OfficeParties) -> None:
            aggregate.parties = (*aggregate.parties, Party(name=self.name, abbreviation=self.abbreviation))

    class PartyRemoved(Aggregate.Event):
        """Added by mistake (a typo, a duplicate): consultations that named it keep the name they recorded."""

        name: str
        actor: str

        def apply(self, aggregate: OfficeParties) -> None:
            aggregate.parties = tuple(p for p in aggregate.parties if p.name != self.name)

    def __init__(self, office_id: str, period: str) -> None:
        self.office_id = office_id
        self.period = period
        self.parties: tuple[Party, ...] = ()

    @classmethod
    def start(cls, *, office_id: str, period: str, at: datetime) -> OfficeParties:
        return cls._create(cls.Started, id=office_parties_id(office_id, period), timestamp=at, office_id=office_id,
                           period=period)

    def add(self, name: str, abbreviation: str | None, national: PartyRegister, actor: str, at: datetime) -> None:
        """Adds a party unknown to the national register and to this office's list (names compared loosely)."""
        name = clean_name(name, "name", MAX_PARTY_NAME)
        short = clean_name(abbreviation, "abbreviation", MAX_ABBREVIATION) if abbreviation and abbreviation.strip() \
            else None
        known = national.with_parties(self.parties)
        for key in (name, short):
            if key and known.find(key) is not None:
                raise PartyAlreadyKnown(field="abbreviation" if key == short else "name")
        self.trigger_event(self.PartyAdded, timestamp=at, name=name, abbreviation=short, actor=actor)

    def remove(self, name: str, actor: str, at: datetime) -> None:
        if not any(p.name == name for p in self.parties):
            raise UnknownOfficeParty(field="name")
        self.trigger_event(self.PartyRemoved, timestamp=at, name=name, actor=actor)
