"""What queries return: msgspec Structs, never aggregates."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

from domain.consultation import Status
from domain.parties import Party
from domain.roles import Role
from domain.values import Basis, Channel, Documentation


class IdentityView(msgspec.Struct, frozen=True):
    name: str
    party: Party
    phone: str | None
    email: str | None


class ConsultationView(msgspec.Struct, frozen=True):
    id: UUID
    office_id: str
    channel: Channel
    status: Status
    next_steps: list[str]
    identity: IdentityView
    problem: str | None
    restatement: str | None
    corrections: int
    answer: str | None
    bases: list[Basis]
    answered_by: str | None
    handover_reason: str | None
    repeats: int
    logged_by: str | None
    documentation: list[Documentation]
    opened_by: str
    opened_at: datetime
    updated_at: datetime
    version: int


class ConsultationSummary(msgspec.Struct, frozen=True):
    id: UUID
    channel: Channel
    status: Status
    consultee: str
    party: str
    opened_by: str
    opened_at: datetime
    updated_at: datetime


class HistoryEntry(msgspec.Struct, frozen=True):
    version: int
    event: str
    at: datetime
    actor: str | None


class UserView(msgspec.Struct, frozen=True):
    id: UUID
    username: str
    full_name: str
    role: Role
    office_id: str
    active: bool
