"""What each office's log holds at the end of the simulated day, read by position as `helpdesk audit verify` reads it
(never on a request path): the escalations it sent and received in order, the answers that came back, its audit
chain's head, and at the centre every chain it received, verified."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from eventsourcing.utils import get_topic

from domain.consultation import Consultation
from domain.escalation import EscalationCase
from projections.audit_queries import OWN, RECEIVED, verify_all

TOPICS = {
    "forwarded_up": get_topic(Consultation.ForwardedUp),  # a regency's consultation sent to its province
    "answer_arrived": get_topic(Consultation.AnswerArrived),  # the answer from above, applied at the regency
    "received": get_topic(EscalationCase.Received),  # a case from below, at a province or the centre
    "forwarded": get_topic(EscalationCase.Forwarded),  # a province's case sent on to the centre
    "answered": get_topic(EscalationCase.Answered),
    "returned": get_topic(EscalationCase.ReturnConfirmed),
}


def log_facts(helpdesk: Any) -> dict[str, list[str]]:
    """Per kind, the ids of those events in log order (a case received: `<origin office> <case id>`)."""
    facts: dict[str, list[str]] = {kind: [] for kind in TOPICS}
    kind_of = {topic: kind for kind, topic in TOPICS.items()}
    for notification in _notifications(helpdesk, list(TOPICS.values())):
        kind = kind_of[notification.topic]
        if kind == "received":
            event = helpdesk.mapper.to_domain_event(notification)
            facts[kind].append(f"{event.case.origin_office} {event.originator_id}")
        else:
            facts[kind].append(str(notification.originator_id))
    return facts


def _notifications(helpdesk: Any, topics: list[str]) -> Iterator[Any]:
    start = 1
    while batch := helpdesk.recorder.select_notifications(start, 1000, topics=topics):
        yield from batch
        start = batch[-1].id + 1


def own_head(store: Any, office: str) -> int:
    [(head,)] = store.query(f"SELECT COALESCE(MAX(seq), 0) FROM {OWN} WHERE office = ?", (office,))
    return int(head)


def received_heads(store: Any) -> dict[str, int]:
    """At the centre: how far each office's chain has arrived."""
    return {office: int(seq) for office, seq in store.query(f"SELECT office, MAX(seq) FROM {RECEIVED} GROUP BY office")}


def verify_chains(runner: Any, office: str, keyring: Any) -> dict[str, Any]:
    """`helpdesk audit verify` at the centre: its own chain and every chain received, each checked whole."""
    checks = verify_all(runner, office, keyring.verify, keyring.knows)
    received = [c for c in checks if c.source == "received"]
    return {
        "chains": len(received),
        "verified": sum(c.result.ok for c in received),
        "entries": sum(c.result.checked for c in received),
        "problems": [f"{c.office} #{c.result.problems[0].seq} {c.result.problems[0].kind}"
                     for c in checks if not c.result.ok][:20],
        "own_ok": all(c.result.ok for c in checks if c.source == "own"),
    }
