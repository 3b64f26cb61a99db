"""Audit chains travel to the centre over their own JetStream stream, in segments ending at a signed checkpoint:
every entry once, verified on arrival; a forged or unreadable segment (or lone entry, as offices shipped before
checkpoints) is dead-lettered with an alert and the receiver goes on."""

from __future__ import annotations

from pathlib import Path

import msgspec
import nats
import pytest

from domain.audit import checkpoint, link
from domain.audit_segment import AuditSegment
from domain.values import Channel
from gateways.nats.topology import topology_of
from projections.audit_queries import OWN, RECEIVED, AuditFilter, search
from services.consultations import IdentityInput
from tests.support.federation import OFFICES, running_offices
from tests.support.office import Office
from tests.support.waiting import eventually

KAB, PROV, PUSAT = "kab-16.13", "prov-16", "pusat"


@pytest.fixture
async def offices(database: str, tmp_path: Path, nats_url: str, nats_prefix: str, clock, hasher):
    backends = dict.fromkeys(OFFICES, database)
    async with running_offices(backends, tmp_path, nats_url, nats_prefix, clock, hasher, audit=True) as built:
        yield built


def received(centre: Office, office: str) -> list:
    return search(centre.node.store, RECEIVED, AuditFilter(office=office, limit=10_000))


async def test_each_office_chain_reaches_the_centre_once_and_verified(offices: dict[str, Office], nats_url: str,
                                                                       nats_prefix: str) -> None:
    kab, pusat = offices[KAB], offices[PUSAT]
    # Work at the regency desk: ten consultations opened, with contact details.
    for n in range(10):
        who = IdentityInput(name=f"Penghubung {n}", party_number=3, phone=f"0812555{n:05d}", email=f"p{n}@kpu.id")
        await kab.run("open_consultation", KAB, Channel.EMAIL, who, "desk")
    own = await eventually(lambda: len(search(kab.node.store, OWN, AuditFilter(limit=100))) == 10 or None,
                           what="the regency's chain sealed")
    assert own
    arrived = await eventually(lambda: len(received(pusat, KAB)) == 10 and received(pusat, KAB),
                               what="the regency's entries at the centre")
    sealed = search(kab.node.store, OWN, AuditFilter(limit=100))
    # The centre holds exactly the regency's entries, unchanged, in order; names and contacts only as pseudonyms
    # (issue 12: it used to hold the name in clear and parts of the number and address).
    assert [e.entry_hash for e in arrived] == [e.entry_hash for e in sealed]
    assert [e.seq for e in arrived] == list(range(1, 11))
    text = str([e.summary for e in arrived])
    assert "0812555" not in text and "kpu.id" not in text and "Penghubung" not in text and "psn:" in text

    # A forged entry under the regency's name (the province's key signs it) and an unreadable one are refused.
    forged = msgspec.structs.replace(arrived[-1], seq=11, prev_hash=arrived[-1].entry_hash,
                                     signature=arrived[-1].signature)
    client = await nats.connect(nats_url)
    js = client.jetstream()
    subject = f"{nats_prefix}.audit.kab-16_13"
    await js.publish(subject, msgspec.json.encode(forged), headers={"Nats-Msg-Id": "forged-11"})
    await js.publish(subject, b"{not json", headers={"Nats-Msg-Id": "garbage"})
    await client.close()
    # And the receiver goes on: the regency's next genuine entries still arrive.
    who = IdentityInput(name="Sesudah", party_number=3, email="sesudah@kpu.id")
    await kab.run("open_consultation", KAB, Channel.EMAIL, who, "desk")
    later = await eventually(lambda: len(received(pusat, KAB)) == 11 and received(pusat, KAB),
                             what="the genuine entry after the forged ones")
    assert later[-1].type == "Consultation.Opened" and later[-1].entry_hash != forged.entry_hash
    assert "Sesudah" not in str(later[-1].summary)
    letters = await eventually(lambda: pusat.link.status.dead_letters >= 2 and pusat.link.status.dead_letters,
                               what="two dead letters at the centre")
    assert letters == 2


async def dead_letter_reasons(office: Office) -> list[str]:
    topology = topology_of(office.settings)
    client = await nats.connect(office.settings.nats_url)
    try:
        js = client.jetstream()
        count = (await js.stream_info(topology.dead_letter_stream)).state.messages
        return [(await js.get_msg(topology.dead_letter_stream, seq)).headers["Helpdesk-Reason"]
                for seq in range(1, count + 1)]
    finally:
        await client.close()


async def test_a_forged_segment_is_refused_whole_and_the_receiver_goes_on(offices: dict[str, Office], nats_url: str,
                                                                          nats_prefix: str) -> None:
    kab, prov, pusat = offices[KAB], offices[PROV], offices[PUSAT]
    await kab.run("open_consultation", KAB, Channel.EMAIL, IdentityInput(name="Ani", party_number=3, email="a@kpu.id"),
                  "desk")
    arrived = await eventually(lambda: (own := search(kab.node.store, OWN, AuditFilter(limit=100)))
                               and [e.entry_hash for e in received(pusat, KAB)] == [e.entry_hash for e in own]
                               and own, what="the regency's chain at the centre")
    # Arrived in segments, each ending at a checkpoint: the last entry the regency sealed is signed.
    assert arrived[-1].signature

    # Three entries that would continue the regency's chain, each segment spoiled another way.
    tip, items = arrived[-1], [msgspec.structs.replace(arrived[-1].unsigned(), seq=arrived[-1].seq + n,
                                                       summary={"text": f"palsu {n}"}) for n in (1, 2, 3)]
    chain, prev = [], tip.entry_hash
    for item in items:
        chain.append(link(item, prev))
        prev = chain[-1].entry_hash
    signed_by = {"kab": kab.node.audit_key.sign, "prov": prov.node.audit_key.sign}
    province_signed = [*chain[:2], checkpoint(chain[2], signed_by["prov"])]
    genuine_end = checkpoint(chain[2], signed_by["kab"])
    changed_inside = [msgspec.structs.replace(chain[0], actor="orang.lain"), chain[1], genuine_end]
    link_broken = [chain[0], genuine_end]
    client = await nats.connect(nats_url)
    js = client.jetstream()
    for n, entries in enumerate((province_signed, changed_inside, link_broken)):
        await js.publish(f"{nats_prefix}.audit.kab-16_13", msgspec.json.encode(AuditSegment(entries)),
                         headers={"Nats-Msg-Id": f"forged-segment-{n}"})
    await client.close()

    # The regency's genuine work goes on and reaches the centre, in place of the forged entries.
    await kab.run("open_consultation", KAB, Channel.EMAIL, IdentityInput(name="Budi", party_number=3,
                                                                        email="b@kpu.id"), "desk")
    later = await eventually(lambda: (own := search(kab.node.store, OWN, AuditFilter(limit=100)))
                             and len(own) > len(arrived)
                             and [e.entry_hash for e in received(pusat, KAB)] == [e.entry_hash for e in own]
                             and own, what="the genuine entries after the forged segments")
    assert not {e.entry_hash for e in chain} & {e.entry_hash for e in later}
    reasons = await eventually(lambda: pusat.link.status.dead_letters >= 3 and pusat.link.status.dead_letters,
                               what="three dead letters at the centre")
    assert reasons == 3
    assert await dead_letter_reasons(pusat) == ["bad_signature", "changed_entry", "broken_link"]
