"""The public FAQ Sipol page (/faq, issue 15): party liaisons search and browse, without logging in, the entries
published and valid at this office (its own, its province's, the centre's), in a small page that needs no script.
Nothing else is shown: no draft, no retired entry, nobody's name — an entry's owner is the office ("KPU",
"KPU Provinsi …") and its date. Each address may ask PUBLIC_REQUESTS_PER_MINUTE times a minute
(gateways/request_limit.py)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, SkipValidation
from litestar.response import Template

from domain.errors import NotFound
from gateways.edge.client_address import client_address
from gateways.edge.deps import FaqDep, Here, HereDep
from gateways.messages import message
from gateways.reports.dates import local, plain_date
from gateways.request_limit import RequestLimit
from gateways.web.faq_view import TOPICS, owner_for_public, words
from gateways.web.paging import page_number, pager, typed
from gateways.web.render import language, page

PATH = "/faq"
PUBLIC_REQUESTS_PER_MINUTE = 60  # a liaison reading on a phone asks a few pages a minute; a scraper many more
PUBLIC_PAGE_SIZE = 20  # small pages: a phone on a slow line
PUBLIC_HITS = 10  # the best answers to a question; more only lengthen the page
# Published entries are the same for everyone who reads this language (the cookie): a phone or a proxy may keep a
# page a few minutes, so a revision reaches readers within them.
PUBLIC_CACHE = {"Cache-Control": "public, max-age=300", "Vary": "Cookie"}
PUBLISHED = "published"
FaqLimitDep = NamedDependency[SkipValidation[RequestLimit]]  # faq_limit: the public page's own limiter
Visitor = Request[Any, Any, Any]


class PublicFaqPages(Controller):
    path = PATH
    include_in_schema = False
    # No login (`exclude_from_auth`): the liaisons read it; gateways/edge/access.py reads it as a public route.
    @get("/", sync_to_thread=True, exclude_from_auth=True)
    def search(self, request: Visitor, here: HereDep, faq: FaqDep, faq_limit: FaqLimitDep,
               q: FromQuery[str | None] = None, topik: FromQuery[str | None] = None,
               halaman: FromQuery[str | None] = None) -> Template:
        waited = _limited(request, here, faq_limit)
        if waited is not None:
            return waited
        query = typed({"q": q, "topik": topik})
        topic = query["topik"] if query["topik"] in TOPICS else ""
        number = page_number(halaman)
        if query["q"]:
            hits = [hit for hit in faq.search(here.office.value, query["q"], limit=PUBLIC_HITS)
                    if hit.status == PUBLISHED and (not topic or topic in hit.topics)]
            total = len(hits)
        else:
            hits, total = faq.entries(here.office.value, status=PUBLISHED, topic=topic or None, page=number,
                                      per_page=PUBLIC_PAGE_SIZE)
        kept = {key: value for key, value in (("q", query["q"]), ("topik", topic)) if value}
        return _public(request, here, "public_faq/index.html", hits=hits, query=query, topic=topic, topics=TOPICS,
                       searching=bool(query["q"]), pager=pager(PATH, kept, number, len(hits), total,
                                                               PUBLIC_PAGE_SIZE))

    @get("/{entry_id:uuid}", sync_to_thread=True, exclude_from_auth=True)
    def entry(self, request: Visitor, here: HereDep, faq: FaqDep, faq_limit: FaqLimitDep,
              entry_id: FromPath[UUID]) -> Template:
        waited = _limited(request, here, faq_limit)
        if waited is not None:
            return waited
        hit = faq.entry(here.office.value, entry_id)
        if hit is None or hit.status != PUBLISHED:
            raise NotFound(field="entry_id")  # a draft or a retired entry is not there for the public
        return _public(request, here, "public_faq/entry.html", entry=hit)


def _public(request: Visitor, here: Here, template: str, **context: Any) -> Template:
    lang = language(request)
    shown: dict[str, Any] = {"owner_label": owner_for_public, **words(lang), **context,
                             "day": lambda hit: plain_date(local(hit.changed_at, here.office).date(), lang)}
    response = page(request, here, template, **shown)
    response.headers.update(PUBLIC_CACHE)
    return response


def _limited(request: Visitor, here: Here, limit: RequestLimit) -> Template | None:
    """The page that says to wait (429, Retry-After) when this address asked too often; None when it may go on."""
    seconds = limit.seconds_to_wait(client_address(request))
    if seconds is None:
        return None
    response = page(request, here, "public_faq/wait.html", status_code=429,
                    text=message("too_many_requests", language(request)))
    response.headers["Retry-After"] = str(seconds)
    return response
