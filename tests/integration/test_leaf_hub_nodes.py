"""The nodes themselves over the production topology of deploy/nats: the regency's leaf link is cut while
its commissioner forwards questions; when the link returns, the province receives each exactly once, in
order. (test_leaf_hub.py checks the servers' configuration with raw clients.)"""

from __future__ import annotations

import asyncio
from pathlib import Path

import msgspec
import pytest
from natstopo import Federation

from tests.support.escalations import forward_one, received_origins
from tests.support.federation import federation_settings
from tests.support.office import Office
from tests.support.waiting import eventually

pytestmark = pytest.mark.nats


def _office(federation: Federation, node_id: str, tmp_path: Path, clock, hasher) -> Office:  # noqa: ANN001
    server = next(o for o in federation.offices if o.node_id == node_id)
    settings = federation_settings(node_id, "sqlite", tmp_path, server.url, "hd")
    # As deploy/nats tells an office's node: its own server, its own nkey.
    settings = msgspec.structs.replace(settings, nats_separate_domains=True,
                                       nats_nkey_seed_file=str(server.node_seed_file))
    return Office(settings, clock, hasher)


async def test_escalations_made_while_the_leaf_is_cut_arrive_once_in_order(
    federation: Federation, tmp_path: Path, clock, hasher
) -> None:
    kab, prov = (_office(federation, n, tmp_path, clock, hasher) for n in ("kab-16.13", "prov-16"))
    try:
        await kab.start_link()
        await prov.start_link()
        first = await asyncio.to_thread(forward_one, kab.helpdesk, 0)
        await eventually(lambda: received_origins(prov.helpdesk) == [first], what="the first case", timeout=60)

        # The link to the province goes down; the regency keeps working, its node keeps publishing into
        # its own server's stream.
        federation.link.cut()
        later = [await asyncio.to_thread(forward_one, kab.helpdesk, n) for n in range(1, 11)]
        await eventually(lambda: kab.link.status.published >= 11, what="the regency to store all 11 locally")
        await asyncio.sleep(1)
        assert received_origins(prov.helpdesk) == [first]

        # The link returns: the province's stream sources the backlog; each case is opened once, in order.
        federation.link.restore()
        await eventually(lambda: len(received_origins(prov.helpdesk)) >= 11, what="11 cases", timeout=90)
        await asyncio.sleep(1)
        assert received_origins(prov.helpdesk) == [first, *later]
        # And the receipts travelled down the same link: the regency saw each case received.
        await eventually(lambda: all(kab.helpdesk._load(c).up.received_at for c in [first, *later]),
                         what="receipts at the regency", timeout=60)
    finally:
        for office in (kab, prov):
            await office.stop_link()
            office.node.close()


async def test_the_regencys_audit_chain_reaches_the_centre_through_the_province(
    federation: Federation, tmp_path: Path, clock, hasher
) -> None:
    from domain.values import Channel
    from projections.audit_queries import OWN, RECEIVED, AuditFilter, search
    from services.consultations import IdentityInput
    from tests.support.federation import share_audit_keys

    offices = {n: _office(federation, n, tmp_path, clock, hasher) for n in ("kab-16.13", "prov-16", "pusat")}
    share_audit_keys(offices)
    kab, centre = offices["kab-16.13"], offices["pusat"]
    try:
        for office in offices.values():
            await office.start_link(audit=True)
        for n in range(5):
            who = IdentityInput(name=f"Tamu {n}", party_number=1, phone=f"0812444{n:05d}")
            await kab.run("open_consultation", "kab-16.13", Channel.WALK_IN, who, "desk")

        def at_centre(office: str) -> list:
            return search(centre.node.store, RECEIVED, AuditFilter(office=office, limit=100))

        # Each office's stream keeps its own chain; the province's sources the regency's, the centre's
        # the province's: the regency's entries reach the centre in two hops, verified on arrival.
        arrived = await eventually(lambda: len(at_centre("kab-16.13")) == 5 and at_centre("kab-16.13"),
                                   what="the regency's chain at the centre", timeout=90)
        # The regency's link is cut while its desk keeps working; the backlog follows when it returns.
        federation.link.cut()
        for n in range(5, 25):
            who = IdentityInput(name=f"Tamu {n}", party_number=1, phone=f"0812444{n:05d}")
            await kab.run("open_consultation", "kab-16.13", Channel.WALK_IN, who, "desk")
        await eventually(lambda: kab.link.status.audit_shipped >= 25, what="the regency to keep all 25 locally")
        federation.link.restore()
        arrived = await eventually(lambda: len(at_centre("kab-16.13")) == 25 and at_centre("kab-16.13"),
                                   what="the backlog at the centre", timeout=120)
        sealed = search(kab.node.store, OWN, AuditFilter(limit=100))
        assert [e.entry_hash for e in arrived] == [e.entry_hash for e in sealed]
        assert [e.seq for e in arrived] == list(range(1, 26))
        assert centre.link.status.dead_letters == 0
    finally:
        for office in offices.values():
            await office.stop_link()
            office.node.close()
