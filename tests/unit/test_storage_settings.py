"""Where the files are kept is a setting: the local folder unless told, an S3 bucket when the settings name one
completely; a storage setting that cannot work stops the node at start, naming the key, never at the first photo."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateways.bootstrap import FILE_STORES
from gateways.config import ConfigError, load_settings
from gateways.objectstore import S3FileStore, s3_secret_key
from gateways.storage import FileStore

NODE = {"HELPDESK_NODE_ID": "kab-16.13", "HELPDESK_DATABASE": "memory"}
S3 = {**NODE, "HELPDESK_STORAGE_BACKEND": "s3", "HELPDESK_S3_ENDPOINT": "https://s3.kpu.example:9000",
      "HELPDESK_S3_BUCKET": "dokumentasi-kpu", "HELPDESK_S3_ACCESS_KEY": "kab-16-13",
      "HELPDESK_S3_SECRET_KEY": "rahasia"}


def test_the_files_stay_in_the_node_folder_unless_told(tmp_path: Path) -> None:
    settings = load_settings(NODE, data_dir=str(tmp_path))
    assert settings.storage_backend == "local"
    store = FILE_STORES[settings.storage_backend](settings)
    assert isinstance(store, FileStore) and store.root == tmp_path / "files"


def test_an_office_points_the_node_at_its_bucket_by_settings_alone(tmp_path: Path) -> None:
    settings = load_settings(S3, data_dir=str(tmp_path))
    store = FILE_STORES[settings.storage_backend](settings)
    assert isinstance(store, S3FileStore)
    # The office's cloud folder: its node id with dashes, unless a prefix is set.
    assert (store.bucket, store.prefix) == ("dokumentasi-kpu", "kab-16-13")
    assert store.object_name("ab/" + "a" * 64 + ".jpg") == "kab-16-13/ab/" + "a" * 64 + ".jpg"
    assert store.client.meta.endpoint_url == "https://s3.kpu.example:9000"
    # The mails as received stay in the node's own folder, whatever keeps the documentation.
    assert store.root == tmp_path / "files"
    placed = load_settings({**S3, "HELPDESK_S3_PREFIX": "/sumsel/kab-16-13/"}, data_dir=str(tmp_path))
    assert FILE_STORES["s3"](placed).prefix == "sumsel/kab-16-13"  # type: ignore[attr-defined]


def test_the_secret_may_come_from_a_file_only_the_node_reads(tmp_path: Path) -> None:
    secret = tmp_path / "s3.secret"
    secret.write_text("dari-berkas\n", encoding="utf-8")
    settings = load_settings({**S3, "HELPDESK_S3_SECRET_KEY": "", "HELPDESK_S3_SECRET_KEY_FILE": str(secret)})
    assert s3_secret_key(settings) == "dari-berkas"


@pytest.mark.parametrize(("change", "key"), [
    ({"HELPDESK_STORAGE_BACKEND": "ftp"}, "HELPDESK_STORAGE_BACKEND"),
    ({"HELPDESK_S3_BUCKET": ""}, "HELPDESK_S3_BUCKET"),
    ({"HELPDESK_S3_BUCKET": "Dokumentasi_KPU"}, "HELPDESK_S3_BUCKET"),
    ({"HELPDESK_S3_ENDPOINT": "s3.kpu.example"}, "HELPDESK_S3_ENDPOINT"),  # no scheme
    ({"HELPDESK_S3_ADDRESSING": "dns"}, "HELPDESK_S3_ADDRESSING"),
    ({"HELPDESK_S3_PREFIX": "kab 16/../x?"}, "HELPDESK_S3_PREFIX"),
    ({"HELPDESK_S3_REGION": ""}, "HELPDESK_S3_REGION"),
    ({"HELPDESK_S3_ACCESS_KEY": ""}, "HELPDESK_S3_ACCESS_KEY"),
    ({"HELPDESK_S3_SECRET_KEY": ""}, "HELPDESK_S3_SECRET_KEY"),
    ({"HELPDESK_S3_SECRET_KEY_FILE": "/nonexistent/s3.secret"}, "HELPDESK_S3_SECRET_KEY_FILE"),
])
def test_a_storage_setting_that_cannot_work_stops_the_node_naming_the_key(change: dict[str, str], key: str) -> None:
    with pytest.raises(ConfigError) as refused:
        load_settings({**S3, **change})
    assert str(refused.value).startswith(key)


def test_the_bucket_settings_are_not_asked_for_while_the_files_stay_local() -> None:
    settings = load_settings({**NODE, "HELPDESK_S3_BUCKET": ""})
    assert settings.storage_backend == "local"
