"""The Ketua Helpdesk's programme of activities (SOP A.2.a "menyusun program kegiatan Helpdesk", with the Sekretaris,
A.3.a; carried out by the Koordinator Harian, A.4b.1): one programme per office and year, its items each with an
activity, a planned date, a person responsible and a state (planned, in progress, done, cancelled) with a note."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID, uuid4

import msgspec
from eventsourcing.domain import Aggregate

from domain.programme_values import (
    MAX_ITEMS,
    Item,
    ItemState,
    TooManyItems,
    UnknownProgrammeItem,
    check_year,
    checked_item,
    checked_move,
    programme_id,
)


class Programme(Aggregate):
    class Started(Aggregate.Created):
        office_id: str
        year: int
        actor: str

    class ItemPlanned(Aggregate.Event):
        item_id: UUID
        activity: str
        planned_on: date
        responsible: str
        actor: str

        def apply(self, aggregate: Programme) -> None:
            item = Item(self.item_id, self.activity, self.planned_on, self.responsible)
            aggregate.items = (*aggregate.items, item)
            aggregate.kept_by = self.actor

    class ItemMoved(Aggregate.Event):
        item_id: UUID
        state: ItemState
        note: str
        actor: str

        def apply(self, aggregate: Programme) -> None:
            aggregate.items = tuple(msgspec.structs.replace(i, state=self.state, note=self.note)
                                    if i.item_id == self.item_id else i for i in aggregate.items)

    def __init__(self, office_id: str, year: int, actor: str) -> None:
        self.office_id = office_id
        self.year = year
        self.items: tuple[Item, ...] = ()
        self.kept_by = actor  # who last planned an item: the programme's signer

    @classmethod
    def start(cls, *, office_id: str, year: int, actor: str, at: datetime) -> Programme:
        return cls._create(cls.Started, id=programme_id(office_id, check_year(year)), timestamp=at,
                           office_id=office_id, year=year, actor=actor)

    def plan(self, activity: str, planned_on: date | None, responsible: str | None, actor: str, at: datetime,
             item_id: UUID | None = None) -> UUID:
        if len(self.items) >= MAX_ITEMS:
            raise TooManyItems(field="activity", limit=MAX_ITEMS)
        text, day, who = checked_item(activity, planned_on, responsible, self.year)
        item_id = item_id or uuid4()
        self.trigger_event(self.ItemPlanned, timestamp=at, item_id=item_id, activity=text, planned_on=day,
                           responsible=who, actor=actor)
        return item_id

    def item(self, item_id: UUID) -> Item:
        found = next((i for i in self.items if i.item_id == item_id), None)
        if found is None:
            raise UnknownProgrammeItem()
        return found

    def move(self, item_id: UUID, to: ItemState, note: str, actor: str, at: datetime) -> None:
        """An item's new state, with a note (a cancellation says why)."""
        checked = checked_move(self.item(item_id), to, note)
        self.trigger_event(self.ItemMoved, timestamp=at, item_id=item_id, state=to, note=checked, actor=actor)
