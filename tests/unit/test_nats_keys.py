"""Offices' NATS nkeys: `helpdesk nats key`, the seed files, the node's setting, and deploy/nats/render.py's use."""

from __future__ import annotations

import importlib.util
from dataclasses import replace
from pathlib import Path

import nkeys
import pytest

from gateways.cli.main import main
from gateways.config import ConfigError, load_settings
from gateways.nats.credentials import NkeyError, new_user_key, read_seed, write_seed
from gateways.nats.link import same_layout
from gateways.nats.topology import Topology

DEPLOY_NATS = Path(__file__).resolve().parents[2] / "deploy" / "nats"


def _render():  # noqa: ANN202 - deploy/nats/render.py is a script, loaded as the integration tests load it
    spec = importlib.util.spec_from_file_location("deploy_nats_render_unit", DEPLOY_NATS / "render.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_writes_a_private_seed_and_prints_its_public_key(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "keys" / "leaf.nk"
    assert main(["nats", "key", "--out", str(out)]) == 0
    public = capsys.readouterr().out.strip()
    assert out.stat().st_mode & 0o777 == 0o600
    # The printed key is the seed's public half: what the hub lists, while the office keeps the seed.
    pair = nkeys.from_seed(bytearray(out.read_text().strip().encode()))
    assert pair.public_key.decode() == public and public.startswith("U") and len(public) == 56
    # `nats public` tells which key a seed file holds.
    assert main(["nats", "public", str(out)]) == 0
    assert capsys.readouterr().out.strip() == public


def test_cli_never_overwrites_a_key(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "leaf.nk"
    assert main(["nats", "key", "--out", str(out)]) == 0
    before = out.read_text()
    capsys.readouterr()
    assert main(["nats", "key", "--out", str(out)]) == 1
    assert "sudah ada" in capsys.readouterr().err
    assert out.read_text() == before


def test_each_new_key_is_different() -> None:
    assert len({new_user_key().public for _ in range(20)}) == 20


@pytest.mark.parametrize("content", ["", "hello", "UAXXX", new_user_key().public, "SA" + "A" * 56])
def test_a_file_without_a_user_seed_is_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad.nk"
    path.write_text(content)
    with pytest.raises(NkeyError):
        read_seed(path)
    with pytest.raises(ConfigError, match="HELPDESK_NATS_NKEY_SEED_FILE"):
        load_settings({}, node_id="kab-16.13", nats_nkey_seed_file=str(path))


def test_the_node_setting_names_its_seed_file(tmp_path: Path) -> None:
    path = write_seed(tmp_path / "node.nk", new_user_key())
    settings = load_settings({"HELPDESK_NATS_NKEY_SEED_FILE": str(path)}, node_id="kab-16.13")
    assert settings.nats_nkey_seed_file == str(path)
    with pytest.raises(ConfigError, match="HELPDESK_NATS_NKEY_SEED_FILE"):
        load_settings({}, node_id="kab-16.13", nats_nkey_seed_file=str(tmp_path / "missing.nk"))
    assert load_settings({}, node_id="kab-16.13").nats_nkey_seed_file == ""  # no login: an open server (CI)


def test_hub_lists_each_public_key_of_an_office_and_the_leaf_its_seed(tmp_path: Path) -> None:
    render = _render()
    old, new, seed = new_user_key(), new_user_key(), new_user_key()
    values = tmp_path / "prov.env"
    values.write_text(
        "OFFICE=prov-16\nPARENT=pusat\nLISTEN=127.0.0.1:4222\nLEAF_LISTEN=0.0.0.0:7422\nSTORE_DIR=/var/lib/nats\n"
        f"NODE_NKEY={new_user_key().public}\nPARENT_URL=nats.pusat.example:7422\n"
        f"LEAF_NKEY_SEED_FILE={write_seed(tmp_path / 'leaf.nk', seed)}\nTLS_CA=/ca.pem\nTLS_CERT=/c.pem\n"
        f"TLS_KEY=/k.pem\nCHILD=kab-16.13 {old.public} {new.public}\nCHILD=kab-16.01 {new_user_key().public}\n"
    )
    config = render.render("province-hub.conf", *render.read_values(values))
    # While kab-16.13's key is replaced, both of its keys are users, with the same permissions.
    assert config.count(f"nkey: {old.public},") == 1 and config.count(f"nkey: {new.public},") == 1
    assert config.count('"hdsrc.kab-16_13.prov-16.>"') == 2 and config.count("nkey: U") == 4  # and the node's
    assert f'nkey: "{seed.seed}"' in config and "LEAF_PASSWORD" not in config
    assert 'nats-leaf://nats.pusat.example:7422"' in config  # no credentials in the URL any more


@pytest.mark.parametrize("child", ["kab-16.13", "kab-16.13 not-a-key", "kab-16.13 CHANGE-ME-public-nkey"])
def test_a_child_without_a_public_key_is_refused(tmp_path: Path, child: str) -> None:
    render = _render()
    values = {"OFFICE": "pusat", "LISTEN": "127.0.0.1:4222", "LEAF_LISTEN": "0.0.0.0:7422", "STORE_DIR": "/s",
              "NODE_NKEY": new_user_key().public, "TLS_CERT": "/c", "TLS_KEY": "/k"}
    path = tmp_path / "pusat.env"
    path.write_text("".join(f"{k}={v}\n" for k, v in values.items()) + f"CHILD={child}\n")
    with pytest.raises(render.RenderError):
        render.render("centre-hub.conf", *render.read_values(path))


def test_a_leaf_seed_file_must_hold_a_seed(tmp_path: Path) -> None:
    render = _render()
    bad = tmp_path / "leaf.nk"
    bad.write_text(new_user_key().public)  # the public half, sent back by mistake
    values = {"OFFICE": "kab-16.13", "PARENT": "prov-16", "LISTEN": "127.0.0.1:4222", "STORE_DIR": "/s",
              "NODE_NKEY": new_user_key().public, "PARENT_URL": "h:7422", "LEAF_NKEY_SEED_FILE": str(bad),
              "TLS_CA": "/ca"}
    with pytest.raises(render.RenderError, match="LEAF_NKEY_SEED_FILE"):
        render.render("regency-leaf.conf", values)
    with pytest.raises(render.RenderError, match="LEAF_NKEY_SEED_FILE"):
        render.render("regency-leaf.conf", {**values, "LEAF_NKEY_SEED_FILE": str(tmp_path / "missing.nk")})


def test_shared_server_permissions_reach_only_the_offices_own_streams() -> None:
    kab = Topology("hd", "kab-16.13", ("prov-16",), separate_domains=False)
    centre = Topology("hd", "pusat", ("prov-16",), separate_domains=False, is_centre=True)
    publish = kab.shared_server_permissions()["publish"]["allow"]
    assert "hd.*.kab-16_13.>" in publish and not any("$JS.API.>" == p or p.endswith(".API.>") for p in publish)
    # At the neighbour's stream only a direct get of the last message it sent there itself.
    assert [p for p in publish if "prov-16" in p] == ["$JS.API.DIRECT.GET.HD_prov-16.hd.prov-16.kab-16_13.>"]
    assert not any("STREAM.CREATE" in p or "STREAM.UPDATE" in p for p in publish)
    assert kab.shared_server_permissions()["subscribe"]["allow"] == ["hd.kab-16_13.>", "_INBOX.kab-16_13.>"]
    # Only the centre reads the audit chains.
    assert not any("HD_AUDIT_" in p for p in publish)
    centre_publish = centre.shared_server_permissions()["publish"]["allow"]
    assert "$JS.API.CONSUMER.MSG.NEXT.HD_AUDIT.HD_AUDIT_pusat_in" in centre_publish


def test_a_stream_is_updated_only_when_its_layout_differs() -> None:
    topology = Topology("hd", "prov-16", ("pusat", "kab-16.13"), separate_domains=True)
    wanted = topology.stream_config()
    as_served = replace(wanted, max_msgs=-1, max_bytes=-1, num_replicas=1, subjects=list(reversed(wanted.subjects)))
    assert same_layout(as_served, wanted)
    assert not same_layout(replace(wanted, sources=wanted.sources[:1]), wanted)
    assert not same_layout(replace(wanted, subjects=["hd.>"]), wanted)
    assert not same_layout(replace(wanted, duplicate_window=60.0), wanted)
