"""Answering from the FAQ Sipol (issue 15) on the desk's pages: the entries matching the problem beside the problem's
forms (an htmx fragment refreshed as the desk types, rendered with the page for a browser without script), the
entries the answer forms may cite, what the handover form shows and records as searched, and the learning loop's
button on an escalated case this office answered ("Jadikan FAQ Sipol").

The search is the FAQ read model's (projections/faq_queries.py); citing and drafting are the service's
(services/faq.py), which refuses a draft, a retired or another region's entry."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from litestar import Controller, Response, get
from litestar.exceptions import NotFoundException, PermissionDeniedException, ValidationException
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from domain.errors import DomainError, NotFound, NotPermitted
from domain.faq_values import Citation, FaqCaseAlreadyDrafted
from domain.offices import OfficeId
from domain.roles import Permission, Role, may
from gateways.edge.auth import requires
from gateways.edge.deps import Caller, FaqDep, HereDep
from gateways.messages import message
from gateways.reports import labels
from gateways.web.faq_view import owner_for_staff
from gateways.web.render import language, page
from gateways.web.workspace_view import Workspace
from projections.faq_queries import FaqHit, FaqQueries
from services.views import ConsultationView

SUGGESTED = 5  # entries beside a form: enough to choose from, few enough to read while the consultee waits
EXCERPT_CHARS = 140
MAX_TYPED = 2_000  # of the typed problem, searched (the read model bounds its query further)
CONTROL = re.compile(r"[\x00-\x1f\x7f]+")  # a NUL reaches no database; a line break is a space to the search
PROBLEM_STEPS = ("record_problem", "restate_problem", "correct_problem")
ANSWERING_STEPS = ("answer_problem", "hand_to_commissioner")
DRAFT_FROM_CASE = "jadikan-faq"  # the case page's post: /eskalasi/kasus/<id>/jadikan-faq


@dataclass(frozen=True)
class FaqMatch:
    """One entry as the desk sees it beside a form."""

    entry_id: UUID
    version: int
    question: str
    excerpt: str
    owner: str  # whose entry: this office, the centre, or the province by name
    href: str  # the entry's page (gateways/web/faq.py)

    @property
    def shown(self) -> str:
        """The entry and version as the handover form records what it showed: `<id>:<version>`."""
        return f"{self.entry_id}:{self.version}"


def matches(faq: FaqQueries, here: OfficeId, text: str | None, lang: str) -> list[FaqMatch]:
    """The published entries this office reads that best match `text`, best first; none for no text."""
    query = CONTROL.sub(" ", text or "")[:MAX_TYPED].strip()
    if not query:
        return []
    return [_match(hit, here, lang) for hit in faq.search(here.value, query, limit=SUGGESTED)]


def _match(hit: FaqHit, here: OfficeId, lang: str) -> FaqMatch:
    answer = " ".join(hit.answer.split())
    excerpt = answer if len(answer) <= EXCERPT_CHARS else answer[:EXCERPT_CHARS - 1].rstrip() + "…"
    return FaqMatch(hit.entry_id, hit.revision, hit.question, excerpt, owner_for_staff(hit.owner, here, lang),
                    entry_href(hit.entry_id))


def entry_href(entry_id: UUID | str) -> str:
    return f"/faq-sipol/{entry_id}"


def workspace_faq(faq: FaqQueries, here: OfficeId, view: ConsultationView, forms: list[str], failed: str,
                  values: dict[str, str], lang: str) -> dict[str, Any]:
    """What a consultation's workspace shows of the FAQ: beside a problem's form, the matches for what was typed (a
    refused form's text) or else for the problem as recorded; in the answer and handover forms, the matches for the
    problem as recorded (restated, when it was). Searched only when such a form is open."""
    recorded = view.restatement or view.problem
    typed = values.get("text") if failed in PROBLEM_STEPS else None
    problem = matches(faq, here, typed or recorded, lang) if set(PROBLEM_STEPS) & set(forms) else []
    answering = matches(faq, here, recorded, lang) if set(ANSWERING_STEPS) & set(forms) else []
    return {"faq_problem": problem, "faq_problem_query": typed or recorded or "", "faq_recorded": answering,
            **faq_words(faq, here),
            "faq_cited": values.get("faq", "").split() if failed == "answer_problem" else []}


def faq_words(faq: FaqQueries, here: OfficeId) -> dict[str, Callable[..., str]]:
    """What the templates call: an entry's page, its question as this office reads it now ("" for one it no longer
    holds: for what a handover recorded as shown), and a cited entry as the report prints it."""
    def question(entry_id: UUID) -> str:
        hit = faq.entry(here.value, entry_id)
        return hit.question if hit is not None else ""

    return {"faq_entry_href": entry_href, "faq_question": question, "faq_citation": labels.faq_citation}


# Reading the forms.

def _all(data: dict[str, Any], name: str) -> list[str]:
    """Every value a form sent under `name` (ticked checkboxes, hidden inputs): one, several or none."""
    value = data.get(name)
    values = value if isinstance(value, list) else [value] if value is not None else []
    return [v.strip() for v in values if isinstance(v, str) and v.strip()]


def cited_entries(data: dict[str, Any]) -> list[UUID]:
    """The entries ticked "Kutip entri ini". A value that is no entry id was never offered by the form: refused as a
    bad request (400); whether an id may be cited is the service's to say."""
    try:
        return [UUID(value) for value in _all(data, "faq")]
    except ValueError:
        raise ValidationException() from None


def shown_entries(data: dict[str, Any]) -> list[Citation]:
    """What the handover form showed of the FAQ (its hidden `faq_shown` inputs, `<id>:<version>`); none means the
    problem is not in the FAQ. A value the form never wrote is a bad request (400)."""
    shown = []
    for value in _all(data, "faq_shown"):
        entry, _, version = value.partition(":")
        try:
            shown.append(Citation(UUID(entry), int(version)))
        except ValueError:
            raise ValidationException() from None
    return shown


def typed_with_citations(data: dict[str, Any], cited: list[UUID]) -> dict[str, Any]:
    """The form's fields as typed, with the ticked entries in one field (kept ticked when the form comes back)."""
    return {**{k: v for k, v in data.items() if isinstance(v, str)}, "faq": " ".join(str(c) for c in cited)}


class FaqSuggestPages(Controller):
    include_in_schema = False

    @get("/konsultasi/faq-cocok", guards=[requires(Permission.READ_CONSULTATIONS)], sync_to_thread=True)
    def suggestions(self, request: Caller, faq: FaqDep, here: HereDep, q: FromQuery[str] = "",
                    text: FromQuery[str] = "") -> Template:
        """The panel's fragment: the matches for `q`, or for `text` (the problem's own field, as htmx sends it
        from the form's textarea)."""
        return page(request, here, "consultations/_faq_suggestions.html",
                    faq_problem=matches(faq, here.office, q or text, language(request)), faq_problem_query=q or text)


# The learning loop.

CasePage = Callable[..., Template]  # gateways/web/escalations.py: the case page, shown again with a refusal


def draft_from_case(request: Caller, workspace: Workspace, case_id: UUID, case_page: CasePage
                    ) -> Response[Any] | Template:
    """The case's answer, given at this office, becomes a draft entry of this office, opened for editing; a second
    click says it was drafted already and links that draft."""
    try:
        entry_id = workspace.helpdesk.draft_faq_from_case(request.user, case_id)
    except NotFound:
        raise NotFoundException() from None
    except NotPermitted:
        raise PermissionDeniedException() from None
    except DomainError as refused:
        drafted = refused.params.get("entry_id") if isinstance(refused, FaqCaseAlreadyDrafted) else None
        return case_page(request, workspace, case_id, status_code=409,
                         errors={"": message(refused.code, language(request))},
                         drafted=f"{entry_href(drafted)}/ubah" if drafted else None)
    return Redirect(f"{entry_href(entry_id)}/ubah", status_code=303)


def may_draft_from_case(role: Role, answer_office: str | None, here: OfficeId) -> bool:
    """The button shows where the service would take it: an answer given at this office, a role that keeps the
    FAQ."""
    return answer_office == here.value and may(role, Permission.MANAGE_FAQ)
