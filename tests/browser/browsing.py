"""What a person does on the pages, written once for the browser tests: log in, wait for another office, pick from
a list, sign on the screen."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from gateways.cli.local import DEMO_PASSWORD

CROSS_OFFICE_SECONDS = 60.0  # a message over NATS, then a projection: seconds, rarely more


def log_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Signs in through the form at /masuk and lands on the home page."""
    page.goto("/masuk")
    page.get_by_label("Nama pengguna", exact=True).fill(username)
    page.get_by_label("Kata sandi", exact=True).fill(password)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page).not_to_have_url(re.compile(r"/masuk"))


def follow_menu(page: Page, name: str) -> None:
    """Follows the main menu's link `name`, opening the menu first where it is folded (a phone)."""
    menu = page.get_by_role("navigation", name="Menu utama")
    fold = page.get_by_test_id("menu-label")
    # Whether the menu is folded is app.css's to say: asked before the stylesheet applies, the button would seem shown.
    page.wait_for_load_state()
    if fold.is_visible():
        fold.click()
    menu.get_by_role("link", name=name, exact=True).click()


PARTY = ("5", "Partai Nasional Demokrat", "NasDem")


def open_email_consultation(desk: Page, name: str, party: tuple[str, ...] = PARTY) -> str:
    """The desk opens an e-mail consultation through the form (an address made from the name); its id."""
    desk.goto("/konsultasi/baru")
    choose(desk.get_by_label("Saluran", exact=True), "email")
    desk.get_by_label("Nama", exact=True).fill(name)
    desk.get_by_label("E-mail", exact=True).fill(f"{name.split()[0].lower()}@partai.example")
    choose(desk.get_by_label("Partai politik", exact=True), *party)
    desk.get_by_role("button", name="Buka konsultasi", exact=True).click()
    expect(desk).to_have_url(re.compile(r"/konsultasi/[0-9a-f-]{36}$"))
    return desk.url.rsplit("/", 1)[1]


def confirm(page: Page) -> None:
    """Says "Ya" in the dialog a step that cannot simply be taken back asks first (static/confirm.js)."""
    dialog = page.get_by_test_id("confirm-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_test_id("confirm-yes").click()
    expect(dialog).to_have_count(0)


def log_out(page: Page, button: str = "Keluar") -> None:
    page.get_by_role("button", name=button, exact=True).click()
    expect(page).to_have_url(re.compile(r"/masuk$"))


def eventually(page: Page, check: Callable[[], Any], what: str, seconds: float = CROSS_OFFICE_SECONDS,
               every: float = 1.0) -> None:
    """Reloads the page until `check` (Playwright expectations) passes: for what another office sends over NATS.
    The last attempt's own failure is raised, with `what` in front."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            check()
            return
        except AssertionError as error:
            if time.monotonic() > deadline:
                raise AssertionError(f"after {seconds:.0f} s of reloading {page.url}: {what}\n{error}") from None
        time.sleep(every)
        page.reload()


def choose(select: Any, *wanted: str) -> str:
    """Selects the first option whose value or visible text is one of `wanted` (case-insensitive); returns its
    value. Fails with the options there are."""
    options = select.locator("option").evaluate_all(
        "options => options.map(o => [o.value, o.textContent.trim()])")
    for want in wanted:
        for value, text in options:
            if want.lower() in (value.lower(), text.lower()):
                select.select_option(value=value)
                return value
    raise AssertionError(f"none of {wanted} among the options {options}")


def draw_signature(page: Page, canvas_label: str = "Kotak tanda tangan") -> None:
    """Signs with the mouse across the canvas and checks that something was drawn."""
    canvas = page.get_by_label(canvas_label, exact=True)
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box and box["width"] > 50 and box["height"] > 30, f"the signature box is too small: {box}"
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    points = [(0.1, 0.6), (0.25, 0.3), (0.4, 0.7), (0.55, 0.35), (0.7, 0.65), (0.9, 0.4)]
    page.mouse.move(x + w * points[0][0], y + h * points[0][1])
    page.mouse.down()
    for px, py in points[1:]:
        page.mouse.move(x + w * px, y + h * py, steps=8)
    page.mouse.up()
    blank = canvas.evaluate(
        """c => { const b = document.createElement('canvas'); b.width = c.width; b.height = c.height;
                  return c.toDataURL() === b.toDataURL(); }""")
    assert not blank, "the signature canvas is still blank after drawing on it"


def status_is(page: Page, label: str, seconds: float = 15.0) -> None:
    """The workspace's data-testid="status" shows the Indonesian status label."""
    expect(page.get_by_test_id("status")).to_contain_text(label, timeout=seconds * 1000)


def beside(field: Any, message: Any, gap: float = 120.0) -> None:
    """The message sits next to the field (directly under or over it, or on the same line), not elsewhere."""
    a, b = field.bounding_box(), message.bounding_box()
    assert a and b, (a, b)
    vertical = max(b["y"] - (a["y"] + a["height"]), a["y"] - (b["y"] + b["height"]), 0)
    horizontal_overlap = min(a["x"] + a["width"], b["x"] + b["width"]) - max(a["x"], b["x"])
    same_line = abs((a["y"] + a["height"] / 2) - (b["y"] + b["height"] / 2)) < a["height"]
    assert (vertical <= gap and horizontal_overlap > 0) or same_line, (
        f"the message {b} is not beside the field {a}")
