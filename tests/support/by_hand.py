"""Offices in memory, with messages carried between them by hand (no NATS): for service-level stories."""

from __future__ import annotations

from uuid import UUID

from gateways.bootstrap import Node
from services.consultations import IdentityInput
from tests.support.consultations import handed_to_commissioner

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
    who = IdentityInput(name=f"Penghubung {n}", party_number=3, email="penghubung@partai.example")
    return handed_to_commissioner(kab.helpdesk, KAB, who, "Masalah", "Jadi masalahnya?", "Di luar FAQ")
