"""The same clip sent at the same moment by three requests (a triple tap on a slow line) is one clip and one
consultation on every backend: the clip's id comes from the form's key, and the event store refuses the losers, whose
consultation goes unsaved with them (issue 14)."""

from __future__ import annotations

import threading
from datetime import timedelta
from uuid import uuid4

from domain.roles import Role
from gateways.bootstrap import Node
from services.clips import ClipInput, ClipResult, Screenshot
from services.groups import GroupInput
from tests.support.samples import png

OFFICE = "kab-16.13"
TRIES = 3


def test_a_clip_sent_three_times_at_once_opens_one_consultation(node: Node) -> None:
    koord = node.accounts.get_user(node.accounts.register_user("koord-harian", "Koord", Role.KOORDINATOR_HARIAN,
                                                               OFFICE, "kata-sandi-uji-123", "test"))
    group_id = node.helpdesk.register_group(koord, GroupInput(platform="whatsapp", name="LO PKB", party_number=1))
    node.helpdesk.add_group_member(koord, group_id, "Budi Santoso", "liaison", "081234567890")
    clip = ClipInput(key=str(uuid4()), sender="Budi Santoso", text="Akun terkunci.", sent_at=node.clock() - timedelta(
        minutes=5), group_id=group_id, screenshot=Screenshot(png(31), "image/png"))

    # Three requests pass the "recorded already?" check together and race to save.
    start = threading.Barrier(TRIES)
    results: list[ClipResult] = []
    failures: list[BaseException] = []

    def send() -> None:
        start.wait()
        try:
            results.append(node.helpdesk.paste_clip(OFFICE, clip, "desk"))
        except BaseException as error:  # noqa: BLE001 - kept and reported by the assertion below
            failures.append(error)

    threads = [threading.Thread(target=send) for _ in range(TRIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == [] and len(results) == TRIES
    assert len({r.consultation_id for r in results}) == 1
    assert sum(r.new for r in results) == 1

    # One consultation in the read model, with the one screenshot; one clip on it.
    assert len(node.consultations.list(OFFICE)) == 1
    view = node.helpdesk.get_consultation(OFFICE, results[0].consultation_id)
    assert len(view.documentation) == 1 and view.identity.party.name == "Partai Kebangkitan Bangsa"
    assert len(node.groups.clips_of(results[0].consultation_id)) == 1
