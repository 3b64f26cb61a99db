"""What the tracking pages use (gateways/web/tracking.py): the tokens, the read model's query, and a limit on how
often one address may ask (gateways/request_limit.py, shared with the public FAQ page), built once in the composition
root (gateways/app.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from litestar.di import NamedDependency
from litestar.params import SkipValidation

from gateways.request_limit import RequestLimit
from gateways.tracking_tokens import TrackingClaim, TrackingTokens
from projections.runner import ReadModelRunner
from projections.tracking_queries import TrackedConsultation, TrackingQueries

TRACKING_PATH = "/lacak/"


@dataclass(frozen=True)
class TrackingDesk:
    tokens: TrackingTokens
    queries: TrackingQueries
    limit: RequestLimit
    office_id: str
    public_url: str  # the node's address as people open it; "" when the request's own address will do

    def tracked(self, token: str) -> tuple[TrackedConsultation, TrackingClaim] | None:
        """The consultation a genuine, unexpired token names, held by this office; None for anything else."""
        claim = self.tokens.read(token)
        found = self.queries.tracked(self.office_id, claim.consultation_id) if claim else None
        return (found, claim) if found is not None and claim is not None else None

    def link(self, consultation_id: UUID, request_base: str) -> tuple[str, datetime]:
        """A new tracking link for the consultation, and when it expires."""
        token, expires = self.tokens.issue(consultation_id)
        base = (self.public_url or request_base).rstrip("/")
        return f"{base}{TRACKING_PATH}{token}", expires


def tracking_desk(secret_key: bytes, runner: ReadModelRunner, clock: Callable[[], datetime], office_id: str,
                  public_url: str, link_days: int, requests_per_minute: int) -> TrackingDesk:
    return TrackingDesk(TrackingTokens(secret_key, link_days, clock), TrackingQueries(runner),
                        RequestLimit(requests_per_minute, clock), office_id, public_url)


TrackingDeskDep = NamedDependency[SkipValidation[TrackingDesk]]  # tracking_desk
