"""A node with both messaging channels on, pointed at the local stand-in (tests/support/chat_recorder.py), and the
desk's bearer headers on it."""

from __future__ import annotations

import msgspec
from litestar.testing import TestClient

from domain.roles import Role
from gateways.bootstrap import Node
from gateways.config import Settings
from tests.support.chat_payloads import BOT
from tests.support.chat_recorder import ChatRecorder

TOKEN = "123456:ABC-uji-token"
SECRET = "rahasia_webhook-uji-123"
APP_SECRET = "rahasia-aplikasi-meta"
VERIFY = "verifikasi-uji"
PHONE_ID = "106540352242922"
WA_TOKEN = "EAAG-uji"
BASES = [{"kind": "faq_sipol", "reference": "FAQ SIPOL no. 9"}]
PASSWORD = "kata-sandi-uji-123"


def recorder() -> ChatRecorder:
    return ChatRecorder(TOKEN, WA_TOKEN, PHONE_ID).start()


def chat_values(recorder_url: str) -> dict[str, str]:
    """The messaging settings (keys without prefix), as an office sets them."""
    return {"telegram_bot_token": TOKEN, "telegram_bot_username": BOT, "telegram_secret_token": SECRET,
            "telegram_api_base": recorder_url, "whatsapp_app_secret": APP_SECRET, "whatsapp_verify_token": VERIFY,
            "whatsapp_access_token": WA_TOKEN, "whatsapp_phone_number_id": PHONE_ID,
            "whatsapp_api_base": f"{recorder_url}/v21.0"}


def chat_settings(base: Settings, recorder_url: str) -> Settings:
    return msgspec.structs.replace(base, **chat_values(recorder_url))


def desk_headers(client: TestClient, node: Node, username: str = "petugas-pesan") -> dict[str, str]:
    node.accounts.register_user(username, "Petugas Pesan", Role.ANGGOTA_HELPDESK, node.office.value, PASSWORD, "test")
    login = client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
    assert login.status_code == 201, login.text
    client.cookies.clear()
    return {"Authorization": f"Bearer {login.json()['token']}"}

def consultations(node: Node) -> list:
    return node.consultations.list(node.office.value, limit=100)
