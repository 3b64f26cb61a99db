"""The domain stays pure: no I/O library, no environment, no clock read; services never reach for gateways."""

from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_FILES = sorted((ROOT / "domain").glob("*.py"))
SERVICE_FILES = sorted((ROOT / "services").glob("*.py"))

# Libraries that talk to the outside world, and the project's outer layers.
FORBIDDEN_IN_DOMAIN = {"psycopg", "nats", "litestar", "sqlite3", "httpx", "os", "services", "gateways", "projections"}
FORBIDDEN_IN_SERVICES = {"psycopg", "nats", "litestar", "sqlite3", "httpx", "gateways", "projections"}
# Reads of the clock or the environment: the domain takes `now` and settings as arguments instead.
FORBIDDEN_CALLS = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("time", "time"),
    ("time", "monotonic"),
    ("os", "environ"),
    ("os", "getenv"),
}
FORBIDDEN_TEXT = ("datetime.now(", "time.time(", "os.environ")


def imported_roots(source: str) -> set[str]:
    """The top-level package of every import, including imports nested in functions."""
    roots = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def code_only(source: str) -> str:
    """The source with comments dropped and string literals emptied: prose may name what code may not use."""
    tokens = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            continue
        tokens.append(token._replace(string='""') if token.type == tokenize.STRING else token)
    return tokenize.untokenize(tokens)


def clock_and_environment_reads(source: str) -> set[str]:
    """`datetime.now`, `os.environ`… whether called, aliased or merely referenced; plus a plain-text scan."""
    found = {
        f"{node.value.id}.{node.attr}"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and (node.value.id, node.attr) in FORBIDDEN_CALLS
    }
    code = code_only(source)
    found.update(text for text in FORBIDDEN_TEXT if text in code)
    return found


def test_there_is_a_domain_to_check() -> None:
    names = {path.name for path in DOMAIN_FILES}
    assert {"consultation.py", "values.py", "offices.py", "users.py"} <= names


@pytest.mark.parametrize("path", DOMAIN_FILES, ids=lambda p: p.name)
def test_the_domain_imports_no_io_and_no_outer_layer(path: Path) -> None:
    assert imported_roots(path.read_text(encoding="utf-8")) & FORBIDDEN_IN_DOMAIN == set()


@pytest.mark.parametrize("path", DOMAIN_FILES, ids=lambda p: p.name)
def test_the_domain_reads_no_clock_and_no_environment(path: Path) -> None:
    assert clock_and_environment_reads(path.read_text(encoding="utf-8")) == set()


@pytest.mark.parametrize("path", SERVICE_FILES, ids=lambda p: p.name)
def test_services_use_the_domain_not_the_gateways(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert imported_roots(source) & FORBIDDEN_IN_SERVICES == set()
    assert clock_and_environment_reads(source) == set()


# The checks themselves are tested, so a green run means something.
@pytest.mark.parametrize(
    "source",
    [
        "import os\n",
        "import os.path\n",
        "from os import environ\n",
        "import psycopg\n",
        "from psycopg import sql\n",
        "import nats.aio.client\n",
        "from litestar import get\n",
        "import sqlite3 as db\n",
        "def f():\n    import httpx\n",
        "from gateways.clock import utc_now\n",
        "from services.base import NodeApplication\n",
    ],
)
def test_the_import_check_catches_a_forbidden_import(source: str) -> None:
    assert imported_roots(source) & FORBIDDEN_IN_DOMAIN


@pytest.mark.parametrize(
    "source",
    [
        "from datetime import datetime\nnow = datetime.now()\n",
        "from datetime import UTC, datetime\nclock = datetime.now\n",
        "import time\nstarted = time.time()\n",
        "import os\nurl = os.environ['HELPDESK_DATABASE']\n",
        "import os\nurl = os.getenv('HELPDESK_DATABASE')\n",
        "from datetime import date\ntoday = date.today()\n",
    ],
)
def test_the_read_check_catches_a_clock_or_environment_read(source: str) -> None:
    assert clock_and_environment_reads(source)


def test_the_checks_let_ordinary_domain_code_pass() -> None:
    source = (
        '"""Never reads os.environ or datetime.now(): takes `at`."""\n'
        "from datetime import datetime\n"
        "from domain import errors\n\n"
        "def f(at: datetime) -> datetime:\n"
        "    return at  # the caller read time.time(), not us\n"
    )
    assert imported_roots(source) & FORBIDDEN_IN_DOMAIN == set()
    assert clock_and_environment_reads(source) == set()
