"""The Koordinator's evaluation pages (/evaluasi, "Evaluasi Layanan", SOP A.4a.3): the office's evaluations and the
follow-ups still open; a new one for a period (this week, last week, this month, last month, or chosen days); one
evaluation with its figures, notes and follow-ups; finalising it after a confirmation; its signed PDF (the API's URL).
Every staff member reads them (the decree evaluates "bersama Helpdesk"); the Koordinator writes them, and a
follow-up's owner marks it done."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from litestar import Controller, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from domain.errors import DomainError
from domain.evaluation_values import EvaluationExists
from domain.roles import Permission, may
from gateways.edge.auth import requires
from gateways.edge.deps import Caller, ClockDep, EvaluationsDep, HelpdeskDep, Here, HereDep, UsersDep
from gateways.edge.errors import STATUS_OF_KIND
from gateways.reports.dates import stamp, today
from gateways.web.forms import Form, field_errors
from gateways.web.i18n import translator
from gateways.web.render import language, page
from projections.evaluation_queries import EvaluationQueries
from projections.user_queries import UserQueries
from services.helpdesk import Helpdesk

EvaluationId = FromPath[UUID]
CONFIRM = "ya"
EVALUATE = [requires(Permission.EVALUATE_SERVICE)]  # the Koordinator's; a follow-up's owner marks it done


def N_(text: str) -> str:  # noqa: N802 - gettext's marker: a text translated later, where it is shown
    return text


def periods(day: date) -> list[tuple[str, date, date]]:
    """The periods offered first: the week and the month so far, and the whole week and month before."""
    monday = day - timedelta(days=day.weekday())
    first_of_month = day.replace(day=1)
    last_month_end = first_of_month - timedelta(days=1)
    return [
        (N_("Minggu ini"), monday, day),
        (N_("Minggu lalu"), monday - timedelta(days=7), monday - timedelta(days=1)),
        (N_("Bulan ini"), first_of_month, day),
        (N_("Bulan lalu"), last_month_end.replace(day=1), last_month_end),
    ]


def parse_day(text: object) -> date | None:
    try:
        return date.fromisoformat(str(text or "").strip()) if str(text or "").strip() else None
    except ValueError:
        return None


def staff_choices(users: UserQueries, office_id: str) -> list[tuple[str, str]]:
    return [(u.username, u.full_name) for u in users.list(office_id) if u.active]


class EvaluationPages(Controller):
    path = "/evaluasi"
    include_in_schema = False
    guards = [requires(Permission.READ_CONSULTATIONS)]

    @get("/", sync_to_thread=True)
    def evaluations(self, request: Caller, here: HereDep, clock: ClockDep, evaluations: EvaluationsDep) -> Template:
        return _list(request, here, clock(), evaluations, {}, {})

    @post("/", guards=EVALUATE, sync_to_thread=True)
    def draft(self, request: Caller, here: HereDep, clock: ClockDep, helpdesk: HelpdeskDep,
              evaluations: EvaluationsDep, data: Form) -> Response[Any] | Template:
        values = {key: str(data.get(key, "") or "").strip() for key in ("period_start", "period_end")}
        _ = translator(language(request))
        first, last = parse_day(values["period_start"]), parse_day(values["period_end"])
        errors = {key: _("Tanggal tidak valid. Gunakan format TTTT-BB-HH.")
                  for key, day in (("period_start", first), ("period_end", last)) if day is None}
        if errors or first is None or last is None:
            return _list(request, here, clock(), evaluations, values, errors, status_code=422)
        try:
            evaluation_id = helpdesk.draft_evaluation(request.user, first, last)
        except EvaluationExists:
            # The period has its evaluation already: the Koordinator goes on with it.
            evaluation_id = helpdesk.evaluation_of_period(request.user.office_id, first, last)
        except DomainError as error:
            if error.kind == "forbidden":
                raise
            return _list(request, here, clock(), evaluations, values, field_errors(error, language(request)),
                         status_code=STATUS_OF_KIND[error.kind])
        return Redirect(f"/evaluasi/{evaluation_id}", status_code=303)

    @get("/{evaluation_id:uuid}", sync_to_thread=True)
    def evaluation(self, request: Caller, here: HereDep, helpdesk: HelpdeskDep, users: UsersDep,
                   evaluation_id: EvaluationId) -> Template:
        return _detail(request, here, helpdesk, users, evaluation_id, {}, {})

    @post("/{evaluation_id:uuid}/catatan", guards=EVALUATE, sync_to_thread=True)
    def add_note(self, request: Caller, here: HereDep, helpdesk: HelpdeskDep, users: UsersDep,
                 evaluation_id: EvaluationId, data: Form) -> Response[Any] | Template:
        values = {"text": str(data.get("text", "") or "")}
        return _change(request, here, helpdesk, users, evaluation_id, values,
                       lambda: helpdesk.add_evaluation_note(request.user, evaluation_id, values["text"]))

    @post("/{evaluation_id:uuid}/tindak-lanjut", guards=EVALUATE, sync_to_thread=True)
    def add_follow_up(self, request: Caller, here: HereDep, helpdesk: HelpdeskDep, users: UsersDep,
                      evaluation_id: EvaluationId, data: Form) -> Response[Any] | Template:
        values = {key: str(data.get(key, "") or "") for key in ("what", "owner", "due")}
        return _change(request, here, helpdesk, users, evaluation_id, values, lambda: helpdesk.add_follow_up(
            request.user, evaluation_id, values["what"], values["owner"] or None, parse_day(values["due"])))

    @post("/{evaluation_id:uuid}/tindak-lanjut/{follow_up_id:uuid}/selesai", sync_to_thread=True)
    def complete(self, request: Caller, here: HereDep, helpdesk: HelpdeskDep, users: UsersDep,
                 evaluation_id: EvaluationId, follow_up_id: FromPath[UUID]) -> Response[Any] | Template:
        return _change(request, here, helpdesk, users, evaluation_id, {},
                       lambda: helpdesk.complete_follow_up(request.user, evaluation_id, follow_up_id))

    @post("/{evaluation_id:uuid}/finalkan", guards=EVALUATE, sync_to_thread=True)
    def finalise(self, request: Caller, here: HereDep, helpdesk: HelpdeskDep, users: UsersDep,
                 evaluation_id: EvaluationId, data: Form) -> Response[Any] | Template:
        if str(data.get("confirm", "")) != CONFIRM:
            _ = translator(language(request))
            return _detail(request, here, helpdesk, users, evaluation_id, {},
                           {"confirm": _("Centang konfirmasi untuk memfinalkan evaluasi ini.")}, status_code=422)
        return _change(request, here, helpdesk, users, evaluation_id, {},
                       lambda: helpdesk.finalise_evaluation(request.user, evaluation_id))


def _change(request: Caller, here: Here, helpdesk: Helpdesk, users: UserQueries, evaluation_id: UUID,
            values: dict[str, str], command: Callable[[], object]) -> Response[Any] | Template:
    """Runs one change; back to the evaluation, or the evaluation again with every error beside its field."""
    try:
        command()
    except DomainError as error:
        if error.kind == "forbidden" or (error.kind == "not_found" and not error.field):
            raise
        return _detail(request, here, helpdesk, users, evaluation_id, values, field_errors(error, language(request)),
                       status_code=STATUS_OF_KIND[error.kind])
    return Redirect(f"/evaluasi/{evaluation_id}", status_code=303)


def _list(request: Caller, here: Here, now: Any, evaluations: EvaluationQueries, values: dict[str, str],
          errors: dict[str, str], status_code: int = 200) -> Template:
    office_id = request.user.office_id
    day = today(now, here.office)
    return page(request, here, "evaluations/index.html", status_code=status_code,
                evaluations=evaluations.list(office_id), mine=evaluations.open_follow_ups(office_id,
                                                                                       request.user.username),
                periods=periods(day), today=day, values=values, errors=errors,
                can_evaluate=may(request.user.role, Permission.EVALUATE_SERVICE))


def _detail(request: Caller, here: Here, helpdesk: Helpdesk, users: UserQueries, evaluation_id: UUID,
            values: dict[str, str], errors: dict[str, str], status_code: int = 200) -> Template:
    user = request.user
    view = helpdesk.evaluation_view(user.office_id, evaluation_id)
    staff = staff_choices(users, user.office_id)
    can_evaluate = may(user.role, Permission.EVALUATE_SERVICE)
    return page(request, here, "evaluations/detail.html", status_code=status_code, evaluation=view,
                figures=view.content.figures, names=dict(staff), staff=staff, values=values, errors=errors,
                can_evaluate=can_evaluate, can_change=can_evaluate and not view.finalised,
                finalised_at=stamp(view.finalised_at, here.office, language(request)) if view.finalised_at else "",
                pdf_url=f"/api/evaluations/{view.id}?format=pdf", username=user.username)
