"""The media rules and their record on an in-memory node: which media a Telegram update or a WhatsApp message names
(the photo's largest size), which kind of documentation each becomes, a media recorded once with its attachment, a
closed consultation's media recorded as closed without being fetched, and a network that never gives a media
recorded as unreachable after the rounds allowed."""

from __future__ import annotations

import json
from uuid import uuid4

import pytest

from domain.messaging import ChatMessage, Network
from domain.messaging_media import FETCH_ATTEMPTS, MediaKind, MediaOutcome, MediaRef, documentation_kind, media_key
from domain.roles import Role
from domain.values import Documentation, DocumentationKind
from gateways.bootstrap import Node
from gateways.messaging import media, telegram, whatsapp
from gateways.messaging.settings import TelegramBot, WhatsAppAccount
from tests.support.chat_payloads import whatsapp_media_payload, with_document, with_photo
from tests.support.samples import jpeg

OFFICE = "kab-16.13"
BOT = TelegramBot(token="1:x", username="bot", secret_token="s", api_base="http://127.0.0.1:9")
ACCOUNT = WhatsAppAccount(app_secret="a", verify_token="v", access_token="t", phone_number_id="99",
                          api_base="http://127.0.0.1:9/v21.0")


def photo_message(delivery: str) -> ChatMessage:
    return ChatMessage(network=Network.TELEGRAM, delivery=delivery, chat_id="-100", message_id=f"m{delivery}",
                       sender_id="5550001", text="Layar SIPOL", attachments=("foto",),
                       media=(MediaRef(kind=MediaKind.PHOTO, ref=f"file-{delivery}", media_type="image/jpeg"),))


def test_which_kind_of_documentation_a_media_becomes() -> None:
    assert documentation_kind("image/png") is DocumentationKind.SCREENSHOT
    assert documentation_kind("application/pdf") is DocumentationKind.DOCUMENT
    assert documentation_kind("audio/ogg") is DocumentationKind.RECORDING
    message = uuid4()
    assert media_key(message, 0) == media_key(message, 0) != media_key(message, 1)


def private_update(text: str) -> dict:
    return {"update_id": 1, "message": {"message_id": 5, "date": 1, "chat": {"id": 7, "type": "private"},
                                        "from": {"id": 3, "first_name": "T"}, "text": text}}


def test_the_updates_name_their_media() -> None:
    photo = telegram.chat_message(telegram.UPDATE.decode(_raw(with_photo(private_update("tolong"), "big", 50))), BOT)
    # The largest size by its pixels, not by the bytes Telegram declares (a small size may say it weighs more).
    assert photo is not None and photo.media == (MediaRef(kind=MediaKind.PHOTO, ref="big", media_type="image/jpeg",
                                                          size=50),)
    update = with_document(private_update("berkas"), "pdf", "application/pdf", 9)
    document = telegram.chat_message(telegram.UPDATE.decode(_raw(update)), BOT)
    assert document is not None and document.media == (MediaRef(kind=MediaKind.DOCUMENT, ref="pdf",
                                                                media_type="application/pdf", size=9),)
    assert document.attachments == ("dokumen",)
    payload = whatsapp_media_payload("wamid.1", "777", kind="image", mime_type="image/jpeg", caption="",
                                     phone_number_id="99")
    [image] = whatsapp.chat_messages(whatsapp.PAYLOAD.decode(_raw(payload)), ACCOUNT)
    assert image.media == (MediaRef(kind=MediaKind.PHOTO, ref="777", media_type="image/jpeg"),)
    video = whatsapp_media_payload("wamid.2", "778", kind="video", mime_type="video/mp4", caption="x",
                                   phone_number_id="99")
    [clip] = whatsapp.chat_messages(whatsapp.PAYLOAD.decode(_raw(video)), ACCOUNT)
    assert clip.media == () and clip.attachments == ("video",)  # named in the problem text only


def test_a_media_is_recorded_once_with_its_attachment(memory_node: Node) -> None:
    key, _ = memory_node.helpdesk.receive_chat(photo_message("1"))
    cid = memory_node.helpdesk.chat_message(key).consultation_id
    [pending] = memory_node.chat.queries.pending_media()
    storage_key, digest = memory_node.files.put(jpeg(2), "image/jpeg")
    stored = Documentation(DocumentationKind.SCREENSHOT, storage_key, digest)
    for expected in (True, False):
        assert memory_node.helpdesk.record_chat_media(
            message=pending.message, index=0, consultation_id=cid, kind=MediaKind.PHOTO,
            outcome=MediaOutcome.ATTACHED, documentation=stored) is expected
    assert memory_node.helpdesk.get_consultation(OFFICE, cid).documentation == [stored]
    assert memory_node.chat.queries.pending_media() == []


def test_a_closed_consultations_media_is_recorded_as_closed_without_being_fetched(memory_node: Node,
                                                                                  monkeypatch: pytest.MonkeyPatch
                                                                                  ) -> None:
    key, _ = memory_node.helpdesk.receive_chat(photo_message("2"))
    cid = memory_node.helpdesk.chat_message(key).consultation_id
    memory_node.helpdesk.answer_problem(OFFICE, cid, "Atur ulang sandi", [("faq_sipol", "FAQ 1")], "petugas",
                                        role=Role.ANGGOTA_HELPDESK)
    memory_node.helpdesk.log_in_report(OFFICE, cid, "petugas")
    memory_node.helpdesk.close_consultation(OFFICE, cid, "petugas")
    fetcher = memory_node.chat.media
    assert fetcher is not None
    fetcher.bot = BOT
    monkeypatch.setattr(media, "telegram_file", lambda *args: pytest.fail("a closed consultation's media fetched"))
    assert fetcher.fetch_pending() == 1
    [row] = memory_node.chat.queries.media_of(cid)
    assert (row.outcome, row.reason, row.storage_key) == ("closed", "already_closed", None)
    assert memory_node.helpdesk.get_consultation(OFFICE, cid).documentation == []


def test_a_media_the_network_never_gives_is_recorded_unreachable_after_the_rounds_allowed(
        memory_node: Node, monkeypatch: pytest.MonkeyPatch) -> None:
    key, _ = memory_node.helpdesk.receive_chat(photo_message("3"))
    cid = memory_node.helpdesk.chat_message(key).consultation_id
    fetcher = memory_node.chat.media
    assert fetcher is not None
    fetcher.bot = BOT

    def unreachable(*args: object) -> bytes:
        raise media.FetchFailed("telegram getFile 502")

    monkeypatch.setattr(media, "telegram_file", unreachable)
    for _ in range(FETCH_ATTEMPTS - 1):
        assert fetcher.fetch_pending() == 0
    assert len(memory_node.chat.queries.pending_media()) == 1
    assert fetcher.fetch_pending() == 1
    [row] = memory_node.chat.queries.media_of(cid)
    assert (row.outcome, row.reason) == ("unreachable", "fetch")
    view = memory_node.helpdesk.get_consultation(OFFICE, cid)
    assert view.documentation == [] and view.problem == "Layar SIPOL\n\n[lampiran: foto]"


def _raw(payload: dict) -> bytes:
    return json.dumps(payload).encode()
