"""What a node's NATS link has done so far, for /health and the tests."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class LinkStatus:
    connected: bool = False
    streams_ready: bool = False
    last_error: str | None = None
    dead_letters: int = 0
    published: int = 0
    applied: int = 0
    duplicates: int = 0
    audit_shipped: int = 0
    audit_received: int = 0
