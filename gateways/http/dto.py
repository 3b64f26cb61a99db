"""Request bodies of the API: msgspec Structs with limits, so nothing oversized reaches the domain."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec

from domain.roles import Role
from domain.values import BasisKind, Channel, DocumentationKind
from services.views import UserView

Short = Annotated[str, msgspec.Meta(max_length=200)]
Name = Annotated[str, msgspec.Meta(max_length=150)]
Text = Annotated[str, msgspec.Meta(max_length=10_000)]


class LoginResponse(msgspec.Struct):
    token: str
    token_type: str
    expires_at: datetime
    user: UserView


class ConsulteeIn(msgspec.Struct, forbid_unknown_fields=True):
    """Name, party (ballot number from the register, or a name), phone and/or e-mail."""

    name: Name
    party_number: Annotated[int, msgspec.Meta(ge=1, le=999)] | None = None
    party_name: Name | None = None
    phone: Annotated[str, msgspec.Meta(max_length=40)] | None = None
    email: Annotated[str, msgspec.Meta(max_length=254)] | None = None


class OpenConsultationRequest(msgspec.Struct, forbid_unknown_fields=True):
    channel: Channel
    consultee: ConsulteeIn
    # When the consultee arrived or the message came in (the SOP's attendance step runs from there).
    arrived_at: datetime | None = None


class TextRequest(msgspec.Struct, forbid_unknown_fields=True):
    text: Text


class BasisIn(msgspec.Struct, forbid_unknown_fields=True):
    kind: BasisKind
    reference: Annotated[str, msgspec.Meta(max_length=300)]


class AnswerRequest(msgspec.Struct, forbid_unknown_fields=True):
    """The answer and its bases; `faq_cited`: the FAQ Sipol entries it cites (each recorded with the version this
    office holds; then the other bases may be left out). Not named `faq`: a body field named like a dependency of the
    app ("faq", gateways/edge/deps.py) is taken by Litestar for that dependency when its value has the wrong type, and
    answered 500 instead of 400."""

    text: Text
    bases: Annotated[list[BasisIn], msgspec.Meta(max_length=20)] = []
    faq_cited: Annotated[list[UUID], msgspec.Meta(max_length=10)] = []


class FaqShownIn(msgspec.Struct, forbid_unknown_fields=True):
    entry_id: UUID
    version: Annotated[int, msgspec.Meta(ge=1)]


class HandoverRequest(msgspec.Struct, forbid_unknown_fields=True):
    """Why the desk cannot answer; `faq_shown`: the FAQ Sipol entries it was shown for the problem (none: not in the
    FAQ), recorded with the handover."""

    reason: Text
    faq_shown: Annotated[list[FaqShownIn], msgspec.Meta(max_length=20)] = []


class NoteRequest(msgspec.Struct, forbid_unknown_fields=True):
    """Why it goes to the office above (read there with the case)."""

    note: Text


class QuestionRequest(msgspec.Struct, forbid_unknown_fields=True):
    """What the office below must clarify before this office can answer."""

    question: Text


class UnderstandingRequest(msgspec.Struct, forbid_unknown_fields=True):
    understood: bool


class RepeatRequest(msgspec.Struct, forbid_unknown_fields=True):
    text: Text | None = None


class DocumentationRequest(msgspec.Struct, forbid_unknown_fields=True):
    kind: DocumentationKind
    storage_key: Annotated[str, msgspec.Meta(max_length=300)]
    sha256: Annotated[str, msgspec.Meta(max_length=64)]


class CreateUserRequest(msgspec.Struct, forbid_unknown_fields=True):
    username: Annotated[str, msgspec.Meta(max_length=64)]
    full_name: Name
    role: Role
    password: Short


class ChangePasswordRequest(msgspec.Struct, forbid_unknown_fields=True):
    current_password: Short
    new_password: Short
