"""The case history of a province or the centre (`/eskalasi/riwayat`): every case received from the offices below,
open or long answered, searched, filtered and paged; the same query as `GET /api/escalations/history`."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Controller, get
from litestar.response import Template

from domain.escalation import CaseStatus
from domain.offices import OfficeId
from domain.roles import Permission
from gateways.edge.auth import requires
from gateways.edge.deps import Caller, EscalationsDep, HereDep
from gateways.reports.dates import stamp
from gateways.web.escalations import CASE_STATUSES, _office, _party, _summary
from gateways.web.i18n import DEFAULT, translator
from gateways.web.paging import PAGE_SIZE, day_errors, offset_of, page_number, pager, typed
from gateways.web.render import language, page
from projections.escalation_queries import CaseFilter
from projections.views import CaseSummary

FILTERS = ("cari", "status", "kantor", "partai", "dari", "sampai")


@dataclass(frozen=True)
class HistoryRow:
    href: str
    problem: str
    origin: str
    from_office: str
    party: str
    status: str  # Indonesian source text
    done: bool  # answered here or returned: no longer waiting
    received: str
    answered: str | None
    answer: str | None


class CaseHistoryPages(Controller):
    path = "/eskalasi/riwayat"
    include_in_schema = False
    guards = [requires(Permission.READ_CONSULTATIONS)]

    @get("/", sync_to_thread=True)
    def history(self, request: Caller, here: HereDep, escalations: EscalationsDep) -> Template:
        _ = translator(language(request))
        form = typed({name: request.query_params.get(name) for name in FILTERS})
        since, until, errors = day_errors(form["dari"], form["sampai"], _)
        number = page_number(request.query_params.get("halaman"))
        found = CaseFilter(text=form["cari"] or None, status=_status(form["status"]), office=form["kantor"] or None,
                           party=form["partai"] or None, since=since, until=until)
        result = None if errors else escalations.history(request.user.office_id, found, offset_of(number),
                                                              PAGE_SIZE)
        items = result.items if result else []
        query = {name: value for name, value in form.items() if value}
        return page(
            request, here, "escalations/history.html", status_code=422 if errors else 200,
            rows=[history_row(here.office, item, language(request)) for item in items],
            pager=pager("/eskalasi/riwayat", query, number, len(items), result.total if result else 0),
            form=form, errors=errors, filtered=bool(query),
            statuses=[(status.value, label) for status, label in CASE_STATUSES.items()],
        )


def history_row(office: OfficeId, item: CaseSummary, lang: str = DEFAULT) -> HistoryRow:
    return HistoryRow(
        href=f"/eskalasi/kasus/{item.id}", problem=_summary(item.problem), origin=_office(item.origin_office),
        from_office=_office(item.from_office), party=_party(item.party), status=CASE_STATUSES[item.status],
        done=item.status in (CaseStatus.ANSWERED, CaseStatus.RETURNED), received=stamp(item.received_at, office, lang),
        answered=stamp(item.answered_at, office, lang) if item.answered_at else None,
        answer=_summary(item.answer) if item.answer else None,
    )


def _status(text: str) -> CaseStatus | None:
    try:
        return CaseStatus(text) if text else None
    except ValueError:
        return None  # an old link or a hand-edited address filters nothing
