"""What the consultation workspace shows: the SOP script with its marks, the running step's clock, the words
for codes, and which of the allowed steps the caller's role is offered."""

from __future__ import annotations

from typing import Any

from domain.script import Status
from domain.sop import Level, Step
from gateways.bootstrap import Node
from gateways.reports import labels
from gateways.reports.dates import clock_time, stamp
from services.views import ConsultationView

EVENT_LABELS = {
    "Opened": "Konsultasi dibuka",
    "IdentityCorrected": "Identitas diperbaiki",
    "ProblemRecorded": "Permasalahan dicatat",
    "ProblemRestated": "Permasalahan diulang kepada konsultan",
    "ProblemCorrected": "Permasalahan dikoreksi",
    "ProblemConfirmed": "Konsultan menyatakan sesuai",
    "Answered": "Dijawab",
    "HandedToCommissioner": "Diserahkan ke Anggota KPU",
    "ForwardedUp": "Diteruskan ke tingkat atas",
    "UpHopProgressed": "Perkembangan di tingkat atas",
    "ClarificationRequested": "Tingkat atas meminta klarifikasi",
    "ClarificationGiven": "Klarifikasi dikirim",
    "AnswerArrived": "Jawaban dari tingkat atas diterima",
    "UnderstandingConfirmed": "Jawaban dipahami",
    "NotUnderstood": "Jawaban belum dipahami",
    "AnswerRepeated": "Jawaban diulang",
    "LoggedInReport": "Dicatat ke laporan helpdesk",
    "DocumentationAttached": "Dokumentasi diunggah",
    "Closed": "Konsultasi ditutup",
}
BASIS_LABELS = {
    "uu": "UU (Undang-Undang)",
    "pkpu": "PKPU (Peraturan KPU)",
    "keputusan_kpu": "Keputusan KPU/Juknis",
    "petunjuk_pelaksanaan": "Juklak (petunjuk pelaksanaan)",
    "faq_sipol": "FAQ SIPOL",
}
DOCUMENTATION_LABELS = {
    "photo": "Foto",
    "recording": "Rekaman",
    "screenshot": "Tangkapan layar",
    "document": "Dokumen",
}
HOP_STATES = {
    "sent": "Dikirim",
    "received": "Diterima di sana",
    "accepted": "Sedang ditangani",
    "answered": "Sudah dijawab",
    "returned": "Jawaban sudah kembali",
}

# The script step the desk stands at, by status (None: every step is done).
CURRENT_STEP: dict[Status, Step | None] = {
    Status.OPENED: Step.PROBLEM,
    Status.PROBLEM_RECORDED: Step.PROBLEM,
    Status.PROBLEM_RESTATED: Step.PROBLEM,
    Status.PROBLEM_CONFIRMED: Step.ANSWER,
    Status.WITH_COMMISSIONER: Step.ESCALATED_ANSWER,
    Status.ESCALATED: Step.ESCALATED_ANSWER,
    Status.CLARIFICATION_REQUESTED: Step.ESCALATED_ANSWER,
    Status.ANSWERED: Step.ANSWER,
    Status.NOT_UNDERSTOOD: Step.ANSWER,
    Status.UNDERSTOOD: Step.REPORT,
    Status.LOGGED: Step.DOCUMENTATION,
    Status.CLOSED: None,
}


def may_take(step: str, view: ConsultationView, can_serve: bool, can_decide: bool) -> bool:
    """The caller's role decides which of the allowed steps it is offered (the same rules as the API)."""
    if step == "answer_problem":
        return can_decide if view.status is Status.WITH_COMMISSIONER else can_serve
    if step == "forward_up":
        return can_decide
    if step == "clarify":
        return can_serve or can_decide
    return can_serve


def script_marks(view: ConsultationView) -> list[dict[str, Any]]:
    """The six steps of the SOP with a mark each: done, current, pending, or skipped (step 4 without handover)."""
    current = CURRENT_STEP[view.status]
    handed_over = view.handover_reason is not None or view.up is not None
    if current is Step.ANSWER and handed_over:
        current = Step.ESCALATED_ANSWER  # the answer came from the commissioner or from above
    steps = []
    for step in Step:
        if current is None:
            state = "skipped" if step is Step.ESCALATED_ANSWER and not handed_over else "done"
        elif step.index < current.index:
            state = "skipped" if step is Step.ESCALATED_ANSWER and not handed_over else "done"
        elif step is current:
            state = "current"
        elif step is Step.ESCALATED_ANSWER and not handed_over and current.index > Step.ANSWER.index:
            state = "skipped"
        else:
            state = "pending"
        steps.append({"index": step.index, "label": step.label, "state": state})
    return steps


def clock_of(node: Node, view: ConsultationView) -> dict[str, Any] | None:
    """This consultation's running SOP step: its label, the time left or over, and its warning level."""
    now = node.clock()
    found = next((c for c in node.clocks.open_now(view.office_id, now) if c.consultation_id == view.id), None)
    if found is None:
        return None
    level = found.level
    badge = {Level.WARNING_50: "warn", Level.WARNING_75: "warn", Level.BREACH: "bad"}.get(level, "ok") \
        if level is not None else "ok"
    return {
        "index": found.step.index, "label": found.step_label, "left": duration(abs(found.left_s)),
        "over": found.left_s < 0, "level": level.value if level else "", "badge": badge,
        "due": clock_time(found.due_at, node.office), "started": clock_time(found.started_at, node.office),
    }


def duration(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def template_helpers(node: Node) -> dict[str, Any]:
    """Local times and the Indonesian words for codes, for the templates."""
    office = node.office
    return {
        "stamp": lambda moment: stamp(moment, office),
        "clock_time": lambda moment: clock_time(moment, office),
        "status_label": labels.status,
        "channel_label": labels.channel,
        "basis_label": lambda code: BASIS_LABELS.get(code, code),
        "documentation_label": lambda code: DOCUMENTATION_LABELS.get(code, code),
    }
