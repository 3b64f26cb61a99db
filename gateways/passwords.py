"""Argon2id password hashing (argon2-cffi), behind the services' PasswordHasher port; and the list of common
passwords the policy refuses (gateways/data/common_passwords.csv)."""

from __future__ import annotations

from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class Argon2Hasher:
    def __init__(self, *, time_cost: int = 3, memory_cost: int = 65536) -> None:
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost)

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


@cache
def common_passwords() -> frozenset[str]:
    """The list, lower-case; read once per process. Comment lines start with "#", the first other line is the
    column's name."""
    text = resources.files("gateways").joinpath("data/common_passwords.csv").read_text(encoding="utf-8")
    rows = [line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return frozenset(rows[1:])
