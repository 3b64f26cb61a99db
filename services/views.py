"""What queries return: msgspec Structs, never aggregates."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, overload
from uuid import UUID

import msgspec

from domain.casefile import Answer, Note
from domain.consultation import Status
from domain.escalation import CaseStatus
from domain.hops import Hop, HopState
from domain.parties import Party
from domain.roles import Role
from domain.values import Basis, Channel, Documentation


class IdentityView(msgspec.Struct, frozen=True):
    name: str
    party: Party
    phone: str | None
    email: str | None


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
    up: HopView | None = None  # forwarded to the office above: how far it has got there
    clarification_question: str | None = None  # asked by an office above, waiting for the origin's answer
    clarifications: list[str] = []


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


class CaseFileView(msgspec.Struct, frozen=True):
    """The question as the origin office recorded it (no contact details travel)."""

    origin_office: str
    origin_id: UUID
    channel: Channel
    party: Party
    problem: str
    restatement: str
    opened_at: datetime
    notes: list[Note]


class CaseView(msgspec.Struct, frozen=True):
    """A case an office below sent up, as this office holds it."""

    id: UUID
    office_id: str
    status: CaseStatus
    from_office: str
    case: CaseFileView
    down: HopView  # from the office below to this one
    up: HopView | None  # from this office to the one above, once forwarded
    accepted_by: str | None
    question: str | None  # asked of the office below, waiting for its clarification
    question_from_above: str | None  # asked of this office by the one above
    clarifications: list[str]  # received from the office below
    answer: Answer | None
    received_at: datetime
    updated_at: datetime
    version: int
    clarifications_given: list[str] = []  # this office's answers to questions from above


ItemKind = Literal["consultation", "case"]


class InboxItem(msgspec.Struct, frozen=True):
    """Waiting for someone here: a consultation with the commissioner or asked about from above, or a case
    received from below. `id` is the consultation's or the case's, as `kind` says."""

    kind: ItemKind
    id: UUID
    status: str  # a consultation's Status or a case's CaseStatus
    origin_office: str
    party: Party
    problem: str
    question: str | None  # the clarification asked of this office, if any
    waiting_since: datetime  # handed to the commissioner, or the case received
    hop: HopView | None  # a case's hop from below; a consultation's hop above, once forwarded


class OutgoingItem(msgspec.Struct, frozen=True):
    """A consultation or case this office sent up, and how far it has got there."""

    kind: ItemKind
    id: UUID
    case_id: UUID  # the id the offices above know it by
    status: str
    origin_office: str
    party: Party
    problem: str
    up: HopView
