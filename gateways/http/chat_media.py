"""What became of the media a consultation's messages named (gateways/messaging/fetcher.py): the desk sees a photo
still waiting, refused (too large, a kind not kept), unreachable or too late for a closed consultation — never a media
silently dropped. The attached ones are the consultation's documentation (GET /api/consultations/{id})."""

from __future__ import annotations

from uuid import UUID

import msgspec
from litestar import Controller, get
from litestar.params import FromPath

from domain.roles import Permission
from gateways.edge.auth import requires
from gateways.edge.deps import ChatQueriesDep, ConsultationStepsDep


class ChatMediaItem(msgspec.Struct, frozen=True):
    network: str  # telegram | whatsapp
    kind: str  # photo | document
    outcome: str  # pending | attached | refused | unreachable | closed
    reason: str  # why refused or not attached ("size", "media_type", "fetch", "already_closed"), else ""
    storage_key: str | None  # the documentation's file, when attached


class ChatMediaController(Controller):
    path = "/api/consultations"
    tags = ["Konsultasi"]
    guards = [requires(Permission.READ_CONSULTATIONS)]

    @get("/{consultation_id:uuid}/chat-media", sync_to_thread=True,
         summary="Lampiran pesan (Telegram, WhatsApp) konsultasi ini dan nasibnya")
    def chat_media(self, consultation_steps: ConsultationStepsDep, chat_queries: ChatQueriesDep,
                   consultation_id: FromPath[UUID]) -> list[ChatMediaItem]:
        consultation_steps.consultation(consultation_id)  # 404 unless it is this office's
        return [ChatMediaItem(row.network.value, row.kind.value, row.outcome or "pending", row.reason or "",
                              row.storage_key) for row in chat_queries.media_of(consultation_id)]
