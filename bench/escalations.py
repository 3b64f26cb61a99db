"""Forwarded consultations made fast for P4: the same domain calls the services make (open → problem → restated →
confirmed → handed to the commissioner → forwarded up), a batch of aggregates saved in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from uuid import uuid4

from domain.consultation import Consultation
from domain.offices import OfficeId
from domain.values import Channel, make_identity
from services.helpdesk import Helpdesk


def forward_many(helpdesk: Helpdesk, office: str, count: int, batch: int = 200,
                 progress: Callable[[int], None] | None = None) -> int:
    """Commits `count` consultations forwarded to the office above; returns how many events that made."""
    parent = OfficeId(office).parent
    assert parent is not None, f"{office} has no office above"
    events = 0
    for first in range(0, count, batch):
        aggregates = []
        for n in range(first, min(count, first + batch)):
            at = helpdesk.clock()
            identity = make_identity(f"Konsultan {n}", helpdesk.parties.resolve(1 + n % 17, None), "081234567890", None)
            consultation = Consultation.open(id=uuid4(), office_id=office, channel=Channel.MESSAGING,
                                             identity=identity, actor="meja", at=at)
            consultation.record_problem(f"Masalah kepengurusan nomor {n}", "meja", at)
            consultation.restate_problem(f"Jadi masalah kepengurusan nomor {n}?", "meja", at)
            consultation.confirm_problem("meja", at)
            consultation.hand_to_commissioner("Tidak ada di FAQ Sipol.", "meja", at)
            consultation.forward_up(parent.value, f"Mohon arahan KPU Provinsi ({n}).", "komisioner", at)
            aggregates.append(consultation)
        helpdesk.save(*aggregates)
        events += 6 * len(aggregates)
        if progress is not None:
            progress(first + len(aggregates))
    return events
