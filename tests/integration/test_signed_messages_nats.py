"""Offices trust only signed messages, on real NATS JetStream: a forged answer to a real consultation and a forged
escalation, published by a bare client under the right subject (unsigned, signed with another key, or by an office
whose key is not in the keyring), are dead-lettered and change nothing; a replay of a genuine message changes
nothing; a signed message with seq = 2^40 is refused and later escalations of that office still arrive."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import msgspec
import nats
import pytest

from domain.casefile import Answer, case_id
from domain.consultation import Status
from domain.values import Basis, BasisKind
from gateways.nats.relay import SIGNATURE_HEADER
from gateways.nats.topology import topology_of
from gateways.signing import OfficeKey
from services.integration import SCHEMA_VERSION, Envelope, EscalationAnswered, Ref, encode, subject
from tests.support.escalations import forward_one, received_origins
from tests.support.federation import running_offices
from tests.support.office import Office
from tests.support.waiting import eventually

pytestmark = pytest.mark.nats

KAB, PROV = "kab-16.13", "prov-16"


@pytest.fixture
async def offices(database: str, tmp_path: Path, nats_url: str, nats_prefix: str, clock, hasher):
    backends = dict.fromkeys((KAB, PROV), database)
    async with running_offices(backends, tmp_path, nats_url, nats_prefix, clock, hasher, link=False) as built:
        yield built


async def publish(office: Office, envelope: Envelope, key: OfficeKey | None, message_id: str) -> None:
    """A bare NATS client publishing under the envelope's own subject, signing with `key` (or not at all)."""
    data = encode(envelope)
    headers = {"Nats-Msg-Id": message_id} | ({SIGNATURE_HEADER: key.sign(data)} if key else {})
    client = await nats.connect(office.settings.nats_url)
    try:
        await client.jetstream().publish(subject(envelope, office.settings.nats_prefix), data, headers=headers)
    finally:
        await client.close()


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


async def test_a_forged_answer_to_a_real_consultation_changes_nothing(offices: dict[str, Office]) -> None:
    kab, prov = offices[KAB], offices[PROV]
    await kab.start_link()
    await prov.start_link()
    # A real consultation forwarded to the province, and received there.
    origin = await asyncio.to_thread(forward_one, kab.helpdesk, 1)
    case = case_id(KAB, origin)
    await eventually(lambda: prov.helpdesk.get_case_aggregate(PROV, case), what="the case at the province")
    await eventually(lambda: kab.link.status.applied >= 1, what="the receipt at the regency")

    # Someone on the network answers it in the province's name: unsigned, then signed with a key of their own.
    fake = Answer("Silakan abaikan aturan.", (Basis(BasisKind.PKPU, "PKPU 99/2099"),), PROV, "penipu",
                  datetime.now(UTC))
    forged = Envelope(SCHEMA_VERSION, PROV, KAB, 10_000, datetime.now(UTC), EscalationAnswered(Ref(KAB, origin), fake))
    await publish(kab, forged, None, "forged-1")
    await publish(kab, msgspec.structs.replace(forged, seq=10_001), OfficeKey.ephemeral(), "forged-2")
    await eventually(lambda: kab.link.status.dead_letters == 2, what="both forgeries dead-lettered")
    assert await dead_letter_reasons(kab) == ["unsigned", "bad_signature"]
    assert kab.helpdesk.get_consultation(KAB, origin).status is not Status.ANSWERED

    # The genuine answer still arrives: the consumer went on, and the forgeries took no position of the province.
    await prov.run("accept_case", PROV, case, "budi")
    await prov.run("answer_case", PROV, case, "Pengurus hanya di satu kecamatan.", [("pkpu", "PKPU 4/2022")], "budi")
    view = await eventually(lambda: (v := kab.helpdesk.get_consultation(KAB, origin)).status is Status.ANSWERED and v,
                            what="the genuine answer")
    assert view.answer == "Pengurus hanya di satu kecamatan."
    assert kab.link.status.dead_letters == 2


async def test_forged_replayed_and_far_ahead_escalations_change_nothing(offices: dict[str, Office]) -> None:
    kab, prov = offices[KAB], offices[PROV]
    await prov.start_link()
    await eventually(lambda: prov.link.status.streams_ready, what="streams")
    first = await asyncio.to_thread(forward_one, kab.helpdesk, 1)
    second = await asyncio.to_thread(forward_one, kab.helpdesk, 2)
    (_, [genuine]), (_, [later]) = kab.helpdesk.outgoing(0, 100)
    kab_key = kab.node.audit_key

    # Forged escalations of the second case under the regency's subject: unsigned and signed with a wrong key; one
    # from a regency of the province whose key the province does not hold; one signed by the regency's own key
    # (a corrupt sender) at position 2^40.
    await publish(kab, later, None, "forged-1")
    await publish(kab, later, OfficeKey.ephemeral(), "forged-2")
    stranger = msgspec.structs.replace(later, sender="kab-16.01", body=msgspec.structs.replace(
        later.body, case=msgspec.structs.replace(later.body.case, origin_office="kab-16.01")))
    await publish(kab, stranger, OfficeKey.ephemeral(), "forged-3")
    await publish(kab, msgspec.structs.replace(later, seq=2**40), kab_key, "forged-4")
    # The genuine first escalation, then a replay of it under a new message id.
    await publish(kab, genuine, kab_key, genuine.message_id)
    await publish(kab, genuine, None, "replay-1")
    await eventually(lambda: received_origins(prov.helpdesk) == [first] and prov.link.status.duplicates == 1,
                     what="the genuine case and the replay seen")
    assert prov.link.status.dead_letters == 4
    assert await dead_letter_reasons(prov) == ["unsigned", "bad_signature", "unknown_sender_key", "position_too_far"]

    # The regency's own relay now sends what it has: the second escalation arrives (the far position was not
    # adopted), and the first is not applied again.
    await kab.start_link()
    await eventually(lambda: received_origins(prov.helpdesk) == [first, second], what="the second case")
    third = await asyncio.to_thread(forward_one, kab.helpdesk, 3)
    await eventually(lambda: received_origins(prov.helpdesk) == [first, second, third], what="a later case")
    assert prov.link.status.dead_letters == 4
