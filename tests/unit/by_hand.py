"""Offices in memory, with messages carried between them by hand (no NATS): for service-level stories."""

from __future__ import annotations

from uuid import UUID

from domain.values import Channel
from gateways.bootstrap import Node
from services.consultations import IdentityInput

KAB, PROV, PUSAT = "kab-16.13", "prov-16", "pusat"


def deliver(source: Node, target: Node) -> int:
    """Carries every message `source` has for `target`; returns how many were applied (repeats are not)."""
    applied = 0
    for _, envelopes in source.helpdesk.outgoing(0, 10_000):
        for envelope in envelopes:
            if envelope.to == target.settings.node_id:
                applied += target.helpdesk.receive_message(envelope).value == "applied"
    return applied


def handed_over(kab: Node, n: int) -> UUID:
    """A regency e-mail consultation, confirmed and handed to the commissioner."""
    desk = kab.helpdesk
    who = IdentityInput(name=f"Penghubung {n}", party_number=3, email="penghubung@partai.example")
    cid = desk.open_consultation(KAB, Channel.EMAIL, who, "desk")
    desk.record_problem(KAB, cid, "Masalah", "desk")
    desk.restate_problem(KAB, cid, "Jadi masalahnya?", "desk")
    desk.confirm_problem(KAB, cid, "desk")
    desk.hand_to_commissioner(KAB, cid, "Di luar FAQ", "desk")
    return cid
