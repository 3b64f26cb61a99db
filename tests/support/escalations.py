"""Making escalations quickly, and reading what a node holds, for the transport and fault tests."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.utils import get_topic

from domain.escalation import EscalationCase
from domain.values import Channel
from services.consultations import IdentityInput
from services.helpdesk import Helpdesk
from tests.support.consultations import handed_to_commissioner

KAB = "kab-16.13"


def forward_one(helpdesk: Helpdesk, number: int) -> UUID:
    """A regency consultation taken through the script to the commissioner and forwarded up."""
    who = IdentityInput(name=f"Konsultan {number}", party_number=1 + number % 24, phone="081234567890")
    cid = handed_to_commissioner(helpdesk, KAB, who, f"Masalah nomor {number}", f"Jadi masalah nomor {number}?",
                                 "Tidak ada di FAQ.", channel=Channel.MESSAGING)
    helpdesk.forward_up(KAB, cid, f"Mohon arahan ({number}).", "komisioner")
    return cid


def received_origins(helpdesk: Helpdesk) -> list[UUID]:
    """The origin consultation of every case this node received, in the order it recorded them (with repeats,
    if a message had ever been applied twice)."""
    topic = get_topic(EscalationCase.Received)
    found: list[UUID] = []
    start = 1
    while batch := helpdesk.recorder.select_notifications(start, 500, topics=[topic]):
        found.extend(helpdesk.mapper.to_domain_event(n).case.origin_id for n in batch)
        start = batch[-1].id + 1
    return found
