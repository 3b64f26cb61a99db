"""Read-only snapshots of domain values that both readers of the domain show: the services (from aggregates) and
the read models (from events). They live here because the domain is the one layer both may import."""

from __future__ import annotations

from datetime import datetime
from typing import overload
from uuid import UUID

import msgspec

from domain.hops import Hop, HopState
from domain.roles import Role


class HopView(msgspec.Struct, frozen=True):
    """One hop between two offices: its state (the latest moment reached) and the five moments."""

    lower_office: str
    upper_office: str
    state: HopState
    sent_at: datetime
    received_at: datetime | None
    accepted_at: datetime | None
    accepted_by: str | None
    answered_at: datetime | None
    answered_by: str | None
    returned_at: datetime | None


@overload
def hop_view(hop: Hop) -> HopView: ...


@overload
def hop_view(hop: Hop | None) -> HopView | None: ...


def hop_view(hop: Hop | None) -> HopView | None:
    if hop is None:
        return None
    return HopView(hop.lower_office, hop.upper_office, hop.state, hop.sent_at, hop.received_at, hop.accepted_at,
                   hop.accepted_by, hop.answered_at, hop.answered_by, hop.returned_at)


class UserView(msgspec.Struct, frozen=True):
    """A staff account as others see it: never its password hash or session generation."""

    id: UUID
    username: str
    full_name: str
    role: Role
    office_id: str
    active: bool
