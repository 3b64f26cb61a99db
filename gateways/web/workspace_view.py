"""What the consultation workspace shows: the SOP script with its marks and the running step's clock (both from the
clocks read model's timeline), the time spent above, and the words for codes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from litestar.di import NamedDependency
from litestar.params import SkipValidation

from domain.offices import OfficeId, Tier
from domain.outgoing import mask_contacts
from domain.script import AWAY
from domain.sop import Level, Step, step_label
from domain.timeline import Mark, Timeline
from domain.values import Channel
from gateways.edge.deps import (
    ChatQueriesDep,
    ClockDep,
    ClocksDep,
    FaqDep,
    HelpdeskDep,
    HereDep,
    MailDeskDep,
    PartyListDep,
    UsersDep,
)
from gateways.edge.meetings import MeetingsDep
from gateways.messages import DEFAULT, label
from gateways.reference import office_name
from gateways.reports import labels
from gateways.reports.dates import clock_time, stamp
from gateways.web.i18n import in_page_language
from services.ports import Clock
from services.views import CaseView, ConsultationView, HopView


@dataclass(frozen=True)
class Workspace:
    """What a consultation's workspace, the new-consultation form and an escalated case's page read: the record, its
    clocks, the office and its parties."""

    helpdesk: HelpdeskDep
    clocks: ClocksDep
    clock: ClockDep
    here: HereDep
    party_list: PartyListDep
    meetings: MeetingsDep  # an online-meeting consultation's meetings (its "Pertemuan daring" panel)
    mail_desk: MailDeskDep  # an e-mail consultation's mail (its "E-mail" panel)
    chat_queries: ChatQueriesDep  # a messaging consultation's Telegram and WhatsApp messages (its "Pesan" panel)
    faq: FaqDep  # the FAQ Sipol entries matching the problem, beside its forms (gateways/web/faq_suggest.py)
    users: UsersDep  # the office's staff: a step's actor shown by full name, not username

    def staff_name(self, office_id: str) -> Any:
        """`name(username)`: the full name of one of this office's staff; anyone else (an office above) as given."""
        names = self.users.full_names(office_id)
        return lambda username: names.get(username or "", username or "")


WorkspaceDep = NamedDependency[SkipValidation[Workspace]]  # workspace (built from the ones above)

# The words for the codes the workspace shows, in Bahasa Indonesia, from the catalogue (`kind.code` in en.po); the
# pages give their English through `_()`.
EVENT_CODES = ("Opened", "IdentityCorrected", "ProblemRecorded", "ProblemRestated", "ProblemCorrected",
               "ProblemConfirmed", "Answered", "HandedToCommissioner", "ForwardedUp", "UpHopProgressed",
               "ClarificationRequested", "ClarificationGiven", "AnswerArrived", "UnderstandingConfirmed",
               "NotUnderstood", "AnswerRepeated", "LoggedInReport", "DocumentationAttached", "Closed")
BASIS_CODES = ("uu", "pkpu", "keputusan_kpu", "petunjuk_pelaksanaan", "faq_sipol")
DOCUMENTATION_CODES = ("photo", "recording", "screenshot", "document")
EVENT_LABELS = {code: label("event", code) for code in EVENT_CODES}
BASIS_LABELS = {code: label("basis_full", code) for code in BASIS_CODES}
DOCUMENTATION_LABELS = {code: label("documentation", code) for code in DOCUMENTATION_CODES}
MARK_LABELS = {mark: label("mark", mark.value) for mark in Mark}


def script_marks(view: ConsultationView, timeline: Timeline | None) -> list[dict[str, Any]]:
    """The six steps of the SOP with a mark each, from the same timeline the clock runs on (domain/sop.py)."""
    timeline = timeline or Timeline()
    return [
        {"index": step.index, "label": step_label(step, view.channel), "state": mark.value,
         "state_label": MARK_LABELS[mark]}
        for step, mark in timeline.marks(away=view.status in AWAY)
    ]


def clock_of(clock: Clock, office: OfficeId, channel: Channel, timeline: Timeline | None, lang: str = DEFAULT
             ) -> dict[str, Any] | None:
    """The running SOP step of a consultation (or of a case at this office), from its timeline (the clocks read
    model): its label, the time left or over, and its warning level."""
    span = timeline.current if timeline is not None else None
    if span is None:
        return None
    now = clock()
    level = span.level_at(now)
    badge = {Level.WARNING_50: "warn", Level.WARNING_75: "warn", Level.BREACH: "bad"}.get(level, "ok") \
        if level is not None else "ok"
    left = span.left_s(now)
    return {
        "index": span.step.index, "label": step_label(span.step, channel), "left": duration(abs(left)),
        "over": left < 0, "level": level.value if level else "", "badge": badge,
        "due": clock_time(span.due_at, office, lang), "started": clock_time(span.started_at, office, lang),
        "standard": span.standard_s // 60,
    }


def time_above(now: datetime, up: HopView | None) -> dict[str, Any] | None:
    """The whole time the question has spent at the offices above: from sending to the answer's return (or now)."""
    if up is None:
        return None
    until = up.returned_at or now
    return {"spent": duration(max(0, int((until - up.sent_at).total_seconds()))), "back": up.returned_at is not None}


def duration(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def template_helpers(office: OfficeId) -> dict[str, Any]:
    """Local times in the page's language and the Indonesian words for codes, for the templates."""
    return {
        "stamp": in_page_language(lambda moment, lang: stamp(moment, office, lang)),
        "clock_time": in_page_language(lambda moment, lang: clock_time(moment, office, lang)),
        "status_label": labels.status,
        "channel_label": labels.channel,
        "basis_label": lambda code: BASIS_LABELS.get(code, code),
        "documentation_label": lambda code: DOCUMENTATION_LABELS.get(code, code),
        "hop_state_label": labels.hop_state,
        "phone_label": labels.phone,
    }


def own_part(timeline: Timeline | None) -> dict[str, Any] | None:
    """An escalated case's step 4 at this office once it ended (answered or forwarded): how long this office took."""
    span = timeline.span(Step.ESCALATED_ANSWER) if timeline is not None else None
    if span is None or span.is_open or span.ended_at is None:
        return None
    return {"spent": duration(span.elapsed_s(span.ended_at)), "met": span.met, "standard": span.standard_s // 60}


def N_(text: str) -> str:  # noqa: N802 - gettext's marker: a text translated later, in the template
    return text


def receiver_name(office: OfficeId | None) -> str:
    """How the desk names the office a form sends to: `KPU Provinsi Sumatera Selatan`, `KPU RI`."""
    if office is None:
        return ""
    return "KPU RI" if office.tier is Tier.PUSAT else office_name(office)


def outgoing_panel(to: str, texts: list[tuple[str, str | None]]) -> dict[str, Any]:
    """What a form sends to the office `to`: each text exactly as it will leave (domain/outgoing.py masks it the same
    way when the form is sent), and whether anything was masked. Empty texts are left out."""
    sent = [(label, text, mask_contacts(text)) for label, text in texts if text and text.strip()]
    shown = [{"label": label, "text": masked, "masked": masked != text} for label, text, masked in sent]
    return {"to": to, "texts": shown, "masked": any(item["masked"] for item in shown)}


def consultation_outgoing(view: ConsultationView, forms: list[str], parent: OfficeId | None, failed: str,
                          values: dict[str, str]) -> dict[str, dict[str, Any]]:
    """The panels beside the forms that send something up: the case file (forward_up) and a clarification (clarify).
    `values` is what the desk typed into the form `failed`, when the page is shown again with it (a preview or a
    refusal)."""
    panels: dict[str, dict[str, Any]] = {}
    if "forward_up" in forms:
        # The case file as Consultation.forward_up builds it: problem, restatement, the handover reason, the note.
        panels["forward_up"] = outgoing_panel(receiver_name(parent), [
            (N_("Permasalahan"), view.problem), (N_("Pengulangan permasalahan"), view.restatement),
            (N_("Alasan diserahkan ke Anggota KPU"), view.handover_reason),
            (N_("Catatan"), values.get("note") if failed == "forward_up" else None),
        ])
    if "clarify" in forms:
        upper = OfficeId(view.up.upper_office) if view.up else parent
        typed = values.get("text") if failed == "clarify" else None
        panels["clarify"] = outgoing_panel(receiver_name(upper), [(N_("Klarifikasi"), typed)])
    return panels


def case_outgoing(case: CaseView, parent: OfficeId | None, forwarding: bool, clarifying: bool,
                  typed_note: str | None, typed_text: str | None) -> dict[str, dict[str, Any]]:
    """The panels beside a case's forms that send something up: the case file with this office's note (EscalationCase
    .forward_up masks it whole, whatever the office below sent) and a clarification for the office above."""
    panels: dict[str, dict[str, Any]] = {}
    upper = receiver_name(OfficeId(case.up.upper_office) if case.up else parent)
    if forwarding:
        file = case.case
        panels["forward_up"] = outgoing_panel(upper, [
            (N_("Permasalahan"), file.problem), (N_("Pengulangan permasalahan"), file.restatement),
            *((N_("Catatan"), note.text) for note in file.notes), (N_("Catatan"), typed_note),
        ])
    if clarifying:
        panels["clarify"] = outgoing_panel(upper, [(N_("Klarifikasi"), typed_text)])
    return panels
