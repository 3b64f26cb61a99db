"""The words of the Ketua's programme of activities (domain/programme.py, SOP A.2.a): an item's states and the moves
between them, who may plan and who may report progress, and the refusals."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec

from domain.errors import DomainError, InvalidInput, NotPermitted, Refusals
from domain.roles import Permission, Role, may
from domain.values import clean_text

MAX_ACTIVITY = 500
MAX_NOTE = 1000
MAX_ITEMS = 200
FIRST_YEAR, LAST_YEAR = 2000, 2100


class ItemState(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


# Where an item may go from each state: done and cancelled are final (a new item is planned instead).
MOVES: dict[ItemState, frozenset[ItemState]] = {
    ItemState.PLANNED: frozenset({ItemState.IN_PROGRESS, ItemState.DONE, ItemState.CANCELLED}),
    ItemState.IN_PROGRESS: frozenset({ItemState.DONE, ItemState.CANCELLED}),
    ItemState.DONE: frozenset(),
    ItemState.CANCELLED: frozenset(),
}


class Item(msgspec.Struct, frozen=True):
    item_id: UUID
    activity: str
    planned_on: date
    responsible: str  # the staff member's username
    state: ItemState = ItemState.PLANNED
    note: str = ""


class UnknownProgrammeItem(DomainError):
    code = "unknown_programme_item"
    kind = "not_found"


class ItemMoveRefused(DomainError):
    """An item done or cancelled stays so; an item is not moved to the state it is in."""

    code = "item_move_refused"
    kind = "conflict"


class UnknownItemState(InvalidInput):
    code = "unknown_item_state"


class CancelReasonRequired(InvalidInput):
    code = "cancel_reason_required"


class PlannedDateRequired(InvalidInput):
    code = "planned_date_required"


class ResponsibleRequired(InvalidInput):
    code = "responsible_required"


class InvalidYear(InvalidInput):
    code = "invalid_year"


class TooManyItems(InvalidInput):
    code = "too_many_items"


def programme_id(office_id: str, year: int) -> UUID:
    """One programme per office and year, the same id wherever it is computed."""
    return uuid5(NAMESPACE_URL, f"helpdesk-sipol:programme:{office_id}:{year}")


def check_year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidYear(field="year")
    return year


def item_state_of(raw: str) -> ItemState:
    try:
        return ItemState(raw.strip())
    except ValueError:
        raise UnknownItemState(field="state") from None


def checked_item(activity: str, planned_on: date | None, responsible: str | None, year: int
                 ) -> tuple[str, date, str]:
    """An item's activity, planned date (within the programme's year) and person responsible, refused together."""
    refusals = Refusals()
    text = refusals.check(lambda: clean_text(activity, "activity", MAX_ACTIVITY))
    if planned_on is None:
        refusals.add(PlannedDateRequired(field="planned_on"))
    elif planned_on.year != year:
        refusals.add(PlannedDateRequired(field="planned_on", year=year))
    if not responsible or not responsible.strip():
        refusals.add(ResponsibleRequired(field="responsible"))
    refusals.raise_any()
    assert text is not None and planned_on is not None and responsible is not None
    return text, planned_on, responsible.strip()


def checked_move(item: Item, to: ItemState, note: str) -> str:
    """The note of a move, once the move is allowed: a cancellation says why."""
    if to not in MOVES[item.state]:
        raise ItemMoveRefused(field="state", state=item.state.value)
    text = note.strip()
    if to is ItemState.CANCELLED and not text:
        raise CancelReasonRequired(field="note")
    return clean_text(text, "note", MAX_NOTE) if text else ""


def check_may_plan(role: Role) -> None:
    """Planning, changing and cancelling items: the Ketua, who draws up the programme, and the Sekretaris, who helps
    (SOP A.2.a, A.3.a)."""
    if not may(role, Permission.MANAGE_PROGRAMME):
        raise NotPermitted(role=role.value, permission=Permission.MANAGE_PROGRAMME.value)


def check_may_move(role: Role, username: str, item: Item, to: ItemState) -> None:
    """Progress (in progress, done) is also reported by the item's person responsible; cancelling is the planners'."""
    if may(role, Permission.MANAGE_PROGRAMME):
        return
    if username != item.responsible or to is ItemState.CANCELLED:
        raise NotPermitted(role=role.value, permission=Permission.MANAGE_PROGRAMME.value)
