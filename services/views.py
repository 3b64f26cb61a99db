"""What the services' queries return: msgspec Structs, never aggregates (the lists come from the read models: see
projections/views.py)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

from domain.casefile import Answer, Note
from domain.consultation import Status
from domain.escalation import CaseStatus
from domain.evidence import Evidence
from domain.faq_values import FaqSearch
from domain.parties import Party
from domain.values import Basis, Channel, Documentation
from domain.views import HopView, UserView, hop_view

# Shared with the read models (projections/), which may not import services: kept in the domain, named here too.
__all__ = ["CaseFileView", "CaseView", "ConsultationView", "HistoryEntry", "HopView", "IdentityView", "UserView",
           "hop_view"]


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
    up: HopView | None = None  # forwarded to the office above: how far it has got there
    clarification_question: str | None = None  # asked by an office above, waiting for the origin's answer
    clarifications: list[str] = []
    handover_faq: FaqSearch | None = None  # what the FAQ Sipol showed the desk before it handed over


class HistoryEntry(msgspec.Struct, frozen=True):
    version: int
    event: str
    at: datetime
    actor: str | None


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
    evidence: tuple[Evidence, ...] = ()  # the documents that travel with it (domain/evidence.py)


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
    next_steps: list[str] = []  # what the case allows now (domain: EscalationCase.next_steps)
