"""The messages nodes exchange over NATS: a versioned envelope around a tagged union of bodies.

Up (from the office below): escalation_requested, clarification_provided, answer_received.
Down (from the office above): escalation_received, escalation_accepted, clarification_requested,
escalation_answered. `seq` is the sender's notification id: receivers track it per sender, so a
message has exactly one effect however often it arrives.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

from domain.casefile import Answer, CaseFile

SCHEMA_VERSION = 1


class Ref(msgspec.Struct, frozen=True):
    """Names a case on every node: the origin office and its consultation's id."""

    origin_office: str
    origin_id: UUID


class EscalationRequested(msgspec.Struct, frozen=True, tag="escalation_requested"):
    case: CaseFile


class EscalationReceived(msgspec.Struct, frozen=True, tag="escalation_received"):
    ref: Ref
    received_at: datetime


class EscalationAccepted(msgspec.Struct, frozen=True, tag="escalation_accepted"):
    ref: Ref
    accepted_by: str
    accepted_at: datetime


class ClarificationRequested(msgspec.Struct, frozen=True, tag="clarification_requested"):
    ref: Ref
    question: str
    asked_by: str


class ClarificationProvided(msgspec.Struct, frozen=True, tag="clarification_provided"):
    ref: Ref
    text: str


class EscalationAnswered(msgspec.Struct, frozen=True, tag="escalation_answered"):
    ref: Ref
    answer: Answer


class AnswerReceived(msgspec.Struct, frozen=True, tag="answer_received"):
    ref: Ref
    returned_at: datetime


Body = (
    EscalationRequested
    | EscalationReceived
    | EscalationAccepted
    | ClarificationRequested
    | ClarificationProvided
    | EscalationAnswered
    | AnswerReceived
)
UPWARD = (EscalationRequested, ClarificationProvided, AnswerReceived)


class Envelope(msgspec.Struct, frozen=True):
    v: int
    sender: str  # node id of the office that sent it
    to: str  # node id of the office it is for
    seq: int  # the sender's notification id of the event behind it
    sent_at: datetime
    body: Body

    @property
    def message_id(self) -> str:
        """`Nats-Msg-Id`: JetStream drops a republished copy within its duplicate window. One event may
        speak to two offices (an answer from above goes down and is confirmed up), hence the `to`."""
        return f"{self.sender}:{self.seq}:{self.to}"

    @property
    def ref(self) -> Ref:
        body = self.body
        if isinstance(body, EscalationRequested):
            return Ref(body.case.origin_office, body.case.origin_id)
        return body.ref


class Header(msgspec.Struct):
    """Read first, leniently, so an unknown schema version is named rather than failing as malformed."""

    v: int


_header = msgspec.json.Decoder(Header)
_envelope = msgspec.json.Decoder(Envelope)
_encoder = msgspec.json.Encoder()


class UnreadableMessage(Exception):
    """Malformed, or of a schema version this node does not speak; `reason` is a stable code."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def encode(envelope: Envelope) -> bytes:
    return _encoder.encode(envelope)


def decode(data: bytes) -> Envelope:
    try:
        version = _header.decode(data).v
    except msgspec.DecodeError as error:
        raise UnreadableMessage("malformed", str(error)) from None
    if version != SCHEMA_VERSION:
        raise UnreadableMessage("unknown_schema_version", str(version))
    try:
        return _envelope.decode(data)
    except msgspec.DecodeError as error:
        raise UnreadableMessage("malformed", str(error)) from None


def subject_token(node_id: str) -> str:
    """Node ids hold dots (`kab-16.13`), which NATS reads as token separators."""
    return node_id.replace(".", "_")


def subject(envelope: Envelope, prefix: str = "hd") -> str:
    """`hd.<to>.<from>.<type>`: a node consumes `hd.<itself>.>`; an office may publish only `hd.*.<itself>.>`."""
    kind = type(envelope.body).__struct_config__.tag
    return f"{prefix}.{subject_token(envelope.to)}.{subject_token(envelope.sender)}.{kind}"
