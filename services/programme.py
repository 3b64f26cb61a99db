"""The Ketua's programme of activities (part of the Helpdesk application): planning items, moving them through their
states, and the programme as its page and PDF show it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from uuid import UUID

import msgspec

from domain.errors import NotFound, Refusals
from domain.evaluation_values import UnknownStaff
from domain.programme import Programme
from domain.programme_values import (
    Item,
    UnknownProgrammeItem,
    check_may_move,
    check_may_plan,
    check_year,
    checked_item,
    item_state_of,
    programme_id,
)
from domain.views import UserView
from services.base import NodeApplication


class ProgrammeView(msgspec.Struct, frozen=True):
    office_id: str
    year: int
    items: list[Item]
    kept_by: str | None  # who last planned an item; None before the programme exists
    version: int  # 0 before the programme exists


class ProgrammeCommands(NodeApplication):
    # From EvaluationCommands in the same application: the username of one of this office's active staff.
    staff_username: Callable[[str, str], str | None]

    def plan_programme_item(self, caller: UserView, year: int, activity: str, planned_on: date | None,
                            responsible: str | None) -> UUID:
        check_may_plan(caller.role)
        check_year(year)
        refusals = Refusals()
        refusals.check(lambda: checked_item(activity, planned_on, responsible, year))
        username = self.staff_username(caller.office_id, responsible or "")
        if responsible and responsible.strip() and username is None:
            refusals.add(UnknownStaff(field="responsible"))
        refusals.raise_any()
        programme = self._find_programme(caller.office_id, year) or Programme.start(
            office_id=caller.office_id, year=year, actor=caller.username, at=self.clock())
        item_id = programme.plan(activity, planned_on, username, caller.username, self.clock())
        self._save(programme)
        return item_id

    def move_programme_item(self, caller: UserView, year: int, item_id: UUID, state: str, note: str) -> None:
        to = item_state_of(state)
        programme = self._find_programme(caller.office_id, check_year(year))
        if programme is None:
            raise UnknownProgrammeItem()
        check_may_move(caller.role, caller.username, programme.item(item_id), to)
        programme.move(item_id, to, note, caller.username, self.clock())
        self._save(programme)

    def programme_view(self, office_id: str, year: int) -> ProgrammeView:
        programme = self._find_programme(office_id, check_year(year))
        if programme is None:
            return ProgrammeView(office_id, year, [], None, 0)
        return ProgrammeView(office_id, year, list(programme.items), programme.kept_by, programme.version)

    def _find_programme(self, office_id: str, year: int) -> Programme | None:
        try:
            found = self._load(programme_id(office_id, year))
        except NotFound:
            return None
        return found if isinstance(found, Programme) and found.office_id == office_id else None
