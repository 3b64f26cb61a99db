"""What the read side returns: msgspec Structs built from the read models' rows, never from the log."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

from domain.escalation import CaseStatus
from domain.inbox import ItemKind
from domain.parties import Party
from domain.script import Status
from domain.values import Channel
from domain.views import HopView


class ConsultationSummary(msgspec.Struct, frozen=True):
    id: UUID
    channel: Channel
    status: Status
    consultee: str
    party: str
    opened_by: str
    opened_at: datetime
    updated_at: datetime


class ConsultationPage(msgspec.Struct, frozen=True):
    """One page of the office's consultations, newest first; `total` counts every one the filters match."""

    items: list[ConsultationSummary]
    total: int
    offset: int
    limit: int


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


class CaseSummary(msgspec.Struct, frozen=True):
    """A case received from an office below, open or long answered: one line of the office's case history."""

    id: UUID
    status: CaseStatus
    origin_office: str  # where the consultation was opened
    from_office: str  # the office below that sent it here
    channel: Channel
    party: Party
    problem: str
    received_at: datetime
    answer: str | None  # the answer that went down (given here or passed on from above)
    answer_office: str | None
    answered_at: datetime | None
    down: HopView
    up: HopView | None


class CasePage(msgspec.Struct, frozen=True):
    """One page of the case history, newest received first; `total` counts every case the filters match."""

    items: list[CaseSummary]
    total: int
    offset: int
    limit: int
