"""Audit chains built by hand with a real key, forking where an office was restored from backup (for the tests of
the audit chain across a restore: the unit tests and the centre's pages)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import msgspec

from domain.audit import OPENED, RESTORED, AuditEntry, UnsignedEntry, content_hash, seal
from gateways.signing import OfficeKey

OFFICE = "kab-16.13"
START = datetime(2024, 7, 29, 1, 30, 0, 123456, tzinfo=UTC)
LOG_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, f"helpdesk-sipol:node-log:{OFFICE}"))


def unsigned(seq: int) -> UnsignedEntry:
    """An ordinary entry, as tests/unit/test_audit_chain.py builds them."""
    originator = str(uuid.UUID(int=seq // 5 + 1))
    return UnsignedEntry(
        office=OFFICE, seq=seq, event_id=f"{originator}:{seq % 5 + 1}", position=seq * 2,
        type="Consultation.ProblemRecorded", actor="operator1", at=START + timedelta(seconds=seq),
        consultation_id=originator, party="PKB", summary={"text": f"masalah {seq}", "actor": "operator1"},
        content_hash=content_hash("domain.consultation:Consultation.ProblemRecorded", originator, seq % 5 + 1,
                                  f"masalah {seq}".encode()),
    )


def restore_entry(seq: int, epoch: int, after_minutes: int = 60) -> UnsignedEntry:
    """The entry an office seals when `helpdesk restore` records NodeLog.Restored."""
    state = f'{{"epoch":{epoch}}}'.encode()
    return UnsignedEntry(
        office=OFFICE, seq=seq, event_id=f"{LOG_ID}:{epoch + 1}", position=seq * 2, type=RESTORED, actor=None,
        at=START + timedelta(minutes=after_minutes), consultation_id=None, party=None,
        summary={"epoch": str(epoch), "backup_position": str((seq - 1) * 2),
                 "backup_taken_at": "2024-07-29T01:30:05+00:00", "restored_by": "admin", "reason": "command"},
        content_hash=content_hash("domain.node_log:NodeLog.Restored", LOG_ID, epoch + 1, state),
    )


def opening_entry(seq: int) -> UnsignedEntry:
    """The NodeLog's opening, sealed just before the first restore of a log that had none (the same save)."""
    return UnsignedEntry(
        office=OFFICE, seq=seq, event_id=f"{LOG_ID}:1", position=seq * 2, type=OPENED, actor=None,
        at=START + timedelta(minutes=60), consultation_id=None, party=None, summary={"office": OFFICE},
        content_hash=content_hash("domain.node_log:NodeLog.Opened", LOG_ID, 1, b"{}"),
    )


def later(seq: int, branch: str) -> UnsignedEntry:
    """An entry of a new branch: the same seq as an old one, another event."""
    return msgspec.structs.replace(unsigned(seq), at=START + timedelta(hours=2, seconds=seq),
                                   summary={"text": f"{branch} {seq}", "actor": "operator2"})


def linked(key: OfficeKey, prev: str, items: list[UnsignedEntry]) -> list[AuditEntry]:
    out = []
    for item in items:
        entry = seal(item, prev, key.sign)
        prev = entry.entry_hash
        out.append(entry)
    return out
