"""The FAQ Sipol pages for the office's staff (/faq-sipol, issue 15): search and the lists by status (published, drafts,
retired, received from the offices above) filtered by topic, an entry with its versions, and for the roles that keep
the FAQ (domain/roles.py MANAGE_FAQ) the forms that write, edit, publish, revise and retire this office's entries.
Every list and search reads projections/faq_queries.py; every change is one command of services/faq.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from litestar import Controller, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from domain.errors import DomainError
from domain.faq_values import REACH, Reach
from domain.roles import Permission, may
from gateways.edge.auth import requires
from gateways.edge.deps import Caller, FaqDep, HelpdeskDep, Here, HereDep
from gateways.edge.errors import STATUS_OF_KIND
from gateways.edge.faq import drafts_shown, found, listed, own_entry, readable_entry, received
from gateways.reports.dates import stamp
from gateways.web.faq_view import (
    BASIS_KINDS,
    STATUS_OF_TAB,
    TOPICS,
    basis_rows,
    form_errors,
    form_values,
    owner_for_staff,
    read_form,
    words,
)
from gateways.web.forms import Form
from gateways.web.paging import PAGE_SIZE, page_number, pager, typed
from gateways.web.render import language, page
from projections.faq_queries import FaqHit, FaqQueries

MANAGE = [requires(Permission.MANAGE_FAQ)]
COUNT_OF_TAB = {"terbit": "published", "draf": "draft", "ditarik": "retired", "atas": "received"}
EntryId = FromPath[UUID]
Query = FromQuery[str | None]
BASE = "/faq-sipol"
# Who receives an entry when this office publishes it, by whom the office's entries speak for (domain/faq_values.py).
PUBLISH_NOTICES = {
    Reach.NATIONAL: "Entri ini akan dikirim ke semua kantor KPU provinsi dan kabupaten/kota, dan berlaku di sana.",
    Reach.REGIONAL: "Entri ini akan dikirim ke semua kantor KPU kabupaten/kota di provinsi ini, dan berlaku di sana.",
    Reach.LOCAL: "Entri ini hanya berlaku di kantor ini; tidak dikirim ke kantor lain.",
}
RETIRE_NOTICES = {
    Reach.NATIONAL: "Entri ini akan ditarik juga dari semua kantor yang telah menerimanya.",
    Reach.REGIONAL: "Entri ini akan ditarik juga dari kantor kabupaten/kota yang telah menerimanya.",
    Reach.LOCAL: "Entri ini tidak lagi ditampilkan maupun dapat dikutip.",
}


class FaqPages(Controller):
    path = BASE
    include_in_schema = False
    guards = [requires(Permission.READ_CONSULTATIONS)]

    @get("/", sync_to_thread=True)
    def entries(self, request: Caller, here: HereDep, faq: FaqDep, q: Query = None, daftar: Query = None,
                topik: Query = None, halaman: Query = None) -> Template:
        return _list(request, here, faq, typed({"q": q, "daftar": daftar, "topik": topik}), page_number(halaman))

    @get("/baru", guards=MANAGE, sync_to_thread=False)
    def new(self, request: Caller, here: HereDep) -> Template:
        return _form(request, here, None, form_values(None), {})

    @post("/", guards=MANAGE, sync_to_thread=True)
    def create(self, request: Caller, here: HereDep, helpdesk: HelpdeskDep, data: Form) -> Response[Any] | Template:
        given, values = read_form(data)
        try:
            entry_id = helpdesk.draft_faq(request.user, given)
        except DomainError as error:
            return _refused(request, here, None, values, error)
        return Redirect(f"{BASE}/{entry_id}", status_code=303)

    @get("/{entry_id:uuid}", sync_to_thread=True)
    def entry(self, request: Caller, here: HereDep, faq: FaqDep, entry_id: EntryId) -> Template:
        hit = _visible(faq, request, entry_id)
        return page(request, here, "faq/entry.html", entry=hit, versions=faq.versions(entry_id),
                    **_shown(request, here, hit))

    @get("/{entry_id:uuid}/ubah", guards=MANAGE, sync_to_thread=True)
    def edit(self, request: Caller, here: HereDep, faq: FaqDep, entry_id: EntryId) -> Template:
        hit = _own(faq, request, entry_id)
        return _form(request, here, hit, form_values(hit), {})

    @post("/{entry_id:uuid}/ubah", guards=MANAGE, sync_to_thread=True)
    def save_draft(self, request: Caller, here: HereDep, helpdesk: HelpdeskDep, faq: FaqDep, entry_id: EntryId,
                   data: Form) -> Response[Any] | Template:
        given, values = read_form(data)
        return _change(request, here, faq, entry_id, values,
                       lambda: helpdesk.edit_faq_draft(request.user, entry_id, given))

    @post("/{entry_id:uuid}/revisi", guards=MANAGE, sync_to_thread=True)
    def revise(self, request: Caller, here: HereDep, helpdesk: HelpdeskDep, faq: FaqDep, entry_id: EntryId,
               data: Form) -> Response[Any] | Template:
        given, values = read_form(data)
        return _change(request, here, faq, entry_id, values,
                       lambda: helpdesk.revise_faq(request.user, entry_id, given))

    @get("/{entry_id:uuid}/terbitkan", guards=MANAGE, sync_to_thread=True)
    def confirm_publish(self, request: Caller, here: HereDep, faq: FaqDep, entry_id: EntryId) -> Template:
        return _confirm(request, here, _own(faq, request, entry_id), "publish", {})

    @post("/{entry_id:uuid}/terbitkan", guards=MANAGE, sync_to_thread=True)
    def publish(self, request: Caller, here: HereDep, helpdesk: HelpdeskDep, faq: FaqDep, entry_id: EntryId
                ) -> Response[Any] | Template:
        return _act(request, here, faq, entry_id, "publish", {},
                    lambda: helpdesk.publish_faq(request.user, entry_id))

    @get("/{entry_id:uuid}/tarik", guards=MANAGE, sync_to_thread=True)
    def confirm_retire(self, request: Caller, here: HereDep, faq: FaqDep, entry_id: EntryId) -> Template:
        return _confirm(request, here, _own(faq, request, entry_id), "retire", {})

    @post("/{entry_id:uuid}/tarik", guards=MANAGE, sync_to_thread=True)
    def retire(self, request: Caller, here: HereDep, helpdesk: HelpdeskDep, faq: FaqDep, entry_id: EntryId,
               data: Form) -> Response[Any] | Template:
        reason = data.get("reason", "")
        reason = reason if isinstance(reason, str) else ""
        return _act(request, here, faq, entry_id, "retire", {"reason": reason},
                    lambda: helpdesk.retire_faq(request.user, entry_id, reason))


def _list(request: Caller, here: Here, faq: FaqQueries, query: dict[str, str], number: int) -> Template:
    user = request.user
    # Drafts are the writers' own; the centre has no office above to receive from.
    tabs = [tab for tab in STATUS_OF_TAB
            if (tab != "draf" or drafts_shown(user.role)) and (tab != "atas" or here.office.parent is not None)]
    tab = query["daftar"] if query["daftar"] in tabs else "terbit"
    topic = query["topik"] if query["topik"] in TOPICS else ""
    kept = {key: value for key, value in (("q", query["q"]), ("daftar", tab), ("topik", topic)) if value}
    if query["q"]:
        hits = found(faq, user.office_id, user.role, query["q"], None, topic or None, PAGE_SIZE)
        total = len(hits)
    elif tab == "atas":
        hits, total = received(faq, user.office_id, topic or None, number, PAGE_SIZE)
    else:
        hits, total = listed(faq, user.office_id, user.role, STATUS_OF_TAB[tab], topic or None, True, number,
                             PAGE_SIZE)
    return page(request, here, "faq/index.html", hits=hits, query=query, tab=tab, tabs=tabs, topic=topic,
                topics=TOPICS, tab_status=STATUS_OF_TAB, counts=_counts(faq.counts(user.office_id)),
                pager=pager(BASE, kept, number, len(hits), total), searching=bool(query["q"]),
                **_shown(request, here, None))


def _counts(counts: dict[str, int]) -> dict[str, int]:
    """The read model's counts by tab: its own entries by status, and those received from above."""
    return {tab: counts.get(key, 0) for tab, key in COUNT_OF_TAB.items()}


def _shown(request: Caller, here: Here, hit: FaqHit | None) -> dict[str, Any]:
    """What every FAQ page names: the labels, whose each entry is, and what this caller may do with `hit`."""
    lang = language(request)
    writer = may(request.user.role, Permission.MANAGE_FAQ)
    own = hit is not None and hit.owner == here.office.value
    return {"owner_label": lambda owner: owner_for_staff(owner, here.office, lang),
            "stamp": lambda moment: stamp(moment, here.office, lang), "can_write": writer,
            "can_change": writer and own and hit is not None and hit.status != "retired", **words(lang)}


def _visible(faq: FaqQueries, request: Caller, entry_id: UUID) -> FaqHit:
    return readable_entry(faq, request.user.office_id, request.user.role, entry_id)


def _own(faq: FaqQueries, request: Caller, entry_id: UUID) -> FaqHit:
    return own_entry(faq, request.user.office_id, request.user.role, entry_id)


def _form(request: Caller, here: Here, hit: FaqHit | None, values: dict[str, Any], errors: dict[str, str],
          status_code: int = 200) -> Template:
    """The entry's form: a new draft (no `hit`), a draft edited, or a published entry's next version."""
    action = f"{BASE}/{hit.entry_id}/{'revisi' if hit.status == 'published' else 'ubah'}" if hit else BASE
    return page(request, here, "faq/form.html", status_code=status_code, entry=hit, action=action, values=values,
                rows=basis_rows(values), errors=errors, topics=TOPICS, basis_kinds=BASIS_KINDS,
                **_shown(request, here, hit))


def _refused(request: Caller, here: Here, hit: FaqHit | None, values: dict[str, Any], error: DomainError
             ) -> Template:
    """The form again with what was typed and every refusal beside its field; a refused role is answered as such."""
    if error.kind in ("forbidden", "not_found"):
        raise error
    return _form(request, here, hit, values, form_errors(error, language(request)),
                 status_code=STATUS_OF_KIND[error.kind])


def _change(request: Caller, here: Here, faq: FaqQueries, entry_id: UUID, values: dict[str, Any],
            command: Callable[[], object]) -> Response[Any] | Template:
    hit = _own(faq, request, entry_id)
    try:
        command()
    except DomainError as error:
        return _refused(request, here, hit, values, error)
    return Redirect(f"{BASE}/{entry_id}", status_code=303)


def _confirm(request: Caller, here: Here, hit: FaqHit, action: str, values: dict[str, str],
             errors: dict[str, str] | None = None, status_code: int = 200) -> Template:
    reach = REACH[here.office.tier]
    notice = (PUBLISH_NOTICES if action == "publish" else RETIRE_NOTICES)[reach]
    return page(request, here, "faq/confirm.html", status_code=status_code, entry=hit, action=action,
                notice=notice, values=values, errors=errors or {}, **_shown(request, here, hit))


def _act(request: Caller, here: Here, faq: FaqQueries, entry_id: UUID, action: str, values: dict[str, str],
         command: Callable[[], object]) -> Response[Any] | Template:
    """Publishes or retires; back to the entry, or the confirmation again with the refusal."""
    hit = _own(faq, request, entry_id)
    try:
        command()
    except DomainError as error:
        if error.kind in ("forbidden", "not_found"):
            raise
        return _confirm(request, here, hit, action, values, form_errors(error, language(request)),
                        status_code=STATUS_OF_KIND[error.kind])
    return Redirect(f"{BASE}/{entry_id}", status_code=303)

