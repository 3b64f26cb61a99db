"""Offices' message-signing keys and the keyring of their public keys, as configuration distributes them."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from gateways.signing import Keyring, OfficeKey


def shared_keys(folder: Path, offices: Iterable[str]) -> Path:
    """Each office's Ed25519 key in `folder` (made once) and the keyring of all their public keys, as configuration
    distributes them: every office verifies what its neighbours sign. Returns the keyring file."""
    folder.mkdir(parents=True, exist_ok=True)
    keyring = Keyring()
    for office in offices:
        keyring.add(office, OfficeKey.load_or_create(folder / f"{office}.key").public_key_b64)
    path = folder / "keyring.toml"
    path.write_text(keyring.dump(), encoding="utf-8")
    return path


def signing_settings(folder: Path, node_id: str, offices: Iterable[str]) -> dict[str, str]:
    """The node's own signing key and the keyring of `offices` (keys kept in `folder`): settings keys without the
    HELPDESK_ prefix."""
    keyring = shared_keys(folder, offices)
    return {"audit_key_file": str(folder / f"{node_id}.key"), "audit_keys_file": str(keyring)}
