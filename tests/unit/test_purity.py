"""The domain stays pure: no I/O library, no environment, no clock read; services never reach for gateways; the
read models never reach for services or gateways; no request handler reads the log by position (every list is a
read model); only the composition root sees the whole node; the API and the pages are siblings over one edge."""

from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_FILES = sorted((ROOT / "domain").glob("*.py"))
SERVICE_FILES = sorted((ROOT / "services").glob("*.py"))
PROJECTION_FILES = sorted((ROOT / "projections").glob("*.py"))
# What answers a request: the API, the pages, and the services they call.
REQUEST_PATH_FILES = sorted(
    [*(ROOT / "gateways" / "http").glob("*.py"), *(ROOT / "gateways" / "web").glob("*.py"),
     *(ROOT / "gateways" / "edge").glob("*.py"), *SERVICE_FILES]
)
# Every module of the running code (not the tests, which build nodes to drive them).
CODE_FILES = sorted(path for folder in ("domain", "services", "projections", "gateways")
                    for path in (ROOT / folder).rglob("*.py"))
# The composition root: the node is wired in bootstrap, and the app hands each handler the few parts it uses.
COMPOSITION_ROOT = {"gateways/bootstrap.py", "gateways/app.py"}
# The JSON API and the pages stand side by side on gateways/edge/; neither imports the other.
SIBLINGS = {"gateways/http/": "gateways.web", "gateways/web/": "gateways.http"}

# Libraries that talk to the outside world, and the project's outer layers.
FORBIDDEN_IN_DOMAIN = {"psycopg", "nats", "litestar", "sqlite3", "httpx", "os", "services", "gateways", "projections"}
FORBIDDEN_IN_SERVICES = {"psycopg", "nats", "litestar", "sqlite3", "httpx", "gateways", "projections"}
# Read models are built from events alone: the structs they return live in projections/ or the domain.
FORBIDDEN_IN_PROJECTIONS = {"services", "gateways"}
# Reading the log by position. Its place is the projection runner (projections/runner.py, driven by the follower and
# the CLI) and the relay that sends this office's messages (Outbox.outgoing); a request that did it would cost more
# with every event the office ever wrote.
LOG_SCAN = "select_notifications"
LOG_READERS_ON_REQUEST_PATHS = {("outbox.py", "Outbox.outgoing_with_documents")}
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


def imported_modules(source: str) -> set[str]:
    """The full dotted name of every module imported (`from a.b import c` gives a.b and a.b.c)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def reaches(modules: set[str], package: str) -> bool:
    return any(module == package or module.startswith(package + ".") for module in modules)


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


@pytest.mark.parametrize("path", PROJECTION_FILES, ids=lambda p: p.name)
def test_read_models_use_the_domain_not_the_services_or_gateways(path: Path) -> None:
    assert imported_roots(path.read_text(encoding="utf-8")) & FORBIDDEN_IN_PROJECTIONS == set()


def log_scans(source: str) -> set[str]:
    """Where a module reads the log by position: the qualified name of each function (or "<module>") that calls,
    names or looks up `select_notifications`."""
    found: set[str] = set()

    def visit(node: ast.AST, where: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = where
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                inner = child.name if where == "<module>" else f"{where}.{child.name}"
            if (isinstance(child, ast.Attribute) and child.attr == LOG_SCAN) or (
                isinstance(child, ast.Name) and child.id == LOG_SCAN) or (
                isinstance(child, ast.Constant) and child.value == LOG_SCAN):  # getattr(recorder, "…")
                found.add(where)
            visit(child, inner)

    visit(ast.parse(source), "<module>")
    return found


def test_there_are_request_paths_to_check() -> None:
    names = {path.relative_to(ROOT).as_posix() for path in REQUEST_PATH_FILES}
    assert {"gateways/http/escalations.py", "gateways/web/escalations.py", "services/escalations.py"} <= names


@pytest.mark.parametrize("path", REQUEST_PATH_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_request_path_reads_the_log_by_position(path: Path) -> None:
    scans = {(path.name, where) for where in log_scans(path.read_text(encoding="utf-8"))}
    assert scans - LOG_READERS_ON_REQUEST_PATHS == set()


@pytest.mark.parametrize(
    ("source", "where"),
    [
        ("class A:\n    def inbox(self):\n        return self.recorder.select_notifications(1, 500)\n", "A.inbox"),
        ("def scan(r):\n    read = r.select_notifications\n    return read(1, 10)\n", "scan"),
        ("def scan(r):\n    return getattr(r, 'select_notifications')(1, 10)\n", "scan"),
        ("from x import select_notifications\nrows = select_notifications(1, 10)\n", "<module>"),
    ],
)
def test_the_log_scan_check_catches_a_scan(source: str, where: str) -> None:
    assert where in log_scans(source)


def test_the_log_scan_check_lets_prose_and_other_reads_pass() -> None:
    source = (
        '"""Never calls select_notifications: reads rm_consultations."""\n'
        "def inbox(store):\n"
        "    return store.query('SELECT id FROM rm_consultations')  # not select_notifications\n"
    )
    assert log_scans(source) == set()


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_there_is_a_composition_root_and_code_around_it() -> None:
    names = {relative(path) for path in CODE_FILES}
    assert COMPOSITION_ROOT | {"gateways/http/consultations.py", "gateways/web/consultations.py"} <= names


@pytest.mark.parametrize("path", CODE_FILES, ids=relative)
def test_only_the_composition_root_sees_the_whole_node(path: Path) -> None:
    """A handler, a job or a command names the few services it uses; the node itself stays in the root."""
    if relative(path) in COMPOSITION_ROOT:
        return
    assert not reaches(imported_modules(path.read_text(encoding="utf-8")), "gateways.bootstrap.Node")


@pytest.mark.parametrize("path", [p for p in CODE_FILES if relative(p).startswith(tuple(SIBLINGS))], ids=relative)
def test_the_api_and_the_pages_do_not_import_each_other(path: Path) -> None:
    sibling = next(other for folder, other in SIBLINGS.items() if relative(path).startswith(folder))
    assert not reaches(imported_modules(path.read_text(encoding="utf-8")), sibling)


@pytest.mark.parametrize(
    ("source", "package"),
    [
        ("from gateways.bootstrap import Node\n", "gateways.bootstrap.Node"),
        ("from gateways.bootstrap import PERSONAL_READ_MODELS, Node\n", "gateways.bootstrap.Node"),
        ("def f():\n    from gateways.bootstrap import Node\n", "gateways.bootstrap.Node"),
        ("from gateways.http.auth import requires\n", "gateways.http"),
        ("import gateways.http.errors\n", "gateways.http"),
        ("from gateways.http import errors\n", "gateways.http"),
        ("from gateways.web.render import page\n", "gateways.web"),
    ],
)
def test_the_layer_checks_catch_a_forbidden_import(source: str, package: str) -> None:
    assert reaches(imported_modules(source), package)


def test_the_layer_checks_let_the_edge_and_other_names_pass() -> None:
    source = (
        '"""Not from gateways.http: from the edge."""\n'
        "from gateways.bootstrap import build_node\n"
        "from gateways.edge.auth import requires\n"
        "from gateways.httpx_like import client\n"
        "from gateways.webhooks import Node\n"
    )
    modules = imported_modules(source)
    assert not reaches(modules, "gateways.bootstrap.Node")
    assert not reaches(modules, "gateways.http")
    assert not reaches(modules, "gateways.web")


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
