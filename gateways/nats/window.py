"""Publishing a window of messages at once without a later one ever stored before an earlier one that failed.

Each message of a window names the one before it in the same stream: `Nats-Expected-Last-Msg-Id` (nats-server 2.9
checks it atomically with the store, after the duplicate check). JetStream stores it only when the last message in
that stream is its predecessor, so the stored messages of a window are always an unbroken prefix of it, in order,
whatever happens to the others (refused, lost with a connection, replayed by the client after a reconnect, or late on
an old connection). The first message of a window names nothing: the relay sends it only when every earlier message
to its stream was acknowledged. A repeat of a stored message is acknowledged as a duplicate whatever it names.

A window stops being stored where another publisher's message came between two of ours (`chain_broken`): nothing
is wrong, the relay starts the next window there. Any other failure (no stream yet, a timeout, the connection) is
an error: the relay records how far the acknowledged prefix reached and tries again from there after a pause.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import NamedTuple

from nats.js import JetStreamContext
from nats.js.errors import APIError

EXPECTED_LAST_MSG_ID = "Nats-Expected-Last-Msg-Id"
WRONG_LAST_MSG_ID = 10070  # JetStream's error code for a message whose predecessor is not the stream's last
SIGNATURE_HEADER = "Helpdesk-Signature"
WINDOW = 256  # messages in flight at once (an envelope is about 0.7 kB: well inside the client's 2 MB buffer)
TIMEOUT = 5.0  # seconds JetStream has to acknowledge a window's messages


class Outgoing(NamedTuple):
    """A message ready to go: its bytes signed, its JetStream id, and the stream it lands in (its chain)."""

    subject: str
    data: bytes
    message_id: str
    signature: str
    stream: str


def chained_headers(window: Sequence[Outgoing]) -> list[dict[str, str]]:
    """Each message's headers; all but the first message of each stream name the one before it in that stream."""
    previous: dict[str, str] = {}
    headers = []
    for message in window:
        header = {"Nats-Msg-Id": message.message_id, SIGNATURE_HEADER: message.signature}
        if message.stream in previous:
            header[EXPECTED_LAST_MSG_ID] = previous[message.stream]
        previous[message.stream] = message.message_id
        headers.append(header)
    return headers


async def publish_window(js: JetStreamContext, window: Sequence[Outgoing]) -> tuple[int, BaseException | None]:
    """Publishes the window's messages together and waits for every answer; returns how many leading messages
    JetStream acknowledged (stored, or known duplicates) and why the next one was not (None: all were)."""
    answers = await asyncio.gather(
        *(js.publish(m.subject, m.data, timeout=TIMEOUT, headers=h) for m, h in zip(window, chained_headers(window),
                                                                                     strict=True)),
        return_exceptions=True)
    for index, answer in enumerate(answers):
        if isinstance(answer, BaseException):
            return index, answer
    return len(answers), None


def chain_broken(error: BaseException) -> bool:
    """Refused because another message came between it and its predecessor (or its predecessor was not stored)."""
    return isinstance(error, APIError) and error.err_code == WRONG_LAST_MSG_ID
