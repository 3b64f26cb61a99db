"""The office's party register page: the election period's national list and the calon peserta the office added
(by the Ketua or a coordinator), so the desk picks them instead of typing them each time."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get, post
from litestar.response import Redirect, Template

from domain.errors import DomainError
from domain.offices import OfficeId
from domain.parties import Party, PartyRegister
from domain.roles import Permission, may
from gateways.edge.auth import requires
from gateways.edge.deps import Caller, HelpdeskDep, Here, HereDep, PartiesDep, PartyListDep
from gateways.web.forms import Form, field_errors
from gateways.web.render import language, page
from projections.parties import PartyQueries


class PartyPages(Controller):
    path = "/partai"
    include_in_schema = False
    guards = [requires(Permission.READ_CONSULTATIONS)]

    @get("/", sync_to_thread=True)
    def parties(self, request: Caller, here: HereDep, parties: PartiesDep, party_list: PartyListDep) -> Template:
        return _page(request, here, parties, party_list, {}, {})

    @post("/", guards=[requires(Permission.MANAGE_PARTIES)], sync_to_thread=True)
    def add(self, request: Caller, helpdesk: HelpdeskDep, here: HereDep, parties: PartiesDep,
            party_list: PartyListDep, data: Form) -> Response[Any] | Template:
        values = {key: str(data.get(key, "") or "").strip() for key in ("name", "abbreviation")}
        user = request.user
        try:
            helpdesk.add_party(user.office_id, values["name"], values["abbreviation"] or None, user.username)
        except DomainError as error:
            if error.kind in ("not_found", "forbidden"):
                raise
            return _page(request, here, parties, party_list, values, field_errors(error, language(request)),
                         status_code=422)
        return Redirect("/partai", status_code=303)

    @post("/hapus", guards=[requires(Permission.MANAGE_PARTIES)], sync_to_thread=True)
    def remove(self, request: Caller, helpdesk: HelpdeskDep, here: HereDep, parties: PartiesDep,
               party_list: PartyListDep, data: Form) -> Response[Any] | Template:
        user = request.user
        try:
            helpdesk.remove_party(user.office_id, str(data.get("name", "") or ""), user.username)
        except DomainError as error:
            if error.kind == "forbidden":
                raise
            return _page(request, here, parties, party_list, {},
                         {"": next(iter(field_errors(error, language(request)).values()))}, status_code=422)
        return Redirect("/partai", status_code=303)


def _page(request: Caller, here: Here, parties: PartyRegister, party_list: PartyQueries, values: dict[str, str],
          errors: dict[str, str], status_code: int = 200) -> Template:
    office_id = request.user.office_id
    return page(request, here, "parties/index.html", status_code=status_code, national=parties.parties,
                added=party_list.added(office_id), period=here.election_period, values=values,
                errors=errors, can_manage=may(request.user.role, Permission.MANAGE_PARTIES))


def party_choices(party_list: PartyQueries, office: OfficeId, office_id: str) -> dict[str, list[Party]]:
    """The parties a form offers: those with a ballot number to pick, the others (the office's additions) to suggest
    while typing a name, since any calon peserta may be written in. Aceh's local parties stand only in Aceh."""
    aceh = office.province_code == "11"
    known = [party for party in party_list.register(office_id).parties if aceh or not party.local]
    return {"parties": [p for p in known if p.number is not None],
            "other_parties": [p for p in known if p.number is None]}
