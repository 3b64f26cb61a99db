"""The office's consultation list page (`/konsultasi`): search, filters and paging over the consultations read
model, the same query as `GET /api/consultations`."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, TypeVar

from litestar.response import Template

from domain.parties import PartyRegister
from domain.script import Status, may_take
from domain.values import Channel
from gateways.edge.deps import Caller, Here
from gateways.reports import labels
from gateways.web.i18n import translator
from gateways.web.paging import PAGE_SIZE, day_errors, offset_of, page_number, pager, typed
from gateways.web.render import language, page
from gateways.web.workspace_view import template_helpers
from projections.consultation_queries import ConsultationFilter, ConsultationQueries
from projections.user_queries import UserQueries

# The form's fields, in Bahasa Indonesia like the pages' addresses.
FILTERS = ("cari", "status", "saluran", "petugas", "partai", "dari", "sampai")
E = TypeVar("E", bound=StrEnum)


def list_page(request: Caller, here: Here, consultations: ConsultationQueries, users: UserQueries,
              parties: PartyRegister) -> Template:
    _ = translator(language(request))
    office = request.user.office_id
    form = typed({name: request.query_params.get(name) for name in FILTERS})
    since, until, errors = day_errors(form["dari"], form["sampai"], _)
    number = page_number(request.query_params.get("halaman"))
    found = ConsultationFilter(
        text=form["cari"] or None, status=_member(Status, form["status"]), channel=_member(Channel, form["saluran"]),
        opened_by=form["petugas"] or None, party=form["partai"] or None, since=since, until=until,
    )
    # A range that cannot be read finds nothing rather than everything: the form says why, beside the field.
    result = None if errors else consultations.page(office, found, offset_of(number), PAGE_SIZE)
    items = result.items if result else []
    query = {name: value for name, value in form.items() if value}
    return page(
        request, here, "consultations/list.html", status_code=422 if errors else 200,
        items=items, pager=pager("/konsultasi", query, number, len(items), result.total if result else 0),
        form=form, errors=errors, filtered=bool(query), **_choices(users, parties, office),
        can_serve=may_take(request.user.role, "open_consultation"), **template_helpers(here.office),
    )


def _choices(users: UserQueries, parties: PartyRegister, office: str) -> dict[str, Any]:
    """What the filter form offers: every status and channel, the office's staff, the register's parties."""
    return {
        "statuses": [(s.value, labels.status(s.value)) for s in Status],
        "channels": [(c.value, labels.channel(c.value)) for c in Channel],
        "staff": [(u.username, u.full_name) for u in users.list(office)],
        "parties": [p.abbreviation or p.name for p in parties.parties],
    }


def _member(kind: type[E], text: str) -> E | None:
    """The enum member a select sent; anything else (an old link, a hand-edited address) filters nothing."""
    try:
        return kind(text) if text else None
    except ValueError:
        return None
