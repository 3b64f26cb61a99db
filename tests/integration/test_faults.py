"""Faults between offices, each ending in exact counts: NATS down, a relay or a consumer SIGKILLed at the
worst moment, a message republished past the duplicate window, messages forged or unreadable."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import msgspec
import nats
import pytest
from nats.js.errors import NotFoundError

from gateways.nats.topology import topology_of
from gateways.natsserver import NatsServer, die_with_parent, free_port, stop_process
from services.integration import SCHEMA_VERSION, encode, subject
from tests.support.escalations import KAB, forward_one, received_origins
from tests.support.federation import federation_settings
from tests.support.office import Office
from tests.support.waiting import eventually

pytestmark = pytest.mark.nats
PROV = "prov-16"
ROOT = Path(__file__).parents[2]


@pytest.fixture
def offices(tmp_path: Path, nats_url: str, nats_prefix: str, clock, hasher):
    """The regency and its province on SQLite (links not started: each test decides when)."""
    built = {n: Office(federation_settings(n, "sqlite", tmp_path, nats_url, nats_prefix), clock, hasher)
             for n in (KAB, PROV)}
    yield built
    for office in built.values():
        office.node.close()


async def _stop_links(*offices: Office) -> None:
    for office in offices:
        await office.stop_link()


_SPAWNED: list[subprocess.Popen[bytes]] = []


@pytest.fixture(autouse=True)
def _no_process_outlives_its_test() -> Iterator[None]:
    yield
    while _SPAWNED:
        stop_process(_SPAWNED.pop(), timeout=5)


def _spawn(settings, fault: str = "") -> subprocess.Popen[bytes]:  # noqa: ANN001
    """Starts the node's link in a process of its own (its log in a file beside its data) and waits until it runs."""
    log = Path(settings.data_dir) / f"link-{uuid.uuid4().hex[:6]}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.integration.fault_node", msgspec.json.encode(settings).decode(), fault],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, preexec_fn=die_with_parent,  # noqa: PLW1509
        )
    _SPAWNED.append(process)
    deadline = time.monotonic() + 30
    while b"ready" not in log.read_bytes():
        assert process.poll() is None or b"ready" in log.read_bytes(), log.read_text()
        assert time.monotonic() < deadline, "the node process did not start"
        time.sleep(0.05)
    return process


async def test_a_escalations_made_while_nats_is_down_arrive_once_in_order(tmp_path: Path, nats_prefix: str,
                                                                        clock, hasher) -> None:
    port = free_port()
    server = NatsServer(port=port, store_dir=tmp_path / "nats").start()
    url = server.url
    kab = Office(federation_settings(KAB, "sqlite", tmp_path, url, nats_prefix), clock, hasher)
    prov = Office(federation_settings(PROV, "sqlite", tmp_path, url, nats_prefix), clock, hasher)
    try:
        await kab.start_link()
        await prov.start_link()
        await eventually(lambda: kab.link.status.streams_ready and prov.link.status.streams_ready, what="streams")
        # The link goes down; the regency goes on working and escalates 100 questions.
        server.stop()
        forwarded = [await asyncio.to_thread(forward_one, kab.helpdesk, n) for n in range(100)]
        await asyncio.sleep(1)
        assert await asyncio.to_thread(received_origins, prov.helpdesk) == []
        # The link comes back: each arrives exactly once, in the order it was made.
        server = NatsServer(port=port, store_dir=tmp_path / "nats").start()
        await eventually(lambda: len(received_origins(prov.helpdesk)) >= 100, timeout=60, what="100 cases")
        await asyncio.sleep(0.5)
        assert await asyncio.to_thread(received_origins, prov.helpdesk) == forwarded
    finally:
        await _stop_links(kab, prov)
        kab.node.close()
        prov.node.close()
        server.stop()


async def test_b_a_relay_killed_mid_batch_loses_nothing_and_repeats_nothing(offices: dict[str, Office]) -> None:
    kab, prov = offices[KAB], offices[PROV]
    forwarded = [await asyncio.to_thread(forward_one, kab.helpdesk, n) for n in range(60)]
    await prov.start_link()
    await eventually(lambda: prov.link.status.streams_ready, what="the province's stream")
    # The regency's relay runs in a process of its own and is SIGKILLed after 25 publishes, before it could
    # record how far it got; then it starts again from its last recorded position.
    killed = _spawn(kab.settings, "kill-relay-after=25")
    assert await asyncio.to_thread(killed.wait, 30) == -9
    # The 25 it published arrive; its recorded position never moved (it died inside its first batch).
    await eventually(lambda: len(received_origins(prov.helpdesk)) >= 25, what="the first 25")
    assert await asyncio.to_thread(received_origins, prov.helpdesk) == forwarded[:25]
    assert kab.helpdesk.relay_position() == 0
    restarted = _spawn(kab.settings)
    try:
        await eventually(lambda: len(received_origins(prov.helpdesk)) >= 60, what="60 cases")
        await asyncio.sleep(0.5)
        assert await asyncio.to_thread(received_origins, prov.helpdesk) == forwarded
    finally:
        stop_process(restarted)
        await _stop_links(prov)


async def test_c_a_consumer_killed_between_commit_and_ack_applies_nothing_twice(offices: dict[str, Office]) -> None:
    kab, prov = offices[KAB], offices[PROV]
    forwarded = [await asyncio.to_thread(forward_one, kab.helpdesk, n) for n in range(20)]
    await kab.start_link()
    # The province's consumer commits the batch holding the 7th message and dies before acknowledging any of
    # that batch; JetStream delivers the batch again to the restarted consumer, which finds it already applied.
    killed = _spawn(prov.settings, "kill-consumer-after-commit=7")
    assert await asyncio.to_thread(killed.wait, 30) == -9
    # Batches take what the stream holds, so at least 7 were committed (all 20 if one batch took them), in order.
    before = await asyncio.to_thread(received_origins, prov.helpdesk)
    assert 7 <= len(before) <= 20 and before == forwarded[:len(before)]
    # Five more escalations arrive meanwhile; the restarted consumer is handed the redelivered batch (repeats
    # only) and the new ones: each is applied once, in the order it was made.
    later = [await asyncio.to_thread(forward_one, kab.helpdesk, n) for n in range(20, 25)]
    restarted = _spawn(prov.settings)
    try:
        topology = topology_of(prov.settings)
        client = await nats.connect(prov.settings.nats_url)
        try:
            async def all_acknowledged() -> bool:
                try:
                    info = await client.jetstream().consumer_info(topology.stream, topology.durable)
                except NotFoundError:
                    return False  # the restarted node has not (re)made its reader yet
                return info.num_pending == 0 and info.num_ack_pending == 0 and info.delivered.stream_seq >= 25

            deadline = time.monotonic() + 60
            while not await all_acknowledged():
                assert time.monotonic() < deadline, "the restarted consumer did not acknowledge every message"
                await asyncio.sleep(0.2)
        finally:
            await client.close()
        assert await asyncio.to_thread(received_origins, prov.helpdesk) == forwarded + later
    finally:
        stop_process(restarted)
        await _stop_links(kab)


async def test_d_a_message_republished_with_a_new_id_is_applied_once(offices: dict[str, Office]) -> None:
    kab, prov = offices[KAB], offices[PROV]
    await kab.start_link()
    await prov.start_link()
    origin = await asyncio.to_thread(forward_one, kab.helpdesk, 1)
    await eventually(lambda: received_origins(prov.helpdesk) == [origin], what="the case")
    before = prov.helpdesk.recorder.max_notification_id()
    # Past the duplicate window JetStream would take a copy as new; here the copy gets a new Nats-Msg-Id.
    [(_, [envelope])] = kab.helpdesk.outgoing(0, 1)
    client = await nats.connect(kab.settings.nats_url)
    try:
        await client.jetstream().publish(subject(envelope, kab.settings.nats_prefix), encode(envelope),
                                         headers={"Nats-Msg-Id": f"replay-{uuid.uuid4()}"})
    finally:
        await client.close()
    await eventually(lambda: prov.link.status.duplicates >= 1, what="the copy to be seen")
    assert prov.helpdesk.recorder.max_notification_id() == before
    assert received_origins(prov.helpdesk) == [origin]
    await _stop_links(kab, prov)


async def test_e_forged_and_unreadable_messages_are_dead_lettered_and_the_consumer_goes_on(
    offices: dict[str, Office],
) -> None:
    kab, prov = offices[KAB], offices[PROV]
    await prov.start_link()
    await eventually(lambda: prov.link.status.streams_ready, what="streams")
    origin = await asyncio.to_thread(forward_one, kab.helpdesk, 1)
    [(_, [genuine])] = kab.helpdesk.outgoing(0, 1)
    prefix = kab.settings.nats_prefix
    to_prov = f"{prefix}.prov-16.kab-16_13.escalation_requested"
    forged = [
        # Sent under another regency's name on the regency's subject.
        (to_prov, encode(msgspec.structs.replace(genuine, sender="kab-16.01"))),
        # Claims to come from kab-16.01 on its own subject, about a consultation of kab-16.13.
        (f"{prefix}.prov-16.kab-16_01.escalation_requested",
         encode(msgspec.structs.replace(genuine, sender="kab-16.01", seq=99))),
        # From an office in another province.
        (f"{prefix}.prov-16.kab-32_01.escalation_requested",
         encode(msgspec.structs.replace(genuine, sender="kab-32.01", seq=99))),
        # Addressed to the centre, delivered to the province.
        (to_prov, encode(msgspec.structs.replace(genuine, to="pusat"))),
        (to_prov, b"{not json"),
        (to_prov, encode(genuine).replace(f'"v":{SCHEMA_VERSION}'.encode(), b'"v":99')),
    ]
    client = await nats.connect(kab.settings.nats_url)
    try:
        js = client.jetstream()
        for subject_name, data in forged:
            await js.publish(subject_name, data)
        # Then the genuine message, signed by the regency as its relay would: the consumer must still be going.
        await js.publish(subject(genuine, prefix), encode(genuine), headers={
            "Nats-Msg-Id": genuine.message_id, "Helpdesk-Signature": kab.node.audit_key.sign(encode(genuine))})
        await eventually(lambda: received_origins(prov.helpdesk) == [origin], what="the genuine case")
        assert prov.link.status.dead_letters == len(forged)
        topology = topology_of(prov.settings)
        info = await js.stream_info(topology.dead_letter_stream)
        assert info.state.messages == len(forged)
        reasons = []
        for seq in range(1, len(forged) + 1):
            stored = await js.get_msg(topology.dead_letter_stream, seq)
            reasons.append(stored.headers["Helpdesk-Reason"])
        assert reasons == ["sender_mismatch", "origin_outside_sender", "not_a_neighbour", "subject_mismatch",
                           "malformed", "unknown_schema_version"]
    finally:
        await client.close()
        await _stop_links(prov)
