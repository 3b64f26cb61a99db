"""The messages nodes exchange over NATS: a versioned envelope around a tagged union of bodies.

Up (from the office below): escalation_requested, clarification_provided, answer_received.
Down (from the office above): escalation_received, escalation_accepted, clarification_requested,
escalation_answered. Down also: faq_shared (an FAQ Sipol entry of the office above, or the centre's passed on).
Up also: monitoring_shared (a regency's SIPOL monitoring report, or its miss, for its province to see).
Both ways: log_restored (the sender's log was put back from a backup: what it said after the
backup's last position is lost at its end, and the receiver names the cases that concerns).

`seq` is the sender's notification id and `epoch` the epoch of its log (a restore from backup starts a new one,
domain/node_log.py): receivers track each sender's epochs apart, so a message has exactly one effect however
often it arrives, and a position a restored sender speaks again is never taken for a repeat.

Messages of epoch 0 are written as before (version 1, no `epoch`); a later epoch is written as version 2, which
a node that does not know epochs names an unknown version instead of reading it as epoch 0.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, get_args
from uuid import UUID

import msgspec

from domain.casefile import Answer, CaseFile
from domain.faq_values import FaqRelease
from domain.monitoring_copy import MonitoringRelease

SCHEMA_VERSION = 1  # epoch 0, written without the field, as before epochs existed
EPOCH_VERSION = 2  # a later epoch
READABLE_VERSIONS = (SCHEMA_VERSION, EPOCH_VERSION)


class Ref(msgspec.Struct, frozen=True):
    """Names a case on every node: the origin office and its consultation's id."""

    origin_office: str
    origin_id: UUID


class EscalationRequested(msgspec.Struct, frozen=True, tag="escalation_requested"):
    upward: ClassVar[bool | None] = True
    case: CaseFile

    @property
    def ref(self) -> Ref:
        return Ref(self.case.origin_office, self.case.origin_id)


class EscalationReceived(msgspec.Struct, frozen=True, tag="escalation_received"):
    upward: ClassVar[bool | None] = False
    ref: Ref
    received_at: datetime


class EscalationAccepted(msgspec.Struct, frozen=True, tag="escalation_accepted"):
    upward: ClassVar[bool | None] = False
    ref: Ref
    accepted_by: str
    accepted_at: datetime


class ClarificationRequested(msgspec.Struct, frozen=True, tag="clarification_requested"):
    upward: ClassVar[bool | None] = False
    ref: Ref
    question: str
    asked_by: str


class ClarificationProvided(msgspec.Struct, frozen=True, tag="clarification_provided"):
    upward: ClassVar[bool | None] = True
    ref: Ref
    text: str


class EscalationAnswered(msgspec.Struct, frozen=True, tag="escalation_answered"):
    upward: ClassVar[bool | None] = False
    ref: Ref
    answer: Answer


class AnswerReceived(msgspec.Struct, frozen=True, tag="answer_received"):
    upward: ClassVar[bool | None] = True
    ref: Ref
    returned_at: datetime


class LogRestored(msgspec.Struct, frozen=True, tag="log_restored"):
    upward: ClassVar[bool | None] = None  # either way: to the office above and to those below
    ref: ClassVar[None] = None  # about the sender's log, not about a case
    epoch: int  # the epoch the sender's log goes on in
    backup_epoch: int  # the epoch the backup was taken in
    backup_position: int  # the backup's last position: what the sender said after it (up to this epoch) is lost
    backup_taken_at: datetime | None


class FaqShared(msgspec.Struct, frozen=True, tag="faq_shared"):
    """An FAQ Sipol entry published, revised or retired at the office above (or the centre's, passed on by the
    province): the offices below keep it as a copy (domain/faq_copy.py)."""

    upward: ClassVar[bool | None] = False
    ref: ClassVar[None] = None  # about no case
    release: FaqRelease


class MonitoringShared(msgspec.Struct, frozen=True, tag="monitoring_shared"):
    """A regency's SIPOL monitoring report submitted, corrected or missed: its province keeps it as a copy
    (domain/monitoring_copy.py). Figures and hashes only: no username, no note."""

    upward: ClassVar[bool | None] = True
    ref: ClassVar[None] = None  # about no case
    release: MonitoringRelease


Body = (
    EscalationRequested
    | EscalationReceived
    | EscalationAccepted
    | ClarificationRequested
    | ClarificationProvided
    | EscalationAnswered
    | AnswerReceived
    | LogRestored
    | FaqShared
    | MonitoringShared
)
# Each body says which way it travels (`upward`: from the office below; None: either way) and which case it is about
# (`ref`; None for a notice about the sender's log): the receiver's routing check reads both.
UPWARD = tuple(body for body in get_args(Body) if body.upward)


class Envelope(msgspec.Struct, frozen=True, omit_defaults=True):
    v: int
    sender: str  # node id of the office that sent it
    to: str  # node id of the office it is for
    seq: int  # the sender's notification id of the event behind it
    sent_at: datetime
    body: Body
    epoch: int = 0  # the epoch of the sender's log the event was recorded in; absent means 0

    @property
    def message_id(self) -> str:
        """`Nats-Msg-Id`: JetStream drops a republished copy within its duplicate window. One event may
        speak to two offices (an answer from above goes down and is confirmed up), hence the `to`."""
        return f"{position_name(self.sender, self.epoch)}:{self.seq}:{self.to}"

    @property
    def ref(self) -> Ref | None:
        """The case the message is about; None for a message about the sender's log itself."""
        return self.body.ref


def version_for(epoch: int) -> int:
    return SCHEMA_VERSION if epoch == 0 else EPOCH_VERSION


def position_name(sender: str, epoch: int) -> str:
    """The name a receiver tracks a sender's epoch by: the sender alone for epoch 0, as before epochs existed."""
    return sender if epoch == 0 else f"{sender}@{epoch}"


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
    if version not in READABLE_VERSIONS:
        raise UnreadableMessage("unknown_schema_version", str(version))
    try:
        envelope = _envelope.decode(data)
    except msgspec.DecodeError as error:
        raise UnreadableMessage("malformed", str(error)) from None
    if envelope.epoch < 0 or (envelope.epoch != 0) != (version == EPOCH_VERSION):
        raise UnreadableMessage("malformed", f"epoch {envelope.epoch} in version {version}")
    return envelope


def subject_token(node_id: str) -> str:
    """Node ids hold dots (`kab-16.13`), which NATS reads as token separators."""
    return node_id.replace(".", "_")


def subject(envelope: Envelope, prefix: str = "hd") -> str:
    """`hd.<to>.<from>.<type>`: a node consumes `hd.<itself>.>`; an office may publish only `hd.*.<itself>.>`."""
    kind = type(envelope.body).__struct_config__.tag
    return f"{prefix}.{subject_token(envelope.to)}.{subject_token(envelope.sender)}.{kind}"
