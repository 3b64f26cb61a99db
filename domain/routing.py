"""May this message be applied: the one rule, asked in one call (`admit`). An office applies a message only from
its parent or its children, addressed to itself, in the right direction, about a case that started below the
sender, signed by its sender, and not far beyond what the sender is known to have reached; a message at a position
already applied is a repeat only when its bytes are the same.

The transport (gateways/nats/consumer.py) checks only what is transport: the subject agrees with the body, a sourced
message came from its sender's stream, and whether the signature over the bytes is the sender's (the seal).
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple, Protocol

from domain.errors import InvalidOffice
from domain.offices import OfficeId, parse_office_id

# What the transport found of a message's signature; anything but SIGNED is refused under that name as reason.
SIGNED, UNSIGNED, BAD_SIGNATURE, UNKNOWN_SENDER_KEY = "signed", "unsigned", "bad_signature", "unknown_sender_key"
SEALS = (SIGNED, UNSIGNED, BAD_SIGNATURE, UNKNOWN_SENDER_KEY)
# How far beyond the sender's highest known position a message may be. Positions are the sender's notification
# ids: a busy office records perhaps 10^4 events a day, 2*10^7 in a five-year election period. 10^8 is five such
# periods, so no genuine message (not even an office's first to a neighbour that joined late) meets it, while a
# position like 2^40 (a corrupt or forged message) is refused instead of taken as the sender's new position,
# which would have made every later message of that sender look like a repeat.
MAX_AHEAD = 10**8
MAX_EPOCHS_AHEAD = 16  # restores of one office before its neighbours hear from it again; more is not genuine


class RouteRejected(Exception):
    """A message this office must not apply; `reason` is a stable code for the dead-letter record."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Admission(StrEnum):
    APPLY = "apply"  # new: apply it
    REPEAT = "repeat"  # the same message as one applied before: nothing to do


class Arrival(NamedTuple):
    """What the rule needs to know of a message: who sent it to whom, at which (epoch, position), which way it
    travels (None: a notice about the sender's own log, which goes either way and is about no case), the case's
    origin office, the SHA-256 (hex) of its bytes and the transport's verdict on its signature."""

    sender: str
    to: str
    epoch: int
    seq: int
    upward: bool | None
    origin_office: str | None
    digest: str
    seal: str


class SenderRecord(Protocol):
    """What this office has applied from its senders (services: the open transaction over the recorder)."""

    def taken(self, sender: str, epoch: int, seq: int) -> bool:
        """Whether the position is applied already."""
        ...

    def digest(self, sender: str, epoch: int, seq: int) -> str | None:
        """The digest of the message applied at the position, if one was kept."""
        ...

    def head(self, sender: str, epoch: int | None = None) -> tuple[int, int]:
        """(highest epoch, highest position) applied with a digest (within `epoch` when given); (0, 0) when none."""
        ...

    def tracked(self, sender: str) -> int:
        """The highest position tracked for the sender's epoch 0 (it covers the time before digests were kept)."""
        ...


def admit(receiver: OfficeId, message: Arrival, record: SenderRecord) -> Admission:
    """Whether `receiver` applies the message (APPLY) or has it already (REPEAT); RouteRejected when it must not."""
    if record.taken(message.sender, message.epoch, message.seq):
        return _repeat(message, record)
    check_route(receiver, message.sender, message.to, *_direction(receiver, message))
    check_seal(message.seal)
    _check_reach(message, record)
    return Admission.APPLY


def is_within(office: OfficeId, ancestor: OfficeId) -> bool:
    """True when `office` is `ancestor` or lies below it (kab-16.13 is within prov-16 and pusat)."""
    current: OfficeId | None = office
    while current is not None:
        if current == ancestor:
            return True
        current = current.parent
    return False


def check_route(receiver: OfficeId, sender: str, to: str, upward: bool, origin_office: str) -> None:
    try:
        from_office, origin = parse_office_id(sender), parse_office_id(origin_office)
    except InvalidOffice:
        raise RouteRejected("unknown_office") from None
    # Senders are tracked by their id as written: only the one spelling may pass, or a second spelling of
    # the same office would be a second, untracked sender.
    if from_office.value != sender or origin.value != origin_office:
        raise RouteRejected("unknown_office")
    if to != receiver.value:
        raise RouteRejected("misaddressed")
    from_child = from_office.parent == receiver
    from_parent = receiver.parent == from_office
    if not (from_child or from_parent):
        raise RouteRejected("not_a_neighbour")
    if upward != from_child:
        raise RouteRejected("wrong_direction")
    # A case travels up from where it began: the origin lies within the lower office of the hop.
    lower = from_office if upward else receiver
    if not is_within(origin, lower):
        raise RouteRejected("origin_outside_sender")


def check_seal(seal: str) -> None:
    """Only a message signed by its sender's key is applied; the verdict names the refusal."""
    if seal != SIGNED:
        raise RouteRejected(seal if seal in SEALS else UNSIGNED)


def _direction(receiver: OfficeId, message: Arrival) -> tuple[bool, str]:
    """(upward, origin office) for the route. A notice about the sender's own log goes either way; it is about no
    case, so the lower office of the hop stands for the origin."""
    if message.upward is not None and message.origin_office is not None:
        return message.upward, message.origin_office
    try:
        upward = parse_office_id(message.sender).parent == receiver
    except InvalidOffice:
        upward = False  # check_route names the sender unknown
    return upward, message.sender if upward else receiver.value


def _repeat(message: Arrival, record: SenderRecord) -> Admission:
    """A message at a position already applied: the same bytes are a repeat (whoever published them again: the
    content is what was verified before); other bytes are refused, as unsigned or forged when they are, else as a
    conflict, unless the position was applied before digests were kept."""
    sender, epoch, seq = message.sender, message.epoch, message.seq
    kept = record.digest(sender, epoch, seq)
    if kept == message.digest:
        return Admission.REPEAT
    check_seal(message.seal)
    if kept is None and record.head(sender, epoch)[1] < seq:
        return Admission.REPEAT  # applied before this node kept digests: nothing to compare with
    raise RouteRejected("conflict")


def _check_reach(message: Arrival, record: SenderRecord) -> None:
    """Refuses an epoch or a position far beyond what the sender is known to have reached (any epoch)."""
    epoch_head, seq_head = record.head(message.sender)
    known = max(seq_head, record.tracked(message.sender))
    if message.epoch > epoch_head + MAX_EPOCHS_AHEAD:
        raise RouteRejected("epoch_too_far")
    if not 0 < message.seq <= known + MAX_AHEAD:
        raise RouteRejected("position_too_far")
