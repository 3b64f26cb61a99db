"""The messaging channel's webhooks: Telegram posts each update of the office's bot here, WhatsApp Cloud API checks
the subscription (GET) and posts each change of the office's number. Public paths (the networks sign in with their
secret token or signature, gateways/messaging/intake.py), outside /api."""

from __future__ import annotations

from typing import Any

import anyio
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import SkipValidation
from litestar.response import Response

from gateways.messaging.intake import ChatIntake

Intake = NamedDependency[SkipValidation[ChatIntake]]


class WebhookController(Controller):
    path = "/webhook"
    include_in_schema = False  # the networks' endpoints, not the desk's API (README "Telegram groups and WhatsApp")

    @post("/telegram", status_code=200)
    async def telegram(self, request: Request[Any, Any, Any], chat_intake: Intake) -> dict[str, Any]:
        raw = await request.body()
        secret = request.headers.get("x-telegram-bot-api-secret-token")
        recorded = await anyio.to_thread.run_sync(chat_intake.telegram, raw, secret)
        return {"ok": True, "recorded": recorded}

    @get("/whatsapp", media_type="text/plain")
    async def whatsapp_check(self, request: Request[Any, Any, Any], chat_intake: Intake) -> Response[str]:
        query = request.query_params
        challenge = chat_intake.whatsapp_challenge(query.get("hub.mode"), query.get("hub.verify_token"),
                                                   query.get("hub.challenge"))
        return Response(challenge, media_type="text/plain")

    @post("/whatsapp", status_code=200)
    async def whatsapp(self, request: Request[Any, Any, Any], chat_intake: Intake) -> dict[str, Any]:
        raw = await request.body()
        signature = request.headers.get("x-hub-signature-256")
        recorded = await anyio.to_thread.run_sync(chat_intake.whatsapp_payload, raw, signature)
        return {"ok": True, "recorded": recorded}
