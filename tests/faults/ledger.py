"""The exact counts a fault run ends with, read from each office's own store once its node has stopped.

sent:      the regency's record of its escalations, in the order its log holds them (the relay's order);
received:  the province's record of the cases it opened, in its log's order, with any repeat kept;
receipts:  whether the province's receipt of each came back down and was applied at the regency.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from gateways.bootstrap import build_node
from gateways.config import Settings
from services.integration import EscalationRequested
from tests.support.escalations import received_origins


@dataclass(frozen=True)
class Ledger:
    sent: list[UUID]
    received: list[UUID]
    without_receipt: list[UUID]

    @property
    def duplicates(self) -> int:
        return len(self.received) - len(set(self.received))

    def problems(self) -> list[str]:
        found = []
        if self.duplicates:
            found.append(f"{self.duplicates} case(s) opened twice at the province")
        missing = set(self.sent) - set(self.received)
        if missing:
            found.append(f"{len(missing)} escalation(s) never arrived, e.g. {sorted(missing)[:3]}")
        unknown = set(self.received) - set(self.sent)
        if unknown:
            found.append(f"{len(unknown)} case(s) the regency never sent")
        if not found and self.received != self.sent:
            first = next(i for i, (a, b) in enumerate(zip(self.sent, self.received, strict=True)) if a != b)
            found.append(f"order differs from the regency's from position {first}")
        if self.without_receipt:
            found.append(f"{len(self.without_receipt)} receipt(s) never came back to the regency")
        return found

    def summary(self) -> str:
        return (f"sent {len(self.sent)}, received {len(self.received)} ({len(set(self.received))} distinct), "
                f"duplicates {self.duplicates}, order kept {self.received == self.sent}, "
                f"receipts missing {len(self.without_receipt)}")


def read_ledger(regency: Settings, province: Settings) -> Ledger:
    kab, prov = build_node(regency), build_node(province)
    try:
        sent = [envelope.body.case.origin_id
                for _, envelopes in kab.helpdesk.outgoing(0, 1_000_000)
                for envelope in envelopes if isinstance(envelope.body, EscalationRequested)]
        received = received_origins(prov.helpdesk)
        without_receipt = [c for c in sent if kab.helpdesk._load(c).up.received_at is None]
        return Ledger(sent, received, without_receipt)
    finally:
        kab.close()
        prov.close()
