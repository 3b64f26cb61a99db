"""What a liaison sends with a question is kept as the consultation's documentation, through the node's real webhooks
and chat job, on the local stand-in for api.telegram.org and graph.facebook.com (tests/support/chat_recorder.py): a
Telegram photo (getFile, then the file download) and a WhatsApp image (the media id's URL, then the URL, both with the
bearer token) become one screenshot each holding the exact bytes sent, however often the update is delivered; a file
too large or of a kind the office does not keep is recorded as refused, nothing stored, the consultation opened all
the same; with an S3 store (SeaweedFS) the bytes are kept in the office's bucket."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from uuid import UUID, uuid4

import msgspec
from litestar.testing import TestClient

from gateways.app import create_app
from gateways.bootstrap import Node
from gateways.config import Settings
from tests.support.chat_nodes import (
    APP_SECRET,
    PASSWORD,
    PHONE_ID,
    SECRET,
    chat_settings,
    consultations,
    desk_headers,
)
from tests.support.chat_payloads import (
    BOT,
    mention,
    signed,
    telegram_headers,
    telegram_message,
    whatsapp_media_payload,
    with_document,
    with_photo,
)
from tests.support.chat_recorder import ChatRecorder
from tests.support.s3server import S3Server
from tests.support.samples import EXE, jpeg, png
from tests.support.settings import settings_for
from tests.support.waiting import wait_until

TOO_LARGE = 30 * 1024 * 1024  # above the store's 20 MB


def photo_update(update_id: int, file_id: str, size: int) -> dict:
    text = f"@{BOT} tangkapan layar SIPOL kami, unggah KTA gagal"
    return with_photo(telegram_message(update_id, text, message_id=400 + update_id, entities=mention(text)),
                      file_id, size)


def stored_files(node: Node) -> list[Path]:
    return [path for path in Path(node.files.root).rglob("*") if path.is_file()]


def test_a_photo_in_the_group_becomes_the_consultations_screenshot_once(chat_node: Node,
                                                                         recorder: ChatRecorder) -> None:
    photo = jpeg(7)
    recorder.serve_telegram_file("AgACAgUAAxk-besar", photo)
    with TestClient(create_app(chat_node)) as client:
        desk = desk_headers(client, chat_node)
        update = photo_update(51, "AgACAgUAAxk-besar", len(photo))
        for _ in range(3):  # Telegram delivers the same update three times
            assert client.post("/webhook/telegram", json=update, headers=telegram_headers(SECRET)).status_code == 200
        [opened] = consultations(chat_node)
        url = f"/api/consultations/{opened.id}"
        documented = wait_until(lambda: client.get(url, headers=desk).json()["documentation"],
                                what="the photo attached")
        [item] = documented
        assert item["kind"] == "screenshot" and item["storage_key"].endswith(".jpg")
        view = client.get(url, headers=desk).json()
        assert view["problem"] == "tangkapan layar SIPOL kami, unggah KTA gagal\n\n[lampiran: foto]"
        # The desk opens it from the workspace: the exact bytes the liaison sent.
        assert client.post("/masuk", data={"username": "petugas-pesan", "password": PASSWORD, "next": "/"},
                           follow_redirects=False).status_code == 303
        served = client.get(f"/konsultasi/{opened.id}/dokumentasi/{item['storage_key']}")
        assert served.status_code == 200 and served.content == photo
        # A second round (woken by anything) attaches nothing more, and the largest size was the one fetched.
        chat_node.chat.job.fetch_media()
        assert len(client.get(url, headers=desk).json()["documentation"]) == 1
    [got] = recorder.sent("getFile")
    assert got.body == {"file_id": "AgACAgUAAxk-besar"} and len(recorder.downloads()) == 1
    [media] = chat_node.chat.queries.media_of(UUID(str(opened.id)))
    assert (media.outcome, media.storage_key) == ("attached", item["storage_key"])


def test_a_whatsapp_image_becomes_the_consultations_screenshot(chat_node: Node, recorder: ChatRecorder) -> None:
    image = png(3)
    recorder.serve_whatsapp_media("1037543291543636", image, "image/png")
    payload = whatsapp_media_payload("wamid.IMG1", "1037543291543636", kind="image", mime_type="image/png",
                                     caption="Ini layar SIPOL kami", phone_number_id=PHONE_ID)
    with TestClient(create_app(chat_node)) as client:
        desk = desk_headers(client, chat_node)
        raw, headers = signed(APP_SECRET, payload)
        for _ in range(2):
            assert client.post("/webhook/whatsapp", content=raw, headers=headers).status_code == 200
        [opened] = consultations(chat_node)
        url = f"/api/consultations/{opened.id}"
        [item] = wait_until(lambda: client.get(url, headers=desk).json()["documentation"], what="the image attached")
        assert item["kind"] == "screenshot" and chat_node.files.get(item["storage_key"]) == image
    # Both calls carried the bearer token: the media id's URL, then the URL it gave.
    paths = [(r.path.split("?")[0], r.headers.get("authorization")) for r in recorder.requests if r.status == 200]
    assert paths == [("/v21.0/1037543291543636", "Bearer EAAG-uji"), ("/wa-media/1037543291543636", "Bearer EAAG-uji")]


def test_a_file_too_large_or_of_a_refused_kind_is_recorded_as_refused_and_nothing_is_stored(
        chat_node: Node, recorder: ChatRecorder) -> None:
    recorder.serve_telegram_file("BQACAgUAAxk-exe", EXE)
    recorder.serve_whatsapp_media("2000000000000001", jpeg(1), "image/jpeg", file_size=TOO_LARGE)
    with TestClient(create_app(chat_node)) as client:
        desk = desk_headers(client, chat_node)
        # A photo Telegram says is 30 MB: refused before a byte of it is asked for.
        client.post("/webhook/telegram", json=photo_update(61, "AgAC-huge", TOO_LARGE),
                    headers=telegram_headers(SECRET))
        # A program sent as a document by another liaison.
        text = f"@{BOT} ini aplikasinya"
        update = with_document(telegram_message(62, text, user_id=42, entities=mention(text)), "BQACAgUAAxk-exe",
                               "application/x-msdownload", len(EXE))
        client.post("/webhook/telegram", json=update, headers=telegram_headers(SECRET))
        # A WhatsApp image the media endpoint says is 30 MB.
        raw, headers = signed(APP_SECRET, whatsapp_media_payload("wamid.BIG", "2000000000000001", kind="image",
                                                                 mime_type="image/jpeg", caption="",
                                                                 phone_number_id=PHONE_ID))
        client.post("/webhook/whatsapp", content=raw, headers=headers)
        opened = consultations(chat_node)
        assert len(opened) == 3
        wait_until(lambda: chat_node.chat.queries.pending_media() == [], what="every media recorded")
        # The desk sees what became of each: refused, and why.
        shown = [client.get(f"/api/consultations/{c.id}/chat-media", headers=desk) for c in opened]
        assert all(response.status_code == 200 for response in shown)
        outcomes = sorted((item["outcome"], item["reason"], item["storage_key"]) for r in shown for item in r.json())
        assert outcomes == [("refused", "media_type", None), ("refused", "size", None), ("refused", "size", None)]
        assert client.get(f"/api/consultations/{uuid4()}/chat-media", headers=desk).status_code == 404
        # And on each workspace, in words: too large, or a kind of file the office does not keep.
        panels = [client.get(f"/konsultasi/{c.id}", headers=desk).text for c in opened]
        said = sorted(text for page in panels for text in ("terlalu besar", "jenis berkas tidak diterima")
                      if text in page.split('data-testid="consultation-chat"', 1)[1])
        assert said == ["jenis berkas tidak diterima", "terlalu besar", "terlalu besar"]
    for consultation in opened:
        view = chat_node.helpdesk.get_consultation("kab-16.13", UUID(str(consultation.id)))
        assert view.documentation == [] and "[lampiran: " in (view.problem or "")
    assert stored_files(chat_node) == []
    # Only the program was downloaded (and refused by its bytes); the large ones never were.
    assert [r.path for r in recorder.downloads()] == ["/file/bot123456:ABC-uji-token/documents/BQACAgUAAxk-exe"]


def test_the_photo_is_kept_in_the_offices_bucket_when_the_store_is_s3(
        tmp_path: Path, recorder: ChatRecorder, s3_server: S3Server, open_node: Callable[[Settings], Node]) -> None:
    prefix = f"t-{uuid4().hex[:12]}"
    settings = msgspec.structs.replace(chat_settings(settings_for("sqlite", tmp_path / "node"), recorder.url),
                                       **s3_server.settings(prefix))
    node = open_node(settings)
    photo = jpeg(21)
    recorder.serve_telegram_file("AgAC-s3", photo)
    with TestClient(create_app(node)) as client:
        client.post("/webhook/telegram", json=photo_update(71, "AgAC-s3", len(photo)), headers=telegram_headers(SECRET))
        [opened] = consultations(node)
        cid = UUID(str(opened.id))
        [item] = wait_until(lambda: node.helpdesk.get_consultation("kab-16.13", cid).documentation,
                            what="the photo attached")
    assert s3_server.object_bytes(f"{prefix}/{item.storage_key}") == photo
    assert stored_files(node) == []  # nothing of it in the node's own folder
