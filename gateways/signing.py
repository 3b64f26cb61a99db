"""Ed25519 keys of the offices (cryptography): a node's own signing key, and the keyring of public keys to verify."""

from __future__ import annotations

import base64
import binascii
import json
import os
import secrets
import tomllib
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from domain.errors import InvalidOffice
from domain.offices import parse_office_id

KEY_BYTES = 32
SIGNATURE_BYTES = 64


def _decode(text: str, size: int) -> bytes | None:
    """Strict base64 of exactly `size` bytes, or None: stray characters are refused, not skipped."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError, AttributeError):
        return None
    return raw if len(raw) == size else None


def _public_b64(key: Ed25519PublicKey) -> str:
    return base64.b64encode(key.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


class OfficeKey:
    """The node's private signing key; it never leaves the file it was created in."""

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._private = private_key
        self.public_key_b64 = _public_b64(private_key.public_key())

    @classmethod
    def ephemeral(cls) -> OfficeKey:
        """A key that lives as long as the process: for nodes that keep nothing (the memory backend)."""
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def load_or_create(cls, path: Path) -> OfficeKey:
        """Reads the key at `path`, or creates one there (mode 0o600) on a node's first start."""
        path = Path(path)
        if not path.exists():
            cls._create(path)
        raw = _decode(path.read_bytes().decode("ascii", "replace"), KEY_BYTES)
        if raw is None:
            # Never replaced silently: a new key would orphan every entry the old one signed.
            raise ValueError(f"{path} does not hold a base64 Ed25519 private key")
        return cls(Ed25519PrivateKey.from_private_bytes(raw))

    @staticmethod
    def _create(path: Path) -> None:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        raw = Ed25519PrivateKey.generate().private_bytes_raw()
        # Written in full under a temporary name, then linked into place: a crash leaves no half-written key, and of
        # two processes starting at once only one key wins (link refuses an existing name), which both then read.
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.fchmod(descriptor, 0o600)  # the umask can only narrow the mode; this makes it exact
            os.write(descriptor, base64.b64encode(raw) + b"\n")
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()

    def sign(self, message: bytes) -> str:
        return base64.b64encode(self._private.sign(message)).decode()


class Keyring:
    """Office id → Ed25519 public key, as the centre (or any node) knows them, kept in a small TOML file."""

    def __init__(self) -> None:
        self._keys: dict[str, tuple[str, Ed25519PublicKey]] = {}

    @classmethod
    def parse(cls, text: str) -> Keyring:
        """`[keys]` then one `"office" = "base64"` per line; ValueError names the first bad line."""
        table = tomllib.loads(text).get("keys", {})
        if not isinstance(table, dict):
            raise ValueError("[keys] must be a table")
        keyring = cls()
        for office, key in table.items():
            if not isinstance(key, str):
                raise ValueError(f"the key of {office} must be a string")
            keyring.add(office, key)
        return keyring

    @classmethod
    def load(cls, path: Path) -> Keyring:
        return cls.parse(Path(path).read_text(encoding="utf-8"))

    def add(self, office: str, public_key_b64: str, *, replace: bool = False) -> None:
        """Registers an office's key; a different key for a known office needs `replace` (a rotation is deliberate)."""
        try:
            office_id = parse_office_id(office).value
        except InvalidOffice:
            raise ValueError(f"{office!r} is not an office id") from None
        raw = _decode(public_key_b64, KEY_BYTES)
        if raw is None:
            raise ValueError(f"the key of {office_id} is not a base64 Ed25519 public key")
        text = base64.b64encode(raw).decode()
        known = self._keys.get(office_id)
        if known is not None and known[0] != text and not replace:
            raise ValueError(f"{office_id} already has another key")
        self._keys[office_id] = (text, Ed25519PublicKey.from_public_bytes(raw))

    def knows(self, office: str) -> bool:
        return office in self._keys

    @property
    def offices(self) -> list[str]:
        return sorted(self._keys)

    def public_key_b64(self, office: str) -> str | None:
        known = self._keys.get(office)
        return known[0] if known else None

    def verify(self, office: str, message: bytes, signature_b64: str) -> bool:
        """True only for a good signature by a known office; anything garbled is simply False."""
        known = self._keys.get(office)
        signature = _decode(signature_b64, SIGNATURE_BYTES) if isinstance(signature_b64, str) else None
        if known is None or signature is None:
            return False
        try:
            known[1].verify(signature, bytes(message))
        except (InvalidSignature, TypeError, ValueError):
            return False
        return True

    def dump(self) -> str:
        # JSON string escapes are valid TOML basic-string escapes, so json.dumps quotes safely.
        lines = ["[keys]"] + [f"{json.dumps(office)} = {json.dumps(self._keys[office][0])}" for office in self.offices]
        return "\n".join(lines) + "\n"
