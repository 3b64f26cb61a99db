"""Reading the FAQ Sipol as a member of the staff sees it, once for the API (gateways/http/faq.py) and the pages
(gateways/web/faq.py): what the office reads (projections/faq_queries.py), drafts only for the roles that keep the
FAQ (domain/roles.py MANAGE_FAQ) — the rest of the office reads and cites what is published."""

from __future__ import annotations

from uuid import UUID

from domain.errors import NotFound, NotPermitted
from domain.faq_values import FaqStatus, may_write_faq
from domain.roles import Role
from projections.faq_queries import FaqHit, FaqQueries

DRAFT, PUBLISHED = FaqStatus.DRAFT.value, FaqStatus.PUBLISHED.value


def drafts_shown(role: Role) -> bool:
    return may_write_faq(role)


def readable_entry(faq: FaqQueries, office_id: str, role: Role, entry_id: UUID) -> FaqHit:
    """An entry this office reads (its own, and what the offices above published), a draft only for a writer;
    anything else is reported missing."""
    hit = faq.entry(office_id, entry_id)
    if hit is None or (hit.status == DRAFT and not drafts_shown(role)):
        raise NotFound(field="entry_id")
    return hit


def own_entry(faq: FaqQueries, office_id: str, role: Role, entry_id: UUID) -> FaqHit:
    """One of this office's own entries (a copy from above is changed by its owner only); else missing."""
    hit = readable_entry(faq, office_id, role, entry_id)
    if hit.owner != office_id:
        raise NotFound(field="entry_id")
    return hit


def found(faq: FaqQueries, office_id: str, role: Role, text: str, status: str | None, topic: str | None,
          limit: int) -> list[FaqHit]:
    """The best matches for a question, drafts among them for a writer, narrowed to a status and a topic."""
    if status == DRAFT and not drafts_shown(role):
        raise NotPermitted(field="status")
    hits = faq.search(office_id, text, limit=limit, published_only=not drafts_shown(role))
    return [hit for hit in hits if (status is None or hit.status == status) and (topic is None or topic in hit.topics)]


def listed(faq: FaqQueries, office_id: str, role: Role, status: str | None, topic: str | None, own_only: bool,
           page: int, per_page: int) -> tuple[list[FaqHit], int]:
    """One page of the entries this office reads; without a status, a reader's list is what is published."""
    if status == DRAFT and not drafts_shown(role):
        raise NotPermitted(field="status")
    wanted = status if status is not None or drafts_shown(role) else PUBLISHED
    return faq.entries(office_id, status=wanted, topic=topic, own_only=own_only, page=page, per_page=per_page)


def received(faq: FaqQueries, office_id: str, topic: str | None, page: int, per_page: int
             ) -> tuple[list[FaqHit], int]:
    """One page of the published entries of the offices above ("Dari kantor atas")."""
    return faq.entries(office_id, status=PUBLISHED, topic=topic, page=page, per_page=per_page, received_only=True)
