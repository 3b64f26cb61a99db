"""The servers the environment names for the tests (TEST_POSTGRES_URL, TEST_NATS_URL), and whether CI requires
them (REQUIRE_SERVICES=1): a missing server then fails the tests, since a skipped backend must never pass for a
tested one."""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable

import pytest


def services_required() -> bool:
    return os.environ.get("REQUIRE_SERVICES") == "1"


def configured_server(variable: str, problem_at: Callable[[str], str | None], instead: str | None = None) -> str | None:
    """The URL in `variable` when it is set and the server answers there (`problem_at` gives None); else None, and
    the caller starts a server of its own. An unreachable one fails the tests when services are required; otherwise,
    when told what the caller tries `instead`, a warning says so."""
    configured = os.environ.get(variable)
    if not configured:
        return None
    problem = problem_at(configured)
    if problem is None:
        return configured
    if services_required():
        pytest.fail(f"{variable}={configured} is not reachable (REQUIRE_SERVICES=1): {problem}")
    if instead:
        warnings.warn(f"{variable}={configured} is not reachable ({problem}); trying {instead}", stacklevel=1)
    return None
