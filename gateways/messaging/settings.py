"""The messaging channel's accounts as the node reaches them, from the settings: the office's Telegram bot and its
WhatsApp business number. Each is off (None) while its secrets are unset; half of one set is a configuration error."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import msgspec

from gateways.config import PREFIX, ConfigError

SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what Telegram's setWebhook accepts as secret_token


class TelegramBot(msgspec.Struct, frozen=True, kw_only=True):
    token: str
    username: str  # without the "@"
    secret_token: str
    api_base: str

    def method_url(self, method: str) -> str:
        return f"{self.api_base.rstrip('/')}/bot{self.token}/{method}"


class WhatsAppAccount(msgspec.Struct, frozen=True, kw_only=True):
    app_secret: str
    verify_token: str
    access_token: str
    phone_number_id: str
    api_base: str

    @property
    def messages_url(self) -> str:
        return f"{self.api_base.rstrip('/')}/{self.phone_number_id}/messages"


def _secret(settings: Any, key: str) -> str:
    """A secret from its setting, or from the file its `<key>_file` setting names."""
    path = getattr(settings, f"{key}_file")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return str(getattr(settings, key)).strip()


def telegram_bot(settings: Any) -> TelegramBot | None:
    token, secret = _secret(settings, "telegram_bot_token"), _secret(settings, "telegram_secret_token")
    if not token or not secret:
        return None
    return TelegramBot(token=token, username=settings.telegram_bot_username.lstrip("@"), secret_token=secret,
                       api_base=settings.telegram_api_base)


def whatsapp_account(settings: Any) -> WhatsAppAccount | None:
    app_secret, access = _secret(settings, "whatsapp_app_secret"), _secret(settings, "whatsapp_access_token")
    if not app_secret or not access:
        return None
    return WhatsAppAccount(app_secret=app_secret, verify_token=settings.whatsapp_verify_token, access_token=access,
                           phone_number_id=settings.whatsapp_phone_number_id, api_base=settings.whatsapp_api_base)


def check_messaging(settings: Any) -> None:
    """Raises ConfigError naming the key of a messaging setting that cannot work."""
    for key in ("telegram_bot_token", "telegram_secret_token", "whatsapp_app_secret", "whatsapp_access_token"):
        path = getattr(settings, f"{key}_file")
        if path and not Path(path).is_file():
            raise ConfigError(f"{PREFIX}{key.upper()}_FILE", "config_unreadable", path=path)
    for key in ("telegram_api_base", "whatsapp_api_base"):
        parts = urlsplit(getattr(settings, key))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"{PREFIX}{key.upper()}", "config_http_address", value=getattr(settings, key))
    _check_telegram(settings)
    _check_whatsapp(settings)


def _check_telegram(settings: Any) -> None:
    token, secret = _secret(settings, "telegram_bot_token"), _secret(settings, "telegram_secret_token")
    if not token and not secret:
        return
    if not token or not secret or not settings.telegram_bot_username.strip("@ "):
        raise ConfigError(f"{PREFIX}TELEGRAM_BOT_TOKEN, {PREFIX}TELEGRAM_SECRET_TOKEN, {PREFIX}TELEGRAM_BOT_USERNAME",
                          "config_telegram_incomplete")
    if not SECRET_TOKEN.fullmatch(secret):
        raise ConfigError(f"{PREFIX}TELEGRAM_SECRET_TOKEN", "config_telegram_secret")


def _check_whatsapp(settings: Any) -> None:
    app_secret, access = _secret(settings, "whatsapp_app_secret"), _secret(settings, "whatsapp_access_token")
    if not app_secret and not access:
        return
    if not (app_secret and access and settings.whatsapp_verify_token and settings.whatsapp_phone_number_id):
        raise ConfigError(f"{PREFIX}WHATSAPP_APP_SECRET, {PREFIX}WHATSAPP_ACCESS_TOKEN, {PREFIX}WHATSAPP_VERIFY_TOKEN,"
                          f" {PREFIX}WHATSAPP_PHONE_NUMBER_ID", "config_whatsapp_incomplete")
