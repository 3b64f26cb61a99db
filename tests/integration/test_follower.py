"""The projection follower picks up events another process wrote: on PostgreSQL through the log's
subscription (LISTEN/NOTIFY), on SQLite, which has no subscription, by polling."""

from __future__ import annotations

import time

from domain.values import Channel
from gateways.bootstrap import Node
from gateways.config import Settings
from gateways.follower import Follower
from services.consultations import IdentityInput


def rows(node: Node) -> int:
    # Read the table directly: the queries would catch up on their own and prove nothing.
    return int(node.store.query("SELECT count(*) FROM rm_consultations")[0][0])


def test_the_follower_applies_events_written_by_another_process(backend_settings: Settings, open_node) -> None:
    watching: Node = open_node(backend_settings)
    writer: Node = open_node(backend_settings)  # another process on the same database (a CLI, a second worker)
    subscribed = backend_settings.backend == "postgresql"
    # On PostgreSQL the poll is an hour away, so only the subscription can bring the events in time.
    follower = Follower(watching.projections, poll_seconds=3600 if subscribed else 0.2, subscribe=subscribed)
    follower.start()
    try:
        time.sleep(0.3)  # the LISTEN connection is up
        for n in range(3):
            guest = IdentityInput(name=f"Tamu {n}", party_number=1, email=f"t{n}@partai.example")
            writer.helpdesk.open_consultation("kab-16.13", Channel.EMAIL, guest, "desk")
        deadline = time.monotonic() + 10
        while rows(watching) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert rows(watching) == 3
        assert follower.errors == 0
    finally:
        follower.stop()
