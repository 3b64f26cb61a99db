"""Office keys: created once with owner-only access, reloaded unchanged; the keyring verifies and never raises."""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

import pytest

from gateways.signing import Keyring, OfficeKey

MESSAGE = bytes.fromhex("ab" * 32)


def test_a_new_key_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "deep" / "kab-16.13.key"
    old_umask = os.umask(0)  # even a careless umask must not widen the file
    try:
        OfficeKey.load_or_create(path)
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(base64.b64decode(path.read_text().strip(), validate=True)) == 32
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left behind


def test_reloading_gives_the_same_key(tmp_path: Path) -> None:
    path = tmp_path / "kab-16.13.key"
    first = OfficeKey.load_or_create(path)
    again = OfficeKey.load_or_create(path)
    assert again.public_key_b64 == first.public_key_b64
    assert len(base64.b64decode(first.public_key_b64)) == 32
    ring = Keyring()
    ring.add("kab-16.13", first.public_key_b64)
    assert ring.verify("kab-16.13", MESSAGE, again.sign(MESSAGE))


def test_two_offices_get_different_keys(tmp_path: Path) -> None:
    assert (
        OfficeKey.load_or_create(tmp_path / "a.key").public_key_b64
        != OfficeKey.load_or_create(tmp_path / "b.key").public_key_b64
    )


def test_a_damaged_key_file_is_refused_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / "kab-16.13.key"
    path.write_text("this is not a key\n")
    with pytest.raises(ValueError, match="Ed25519"):
        OfficeKey.load_or_create(path)
    assert path.read_text() == "this is not a key\n"


@pytest.fixture
def keys(tmp_path: Path) -> dict[str, OfficeKey]:
    offices = ("kab-16.13", "prov-16", "pusat")
    return {office: OfficeKey.load_or_create(tmp_path / f"{office}.key") for office in offices}


def test_the_keyring_round_trips_through_toml(keys: dict[str, OfficeKey], tmp_path: Path) -> None:
    ring = Keyring()
    for office in ("pusat", "kab-16.13", "prov-16"):
        ring.add(office, keys[office].public_key_b64)
    text = ring.dump()
    assert text.splitlines()[0] == "[keys]"
    assert text.splitlines()[1].startswith('"kab-16.13" = "')
    assert ring.offices == ["kab-16.13", "prov-16", "pusat"]
    (tmp_path / "keyring.toml").write_text(text)
    loaded = Keyring.load(tmp_path / "keyring.toml")
    assert loaded.dump() == text
    assert all(loaded.public_key_b64(office) == key.public_key_b64 for office, key in keys.items())
    assert loaded.verify("prov-16", MESSAGE, keys["prov-16"].sign(MESSAGE))


def test_a_hand_written_keyring_parses(keys: dict[str, OfficeKey]) -> None:
    text = f'# kunci publik kantor\n[keys]\n"KAB-16.13" = "{keys["kab-16.13"].public_key_b64}"\n'
    ring = Keyring.parse(text)
    assert ring.knows("kab-16.13") and not ring.knows("prov-16")
    assert Keyring.parse("").offices == []


@pytest.mark.parametrize(
    "text",
    [
        '[keys]\n"kab-16.13" = "not base64!"\n',
        '[keys]\n"kab-16.13" = "AAAA"\n',  # base64, but not 32 bytes
        '[keys]\n"nowhere" = "' + "A" * 43 + '="\n',
        '[keys]\n"pusat" = 42\n',
        'keys = "pusat"\n',
    ],
)
def test_a_bad_keyring_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        Keyring.parse(text)


def test_a_known_office_keeps_its_key_unless_replaced_on_purpose(keys: dict[str, OfficeKey]) -> None:
    ring = Keyring()
    ring.add("pusat", keys["pusat"].public_key_b64)
    ring.add("pusat", keys["pusat"].public_key_b64)  # the same key again is harmless
    with pytest.raises(ValueError, match="another key"):
        ring.add("pusat", keys["prov-16"].public_key_b64)
    ring.add("pusat", keys["prov-16"].public_key_b64, replace=True)
    assert ring.public_key_b64("pusat") == keys["prov-16"].public_key_b64


def test_forged_and_garbled_signatures_are_false(keys: dict[str, OfficeKey]) -> None:
    ring = Keyring()
    ring.add("kab-16.13", keys["kab-16.13"].public_key_b64)
    good = keys["kab-16.13"].sign(MESSAGE)
    raw = bytearray(base64.b64decode(good))
    raw[0] ^= 1
    flipped = base64.b64encode(bytes(raw)).decode()
    assert ring.verify("kab-16.13", MESSAGE, good)
    assert not ring.verify("kab-16.13", MESSAGE, keys["prov-16"].sign(MESSAGE))  # another office's key
    assert not ring.verify("kab-16.13", MESSAGE[:-1] + b"\x00", good)  # another message
    assert not ring.verify("kab-16.13", MESSAGE, flipped)
    assert not ring.verify("prov-16", MESSAGE, keys["prov-16"].sign(MESSAGE))  # unknown office
    for garbled in ("", "not base64!", "AAAA", good[:-4], good + "AAAA", "\u00e9" * 88, None, 123):
        assert not ring.verify("kab-16.13", MESSAGE, garbled)  # type: ignore[arg-type]
