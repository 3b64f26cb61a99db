"""A node whose settings name an S3 bucket (a real SeaweedFS): the desk's documentation photo, uploaded through the
HTTP API, and the guest book's signature land in the office's folder of the bucket, are cited by the record and served
back; a bucket that refuses the node or cannot be reached is a clear 503 in Bahasa Indonesia first, and nothing is
recorded."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from uuid import UUID

import pytest
from litestar.testing import TestClient

from domain.roles import Role
from gateways.app import create_app
from gateways.bootstrap import Node
from gateways.config import load_settings
from tests.e2e.conftest import login_as, sign_in
from tests.e2e.test_api_files import logged_walk_in, upload
from tests.e2e.test_web_frontdesk import GUEST, events
from tests.e2e.test_web_frontdesk import PNG as SIGNATURE
from tests.support.ports import free_port
from tests.support.s3server import S3Server
from tests.support.samples import png

OFFICE = "kab-16.13"
NodeOn = Callable[..., Node]


@pytest.fixture
def node_on_s3(tmp_path: Path, s3_server: S3Server, open_node: Callable[..., Node]) -> NodeOn:
    """Opens a node whose files go to the test server's bucket, under a folder of its own (settings may be
    overridden: a wrong secret, another endpoint)."""

    def open_(prefix: str, **overrides: str) -> Node:
        settings = load_settings({}, node_id=OFFICE, database="memory", data_dir=str(tmp_path / prefix),
                                 nats_url="", **{**s3_server.settings(prefix), **overrides})
        return open_node(settings)

    return open_


@pytest.fixture
def prefix() -> str:
    return f"e2e-{uuid.uuid4().hex[:12]}"


def client(node: Node) -> Iterator[TestClient]:
    with TestClient(create_app(node)) as api:
        yield api


def test_the_desks_photo_lands_in_the_bucket_and_is_served_back(node_on_s3: NodeOn, s3_server: S3Server,
                                                                 prefix: str) -> None:
    node = node_on_s3(prefix)
    for api in client(node):
        desk = login_as(api, node, Role.ANGGOTA_HELPDESK)
        cid = logged_walk_in(api, desk)

        # The desk uploads the photo of the walk-in: it is kept in the office's folder of the bucket, byte for byte.
        photo = png(7001)
        stored = upload(api, desk, "foto-tamu.png", photo, "image/png")
        assert stored.status_code == 201, stored.text
        key, digest = stored.json()["storage_key"], stored.json()["sha256"]
        assert digest == hashlib.sha256(photo).hexdigest()
        assert s3_server.object_names(f"{prefix}/") == [f"{prefix}/{key}"]
        assert s3_server.object_bytes(f"{prefix}/{key}") == photo
        # Nothing of it in the node's own folder.
        local = node.settings.data_path / "files"
        assert not any(path.is_file() for path in local.rglob("*")) if local.exists() else True

        # The record cites it (the store is asked whether it holds exactly these bytes) and the walk-in closes.
        cited = api.post(f"/api/consultations/{cid}/documentation", headers=desk,
                         json={"kind": "photo", "storage_key": key, "sha256": digest})
        assert cited.status_code == 200, cited.text
        assert api.post(f"/api/consultations/{cid}/closure", headers=desk, json={}).json()["status"] == "closed"

        # The desk opens the photo from the record: served from the bucket, as the photo it is.
        sign_in(api, node, Role.ANGGOTA_HELPDESK)
        served = api.get(f"/konsultasi/{cid}/dokumentasi/{key}")
        assert served.status_code == 200 and served.content == photo
        assert served.headers["content-type"].startswith("image/png")


def test_a_bucket_that_refuses_the_node_is_a_clear_503_and_the_record_names_no_file(
    node_on_s3: NodeOn, s3_server: S3Server, prefix: str
) -> None:
    node = node_on_s3(prefix, s3_secret_key="kunci-rahasia-yang-salah")
    for api in client(node):
        desk = login_as(api, node, Role.ANGGOTA_HELPDESK)
        cid = logged_walk_in(api, desk)

        # Through the API: a 503 naming the store's refusal, Bahasa Indonesia first.
        refused = upload(api, desk, "foto.png", png(7002), "image/png")
        assert refused.status_code == 503, refused.text
        body = refused.json()
        assert body["code"] == "file_store_refused"
        assert "menolak" in body["message"] and "refused" in body["message_en"]
        assert "kunci-rahasia-yang-salah" not in refused.text

        # Through the workspace's form: the same words beside the file field, and the record unchanged.
        sign_in(api, node, Role.ANGGOTA_HELPDESK)
        page = api.post(f"/konsultasi/{cid}/dokumentasi", data={"kind": "photo"},
                        files={"file": ("foto.png", png(7003), "image/png")}, follow_redirects=False)
        assert page.status_code == 503
        assert "Penyimpanan berkas kantor menolak akses node ini" in page.text
        assert not node.helpdesk.get_consultation(OFFICE, UUID(cid)).documentation
        assert s3_server.object_names(f"{prefix}/") == []


def test_a_bucket_that_cannot_be_reached_asks_to_try_again(node_on_s3: NodeOn, prefix: str) -> None:
    node = node_on_s3(prefix, s3_endpoint=f"http://127.0.0.1:{free_port()}")
    for api in client(node):
        desk = login_as(api, node, Role.ANGGOTA_HELPDESK)
        down = upload(api, desk, "foto.png", png(7004), "image/png")
        assert down.status_code == 503, down.text
        assert down.json()["code"] == "file_store_unavailable" and down.headers["retry-after"] == "30"
        assert "tidak dapat dihubungi" in down.json()["message"]


def test_the_guest_book_signature_goes_to_the_bucket_and_a_refusal_records_no_guest(
    node_on_s3: NodeOn, s3_server: S3Server, prefix: str
) -> None:
    # One office whose bucket works: the drawn signature is kept in its folder and served back on the desk's page.
    node = node_on_s3(prefix)
    for api in client(node):
        sign_in(api, node, Role.ANGGOTA_HELPDESK)
        api.post("/meja-depan/tiket")
        api.post("/meja-depan/panggil")
        saved = api.post("/meja-depan/tamu/1", data=GUEST, follow_redirects=False)
        assert saved.status_code == 303, saved.text
        [name] = s3_server.object_names(f"{prefix}/")
        key = name.removeprefix(f"{prefix}/")
        assert s3_server.object_bytes(name) == SIGNATURE
        assert api.get(f"/meja-depan/tanda-tangan/{key}").content == SIGNATURE

    # Another whose bucket refuses its key: the page says so, and neither the guest nor the consultation is recorded.
    other = f"{prefix}-x"
    refused_node = node_on_s3(other, s3_secret_key="kunci-rahasia-yang-salah")
    for api in client(refused_node):
        sign_in(api, refused_node, Role.ANGGOTA_HELPDESK)
        api.post("/meja-depan/tiket")
        api.post("/meja-depan/panggil")
        before = events(refused_node)
        refused = api.post("/meja-depan/tamu/1", data=GUEST, follow_redirects=False)
        assert refused.status_code == 503
        assert "Penyimpanan berkas kantor menolak akses node ini" in refused.text
        assert events(refused_node) == before
        assert s3_server.object_names(f"{other}/") == []
