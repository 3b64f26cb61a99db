"""The office's pseudonym key: made once (0600), read the same ever after, never silently replaced."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from gateways.subject_keys import load_or_create_secret


def test_the_key_is_made_once_private_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "data" / "pseudonym.key"
    first = load_or_create_secret(path)
    assert len(first) == 32 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert load_or_create_secret(path) == first


def test_a_damaged_key_file_stops_the_node_instead_of_being_replaced(tmp_path: Path) -> None:
    path = tmp_path / "pseudonym.key"
    path.write_text("bukan kunci\n", encoding="ascii")
    with pytest.raises(ValueError, match="pseudonym.key"):
        load_or_create_secret(path)
    assert path.read_text(encoding="ascii") == "bukan kunci\n"
