"""The consultation pages: the office's list, opening one by hand, and the workspace that walks the SOP script.

Each step of the script is a small form posting to `/konsultasi/{id}/<langkah>`; it takes the same step as the JSON
API (gateways/edge/steps.py), under the same permissions, and comes back to the workspace (post/redirect/get). A rule
the domain refuses re-renders the workspace with status 422 and the message beside the field it concerns.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from domain.errors import DomainError
from domain.offices import OfficeId, Tier
from domain.roles import Permission, may
from domain.script import Status, may_take, script_of
from domain.values import BasisKind, Channel, DocumentationKind
from gateways.edge.auth import requires, step_guard
from gateways.edge.deps import (
    Caller,
    ClockDep,
    ClocksDep,
    ConsultationsDep,
    ConsultationStepsDep,
    FilesDep,
    HereDep,
    PartiesDep,
    UsersDep,
)
from gateways.edge.errors import LARGEST_FILE, megabytes, say
from gateways.messages import label, message
from gateways.reference import office_name
from gateways.storage import ALLOWED, MAX_FILE_BYTES, MAX_UPLOAD_BYTES, FileRefused, StorageUnavailable
from gateways.web.chat_panel import chat_panel
from gateways.web.consultation_list import list_page
from gateways.web.faq_suggest import cited_entries, shown_entries, typed_with_citations, workspace_faq
from gateways.web.forms import Form, Upload, field_errors
from gateways.web.i18n import translator
from gateways.web.meeting_panel import meeting_panel
from gateways.web.parties import party_choices
from gateways.web.render import language, page
from gateways.web.workspace_view import (
    EVENT_LABELS,
    Workspace,
    WorkspaceDep,
    clock_of,
    consultation_outgoing,
    script_marks,
    template_helpers,
    time_above,
)
from services.consultations import IdentityInput

ConsultationId = FromPath[UUID]
Command = Callable[[], None]


MAX_UPLOAD = MAX_UPLOAD_BYTES
ACCEPT = "image/*,audio/*,video/*,application/pdf"
MEDIA_OF_EXTENSION = {extension: media for media, extension in ALLOWED.items()}
PICKABLE_CHANNELS = (Channel.EMAIL, Channel.MESSAGING, Channel.ONLINE_MEETING, Channel.WALK_IN)


class ConsultationPages(Controller):
    path = "/konsultasi"
    include_in_schema = False
    guards = [requires(Permission.READ_CONSULTATIONS)]

    # The list and opening by hand.

    @get("/", sync_to_thread=True)
    def consultations(self, request: Caller, here: HereDep, consultations: ConsultationsDep, users: UsersDep,
                      parties: PartiesDep) -> Template:
        """Searched, filtered and paged by the query string (cari, status, saluran, petugas, partai, dari, sampai,
        halaman)."""
        return list_page(request, here, consultations, users, parties)

    @get("/baru", guards=step_guard("open_consultation"), sync_to_thread=False)
    def new_form(self, request: Caller, workspace: WorkspaceDep) -> Template:
        return _new_page(request, workspace, {"channel": Channel.EMAIL.value}, {})

    @post("/baru", guards=step_guard("open_consultation"), sync_to_thread=True)
    def open_consultation(self, request: Caller, consultation_steps: ConsultationStepsDep, workspace: WorkspaceDep,
                          data: Form) -> Response[Any] | Template:
        values = {key: str(data.get(key, "")).strip() for key in
                  ("channel", "name", "phone", "email", "party_number", "party_name", "arrived_at")}
        _ = translator(language(request))
        errors: dict[str, str] = {}
        channel = _channel_or_none(values["channel"])
        if channel is None:
            errors["channel"] = _("Pilih saluran.")
        arrived_at: datetime | None = None
        if values["arrived_at"]:
            try:
                arrived_at = _local_moment(values["arrived_at"], workspace.here.office)
            except ValueError:
                errors["arrived_at"] = _("Waktu tidak dapat dibaca. Isi tanggal dan jam.")
        # A ballot number has at most three digits; a longer one is no number (and int() refuses 4,300 digits).
        number = values["party_number"]
        party_number = int(number) if number.isdecimal() and len(number) <= 3 else None
        who = IdentityInput(name=values["name"], party_number=party_number, party_name=values["party_name"] or None,
                            phone=values["phone"] or None, email=values["email"] or None)
        user = request.user
        try:
            if errors or channel is None:
                # Nothing is opened, but the identity is checked all the same: every field's error shows at once.
                workspace.helpdesk.frontdesk_check_identity(who, user.office_id)
                return _new_page(request, workspace, values, errors, status_code=422)
            new_id = consultation_steps.open(channel, who, arrived_at)
        except DomainError as error:
            if error.kind in ("not_found", "forbidden"):
                raise
            return _new_page(request, workspace, values, errors | field_errors(error, language(request)),
                             status_code=422)
        return Redirect(f"/konsultasi/{new_id}", status_code=303)

    # The workspace.

    @get("/{consultation_id:uuid}", sync_to_thread=True)
    def workspace(self, request: Caller, workspace: WorkspaceDep, consultation_id: ConsultationId) -> Template:
        return workspace_page(request, workspace, consultation_id)

    @get("/{consultation_id:uuid}/jam", sync_to_thread=True)
    def clock(self, request: Caller, consultation_steps: ConsultationStepsDep, clocks: ClocksDep, clock: ClockDep,
              here: HereDep, consultation_id: ConsultationId) -> Template:
        view = consultation_steps.consultation(consultation_id)
        running = clock_of(clock, here.office, view.channel, clocks.timeline(view.id), language(request))
        return page(request, here, "consultations/clock.html", view=view, clock=running,
                    **template_helpers(here.office))

    @get("/{consultation_id:uuid}/dokumentasi/{key:path}", sync_to_thread=True)
    def documentation_file(self, consultation_steps: ConsultationStepsDep, files: FilesDep,
                           consultation_id: ConsultationId, key: FromPath[str]) -> Response[bytes]:
        view = consultation_steps.consultation(consultation_id)
        wanted = key.lstrip("/")
        if wanted not in {item.storage_key for item in view.documentation}:
            raise NotFoundException()
        try:
            content = files.get(wanted)
        except (FileNotFoundError, OSError):
            raise NotFoundException() from None
        media_type = MEDIA_OF_EXTENSION.get("." + wanted.rsplit(".", 1)[-1], "application/octet-stream")
        return Response(content, media_type=media_type, headers={
            "X-Content-Type-Options": "nosniff",
            "Content-Disposition": f'inline; filename="{wanted.rsplit("/", 1)[-1]}"',
            "Cache-Control": "private, max-age=3600",
        })

    # One POST per step of the script.

    @post("/{consultation_id:uuid}/identitas", guards=step_guard("correct_identity"), sync_to_thread=True)
    def correct_identity(self, request: Caller, consultation_steps: ConsultationStepsDep, workspace: WorkspaceDep,
                         consultation_id: ConsultationId, data: Form) -> Response[Any] | Template:
        """The consultee's name, party, phone or e-mail put right (written down wrong, or changed meanwhile)."""
        values = {key: _text(data, key).strip() for key in ("name", "party_number", "party_name", "phone", "email")}
        number = values["party_number"]
        who = IdentityInput(
            name=values["name"], party_number=int(number) if number.isdecimal() and len(number) <= 3 else None,
            party_name=values["party_name"] or None, phone=values["phone"] or None, email=values["email"] or None,
        )
        return _step(request, workspace, consultation_id, "correct_identity", values,
                     lambda: consultation_steps.correct_identity(consultation_id, who))

    @post("/{consultation_id:uuid}/permasalahan", guards=step_guard("record_problem"), sync_to_thread=True)
    def record_problem(self, request: Caller, consultation_steps: ConsultationStepsDep, workspace: WorkspaceDep,
                       consultation_id: ConsultationId, data: Form) -> Response[Any] | Template:
        text = _text(data, "text")
        return _step(request, workspace, consultation_id, "record_problem", data,
                     lambda: consultation_steps.record_problem(consultation_id, text))

    @post("/{consultation_id:uuid}/pengulangan", guards=step_guard("restate_problem"), sync_to_thread=True)
    def restate_problem(self, request: Caller, consultation_steps: ConsultationStepsDep, workspace: WorkspaceDep,
                        consultation_id: ConsultationId, data: Form) -> Response[Any] | Template:
        text = _text(data, "text")
        return _step(request, workspace, consultation_id, "restate_problem", data,
                     lambda: consultation_steps.restate_problem(consultation_id, text))

    @post("/{consultation_id:uuid}/konfirmasi", guards=step_guard("confirm_problem"), sync_to_thread=True)
    def confirm_problem(self, request: Caller, consultation_steps: ConsultationStepsDep, workspace: WorkspaceDep,
                        consultation_id: ConsultationId) -> Response[Any] | Template:
        return _step(request, workspace, consultation_id, "confirm_problem", {},
                     lambda: consultation_steps.confirm_problem(consultation_id))

    @post("/{consultation_id:uuid}/koreksi", guards=step_guard("correct_problem"), sync_to_thread=True)
    def correct_problem(self, request: Caller, consultation_steps: ConsultationStepsDep, workspace: WorkspaceDep,
                        consultation_id: ConsultationId, data: Form) -> Response[Any] | Template:
        text = _text(data, "text")
        return _step(request, workspace, consultation_id, "correct_problem", data,
                     lambda: consultation_steps.correct_problem(consultation_id, text))

    @post("/{consultation_id:uuid}/jawaban", guards=step_guard("answer_problem"), sync_to_thread=True)
    def answer_problem(self, request: Caller, consultation_steps: ConsultationStepsDep, workspace: WorkspaceDep,
                       consultation_id: ConsultationId, data: Form) -> Response[Any] | Template:
        text, faq = _text(data, "text"), cited_entries(data)  # faq: the FAQ Sipol entries ticked "Kutip entri ini"
        bases = _bases(data, citing=bool(faq))
        return _step(request, workspace, consultation_id, "answer_problem", typed_with_citations(data, faq),
                     lambda: consultation_steps.answer_problem(consultation_id, text, bases, faq=faq))

    @post("/{consultation_id:uuid}/serahkan", guards=step_guard("hand_to_commissioner"), sync_to_thread=True)
    def hand_to_commissioner(self, request: Caller, consultation_steps: ConsultationStepsDep, workspace: WorkspaceDep,
                             consultation_id: ConsultationId, data: Form) -> Response[Any] | Template:
        reason, shown = _text(data, "reason"), shown_entries(data)  # shown: what the FAQ Sipol showed (none: not in it)
        return _step(request, workspace, consultation_id, "hand_to_commissioner", data,
                     lambda: consultation_steps.hand_to_commissioner(consultation_id, reason, faq_shown=shown))

    @post("/{consultation_id:uuid}/teruskan", guards=step_guard("forward_up"), sync_to_thread=True)
    def forward_up(self, request: Caller, consultation_steps: ConsultationStepsDep, workspace: WorkspaceDep,
                   consultation_id: ConsultationId, data: Form) -> Response[Any] | Template:
        note = _text(data, "note")
        return _step(request, workspace, consultation_id, "forward_up", data,
                     lambda: consultation_steps.forward_up(consultation_id, note))

    @post("/{consultation_id:uuid}/teruskan/pratinjau", guards=step_guard("forward_up"), sync_to_thread=True)
    def forward_up_preview(self, request: Caller, workspace: WorkspaceDep, consultation_id: ConsultationId, data: Form
                           ) -> Template:
        """The workspace again with the typed note kept and shown as it will leave; nothing is sent."""
        typed = {"note": _text(data, "note")}
        return workspace_page(request, workspace, consultation_id, failed="forward_up", values=typed)

    @post("/{consultation_id:uuid}/klarifikasi/pratinjau", guards=step_guard("clarify"), sync_to_thread=True)
    def clarify_preview(self, request: Caller, workspace: WorkspaceDep, consultation_id: ConsultationId, data: Form
                        ) -> Template:
        """The workspace again with the typed clarification kept and shown as it will leave; nothing is sent."""
        return workspace_page(request, workspace, consultation_id, failed="clarify",
                              values={"text": _text(data, "text")})

    @post("/{consultation_id:uuid}/klarifikasi", guards=step_guard("clarify"), sync_to_thread=True)
    def clarify(self, request: Caller, consultation_steps: ConsultationStepsDep, workspace: WorkspaceDep,
                consultation_id: ConsultationId, data: Form) -> Response[Any] | Template:
        text = _text(data, "text")
        return _step(request, workspace, consultation_id, "clarify", data,
                     lambda: consultation_steps.clarify(consultation_id, text))

    @post("/{consultation_id:uuid}/pemahaman", guards=step_guard("check_understanding"), sync_to_thread=True)
    def check_understanding(self, request: Caller, consultation_steps: ConsultationStepsDep, workspace: WorkspaceDep,
                            consultation_id: ConsultationId, data: Form) -> Response[Any] | Template:
        understood = _text(data, "understood")
        if understood not in ("ya", "tidak"):
            _ = translator(language(request))
            return workspace_page(request, workspace, consultation_id, status_code=422, failed="check_understanding",
                              errors={"": _("Pilih apakah jawaban dipahami atau belum.")})
        return _step(request, workspace, consultation_id, "check_understanding", data,
                     lambda: consultation_steps.check_understanding(consultation_id, understood == "ya"))

    @post("/{consultation_id:uuid}/ulangi", guards=step_guard("repeat_answer"), sync_to_thread=True)
    def repeat_answer(self, request: Caller, consultation_steps: ConsultationStepsDep, workspace: WorkspaceDep,
                      consultation_id: ConsultationId, data: Form) -> Response[Any] | Template:
        text = _text(data, "text") or None
        return _step(request, workspace, consultation_id, "repeat_answer", data,
                     lambda: consultation_steps.repeat_answer(consultation_id, text))

    @post("/{consultation_id:uuid}/laporan", guards=step_guard("log_in_report"), sync_to_thread=True)
    def log_in_report(self, request: Caller, consultation_steps: ConsultationStepsDep, workspace: WorkspaceDep,
                      consultation_id: ConsultationId) -> Response[Any] | Template:
        return _step(request, workspace, consultation_id, "log_in_report", {},
                     lambda: consultation_steps.log_in_report(consultation_id))

    @post("/{consultation_id:uuid}/dokumentasi", guards=step_guard("attach_documentation"), sync_to_thread=True,
          request_max_body_size=MAX_UPLOAD, opt={LARGEST_FILE: MAX_FILE_BYTES})
    def attach_documentation(self, request: Caller, consultation_steps: ConsultationStepsDep, workspace: WorkspaceDep,
                             files: FilesDep, consultation_id: ConsultationId, data: Upload
                             ) -> Response[Any] | Template:
        kind = _text(data, "kind")
        values = {"kind": kind}
        _ = translator(language(request))
        upload = data.get("file")
        content = upload.file.read() if isinstance(upload, UploadFile) else b""
        if not content:
            return workspace_page(request, workspace, consultation_id, status_code=422, failed="attach_documentation",
                              values=values, errors={"file": _("Pilih berkas dokumentasi.")})
        if kind not in {k.value for k in DocumentationKind}:
            return workspace_page(request, workspace, consultation_id, status_code=422, failed="attach_documentation",
                              values=values, errors={"kind": _("Pilih jenis dokumentasi.")})
        # The record must exist here before a file is kept for it.
        consultation_steps.consultation(consultation_id)
        try:
            storage_key, digest = files.put(content, upload.content_type or "")  # type: ignore[union-attr]
        except FileRefused as refused:
            # Checked by content: a program or a page named photo.jpg is not a photo, whatever it was declared as.
            text = say(refused.code, language(request), limit=megabytes(refused.limit))
            return workspace_page(request, workspace, consultation_id, status_code=422, failed="attach_documentation",
                              values=values, errors={"file": text})
        except StorageUnavailable as down:
            # The bucket could not be used: nothing was stored, nothing recorded; the form says why (catalogued).
            return workspace_page(request, workspace, consultation_id, status_code=503, failed="attach_documentation",
                                  values=values, errors={"file": say(down.code, language(request))})
        return _step(request, workspace, consultation_id, "attach_documentation", values,
                     lambda: consultation_steps.attach_documentation(consultation_id, kind, storage_key, digest))

    @post("/{consultation_id:uuid}/tutup", guards=step_guard("close_consultation"), sync_to_thread=True)
    def close_consultation(self, request: Caller, consultation_steps: ConsultationStepsDep, workspace: WorkspaceDep,
                           consultation_id: ConsultationId) -> Response[Any] | Template:
        return _step(request, workspace, consultation_id, "close_consultation", {},
                     lambda: consultation_steps.close_consultation(consultation_id))


# The steps' common path.

def _step(request: Caller, workspace: Workspace, consultation_id: UUID, step: str, data: dict[str, Any],
          command: Command) -> Response[Any] | Template:
    """Runs one command as the caller at the caller's office; back to the workspace, or the error beside its
    field. A missing record (404) and a refused role (403) are answered as the API answers them."""
    try:
        command()
    except DomainError as error:
        if error.kind in ("not_found", "forbidden"):
            raise
        values = {key: str(value) for key, value in data.items() if isinstance(value, str)}
        # Every field the domain refused (an identity's name, phone and e-mail at once), each beside its own.
        errors = {_field_of(each): message(each.code, language(request)) for each in error.field_errors() or [error]}
        return workspace_page(request, workspace, consultation_id, status_code=422, failed=step, values=values,
                          errors=errors)
    return Redirect(f"/konsultasi/{consultation_id}", status_code=303)


def _field_of(error: DomainError) -> str:
    """The form field an error belongs to: `bases[1].reference` is the second basis row's reference."""
    field = error.field or ""
    if field == "bases":
        return "basis_kind_1"
    if field.startswith("bases["):
        index = int(field[6:field.index("]")]) + 1
        return f"basis_{'reference' if field.endswith('reference') else 'kind'}_{index}"
    return field.split(".")[-1]


def workspace_page(request: Caller, workspace: Workspace, consultation_id: UUID, *, status_code: int = 200,
                   failed: str = "", values: dict[str, str] | None = None, errors: dict[str, str] | None = None
                   ) -> Template:
    """The workspace; after a refused step, with what was typed kept and each error beside its field. The online
    meetings' forms (gateways/web/meetings.py) come back here too."""
    user = request.user
    here = workspace.here
    view = workspace.helpdesk.get_consultation(user.office_id, consultation_id)
    history = workspace.helpdesk.history(user.office_id, consultation_id)
    can_serve = may(user.role, Permission.SERVE_CONSULTATIONS)
    can_decide = may(user.role, Permission.DECIDE_ESCALATIONS)
    # The domain says which steps are open now and who may take each (domain/script.py).
    forms = [step for step in view.next_steps if may_take(user.role, step, view.status)]
    if failed == "correct_identity" or (view.status is not Status.CLOSED and may_take(user.role, "correct_identity")):
        forms.append("correct_identity")
    parent = here.office.parent
    timeline = workspace.clocks.timeline(view.id)
    meetings = workspace.meetings.of_consultation(user.office_id, view.id) if view.channel is Channel.ONLINE_MEETING \
        else []
    return page(
        request, here, "consultations/workspace.html", status_code=status_code,
        view=view, history=history, forms=forms, failed=failed, values=values or {}, errors=errors or {},
        clock=clock_of(workspace.clock, here.office, view.channel, timeline, language(request)),
        script=script_marks(view, timeline),
        above=time_above(workspace.clock(), view.up), script_rules=script_of(view.channel),
        **party_choices(workspace.party_list, here.office, user.office_id), event_labels=EVENT_LABELS,
        up_office=office_name(OfficeId(view.up.upper_office)) if view.up else "",
        up_target=office_name(parent) if parent is not None else "",
        staff_name=workspace.staff_name(user.office_id),
        outgoing=consultation_outgoing(view, forms, parent, failed, values or {}),
        to_centre=parent is not None and parent.tier is Tier.PUSAT,
        basis_kinds=[kind.value for kind in BasisKind],
        documentation_kinds=[kind.value for kind in DocumentationKind],
        accept=ACCEPT, can_serve=can_serve, can_decide=can_decide, **template_helpers(here.office),
        meeting_panel=meeting_panel(meetings, view, user, here.office, workspace.clock(), language(request)),
        mails=workspace.mail_desk.of_consultation(view.id) if view.channel is Channel.EMAIL else [],
        sent_mail=workspace.mail_desk.outbox_of(view.id),
        disposition_label=lambda code: label("mail_disposition", code),
        **chat_panel(workspace.chat_queries, view),
        **workspace_faq(workspace.faq, here.office, view, forms, failed, values or {}, language(request)),
    )


# The new-consultation form.

def _new_page(request: Request[Any, Any, Any], workspace: Workspace, values: dict[str, str], errors: dict[str, str],
              status_code: int = 200) -> Template:
    here = workspace.here
    return page(request, here, "consultations/new.html", status_code=status_code, values=values, errors=errors,
                channels=[channel.value for channel in PICKABLE_CHANNELS],
                **party_choices(workspace.party_list, here.office, request.user.office_id),
                **template_helpers(here.office))


def _local_moment(text: str, office: OfficeId) -> datetime:
    """A `datetime-local` value read in the office's own zone."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(office.timezone))
    return moment


def _channel_or_none(raw: str) -> Channel | None:
    try:
        return Channel(raw)
    except ValueError:
        return None


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key, "")
    return value if isinstance(value, str) else ""


def _bases(data: dict[str, Any], citing: bool = False) -> list[tuple[str, str]]:
    """The first basis row always (the domain says what is missing), unless an FAQ Sipol entry is cited (then only
    when something is typed); the second only when something is typed."""
    first = (_text(data, "basis_kind_1"), _text(data, "basis_reference_1"))
    rows = [first] if not citing or first[0] or first[1].strip() else []
    second = (_text(data, "basis_kind_2"), _text(data, "basis_reference_2"))
    if second[0] or second[1].strip():
        rows.append(second)
    return rows
