"""Browser tests: Playwright for Python driving Debian's chromium package against `helpdesk local` (`make run`).

Without Chromium the tests are skipped with the reason in pytest's summary; with REQUIRE_SERVICES=1 or CI=true
(as in `.ci/run`) a missing browser fails them. Playwright never downloads a browser here.

Every page opened through `browser_page` is watched: a request to any host but 127.0.0.1/localhost is aborted,
and at teardown the test errors when any page logged a console error, threw an uncaught exception, received a
response >= 500 or tried to leave the machine. `shot(page, name)` saves
test-artifacts/browser/<test>/<NN>-<name>.png.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import httpx
import pytest

from gateways.natsserver import stop_process
from tests.support.ports import free_port_range
from tests.support.served import helpdesk_command
from tests.support.waiting import wait_until

HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE.parents[1] / "test-artifacts" / "browser"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
NOT_INSTALLED = ("Chromium tidak terpasang (not installed): the browser tests did not run. "
                 "Install Debian's chromium package (apt install chromium) to run them.")
ALLOWED_HOSTS = {"127.0.0.1", "localhost"}
# A form the server rejects by design answers its page with 401 (wrong password) or 422 (invalid input), and
# Chromium logs every non-2xx document in the console as "Failed to load resource". That line, for exactly such a
# document, is the browser's network log of the re-rendered form, not an error on the page; any other is one.
FORM_REJECTIONS = {401, 422}
HTMX_LOG = re.compile(r"^Response Status Error Code (\d+) from ([^\s,?]+)")
NETWORK_LOG = re.compile(r"^Failed to load resource: the server responded with a status of (\d+)")
# Bounds, not expectations: `helpdesk local` is up the moment all three offices answer /health, and may take as long
# as offices keep coming up (START_STALL without a new one fails it); a Playwright action ends as soon as its element
# is ready. A busy machine stretches both.
START_STALL = 120.0
START_BOUND = 300.0
STOP_TIMEOUT = 60.0
ACTION_TIMEOUT_MS = 30_000

# Desktop PCs in the office, the 10-inch tablet at the front desk, the commissioner's phone.
DEVICES: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "tablet": {"viewport": {"width": 1024, "height": 768}, "device_scale_factor": 2, "is_mobile": True,
               "has_touch": True},
    "phone": {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
              "has_touch": True},
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test (`-m "not browser"` leaves them out)."""
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One plain line at the end when the browser tests were skipped for want of Chromium."""
    skipped = [r for r in terminalreporter.stats.get("skipped", [])
               if isinstance(r.longrepr, tuple) and NOT_INSTALLED in str(r.longrepr[2])]
    if skipped:
        reason = str(skipped[0].longrepr[2]).removeprefix("Skipped: ")
        terminalreporter.write_sep("-", "browser tests")
        terminalreporter.write_line(f"{len(skipped)} skipped — {reason}", yellow=True, bold=True)


def _required() -> bool:
    return os.environ.get("REQUIRE_SERVICES") == "1" or os.environ.get("CI", "").lower() == "true"


def find_chromium() -> tuple[str | None, str]:
    """The browser to drive and, when there is none, where it was looked for."""
    configured = os.environ.get("HELPDESK_CHROMIUM")
    if configured:
        if os.access(configured, os.X_OK):
            return configured, ""
        return None, f"HELPDESK_CHROMIUM={configured} is not an executable file"
    if os.access(DEFAULT_CHROMIUM, os.X_OK):
        return DEFAULT_CHROMIUM, ""
    found = shutil.which("chromium")
    if found:
        return found, ""
    return None, f"no {DEFAULT_CHROMIUM} and no `chromium` on PATH"


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    path, where = find_chromium()
    if path is None:
        if _required():
            pytest.fail(f"{NOT_INSTALLED} ({where}; REQUIRE_SERVICES=1 or CI=true: the browser tests are required)",
                        pytrace=False)
        pytest.skip(f"{NOT_INSTALLED} ({where})")
    return path


# Module scope, not session: Playwright's sync API keeps an event loop running while it is open, and the
# asyncio tests that run after the browser tests could not start theirs.
@pytest.fixture(scope="module")
def browser(chromium_executable: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium_executable, headless=True,
            # No sandbox (containers, root in CI); no background calls home from the browser itself.
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                  "--no-first-run", "--disable-sync", "--metrics-recording-only"],
        )
        try:
            yield launched
        finally:
            launched.close()


# `make run` for the browser: the same `helpdesk local` as tests/e2e/test_make_run.py.

class Offices(NamedTuple):
    """The base URLs of the three offices of `make run`."""

    regency: str  # kab-16.13
    province: str  # prov-16
    centre: str  # pusat
    data: Path | None = None  # `helpdesk local --data-dir`: one folder per office inside
    s3: Any = None  # the S3 server (tests/support/s3server.py) the offices keep their files in (`--s3`)


def _wait_for_health(process: subprocess.Popen[bytes], urls: list[str], output: Path) -> None:
    pending = list(urls)
    with httpx.Client(timeout=5) as client:

        def all_healthy() -> bool:
            if process.poll() is not None:
                pytest.fail(f"helpdesk local exited with {process.returncode}:\n"
                            f"{output.read_text(errors='replace')}", pytrace=False)
            for url in list(pending):
                try:
                    if client.get(f"{url}/health").status_code == 200:
                        pending.remove(url)
                except httpx.TransportError:
                    pass
            return not pending

        wait_until(all_healthy, what="/health answering 200 on the three offices", progress=lambda: len(pending),
                   stall=START_STALL, limit=START_BOUND, poll=0.3,
                   detail=lambda: f"still silent: {pending}\n{output.read_text(errors='replace')}")


@pytest.fixture(scope="session")
def make_run(chromium_executable: str, s3_server: Any, tmp_path_factory: pytest.TempPathFactory
             ) -> Iterator[Offices]:
    """`helpdesk local` with its own data folder and free ports: NATS from the wheel, three nodes, demo accounts, and
    the documentation files in a real S3 server (`--s3`; the local folder, `make run`'s default, is what every other
    suite uses). Asks for the browser first, so nothing is started when the browser tests cannot run."""
    folder = tmp_path_factory.mktemp("make-run")
    base = free_port_range()
    env = {k: v for k, v in os.environ.items() if k != "NATS_URL"}  # the wheel's NATS, as `make run`
    env.update(AWS_ACCESS_KEY_ID=s3_server.access_key, AWS_SECRET_ACCESS_KEY=s3_server.secret_key)
    output = folder / "helpdesk-local.out"
    with output.open("wb") as sink:
        process = subprocess.Popen(
            [*helpdesk_command(), "local", "--data-dir", str(folder / "data"), "--base-port", str(base),
             "--s3", f"{s3_server.endpoint}/{s3_server.bucket}"],
            env=env, stdout=sink, stderr=subprocess.STDOUT,
        )
    try:
        offices = Offices(*(f"http://127.0.0.1:{base + offset}" for offset in range(3)), data=folder / "data",
                          s3=s3_server)
        _wait_for_health(process, list(offices[:3]), output)
        yield offices
    finally:
        stop_process(process, signal.SIGINT, STOP_TIMEOUT)


# Pages, watched.

@dataclass
class Watch:
    """What one browser context did that a page must never do."""

    label: str
    left_the_machine: list[str] = field(default_factory=list)
    console_errors: list[tuple[str, str, str]] = field(default_factory=list)  # text, its URL, where it showed
    rejected_forms: set[tuple[str, int]] = field(default_factory=set)  # (URL, status) of 401/422 documents
    page_errors: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return ([f"request left 127.0.0.1 (aborted): {u}" for u in self.left_the_machine]
                + [f"console error: {text} ({url}) on {shown}" for text, url, shown in self.console_errors
                   if not self._form_rejection(text, url)]
                + [f"uncaught page error: {m}" for m in self.page_errors]
                + [f"server error: {m}" for m in self.server_errors])

    def _form_rejection(self, text: str, url: str) -> bool:
        logged = NETWORK_LOG.match(text)
        if logged:
            return (url, int(logged.group(1))) in self.rejected_forms
        # htmx logs the same refusal of a request it sent, naming the path: "Response Status Error Code 401 from /x".
        refused = HTMX_LOG.match(text)
        return bool(refused) and any(
            status == int(refused.group(1)) and urlsplit(seen).path == refused.group(2)
            for seen, status in self.rejected_forms)


def _watch_page(page: Any, watch: Watch) -> None:
    def on_console(message: Any) -> None:
        if message.type == "error":
            where = message.location or {}
            watch.console_errors.append((message.text, where.get("url", "?"), page.url))

    page.on("console", on_console)
    page.on("pageerror", lambda error: watch.page_errors.append(f"{error} on {page.url}"))


def _watch_context(context: Any, watch: Watch) -> None:
    def route(route: Any, request: Any) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in ALLOWED_HOSTS:
            watch.left_the_machine.append(request.url)
            route.abort("blockedbyclient")
        else:
            route.continue_()

    def on_response(response: Any) -> None:
        if response.status >= 500:
            watch.server_errors.append(f"{response.status} {response.request.method} {response.url}")
        # A form refused (a page, or the workspace's step panel sent by htmx) is what the person is shown, not a fault.
        elif response.status in FORM_REJECTIONS and response.request.resource_type in ("document", "xhr"):
            watch.rejected_forms.add((response.url, response.status))

    context.route("**/*", route)
    context.on("response", on_response)
    context.on("page", lambda page: _watch_page(page, watch))


OpenPage = Callable[..., Any]


@pytest.fixture
def browser_page(browser: Any) -> Iterator[OpenPage]:
    """`browser_page(base_url, device="desktop")`: a new context (own cookies) and page on `base_url`, watched;
    `device` is "desktop" (1280×800), "tablet" (1024×768, touch) or "phone" (390×844, touch). A second page of
    the same context (`page.context.new_page()`) is watched as well."""
    opened: list[tuple[Any, Watch]] = []

    def open_page(base_url: str, device: str = "desktop") -> Any:
        context = browser.new_context(base_url=base_url, locale="id-ID", timezone_id="Asia/Jakarta",
                                      **DEVICES[device])
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        watch = Watch(f"{device} on {base_url}")
        _watch_context(context, watch)
        opened.append((context, watch))
        return context.new_page()

    yield open_page
    problems = [f"[{watch.label}] {problem}" for _, watch in opened for problem in watch.problems()]
    for context, _ in opened:
        context.close()
    if problems:
        pytest.fail("pages misbehaved:\n  " + "\n  ".join(problems), pytrace=False)


Shot = Callable[[Any, str], Path]


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Shot:
    """`shot(page, name)`: a full-page screenshot, test-artifacts/browser/<test>/<NN>-<name>.png, numbered in
    the order taken; the test's folder is emptied first so it shows this run only."""
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name).strip("_")
    shutil.rmtree(folder, ignore_errors=True)
    taken = 0

    def take(page: Any, name: str) -> Path:
        nonlocal taken
        taken += 1
        folder.mkdir(parents=True, exist_ok=True)
        safe = re.sub(r"[^\w.-]+", "-", name).strip("-")
        path = folder / f"{taken:02d}-{safe}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    folder.mkdir(parents=True, exist_ok=True)
    take.folder = folder  # type: ignore[attr-defined] - where a test keeps other files it looks at (a PDF)
    return take
