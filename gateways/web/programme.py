"""The Ketua's programme of activities (/program-kerja, "Program Kerja", SOP A.2.a): a year's items with their state
and note, planning an item (the Ketua and the Sekretaris), moving it (they, or the item's person responsible for its
progress), and the signed PDF (the API's URL). Every staff member reads it."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from litestar import Controller, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from domain.errors import DomainError
from domain.programme_values import FIRST_YEAR, LAST_YEAR, MOVES, ItemState, check_year
from domain.roles import Permission, may
from gateways.edge.auth import requires
from gateways.edge.deps import Caller, ClockDep, HelpdeskDep, Here, HereDep, ProgrammeDep, UsersDep
from gateways.edge.errors import STATUS_OF_KIND
from gateways.messages import label
from gateways.reports.dates import today
from gateways.web.forms import Form, field_errors
from gateways.web.render import language, page
from projections.programme_queries import ProgrammeQueries
from projections.user_queries import UserQueries

PLAN = [requires(Permission.MANAGE_PROGRAMME)]
Year = FromPath[int]


def parse_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None


class ProgrammePages(Controller):
    path = "/program-kerja"
    include_in_schema = False
    guards = [requires(Permission.READ_CONSULTATIONS)]

    @get("/", sync_to_thread=True)
    def programme_page(self, request: Caller, here: HereDep, clock: ClockDep, programme: ProgrammeDep,
                       users: UsersDep, tahun: FromQuery[int | None] = None) -> Template:
        year = tahun if tahun is not None and FIRST_YEAR <= tahun <= LAST_YEAR else today(clock(), here.office).year
        return _page(request, here, programme, users, year, {}, {})

    @post("/{year:int}", guards=PLAN, sync_to_thread=True)
    def plan(self, request: Caller, here: HereDep, helpdesk: HelpdeskDep, programme: ProgrammeDep, users: UsersDep,
             year: Year, data: Form) -> Response[Any] | Template:
        check_year(year)  # a year no programme can have: refused before any page is built for it
        values = {key: str(data.get(key, "") or "") for key in ("activity", "planned_on", "responsible")}
        try:
            helpdesk.plan_programme_item(request.user, year, values["activity"], parse_day(values["planned_on"]),
                                         values["responsible"] or None)
        except DomainError as error:
            if error.kind == "forbidden":
                raise
            return _page(request, here, programme, users, year, values, field_errors(error, language(request)),
                         status_code=STATUS_OF_KIND[error.kind])
        return Redirect(f"/program-kerja?tahun={year}", status_code=303)

    @post("/{year:int}/{item_id:uuid}/status", sync_to_thread=True)
    def move(self, request: Caller, here: HereDep, helpdesk: HelpdeskDep, programme: ProgrammeDep, users: UsersDep,
             year: Year, item_id: FromPath[UUID], data: Form) -> Response[Any] | Template:
        check_year(year)
        values = {"state": str(data.get("state", "") or ""), "note": str(data.get("note", "") or "")}
        try:
            helpdesk.move_programme_item(request.user, year, item_id, values["state"], values["note"])
        except DomainError as error:
            if error.kind == "forbidden" or (error.kind == "not_found" and not error.field):
                raise
            errors = {f"{item_id}-{k}": v for k, v in field_errors(error, language(request)).items()}
            return _page(request, here, programme, users, year, {f"{item_id}-note": values["note"]}, errors,
                         status_code=STATUS_OF_KIND[error.kind])
        return Redirect(f"/program-kerja?tahun={year}", status_code=303)


def _page(request: Caller, here: Here, programme: ProgrammeQueries, users: UserQueries, year: int,
          values: dict[str, str], errors: dict[str, str], status_code: int = 200) -> Template:
    user = request.user
    staff = [(u.username, u.full_name) for u in users.list(user.office_id) if u.active]
    can_plan = may(user.role, Permission.MANAGE_PROGRAMME)
    items = programme.items(user.office_id, year)
    lang = language(request)
    states = {state.value: label("programme_state", state.value, lang) for state in ItemState}
    # The moves each item offers the caller: the planners every allowed one, the person responsible its progress.
    moves = {
        item.id: [s.value for s in MOVES[ItemState(item.state)]
                  if can_plan or (item.responsible == user.username and s is not ItemState.CANCELLED)]
        for item in items
    }
    years = sorted({year, *programme.years(user.office_id)}, reverse=True)
    return page(request, here, "programme/index.html", status_code=status_code, year=year, years=years, items=items,
                states=states, moves=moves, staff=staff, names=dict(staff), values=values, errors=errors,
                can_plan=can_plan, pdf_url=f"/api/programme/{year}?format=pdf")
