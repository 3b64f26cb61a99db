"""The documented Telegram and WhatsApp payloads as the gateway reads them: what an update gives the desk, the
signature over the raw bytes, and the settings that turn each channel on (all of them, or a clear error)."""

from __future__ import annotations

import json

import pytest

from domain.messaging import Network
from gateways.config import ConfigError, load_settings
from gateways.messaging import telegram, whatsapp
from gateways.messaging.settings import TelegramBot, WhatsAppAccount, telegram_bot, whatsapp_account
from tests.support.chat_payloads import BOT, bot_message, mention, signed, telegram_message, whatsapp_payload

TG = TelegramBot(token="1:x", username=BOT, secret_token="s", api_base="http://127.0.0.1:1")
WA = WhatsAppAccount(app_secret="rahasia", verify_token="v", access_token="t", phone_number_id="555",
                     api_base="http://127.0.0.1:1/v21.0")


def decoded(update: dict) -> telegram.Update:
    return telegram.UPDATE.decode(json.dumps(update).encode())


def test_a_group_mention_gives_the_question_its_sender_and_where_to_reply() -> None:
    text = f"😀 @{BOT} akun terkunci"
    found = telegram.chat_message(decoded(telegram_message(77, text, message_id=12, entities=mention(text))), TG)
    assert found is not None
    assert (found.network, found.delivery, found.message_id, found.sender_id) == (Network.TELEGRAM, "77", "12",
                                                                                 "5550001")
    assert (found.text, found.sender_name, found.chat_title) == ("😀 akun terkunci", "Tono Sugiarto",
                                                                "LO Partai Contoh Kab. OKU")


def test_replies_to_the_bot_count_and_replies_to_others_or_from_bots_do_not() -> None:
    reply = telegram_message(1, "masih gagal", reply_to=bot_message(5))
    assert telegram.chat_message(decoded(reply), TG) is not None
    other_bot = telegram_message(2, "masih gagal", reply_to=bot_message(5, bot="bot_lain"))
    assert telegram.chat_message(decoded(other_bot), TG) is None
    from_a_bot = telegram_message(3, f"@{BOT} halo", entities=mention(f"@{BOT} halo"))
    from_a_bot["message"]["from"]["is_bot"] = True
    assert telegram.chat_message(decoded(from_a_bot), TG) is None


def test_a_photo_with_a_caption_mentioning_the_bot_is_a_question_with_its_attachment_named() -> None:
    update = telegram_message(4, "x")
    message = update["message"]
    del message["text"]
    message["caption"] = f"@{BOT} galat ini muncul"
    message["caption_entities"] = mention(message["caption"])
    message["photo"] = [{"file_id": "AgAD", "file_unique_id": "u", "width": 90, "height": 60}]
    found = telegram.chat_message(decoded(update), TG)
    assert found is not None and (found.text, found.attachments) == ("galat ini muncul", ("foto",))


def test_a_private_chat_with_the_bot_is_all_for_it_and_other_update_kinds_are_nothing() -> None:
    private = telegram.chat_message(decoded(telegram_message(5, "Halo, tanya", chat_type="private")), TG)
    assert private is not None and private.text == "Halo, tanya"
    assert telegram.chat_message(decoded({"update_id": 6, "channel_post": {"message_id": 1}}), TG) is None


def test_the_whatsapp_signature_is_over_the_raw_bytes_and_compared_whole() -> None:
    raw, headers = signed("rahasia", whatsapp_payload("wamid.1", "Halo", phone_number_id="555"))
    assert whatsapp.signature_valid("rahasia", raw, headers["X-Hub-Signature-256"])
    assert not whatsapp.signature_valid("rahasia", raw + b" ", headers["X-Hub-Signature-256"])
    assert not whatsapp.signature_valid("lain", raw, headers["X-Hub-Signature-256"])
    assert not whatsapp.signature_valid("rahasia", raw, headers["X-Hub-Signature-256"][:-2])
    assert not whatsapp.signature_valid("rahasia", raw, None)


def test_a_whatsapp_payload_gives_its_text_messages_to_this_number_only() -> None:
    raw, _ = signed("k", whatsapp_payload("wamid.1", "  Berkas   ditolak ", phone_number_id="555"))
    [found] = whatsapp.chat_messages(whatsapp.PAYLOAD.decode(raw), WA)
    assert (found.delivery, found.message_id, found.sender_id, found.sender_name, found.text) == (
        "wamid.1", "wamid.1", "6281234567890", "Siti Aminah", "Berkas ditolak")
    raw, _ = signed("k", whatsapp_payload("wamid.2", "Halo", phone_number_id="999"))
    assert whatsapp.chat_messages(whatsapp.PAYLOAD.decode(raw), WA) == []  # another number of the business


def test_each_channel_is_off_until_its_secrets_are_set_and_half_a_channel_is_an_error() -> None:
    base = {"node_id": "kab-16.13", "database": "memory"}
    off = load_settings({}, **base)
    assert telegram_bot(off) is None and whatsapp_account(off) is None
    on = load_settings({}, **base, telegram_bot_token="1:x", telegram_secret_token="abc_-1",
                       telegram_bot_username=f"@{BOT}")
    assert telegram_bot(on) == TelegramBot(token="1:x", username=BOT, secret_token="abc_-1",
                                           api_base="https://api.telegram.org")
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_USERNAME"):
        load_settings({}, **base, telegram_bot_token="1:x", telegram_secret_token="abc")
    with pytest.raises(ConfigError, match="TELEGRAM_SECRET_TOKEN"):
        load_settings({}, **base, telegram_bot_token="1:x", telegram_secret_token="tanda spasi!",
                      telegram_bot_username=BOT)
    with pytest.raises(ConfigError, match="WHATSAPP_PHONE_NUMBER_ID"):
        load_settings({}, **base, whatsapp_app_secret="a", whatsapp_access_token="t", whatsapp_verify_token="v")
    with pytest.raises(ConfigError, match="WHATSAPP_API_BASE"):
        load_settings({}, **base, whatsapp_api_base="ftp://x")
