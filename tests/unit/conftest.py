"""Fixtures of the audit-chain unit tests: an office's signing key (made once per module) and the keyring that
knows it."""

from __future__ import annotations

import pytest

from gateways.signing import Keyring, OfficeKey
from tests.support.restore_chains import OFFICE


@pytest.fixture(scope="module")
def key(tmp_path_factory: pytest.TempPathFactory) -> OfficeKey:
    """kab-16.13's signing key."""
    return OfficeKey.load_or_create(tmp_path_factory.mktemp("keys") / f"{OFFICE}.key")


@pytest.fixture(scope="module")
def keyring(key: OfficeKey) -> Keyring:
    """A keyring knowing kab-16.13's key."""
    ring = Keyring()
    ring.add(OFFICE, key.public_key_b64)
    return ring
