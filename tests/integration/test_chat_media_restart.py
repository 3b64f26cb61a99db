"""A media recorded with its message and not fetched yet waits in the read model through a restart: the node that comes
back fetches it once and attaches it once, even when the node before had already stored its bytes and died before
recording them; later rounds and later starts change nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest
from litestar.testing import TestClient

from gateways.app import create_app
from gateways.bootstrap import Node, build_node
from gateways.config import Settings
from tests.support.chat_nodes import SECRET, chat_settings, consultations
from tests.support.chat_payloads import BOT, mention, telegram_message, with_photo
from tests.support.chat_recorder import ChatRecorder
from tests.support.samples import jpeg
from tests.support.settings import settings_per_param
from tests.support.waiting import wait_until

OFFICE = "kab-16.13"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def settings(request: pytest.FixtureRequest, tmp_path: Path, recorder: ChatRecorder) -> Iterator[Settings]:
    for base in settings_per_param(request, tmp_path):
        yield chat_settings(base, recorder.url)


def opened(settings: Settings) -> Node:
    return build_node(settings)


def documentation(node: Node, consultation_id: UUID) -> list:
    return node.helpdesk.get_consultation(OFFICE, consultation_id).documentation


def test_a_media_recorded_before_a_restart_is_fetched_and_attached_once(settings: Settings,
                                                                         recorder: ChatRecorder) -> None:
    photo = jpeg(11)
    recorder.serve_telegram_file("AgAC-restart", photo)
    text = f"@{BOT} layar verifikasi kami macet"
    raw = json.dumps(with_photo(telegram_message(77, text, entities=mention(text)), "AgAC-restart",
                                len(photo))).encode()

    # The webhook records the message (three deliveries, one record); the node stops before any round ran, after
    # a round had stored the bytes but died before recording them.
    first = opened(settings)
    try:
        assert [first.chat.intake.telegram(raw, SECRET) for _ in range(3)] == [1, 0, 0]
        [consultation] = consultations(first)
        cid = UUID(str(consultation.id))
        assert len(first.chat.queries.pending_media()) == 1 and recorder.downloads() == []
        first.files.put(photo, "image/jpeg")
    finally:
        first.close()

    # The node comes back: its job fetches the media once and attaches it once.
    second = opened(settings)
    try:
        with TestClient(create_app(second)):
            wait_until(lambda: second.chat.queries.pending_media() == [], what="the media fetched after the restart")
            assert second.chat.job is not None and second.chat.job.fetch_media() == 0
        [item] = documentation(second, cid)
        assert second.files.get(item.storage_key) == photo
    finally:
        second.close()

    third = opened(settings)
    try:
        assert third.chat.media is not None and third.chat.media.fetch_pending() == 0
        assert len(documentation(third, cid)) == 1
        [media] = third.chat.queries.media_of(cid)
        assert (media.outcome, media.kind.value) == ("attached", "photo")
    finally:
        third.close()
    assert len(recorder.downloads()) == 1 and len(recorder.sent("getFile")) == 1
