"""The "Tempel pesan dari grup" pages: a message from a group no bot reads, pasted with its sender, group, time and
screenshot into a new consultation on the messaging channel (/tempel) or into an open one (/tempel/{id}). The form
carries an idempotency key, so a double tap or a resend makes one clip (domain/clip.py)."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from litestar import Controller, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from domain.errors import DomainError
from gateways.edge.auth import step_guard
from gateways.edge.clips import form_values, read_clip
from gateways.edge.deps import Caller, GroupsDep, HelpdeskDep, Here, HereDep
from gateways.edge.errors import LARGEST_FILE, STATUS_OF_KIND, megabytes, say
from gateways.storage import MAX_FILE_BYTES, MAX_UPLOAD_BYTES, FileRefused
from gateways.web.forms import Upload, field_errors
from gateways.web.groups import PLATFORM_NAMES
from gateways.web.render import language, page
from gateways.web.workspace_view import template_helpers
from projections.groups_queries import GroupQueries
from services.helpdesk import Helpdesk

ACCEPT = "image/*,audio/*,video/*,application/pdf"
UPLOAD = {"request_max_body_size": MAX_UPLOAD_BYTES, "opt": {LARGEST_FILE: MAX_FILE_BYTES}}


class ClipPages(Controller):
    path = "/tempel"
    include_in_schema = False

    @get("/", guards=step_guard("open_consultation"), sync_to_thread=True)
    def new_form(self, request: Caller, here: HereDep, helpdesk: HelpdeskDep, groups: GroupsDep) -> Template:
        return _page(request, here, helpdesk, groups, None, {}, {})

    @post("/", guards=step_guard("open_consultation"), sync_to_thread=True, **UPLOAD)  # type: ignore[arg-type]
    def paste_new(self, request: Caller, here: HereDep, helpdesk: HelpdeskDep, groups: GroupsDep, data: Upload
                  ) -> Response[Any] | Template:
        return _paste(request, here, helpdesk, groups, None, data)

    @get("/{consultation_id:uuid}", guards=step_guard("attach_documentation"), sync_to_thread=True)
    def into_form(self, request: Caller, here: HereDep, helpdesk: HelpdeskDep, groups: GroupsDep,
                  consultation_id: FromPath[UUID]) -> Template:
        return _page(request, here, helpdesk, groups, consultation_id, {}, {})

    @post("/{consultation_id:uuid}", guards=step_guard("attach_documentation"), sync_to_thread=True,
          **UPLOAD)  # type: ignore[arg-type]
    def paste_into(self, request: Caller, here: HereDep, helpdesk: HelpdeskDep, groups: GroupsDep,
                   consultation_id: FromPath[UUID], data: Upload) -> Response[Any] | Template:
        return _paste(request, here, helpdesk, groups, consultation_id, data)


def _paste(request: Caller, here: Here, helpdesk: Helpdesk, groups: GroupQueries, into: UUID | None,
           data: dict[str, Any]) -> Response[Any] | Template:
    """Records the clip; to the consultation it opened or joined, or the form again with each error beside its field
    (and the same idempotency key, so sending it again after a fix is still one clip)."""
    values = form_values(data)
    lang = language(request)
    try:
        clip = read_clip(data, here.office)
        result = helpdesk.paste_clip(request.user.office_id, clip, request.user.username, into=into)
    except FileRefused as refused:
        errors = {"file": say(refused.code, lang, limit=megabytes(refused.limit))}
        return _page(request, here, helpdesk, groups, into, values, errors, status_code=422)
    except DomainError as error:
        if error.kind == "forbidden" or (error.kind == "not_found" and not error.field):
            raise
        return _page(request, here, helpdesk, groups, into, values, field_errors(error, lang),
                     status_code=STATUS_OF_KIND[error.kind])
    return Redirect(f"/konsultasi/{result.consultation_id}", status_code=303)


def _page(request: Caller, here: Here, helpdesk: Helpdesk, groups: GroupQueries, into: UUID | None,
          values: dict[str, str], errors: dict[str, str], status_code: int = 200) -> Template:
    office_id = request.user.office_id
    consultation = helpdesk.get_consultation(office_id, into) if into is not None else None
    return page(request, here, "clips/form.html", status_code=status_code, consultation=consultation,
                clips=groups.clips_of(into) if into is not None else [], groups=groups.list(office_id),
                values={"platform": "whatsapp", **values, "key": values.get("key") or str(uuid4())},
                errors=errors, platforms=PLATFORM_NAMES, accept=ACCEPT,
                action=f"/tempel/{into}" if into is not None else "/tempel", **template_helpers(here.office))

