"""A regency whose store was put back by copying files (not by `helpdesk restore`): at the start of its relay it
sees in JetStream that it already published beyond its log, starts a new epoch by itself, and its next escalations
arrive at the province instead of being taken for repeats; the province names the cases the regency lost."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from domain.node_log import DETECTED, node_log_id
from gateways.persistence import sqlite_dir
from tests.support.escalations import forward_one, received_origins
from tests.support.federation import federation_settings
from tests.support.office import Office
from tests.support.waiting import eventually

pytestmark = pytest.mark.nats

KAB, PROV = "kab-16.13", "prov-16"


def _store_files(folder: Path) -> list[Path]:
    return [folder / f"helpdesk.sqlite{suffix}" for suffix in ("", "-wal", "-shm")]


async def test_a_store_copied_back_by_hand_starts_a_new_epoch_at_the_relay(
    tmp_path: Path, nats_url: str, nats_prefix: str, clock, hasher
) -> None:
    settings = {n: federation_settings(n, "sqlite", tmp_path, nats_url, nats_prefix) for n in (KAB, PROV)}
    prov = Office(settings[PROV], clock, hasher)
    kab = Office(settings[KAB], clock, hasher)
    saved = tmp_path / "copy"
    try:
        await prov.start_link()
        await kab.start_link()
        kept = [await asyncio.to_thread(forward_one, kab.helpdesk, n) for n in range(2)]
        await eventually(lambda: received_origins(prov.helpdesk) == kept, what="the first two cases")
        # The regency's files copied while it is stopped (a file-level backup), then three more escalations.
        await kab.stop_link()
        kab.node.close()
        folder = sqlite_dir(settings[KAB])
        saved.mkdir()
        for path in _store_files(folder):
            if path.exists():
                shutil.copy2(path, saved / path.name)
        kab = Office(settings[KAB], clock, hasher)
        await kab.start_link()
        lost = [await asyncio.to_thread(forward_one, kab.helpdesk, n) for n in range(2, 5)]
        await eventually(lambda: received_origins(prov.helpdesk) == kept + lost, what="five cases")
        await kab.stop_link()
        kab.node.close()

        # The files are copied back by hand, and the node started: its relay finds its own later messages.
        for path in _store_files(folder):
            path.unlink(missing_ok=True)
        for path in saved.iterdir():
            shutil.copy2(path, folder / path.name)
        kab = Office(settings[KAB], clock, hasher)
        head = kab.helpdesk.log_head()
        await kab.start_link()
        await eventually(lambda: kab.helpdesk.current_epoch() == 1, what="the new epoch")
        log = kab.helpdesk._load(node_log_id(KAB))
        assert log.restores == ((1, head),)
        restored = [e for e in kab.helpdesk.recorder.select_notifications(head + 1, 10)
                    if e.topic.endswith("NodeLog.Restored")]
        assert len(restored) == 1
        assert kab.helpdesk.mapper.to_domain_event(restored[0]).reason == DETECTED

        # The next escalations reuse positions of the lost ones, in epoch 1: they arrive, nothing is refused.
        later = [await asyncio.to_thread(forward_one, kab.helpdesk, n) for n in range(5, 7)]
        await eventually(lambda: received_origins(prov.helpdesk) == kept + lost + later, what="the later cases")
        await eventually(lambda: prov.helpdesk.cases_lost_by(KAB) == [f"{KAB}:{o}" for o in lost],
                         what="the lost cases named at the province")
        assert prov.link.status.dead_letters == 0
    finally:
        await kab.stop_link()
        await prov.stop_link()
        kab.node.close()
        prov.node.close()
