"""NATS nkeys of offices: a new user key, its seed file (0600), its public key, and how a client logs in with it."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import nkeys

# A user seed is "SU" and 56 more base32 characters; its public key "U" and 55 more (nkeys' encoding, checksum
# included). The server checks the key itself; these only catch a file that holds something else.
USER_SEED = re.compile(r"SU[A-Z2-7]{56}")
USER_PUBLIC = re.compile(r"U[A-Z2-7]{55}")


class NkeyError(ValueError):
    """A seed file is missing, unreadable, or does not hold a user seed."""


@dataclass(frozen=True)
class UserKey:
    seed: str
    public: str


def new_user_key() -> UserKey:
    """A fresh Ed25519 user key (nkeys 0.2.1 has no generator: a random seed, encoded as the nats tools do)."""
    seed = nkeys.encode_seed(os.urandom(32), nkeys.PREFIX_BYTE_USER).decode()
    return UserKey(seed, public_key(seed))


def public_key(seed: str) -> str:
    pair = nkeys.from_seed(bytearray(seed.encode()))
    try:
        return pair.public_key.decode()
    finally:
        pair.wipe()


def write_seed(path: str | Path, key: UserKey, *, replace: bool = False) -> Path:
    """Writes the seed alone on one line (what nats-py's `nkeys_seed` and render.py read), readable by its owner
    only; an existing file is kept unless `replace`, so a key is never lost by a repeated command."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if replace else os.O_EXCL)
    fd = os.open(path, flags, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(key.seed + "\n")
    os.chmod(path, 0o600)
    return path


def read_seed(path: str | Path) -> UserKey:
    try:
        seed = Path(path).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as error:
        raise NkeyError(f"cannot read {path}: {error}") from None
    if not USER_SEED.fullmatch(seed):
        raise NkeyError(f"{path} does not hold an nkey user seed (SU…; make one with `helpdesk nats key`)")
    try:
        return UserKey(seed, public_key(seed))
    except Exception:  # noqa: BLE001 - nkeys raises several kinds for a damaged seed
        raise NkeyError(f"{path} holds a damaged nkey seed") from None


def ensure_seed(path: str | Path) -> UserKey:
    """The key in `path`, made first when the file does not exist yet (`helpdesk local` keeps its keys)."""
    if not Path(path).exists():
        write_seed(path, new_user_key())
    return read_seed(path)


def login_options(seed_file: str, inbox_prefix: str) -> dict[str, object]:
    """nats.connect() options for a node: its nkey when it has one (none: the server must allow anonymous
    clients, as CI's does), and replies on an inbox of its own, which a shared server can grant it alone."""
    options: dict[str, object] = {"inbox_prefix": inbox_prefix}
    if seed_file:
        options["nkeys_seed"] = seed_file
    return options
