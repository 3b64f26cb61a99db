"""The escalation inbox of the commissioner, the province and the centre: what waits here, what went up,
and one case with the forms for what it allows now (accept, answer, ask the office below, forward up,
pass a question from above down, clarify upward)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from domain.consultation import Status
from domain.errors import DomainError, InvalidOffice, NotFound, NotPermitted
from domain.escalation import CaseStatus
from domain.hops import HopState
from domain.offices import OfficeId, Tier, parse_office_id
from domain.parties import Party
from domain.roles import Permission, may
from domain.sop import Step
from domain.values import BasisKind
from gateways.edge.auth import requires
from gateways.edge.deps import CaseStepsDep, EscalationsDep
from gateways.reference import office_name
from gateways.reports.dates import stamp
from gateways.reports.labels import BASES, hop_state
from gateways.web.evidence import evidence_rows
from gateways.web.faq_suggest import (
    DRAFT_FROM_CASE,
    cited_entries,
    draft_from_case,
    faq_words,
    matches,
    may_draft_from_case,
)
from gateways.web.forms import Form, field_errors
from gateways.web.render import language, page
from gateways.web.workspace_view import Workspace, WorkspaceDep, case_outgoing, clock_of, own_part
from projections.clock_queries import OpenClock
from projections.views import InboxItem, OutgoingItem
from services.views import CaseView, HopView, UserView


def N_(text: str) -> str:  # noqa: N802 - gettext's marker: a text translated later, in the template
    return text


CASE_STATUSES = {
    CaseStatus.RECEIVED: N_("Baru diterima"),
    CaseStatus.ACCEPTED: N_("Sedang ditangani"),
    CaseStatus.CLARIFICATION_REQUESTED: N_("Menunggu klarifikasi dari kantor di bawah"),
    CaseStatus.FORWARDED: N_("Diteruskan ke atas"),
    CaseStatus.CLARIFICATION_FROM_ABOVE: N_("Klarifikasi diminta dari atas"),
    CaseStatus.QUESTION_PASSED_DOWN: N_("Pertanyaan dari atas diteruskan ke bawah"),
    CaseStatus.ANSWERED: N_("Dijawab"),
    CaseStatus.RETURNED: N_("Selesai"),
}

# The consultations of this office that wait in its inbox.
CONSULTATION_STATUSES = {
    Status.WITH_COMMISSIONER.value: N_("Pada Anggota KPU"),
    Status.CLARIFICATION_REQUESTED.value: N_("Klarifikasi diminta dari atas"),
}

LEVELS = {"warning_50": (N_("lewat 50 %"), "warn"), "warning_75": (N_("lewat 75 %"), "warn"),
          "breach": (N_("melewati standar"), "bad")}

# Form posts of the case page: the slug in the address and the fields each one sends.
ACCEPT, ANSWER, ASK, FORWARD, PASS_DOWN, CLARIFY = (
    "terima", "jawab", "minta-klarifikasi", "teruskan", "teruskan-pertanyaan", "klarifikasi")
# The case's steps (domain/escalation.py CASE_STEPS) and the form each one is offered as.
FORM_OF_STEP = {"accept": ACCEPT, "answer_here": ANSWER, "ask_clarification": ASK, "forward_up": FORWARD,
                "pass_question_down": PASS_DOWN, "clarify_upward": CLARIFY}
# A domain error's field (as forms.field_errors names it) → the input it is shown beside.
FIELD_INPUTS = {
    ANSWER: {"text": "jawaban", "bases": "jenis-dasar", "kind": "jenis-dasar", "reference": "rujukan-dasar",
             "faq": "faq-kutip"},
    ASK: {"question": "pertanyaan"},
    FORWARD: {"note": "catatan"},
    CLARIFY: {"text": "klarifikasi"},
}
SUMMARY_CHARS = 140
# Who may post a case's forms: the case team and the commissioner, as before anyone else could read the pages.
ACT = [requires(Permission.HANDLE_CASES, Permission.DECIDE_ESCALATIONS)]


@dataclass(frozen=True)
class InboxRow:
    href: str
    kind: str  # "case" | "consultation"
    status: str  # Indonesian source text
    origin: str
    party: str
    problem: str
    question: str | None
    received: str
    waited_s: int
    level: str | None  # the SOP level of the escalated-answer standard reached, if any
    level_label: str | None
    level_class: str | None


@dataclass(frozen=True)
class OutgoingRow:
    href: str
    kind: str
    origin: str
    party: str
    problem: str
    upper: str
    state: HopState
    state_label: str
    sent: str
    last: str | None  # the latest moment of the hop, when past "sent"


@dataclass(frozen=True)
class HopRow:
    title: str  # Indonesian source text
    lower: str
    upper: str
    state_label: str
    moments: list[tuple[str, str]]  # (Indonesian source label, local time and who)


class EscalationPages(Controller):
    path = "/eskalasi"
    include_in_schema = False
    # Every role reads (Ketua, Sekretaris and Koordinator follow the desk, read-only); each form post is guarded.
    guards = [requires(Permission.READ_CONSULTATIONS)]

    @get("/", sync_to_thread=True)
    def inbox(self, request: Request[UserView, Any, Any], escalations: EscalationsDep, workspace: WorkspaceDep
              ) -> Template:
        user, here, lang = request.user, workspace.here, language(request)
        waiting = [item for item in escalations.inbox(user.office_id, user.role)
                   if item.status != CaseStatus.FORWARDED.value]  # a forwarded case shows below, with its hop
        sent = escalations.outgoing(user.office_id)
        now = workspace.clock()
        standard_s = here.standards.seconds(Step.ESCALATED_ANSWER)
        # Each waiting item's own step-4 clock at this office (the commissioner's, or this office's on a case).
        clocks = {c.consultation_id: c for c in workspace.clocks.open_now(user.office_id, now)
                  if c.step is Step.ESCALATED_ANSWER}
        # An htmx refresh needs only the tables; a full request gets the page around them.
        template = "escalations/tables.html" if request.headers.get("hx-request") == "true" else \
            "escalations/inbox.html"
        return page(request, here, template,
                    inbox=[_inbox_row(here.office, item, now, clocks.get(item.id), lang) for item in waiting],
                    outgoing=[_outgoing_row(here.office, item, lang) for item in sent],
                    standard_minutes=standard_s // 60, receives_cases=here.office.tier is not Tier.KABKOTA)

    @get("/kasus/{case_id:uuid}", sync_to_thread=True)
    def case(self, request: Request[UserView, Any, Any], workspace: WorkspaceDep, case_id: FromPath[UUID]) -> Template:
        return _workspace(request, workspace, case_id)

    @get("/kasus/{case_id:uuid}/jam", sync_to_thread=True)
    def case_clock(self, request: Request[UserView, Any, Any], workspace: WorkspaceDep, case_id: FromPath[UUID]
                   ) -> Template:
        """This office's step 4 on the case (its own 15 minutes), refreshed in place every 15 s."""
        try:
            case = workspace.helpdesk.get_case(request.user.office_id, case_id)
        except NotFound:
            raise NotFoundException() from None
        return page(request, workspace.here, "escalations/clock.html", case=case,
                    **_case_clock(workspace, case, language(request)))

    @post(f"/kasus/{{case_id:uuid}}/{ACCEPT}", guards=ACT, sync_to_thread=True)
    def accept(self, request: Request[UserView, Any, Any], case_steps: CaseStepsDep, workspace: WorkspaceDep,
               case_id: FromPath[UUID]) -> Response[Any] | Template:
        return _step(request, workspace, case_id, ACCEPT, {}, lambda: case_steps.accept(case_id))

    @post(f"/kasus/{{case_id:uuid}}/{ANSWER}", guards=ACT, sync_to_thread=True)
    def answer(self, request: Request[UserView, Any, Any], case_steps: CaseStepsDep, workspace: WorkspaceDep,
               case_id: FromPath[UUID], data: Form) -> Response[Any] | Template:
        text, kind, reference = _text(data, "text"), _text(data, "kind"), _text(data, "reference")
        bases = [(kind, reference)] if kind or reference.strip() else []
        faq = cited_entries(data)  # the FAQ Sipol entries ticked "Kutip entri ini" (gateways/web/faq_suggest.py)
        typed = {"text": text, "kind": kind, "reference": reference, "faq": " ".join(map(str, faq))}
        return _step(request, workspace, case_id, ANSWER, typed, lambda: case_steps.answer(case_id, text, bases, faq))

    @post(f"/kasus/{{case_id:uuid}}/{DRAFT_FROM_CASE}", guards=[requires(Permission.MANAGE_FAQ)], sync_to_thread=True)
    def draft_faq(self, request: Request[UserView, Any, Any], workspace: WorkspaceDep, case_id: FromPath[UUID]
                  ) -> Response[Any] | Template:
        """The learning loop: the answer given here becomes a draft FAQ Sipol entry (gateways/web/faq_suggest.py)."""
        return draft_from_case(request, workspace, case_id, _workspace)

    @post(f"/kasus/{{case_id:uuid}}/{ASK}", guards=ACT, sync_to_thread=True)
    def ask(self, request: Request[UserView, Any, Any], case_steps: CaseStepsDep, workspace: WorkspaceDep,
            case_id: FromPath[UUID], data: Form) -> Response[Any] | Template:
        question = _text(data, "question")
        return _step(request, workspace, case_id, ASK, {"question": question},
                     lambda: case_steps.ask_clarification(case_id, question))

    @post(f"/kasus/{{case_id:uuid}}/{FORWARD}", guards=ACT, sync_to_thread=True)
    def forward(self, request: Request[UserView, Any, Any], case_steps: CaseStepsDep, workspace: WorkspaceDep,
                case_id: FromPath[UUID], data: Form) -> Response[Any] | Template:
        note = _text(data, "note")
        return _step(request, workspace, case_id, FORWARD, {"note": note}, lambda: case_steps.forward(case_id, note))

    @post(f"/kasus/{{case_id:uuid}}/{FORWARD}/pratinjau", guards=ACT, sync_to_thread=True)
    def forward_preview(self, request: Request[UserView, Any, Any], workspace: WorkspaceDep, case_id: FromPath[UUID],
                        data: Form) -> Template:
        """The case again with the typed note kept and shown as it will leave; nothing is sent."""
        return _workspace(request, workspace, case_id, failed=FORWARD, values={"note": _text(data, "note")})

    @post(f"/kasus/{{case_id:uuid}}/{CLARIFY}/pratinjau", guards=ACT, sync_to_thread=True)
    def clarify_preview(self, request: Request[UserView, Any, Any], workspace: WorkspaceDep, case_id: FromPath[UUID],
                        data: Form) -> Template:
        """The case again with the typed clarification kept and shown as it will leave; nothing is sent."""
        return _workspace(request, workspace, case_id, failed=CLARIFY, values={"text": _text(data, "text")})

    @post(f"/kasus/{{case_id:uuid}}/{PASS_DOWN}", guards=ACT, sync_to_thread=True)
    def pass_down(self, request: Request[UserView, Any, Any], case_steps: CaseStepsDep, workspace: WorkspaceDep,
                  case_id: FromPath[UUID]) -> Response[Any] | Template:
        return _step(request, workspace, case_id, PASS_DOWN, {}, lambda: case_steps.pass_question_down(case_id))

    @post(f"/kasus/{{case_id:uuid}}/{CLARIFY}", guards=ACT, sync_to_thread=True)
    def clarify(self, request: Request[UserView, Any, Any], case_steps: CaseStepsDep, workspace: WorkspaceDep,
                case_id: FromPath[UUID], data: Form) -> Response[Any] | Template:
        text = _text(data, "text")
        return _step(request, workspace, case_id, CLARIFY, {"text": text},
                     lambda: case_steps.clarify_upward(case_id, text))


def _text(data: dict[str, Any], name: str) -> str:
    value = data.get(name, "")
    return value if isinstance(value, str) else ""


def _step(request: Request[UserView, Any, Any], workspace: Workspace, case_id: UUID, action: str,
          values: dict[str, str], command: Callable[[], None]) -> Response[Any] | Template:
    """Runs one command as the caller at the caller's office; back to the case, or the case again with the
    refusal beside the field it concerns (or at the top) and what was typed."""
    try:
        command()
    except NotFound:
        raise NotFoundException() from None
    except NotPermitted:
        raise PermissionDeniedException() from None
    except DomainError as error:
        return _workspace(request, workspace, case_id, status_code=422, failed=action, values=values,
                          errors=_placed(action, field_errors(error, language(request))))
    return Redirect(f"/eskalasi/kasus/{case_id}", status_code=303)


def _placed(action: str, errors: dict[str, str]) -> dict[str, str]:
    """{input id: message}; a message for no input of this form goes to the top (key "")."""
    inputs = FIELD_INPUTS.get(action, {})
    return {inputs.get(field, ""): text for field, text in errors.items()}


def _workspace(request: Request[UserView, Any, Any], workspace: Workspace, case_id: UUID, *, status_code: int = 200,
               failed: str | None = None, values: dict[str, str] | None = None,
               errors: dict[str, str] | None = None, drafted: str | None = None) -> Template:
    try:
        case = workspace.helpdesk.get_case(request.user.office_id, case_id)
    except NotFound:
        raise NotFoundException() from None  # the page "not found", not the generic error page
    here = workspace.here
    office, lang = here.office, language(request)
    parent = office.parent
    status = case.status
    # The domain says what the case allows now; a role that only follows the desk reads it without forms.
    acting = may(request.user.role, Permission.HANDLE_CASES)
    allowed = {form: acting and step in case.next_steps for step, form in FORM_OF_STEP.items()}
    if failed is not None:
        allowed[failed] = True  # the refused form stays, with its message and what was typed
    hops = [_hop_row(office, N_("Dari kantor di bawah"), case.down, lang)]
    if case.up is not None:
        hops.append(_hop_row(office, N_("Ke kantor di atas"), case.up, lang))
    return page(
        request, here, "escalations/case.html", status_code=status_code,
        case=case, status_label=CASE_STATUSES[status], allowed=allowed, hops=hops, **_case_clock(workspace, case, lang),
        origin=_office(case.case.origin_office), from_office=_office(case.from_office),
        party=_party(case.case.party), opened=stamp(case.case.opened_at, office, lang),
        received=stamp(case.received_at, office, lang),
        notes=[(_office(n.office), n.author, n.text, stamp(n.at, office, lang)) for n in case.case.notes],
        evidence=evidence_rows(workspace.helpdesk, case, language(request)),
        answer_at=stamp(case.answer.at, office, lang) if case.answer else None,
        answer_office=_office(case.answer.office) if case.answer else None,
        bases_labels=BASES, basis_kinds=[kind.value for kind in BasisKind],
        forward_label=N_("Teruskan ke KPU RI") if parent is not None and parent.tier is Tier.PUSAT
        else N_("Teruskan ke kantor di atas"),
        upper_name=_office(parent.value) if parent is not None else None,
        outgoing=case_outgoing(case, parent, allowed[FORWARD], allowed[CLARIFY],
                               (values or {}).get("note") if failed == FORWARD else None,
                               (values or {}).get("text") if failed == CLARIFY else None),
        failed=failed, values=values or {}, errors=errors or {},
        # FAQ Sipol: the entries the answer may cite; the learning loop's button and, once drafted, the draft's link.
        faq_case=matches(workspace.faq, office, case.case.restatement or case.case.problem, language(request))
        if allowed[ANSWER] else [], faq_cited=(values or {}).get("faq", "").split() if failed == ANSWER else [],
        may_draft_faq=may_draft_from_case(request.user.role, case.answer.office if case.answer else None, office),
        drafted=drafted, DRAFT_FROM_CASE=DRAFT_FROM_CASE, **faq_words(workspace.faq, office),
        ACCEPT=ACCEPT, ANSWER=ANSWER, ASK=ASK, FORWARD=FORWARD, PASS_DOWN=PASS_DOWN, CLARIFY=CLARIFY,
    )


def _case_clock(workspace: Workspace, case: CaseView, lang: str) -> dict[str, Any]:
    """This office's step 4 on the case: running (time left, level) or ended (how long it took)."""
    timeline = workspace.clocks.timeline(case.id)
    return {"clock": clock_of(workspace.clock, workspace.here.office, case.case.channel, timeline, lang),
            "part": own_part(timeline)}


def _inbox_row(office: OfficeId, item: InboxItem, now: datetime, clock: OpenClock | None, lang: str) -> InboxRow:
    if item.kind == "case":
        href, status = f"/eskalasi/kasus/{item.id}", CASE_STATUSES.get(CaseStatus(item.status), item.status)
    else:
        href, status = f"/konsultasi/{item.id}", CONSULTATION_STATUSES.get(item.status, item.status)
    # The level comes from this office's running step-4 clock (none once the answer or the case has left).
    level = clock.level if clock is not None else None
    label, css = LEVELS[level.value] if level is not None else (None, None)
    return InboxRow(
        href=href, kind=item.kind, status=status, origin=_office(item.origin_office), party=_party(item.party),
        problem=_summary(item.problem), question=item.question, received=stamp(item.waiting_since, office, lang),
        waited_s=max(0, int((now - item.waiting_since).total_seconds())), level=level.value if level else None,
        level_label=label, level_class=css,
    )


def _outgoing_row(office: OfficeId, item: OutgoingItem, lang: str) -> OutgoingRow:
    href = f"/eskalasi/kasus/{item.id}" if item.kind == "case" else f"/konsultasi/{item.id}"
    hop = item.up
    latest = hop.returned_at or hop.answered_at or hop.accepted_at or hop.received_at
    return OutgoingRow(
        href=href, kind=item.kind, origin=_office(item.origin_office), party=_party(item.party),
        problem=_summary(item.problem), upper=_office(hop.upper_office), state=hop.state,
        state_label=hop_state(hop.state.value), sent=stamp(hop.sent_at, office, lang),
        last=stamp(latest, office, lang) if latest else None,
    )


def _hop_row(office: OfficeId, title: str, hop: HopView, lang: str) -> HopRow:
    def when(at: datetime | None, by: str | None = None) -> str | None:
        if at is None:
            return None
        return stamp(at, office, lang) + (f" · {by}" if by else "")

    moments = [
        (N_("Dikirim"), when(hop.sent_at)),
        (N_("Diterima"), when(hop.received_at)),
        (N_("Diproses"), when(hop.accepted_at, hop.accepted_by)),
        (N_("Dijawab"), when(hop.answered_at, hop.answered_by)),
        (N_("Dikembalikan"), when(hop.returned_at)),
    ]
    return HopRow(title=title, lower=_office(hop.lower_office), upper=_office(hop.upper_office),
                  state_label=hop_state(hop.state.value), moments=[(label, at) for label, at in moments if at])


def _office(office_id: str) -> str:
    """`KPU Musi Rawas Utara (kab-16.13)`; the bare id when it is not a known office."""
    try:
        office = parse_office_id(office_id)
    except InvalidOffice:
        return office_id
    return f"{'KPU RI' if office.tier is Tier.PUSAT else office_name(office)} ({office_id})"


def _party(party: Party) -> str:
    return f"{party.number}. {party.name}" if party.number is not None else party.name


def _summary(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1].rstrip() + "…"
