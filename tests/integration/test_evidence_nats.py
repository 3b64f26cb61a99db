"""Evidence travels with an escalation on real NATS JetStream (regency → province → centre): the desk's screenshot
arrives byte for byte wherever the case goes and shows on the case's page; the guest-book signature and a photo of
the consultee never leave the regency; a tampered chunk is dead-lettered and nothing is kept; a document delivered
twice is kept once; and every office's audit chain still verifies."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import os
import re
from pathlib import Path

import msgspec
import nats
import pytest
from litestar.testing import TestClient
from PIL import Image

from domain.casefile import case_id
from domain.evidence import CHUNK_BYTES, Evidence
from domain.held_document import held_document_id
from domain.roles import Role
from domain.values import DocumentationKind
from gateways.app import create_app
from gateways.nats.documents import SIGNATURE_HEADER, Chunk, chunk_subject
from gateways.signing import OfficeKey
from projections.audit_queries import verify_all
from services.consultations import IdentityInput
from tests.integration.test_leaf_hub_nodes import _office as leaf_office
from tests.integration.test_signed_messages_nats import dead_letter_reasons
from tests.support.consultations import guest_book_signed, handed_to_commissioner
from tests.support.escalations import forward_one, received_origins
from tests.support.federation import running_offices
from tests.support.office import Office
from tests.support.samples import jpeg, png
from tests.support.waiting import eventually

pytestmark = pytest.mark.nats

KAB, PROV, PUSAT = "kab-16.13", "prov-16", "pusat"
PASSWORD = "kata-sandi-yang-panjang-sekali-42"


@pytest.fixture
async def offices(database: str, tmp_path: Path, nats_url: str, nats_prefix: str, clock, hasher):
    backends = dict.fromkeys((KAB, PROV, PUSAT), database)
    async with running_offices(backends, tmp_path, nats_url, nats_prefix, clock, hasher, audit=True) as built:
        yield built


def screenshot() -> bytes:
    """A PNG of noise, larger than one chunk: it travels in several."""
    data = Image.frombytes("RGB", (400, 400), os.urandom(400 * 400 * 3))
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"evidence-{os.getpid()}-{os.urandom(4).hex()}.png"
    data.save(path, "PNG")
    content = path.read_bytes()
    path.unlink()
    assert len(content) > CHUNK_BYTES
    return content


def attach(office: Office, cid, kind: DocumentationKind, data: bytes, media_type: str) -> tuple[str, str]:
    key, digest = office.node.files.put(data, media_type)
    office.helpdesk.attach_documentation(KAB, cid, kind.value, key, digest, "desk")
    return key, digest


def held_key(office: Office, node_id: str, sha256: str) -> str | None:
    try:
        return office.helpdesk._load(held_document_id(node_id, sha256)).storage_key
    except Exception:  # noqa: BLE001 - not there (yet)
        return None


async def publish_chunk(office: Office, chunk: Chunk, key: OfficeKey, message_id: str, *, tamper: bool = False
                        ) -> None:
    """A bare client publishing a chunk under its own subject, signed by `key` (then altered, with `tamper`)."""
    data = msgspec.msgpack.encode(chunk)
    signature = key.sign(data)
    if tamper:
        data = msgspec.msgpack.encode(msgspec.structs.replace(chunk, data=chunk.data[:-1] + b"\x00"))
    client = await nats.connect(office.settings.nats_url)
    try:
        await client.jetstream().publish(chunk_subject(office.settings.nats_prefix, chunk), data,
                                         headers={"Nats-Msg-Id": message_id, SIGNATURE_HEADER: signature})
    finally:
        await client.close()


def case_page(office: Office, case, username: str) -> str:
    """The case's page at `office`, read by a signed-in commissioner there. The app's lifespan is not run: the
    office's link and read models already run in this test, and the app's would stop them when it ends."""
    node = dataclasses.replace(office.node, link=None)
    node.accounts.register_user(username, f"Petugas {username}", Role.ANGGOTA_KPU, office.settings.node_id,
                                PASSWORD, "test")
    client = TestClient(create_app(node))
    response = client.post("/masuk", data={"username": username, "password": PASSWORD, "next": "/"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    page = client.get(f"/eskalasi/kasus/{case}")
    assert page.status_code == 200, page.text
    # Each image the page shows, fetched as the browser would: its status, type and the SHA-256 of its bytes.
    shown = [client.get(src) for src in re.findall(r'<img class="evidence-image" src="([^"]+)"', page.text)]
    return page.text + "".join(f"\n@@{r.status_code}:{r.headers.get('content-type')}:"
                               f"{hashlib.sha256(r.content).hexdigest()}" for r in shown)


async def test_the_screenshot_goes_up_with_the_case_and_the_signature_stays(offices: dict[str, Office]) -> None:
    kab, prov, pusat = offices[KAB], offices[PROV], offices[PUSAT]

    # A walk-in signs the guest book; the desk attaches a SIPOL screenshot, a photo of the meeting, and (by mistake)
    # the guest-book signature itself filed as a screenshot.
    who = IdentityInput(name="Rina", party_number=8, phone="081234567890")
    cid = await asyncio.to_thread(guest_book_signed, kab.node, KAB, who, "desk")
    shot = screenshot()
    _, shot_sha = attach(kab, cid, DocumentationKind.SCREENSHOT, shot, "image/png")
    _, photo_sha = attach(kab, cid, DocumentationKind.PHOTO, jpeg(7), "image/jpeg")
    signature_sha = hashlib.sha256(png(1)).hexdigest()
    attach(kab, cid, DocumentationKind.SCREENSHOT, png(1), "image/png")
    for step, args in [("record_problem", ("Akun SIPOL terkunci setelah unggah dokumen.",)),
                       ("restate_problem", ("Jadi akun terkunci sesudah mengunggah?",)), ("confirm_problem", ()),
                       ("hand_to_commissioner", ("Perlu arahan provinsi.",))]:
        await kab.run(step, KAB, cid, *args, "desk")

    # The commissioner forwards it: the case file names the screenshot only.
    await kab.run("forward_up", KAB, cid, "Mohon arahan, lihat tangkapan layar.", "komisioner")
    case = case_id(KAB, cid)
    sent = kab.helpdesk._load(cid).case.documents
    assert [(e.kind, e.sha256, e.media_type, e.size) for e in sent] == [
        (DocumentationKind.SCREENSHOT, shot_sha, "image/png", len(shot))]

    # The province has the case and the screenshot's exact bytes, kept under the key its store gave them.
    await eventually(lambda: prov.helpdesk.get_case_aggregate(PROV, case), what="the case at the province")
    key = await eventually(lambda: held_key(prov, PROV, shot_sha), what="the screenshot at the province")
    assert prov.node.files.get(key) == shot and prov.node.files.holds(key, shot_sha)
    for withheld in (signature_sha, photo_sha):
        assert held_key(prov, PROV, withheld) is None
        assert not prov.helpdesk.document_kept(withheld)
    assert not any(signature_sha in path.name for path in Path(prov.settings.data_dir).rglob("*"))

    # Its page at the province lists the screenshot and shows it.
    page = await asyncio.to_thread(case_page, prov, case, "komisioner-prov")
    assert shot_sha in page and "sedang dikirim" not in page and signature_sha not in page
    assert f"@@200:image/png:{shot_sha}" in page

    # Forwarded on to the centre, the screenshot goes with it.
    await prov.run("accept_case", PROV, case, "budi")
    await prov.run("forward_case", PROV, case, "Perlu tafsir pusat.", "budi")
    await eventually(lambda: pusat.helpdesk.get_case_aggregate(PUSAT, case), what="the case at the centre")
    centre_key = await eventually(lambda: held_key(pusat, PUSAT, shot_sha), what="the screenshot at the centre")
    assert pusat.node.files.get(centre_key) == shot
    assert held_key(pusat, PUSAT, signature_sha) is None

    # A chunk altered on the way, and one signed by the regency whose bytes are not the document named: both
    # dead-lettered with an alert, nothing kept; the consumer goes on.
    forged = b"%PDF-1.4 not what the case file names"
    named = Evidence(DocumentationKind.DOCUMENT, hashlib.sha256(b"the real one").hexdigest(), "application/pdf",
                     len(forged))
    kab_key = kab.node.audit_key
    await publish_chunk(kab, Chunk(1, KAB, PROV, named, 0, forged), kab_key, "tampered-1", tamper=True)
    await publish_chunk(kab, Chunk(1, KAB, PROV, named, 0, forged), kab_key, "wrong-hash-1")
    await eventually(lambda: prov.link.status.dead_letters == 2, what="both chunks dead-lettered")
    assert await dead_letter_reasons(prov) == ["bad_signature", "document_hash_mismatch"]
    assert held_key(prov, PROV, named.sha256) is None
    assert not any(named.sha256 in path.name for path in Path(prov.settings.data_dir).rglob("*"))

    # The screenshot delivered a second time (a new message id, past JetStream's duplicate check): kept once.
    version = prov.helpdesk._load(held_document_id(PROV, shot_sha)).version
    applied = prov.link.status.applied
    [evidence] = sent
    parts = [shot[i:i + CHUNK_BYTES] for i in range(0, len(shot), CHUNK_BYTES)]
    for index, part in enumerate(parts):
        await publish_chunk(kab, Chunk(1, KAB, PROV, evidence, index, part), kab_key, f"again-{index}")
    # A later escalation still arrives, so the repeated chunks were taken before it. Its screenshot was lost at the
    # regency after it was forwarded (the link down meanwhile): the relay cannot send it, says so, and goes on; the
    # province's page shows it on its way.
    later = await asyncio.to_thread(guest_book_signed, kab.node, KAB, IdentityInput(name="Sari", party_number=8,
                                                                                       phone="081234567891"), "desk")
    lost_key, lost_sha = attach(kab, later, DocumentationKind.SCREENSHOT, png(42), "image/png")
    for step, args in [("record_problem", ("Lupa kata sandi.",)), ("restate_problem", ("Lupa sandi?",)),
                       ("confirm_problem", ()), ("hand_to_commissioner", ("Perlu arahan.",))]:
        await kab.run(step, KAB, later, *args, "desk")
    await kab.stop_link()
    await kab.run("forward_up", KAB, later, "Mohon arahan.", "komisioner")
    assert kab.node.files.delete(lost_key)
    await kab.start_link(audit=True)
    # The consumer counts what it applied once the batch is acknowledged, just after the save makes the case visible.
    await eventually(lambda: prov.helpdesk.get_case_aggregate(PROV, case_id(KAB, later))
                     and prov.link.status.applied > applied, what="the later case, applied")
    assert prov.helpdesk._load(held_document_id(PROV, shot_sha)).version == version
    assert prov.link.status.dead_letters == 2
    page = await asyncio.to_thread(case_page, prov, case_id(KAB, later), "komisioner-prov-2")
    assert lost_sha in page and "sedang dikirim" in page and "@@" not in page

    # Every office's audit chain still verifies.
    for office in (kab, prov, pusat):
        await eventually(lambda o=office: o.node.projections.position("audit") >= o.helpdesk.log_head() or None,
                         what="the audit projection caught up")
        checks = verify_all(office.node.projections, office.settings.node_id, office.node.keyring.verify,
                            office.node.keyring.knows, None)
        assert checks and all(check.result.ok for check in checks), [c.result.problems[:3] for c in checks]


async def test_a_screenshot_sent_while_the_leaf_link_is_cut_arrives_when_it_returns(
    federation, tmp_path: Path, clock, hasher  # noqa: ANN001
) -> None:
    # The production topology of deploy/nats: each office on its own server and JetStream domain, the regency's
    # stream sourced by the province's over the leaf link.
    kab, prov = (leaf_office(federation, n, tmp_path, clock, hasher) for n in (KAB, PROV))
    try:
        await kab.start_link()
        await prov.start_link()
        first = await asyncio.to_thread(forward_one, kab.helpdesk, 0)
        await eventually(lambda: received_origins(prov.helpdesk) == [first], what="a first case", timeout=60)
        sent_before = kab.link.status.published
        federation.link.cut()
        # The commissioner forwards a case with a screenshot while the link is down: both wait in the regency's stream.
        cid = await asyncio.to_thread(handed_to_commissioner, kab.helpdesk, KAB, IdentityInput(
            name="Dedi", party_number=8, email="dedi@partai.example"), "Akun terkunci.", "Terkunci?", "Perlu arahan.")
        shot = screenshot()
        _, shot_sha = attach(kab, cid, DocumentationKind.SCREENSHOT, shot, "image/png")
        await kab.run("forward_up", KAB, cid, "Lihat tangkapan layar.", "komisioner")
        await eventually(lambda: kab.link.status.published >= sent_before + 2 or None,
                         what="the case and its document stored at the regency", timeout=60)
        assert prov.helpdesk.document_kept(shot_sha) is False

        # The link returns: the province receives the case and keeps the screenshot's exact bytes.
        federation.link.restore()
        key = await eventually(lambda: held_key(prov, PROV, shot_sha), what="the screenshot at the province",
                               timeout=90)
        assert prov.node.files.get(key) == shot
        assert prov.helpdesk.get_case_aggregate(PROV, case_id(KAB, cid)).case.documents[0].sha256 == shot_sha
        assert prov.link.status.dead_letters == 0
    finally:
        for office in (kab, prov):
            await office.stop_link()
            office.node.close()


async def test_a_case_forwarded_before_its_screenshot_arrived_sends_it_on_when_it_does(
    offices: dict[str, Office]
) -> None:
    kab, prov, pusat = offices[KAB], offices[PROV], offices[PUSAT]

    # The regency's link is down when its commissioner forwards a case with a screenshot; the case itself reaches
    # the province by another way (carried by hand here), its screenshot not yet.
    await eventually(lambda: all(o.link.status.streams_ready for o in offices.values()), what="the streams")
    await kab.stop_link()
    cid = await asyncio.to_thread(handed_to_commissioner, kab.helpdesk, KAB, IdentityInput(
        name="Dedi", party_number=8, email="dedi@partai.example"), "Unggah gagal.", "Gagal unggah?", "Perlu arahan.")
    shot = screenshot()
    _, shot_sha = attach(kab, cid, DocumentationKind.SCREENSHOT, shot, "image/png")
    await kab.run("forward_up", KAB, cid, "Lihat tangkapan layar.", "komisioner")
    [envelope] = [e for _, batch in kab.helpdesk.outgoing(0, 1000) for e in batch if e.to == PROV]
    await asyncio.to_thread(prov.helpdesk.receive_message, envelope)
    case = case_id(KAB, cid)

    # The province forwards it to the centre at once; the centre's page shows the screenshot on its way.
    await prov.run("accept_case", PROV, case, "budi")
    await prov.run("forward_case", PROV, case, "Perlu tafsir pusat.", "budi")
    await eventually(lambda: pusat.helpdesk.get_case_aggregate(PUSAT, case), what="the case at the centre")
    page = await asyncio.to_thread(case_page, pusat, case, "komisioner-pusat")
    assert shot_sha in page and "sedang dikirim" in page and "@@" not in page

    # The regency's link returns: the screenshot reaches the province, which sends it on to the centre it owes.
    await kab.start_link(audit=True)
    key = await eventually(lambda: held_key(pusat, PUSAT, shot_sha), what="the screenshot at the centre")
    assert pusat.node.files.get(key) == shot and prov.helpdesk.document_kept(shot_sha)
    page = await asyncio.to_thread(case_page, pusat, case, "komisioner-pusat-2")
    assert "sedang dikirim" not in page and f"@@200:image/png:{shot_sha}" in page
    assert prov.link.status.dead_letters == 0 and pusat.link.status.dead_letters == 0
