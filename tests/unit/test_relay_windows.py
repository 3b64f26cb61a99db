"""How the relay walks a batch in windows (gateways/nats/relay.py): where the next window starts, how far the recorded
position may move, and where documents go. JetStream's side (what a chained window stores) is tested on a real server
in tests/integration/test_relay_order.py; here a scripted window stands in for it."""

from __future__ import annotations

import asyncio

import pytest
from nats.errors import TimeoutError as NatsTimeout
from nats.js.errors import APIError

from gateways.nats.relay import Relay
from gateways.nats.status import LinkStatus
from gateways.nats.topology import Topology
from gateways.nats.window import EXPECTED_LAST_MSG_ID, WRONG_LAST_MSG_ID, Outgoing, chained_headers
from gateways.signing import OfficeKey

BROKEN = APIError(code=400, err_code=WRONG_LAST_MSG_ID, description="wrong last msg ID: x")


def message(name: str, stream: str = "S") -> Outgoing:
    return Outgoing(f"p.{name}", name.encode(), name, "sig", stream)


class ScriptedRelay(Relay):
    """A relay whose windows JetStream answers from a script: (how many leading messages it stores, error)."""

    def __init__(self, answers: list[tuple[int, BaseException | None]]) -> None:
        super().__init__(None, Topology("p", "kab-16.13", ("prov-16",), False), None,  # type: ignore[arg-type]
                         LinkStatus(), asyncio.Event(), 0.1, OfficeKey.ephemeral())
        self.answers, self.calls = answers, []  # type: ignore[var-annotated]

    async def publish_window(self, window):  # noqa: ANN001, ANN202
        self.calls.append([m.message_id for m in window])
        acked, error = self.answers.pop(0) if self.answers else (len(window), None)
        return min(acked, len(window)), error

    async def send_document(self, document) -> None:  # noqa: ANN001
        self.calls.append(f"document {document}")


def batch() -> list:
    return [(10, [message("a1"), message("a2"), message("a3")], []),
            (11, [message("b1"), message("b2")], []),
            (12, [message("c1")], [])]


def test_the_position_stops_before_the_event_whose_message_failed() -> None:
    relay = ScriptedRelay([(4, NatsTimeout())])  # a1..a3 and b1 acknowledged, b2 not
    relay.sent_through = 9
    with pytest.raises(NatsTimeout):
        asyncio.run(relay.send(batch()))
    assert relay.sent_through == 10
    assert relay.status.published == 4


def test_a_broken_chain_starts_the_next_window_at_the_refused_message() -> None:
    relay = ScriptedRelay([(2, BROKEN), (1, BROKEN)])
    asyncio.run(relay.send(batch()))
    assert relay.calls == [["a1", "a2", "a3", "b1", "b2", "c1"], ["a3", "b1", "b2", "c1"], ["b1", "b2", "c1"]]
    assert relay.sent_through == 12 and relay.status.published == 6


def test_a_window_that_stores_nothing_is_an_error_not_a_loop() -> None:
    relay = ScriptedRelay([(0, BROKEN)])
    relay.sent_through = 9
    with pytest.raises(APIError):
        asyncio.run(relay.send(batch()))
    assert relay.sent_through == 9


def test_documents_follow_their_event_s_messages_once_those_are_all_stored() -> None:
    relay = ScriptedRelay([])
    events = [(10, [message("a1")], []), (11, [message("b1")], ["doc-b"]), (12, [message("c1")], [])]
    asyncio.run(relay.send(events))
    assert relay.calls == [["a1", "b1"], "document doc-b", ["c1"]]
    assert relay.sent_through == 12


def test_each_message_names_its_predecessor_in_its_own_stream() -> None:
    window = [message("x1", "X"), message("y1", "Y"), message("x2", "X"), message("x3", "X"), message("y2", "Y")]
    named = [h.get(EXPECTED_LAST_MSG_ID) for h in chained_headers(window)]
    assert named == [None, None, "x1", "x2", "y1"]
    assert all(h["Nats-Msg-Id"] == m.message_id for h, m in zip(chained_headers(window), window, strict=True))
