"""A messaging consultation's "Pesan" panel in its workspace: the Telegram or WhatsApp messages it was opened or
joined by, what became of the photos and files they carried, and its answers posted back (not yet, or when)."""

from __future__ import annotations

from typing import Any

from domain.values import Channel
from projections.messaging_queries import MessagingQueries
from services.views import ConsultationView


def chat_panel(queries: MessagingQueries, view: ConsultationView) -> dict[str, Any]:
    """The panel's rows (templates/consultations/_chat.html); none for a consultation of another channel."""
    if view.channel is not Channel.MESSAGING:
        return {"chats": [], "chat_media": [], "chat_answers": []}
    return {"chats": queries.of_consultation(view.id), "chat_media": queries.media_of(view.id),
            "chat_answers": queries.answers_of(view.id)}
