"""Which of this office's records a message from another office changes: found, checked against its sender, and
handed to the message's domain method (services/inbound.py names one of these for each body type)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, NamedTuple, Protocol
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.casefile import case_id
from domain.consultation import Consultation
from domain.errors import NotFound
from domain.escalation import EscalationCase
from domain.faq_copy import FaqCopy
from domain.monitoring_copy import MonitoringCopy, monitoring_copy_id
from domain.node_log import NodeLog, node_log_id
from services.integration import Envelope, Ref
from services.ports import MessageDigest

Find = Callable[[UUID], Any]  # any aggregate of this office by id, or None (within a batch: the batch's copy)


class Incoming(NamedTuple):
    """A message as its domain method's caller sees it: the envelope, this office, the moment it is applied, and
    the messages applied from a sender after (epoch, position), this batch's included."""

    envelope: Envelope
    office: str
    at: datetime
    applied_since: Callable[[str, int, int], list[MessageDigest]]


Apply = Callable[[Any, Any, Incoming], Aggregate | None]  # (record, body, incoming) -> a record it created, or None


class Record(Protocol):
    def change(self, find: Find, incoming: Incoming, apply: Apply) -> list[Aggregate]:
        """Finds the record, has `apply` change it, and returns what changed (nothing when there is nothing to do)."""
        ...


class NewCase:
    """A case the office below sends up: opened by the message, unless an earlier delivery opened it."""

    def change(self, find: Find, incoming: Incoming, apply: Apply) -> list[Aggregate]:
        if find(_case_id(incoming)) is not None:
            return []
        created = apply(None, incoming.envelope.body, incoming)
        return [created] if created is not None else []


class CaseSentHere:
    """A case the sender sent up to this office."""

    def change(self, find: Find, incoming: Incoming, apply: Apply) -> list[Aggregate]:
        case = find(_case_id(incoming))
        if not isinstance(case, EscalationCase) or case.from_office != incoming.envelope.sender:
            raise NotFound()
        apply(case, incoming.envelope.body, incoming)
        return [case]


class SentUp:
    """This office's record of a case it sent up to the sender: the consultation itself at the origin, else its
    case (an office on the way)."""

    def change(self, find: Find, incoming: Incoming, apply: Apply) -> list[Aggregate]:
        ref = _ref(incoming)
        lower = find(ref.origin_id if ref.origin_office == incoming.office else case_id(ref.origin_office,
                                                                                          ref.origin_id))
        if not isinstance(lower, Consultation | EscalationCase):
            raise NotFound()
        if lower.up is None or lower.up.upper_office != incoming.envelope.sender:
            raise NotFound()
        apply(lower, incoming.envelope.body, incoming)
        return [lower]


class OwnLog:
    """This office's own log (NodeLog), opened on first use."""

    def change(self, find: Find, incoming: Incoming, apply: Apply) -> list[Aggregate]:
        log = find(node_log_id(incoming.office))
        if not isinstance(log, NodeLog):
            log = NodeLog.open(incoming.office, incoming.at)
        apply(log, incoming.envelope.body, incoming)
        return [log]


class FaqHeld:
    """This office's copy of an FAQ entry of an office above, kept from the first release it receives."""

    def change(self, find: Find, incoming: Incoming, apply: Apply) -> list[Aggregate]:
        body: Any = incoming.envelope.body  # a FaqShared: services/inbound.py names this record for no other
        copy = find(body.release.entry_id)
        if copy is not None and not isinstance(copy, FaqCopy):
            raise NotFound()  # the id names another record here: not a copy
        created = apply(copy, body, incoming)
        return [created] if created is not None else ([copy] if copy is not None else [])


class MonitoringHeld:
    """This office's copy of a monitoring report of a regency below it, kept from the first release it receives."""

    def change(self, find: Find, incoming: Incoming, apply: Apply) -> list[Aggregate]:
        body: Any = incoming.envelope.body  # a MonitoringShared: services/inbound.py names this record for no other
        release = body.release
        copy = find(monitoring_copy_id(release.office_id, release.day, release.slot))
        if copy is not None and not isinstance(copy, MonitoringCopy):
            raise NotFound()  # the id names another record here: not a copy
        created = apply(copy, body, incoming)
        return [created] if created is not None else ([copy] if copy is not None else [])


NEW_CASE, CASE_SENT_HERE, SENT_UP, OWN_LOG = NewCase(), CaseSentHere(), SentUp(), OwnLog()
FAQ_HELD = FaqHeld()
MONITORING_HELD = MonitoringHeld()


def _ref(incoming: Incoming) -> Ref:
    ref = incoming.envelope.ref
    if ref is None:
        raise NotFound()  # a body about no case cannot name a case's record
    return ref


def _case_id(incoming: Incoming) -> UUID:
    ref = _ref(incoming)
    return case_id(ref.origin_office, ref.origin_id)
