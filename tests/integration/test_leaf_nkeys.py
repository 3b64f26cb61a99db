"""Leaf links log in with the office's nkey (deploy/nats, rendered as an office deploys it, see natstopo.py): a key
the hub does not list is refused, and the province replaces a regency's key as deploy/README.md tells it to, with
the regency's messages waiting in its own stream meanwhile."""

from __future__ import annotations

import asyncio
from pathlib import Path

import nats
import pytest
from natstopo import Federation, Office

from gateways.nats.credentials import new_user_key
from tests.support.waiting import wait_until

pytestmark = pytest.mark.nats

KAB, PROV = "kab-16_13", "prov-16"
LINK_BOUND = 120.0  # a stall bound, not an expectation: each wait ends as soon as its condition holds


def refused_in_log(hub: Office, public_key: str) -> bool:
    """The hub logs each refused login by its key: `authentication error - Nkey "U…"`."""
    return f'authentication error - Nkey "{public_key}"' in hub.log_tail(200_000)


def test_a_key_the_hub_does_not_list_is_refused(federation: Federation, tmp_path: Path) -> None:
    # A server calling itself kab-16.02, with a key of its own making that the province never listed.
    stranger = Office("kab-16.02", "regency", tmp_path / "kab-16.02", parent=federation.province,
                      certificates=federation.regency.certificates)
    try:
        stranger.start()
        wait_until(lambda: refused_in_log(federation.province, stranger.leaf_key.public),
                   what="the province hub refusing the stranger's key", stall=LINK_BOUND,
                   detail=federation.province.log_tail)
        assert stranger.token not in federation.province.leaf_links()
        # The listed offices stay linked meanwhile.
        assert {KAB, "pusat"} <= federation.province.leaf_links()
    finally:
        stranger.stop()


async def _count(office: Office, subjects: str) -> int:
    client = await nats.connect(office.url, **office.login, connect_timeout=5)
    try:
        info = await client.jetstream().stream_info(office.stream, subjects_filter=subjects)
        return sum((info.state.subjects or {}).values())
    finally:
        await client.close()


async def _publish(office: Office, to: str, msg_id: str) -> None:
    client = await nats.connect(office.url, **office.login, connect_timeout=5)
    try:
        ack = await client.jetstream().publish(f"hd.{to}.{office.token}.escalation_requested", b"{}", timeout=5,
                                               headers={"Nats-Msg-Id": msg_id})
        assert ack.stream == office.stream and not ack.duplicate
    finally:
        await client.close()


async def _make_streams(*offices: Office) -> None:
    for office in offices:
        client = await nats.connect(office.url, **office.login, connect_timeout=5)
        try:
            await client.jetstream().add_stream(office.stream_config())  # as the office's node does at start
        finally:
            await client.close()


def _province_has(federation: Federation, n: int) -> bool:
    try:
        return asyncio.run(_count(federation.province, f"hd.{PROV}.{KAB}.>")) >= n
    except (nats.errors.Error, OSError, TimeoutError):
        return False


def test_the_province_replaces_a_regency_key(federation: Federation) -> None:
    regency, province = federation.regency, federation.province
    asyncio.run(_make_streams(regency, province))
    asyncio.run(_publish(regency, PROV, "kab-16.13:1"))
    wait_until(lambda: _province_has(federation, 1), what="the first message at the province", stall=LINK_BOUND)
    old, new = regency.leaf_key, new_user_key()

    # 1. The regency makes a new key (helpdesk nats key) and sends its public half; the province lists it beside
    #    the old one and reloads: the link, still on the old key, stays up.
    province.children[regency.node_id] = [old.public, new.public]
    province.reload()
    # 2. The regency switches its seed file, renders its config again and reloads: it logs in with the new key.
    #    Messages it stores meanwhile wait in its own stream.
    regency.leaf_key = new
    regency.reload()
    asyncio.run(_publish(regency, PROV, "kab-16.13:2"))
    wait_until(lambda: _province_has(federation, 2), what="the message sent during the switch", stall=LINK_BOUND)
    # 3. The province removes the old key and reloads.
    province.children[regency.node_id] = [new.public]
    province.reload()

    # The new key carries the link across a reconnection (the WAN link dropped and back)...
    federation.link.cut()
    wait_until(lambda: KAB not in province.leaf_links(), what="the link down", stall=LINK_BOUND)
    federation.link.restore()
    federation.wait_linked()
    asyncio.run(_publish(regency, PROV, "kab-16.13:3"))
    wait_until(lambda: _province_has(federation, 3), what="a message over the new key", stall=LINK_BOUND)
    assert not refused_in_log(province, new.public)

    # ...and the old one no longer opens it: a server still holding it is refused.
    regency.leaf_key = old
    regency.reload()
    wait_until(lambda: refused_in_log(province, old.public), what="the old key refused", stall=LINK_BOUND,
               detail=province.log_tail)
    assert KAB not in province.leaf_links()
