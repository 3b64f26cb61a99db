"""Runs one node's NATS link in a process of its own, so a test can have it SIGKILLed at an exact moment.

    python -m tests.integration.fault_node SETTINGS_JSON [kill-relay-after=N | kill-consumer-after-commit=N]

kill-relay-after=N: dies once N messages are acknowledged, before recording its position (mid-batch).
kill-consumer-after-commit=N: dies once the batch holding the N-th applied message is committed, before any
message of that batch is acknowledged.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import msgspec

from gateways.bootstrap import build_node
from gateways.config import Settings
from gateways.nats.consumer import Consumer
from gateways.nats.link import NatsLink
from gateways.nats.relay import Relay
from gateways.nats.topology import topology_of
from services.inbox import Outcome


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def install_fault(fault: str) -> None:
    name, _, value = fault.partition("=")
    limit, count = int(value or 0), [0]
    if name == "kill-relay-after":
        publish_window = Relay.publish_window

        async def publish_then_maybe_die(self: Relay, window):  # noqa: ANN001, ANN202
            # The relay publishes windows of messages at once: this one goes only as far as the limit.
            acked, error = await publish_window(self, window[:limit - count[0]])
            count[0] += acked
            if count[0] >= limit:
                _die()
            return acked, error

        Relay.publish_window = publish_then_maybe_die  # type: ignore[method-assign]
    elif name == "kill-consumer-after-commit":
        acknowledge = Consumer.acknowledge

        async def die_before_ack(self: Consumer, messages, receipts) -> None:  # noqa: ANN001
            count[0] += sum(receipt.outcome is Outcome.APPLIED for receipt in receipts)
            if count[0] >= limit:
                print(f"killed after {count[0]} applied, none of the last {len(messages)} acknowledged", flush=True)
                _die()
            await acknowledge(self, messages, receipts)

        Consumer.acknowledge = die_before_ack  # type: ignore[method-assign]
    elif name:
        raise SystemExit(f"unknown fault {fault}")


async def main(settings: Settings, fault: str) -> None:
    install_fault(fault)
    node = build_node(settings)
    link = NatsLink(settings.nats_url, topology_of(settings), node.helpdesk, 0.05, key=node.audit_key,
                    keyring=node.keyring)
    await link.start()
    print("ready", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    settings = msgspec.json.decode(sys.argv[1].encode(), type=Settings)
    asyncio.run(main(settings, sys.argv[2] if len(sys.argv) > 2 else ""))
