"""The evidence of an escalated case on its page at the office above: the documents the desk below attached, each
shown once its bytes have arrived (an image inline), "sedang dikirim" until then; and the file itself."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from domain.errors import NotFound
from domain.roles import Permission
from gateways.edge.auth import requires
from gateways.messages import label, number
from gateways.web.workspace_view import WorkspaceDep
from services.helpdesk import Helpdesk
from services.views import CaseView, UserView


@dataclass(frozen=True)
class EvidenceRow:
    kind: str  # the kind's label (catalogue: documentation.*)
    sha256: str
    media_type: str
    size_kb: str
    href: str | None  # where the file is served; None while its bytes are on their way
    is_image: bool


def evidence_rows(helpdesk: Helpdesk, case: CaseView, lang: str) -> list[EvidenceRow]:
    held = helpdesk.held_evidence(case.office_id, case.case.evidence)
    return [
        EvidenceRow(label("documentation", item.evidence.kind.value, lang), item.evidence.sha256,
                    item.evidence.media_type, number(item.evidence.size / 1024, lang, "#,##0.0"),
                    f"/eskalasi/kasus/{case.id}/dokumen/{item.evidence.sha256}" if item.storage_key else None,
                    item.evidence.is_image)
        for item in held
    ]


class EvidencePages(Controller):
    path = "/eskalasi/kasus"
    include_in_schema = False
    guards = [requires(Permission.READ_CONSULTATIONS)]

    @get("/{case_id:uuid}/dokumen/{sha256:str}", sync_to_thread=True)
    def document(self, request: Request[UserView, Any, Any], workspace: WorkspaceDep, case_id: FromPath[UUID],
                 sha256: FromPath[str]) -> Response[bytes]:
        """A document the case names, as this office keeps it; 404 for any other, or one not arrived yet."""
        helpdesk = workspace.helpdesk
        try:
            case = helpdesk.get_case(request.user.office_id, case_id)
        except NotFound:
            raise NotFoundException() from None
        wanted = [item for item in helpdesk.held_evidence(case.office_id, case.case.evidence)
                  if item.evidence.sha256 == sha256 and item.storage_key]
        if not wanted:
            raise NotFoundException()
        try:
            content = helpdesk.evidence_bytes(wanted[0].storage_key or "")
        except OSError:
            raise NotFoundException() from None
        return Response(content, media_type=wanted[0].evidence.media_type, headers={
            "X-Content-Type-Options": "nosniff",
            "Content-Disposition": f'inline; filename="{sha256[:12]}"',
            "Cache-Control": "private, max-age=3600",
        })
