"""The Content-Security-Policy holds in a real browser: the pages the story visits report no violation, as each role
that works on them, while htmx polls; and an inline script slipped into a page is refused and reported."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.browsing import log_in

# Every `securitypolicyviolation` the browser raises on a page, kept on the page for the test to read.
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} on ${location.pathname}`);
});
"""
# The pages of tests/browser/test_story.py, each as a role that opens it there. Waiting one htmx poll (the front
# desk's queue board polls every 5 s) lets htmx fetch and swap content under the policy too.
PAGES = {
    "anggota_helpdesk": ["/", "/meja-depan", "/antrian", "/konsultasi", "/konsultasi/baru", "/eskalasi"],
    "anggota_kpu": ["/eskalasi", "/eskalasi/riwayat", "/dasbor"],
    "sekretaris_helpdesk": ["/laporan", "/partai"],
    "ketua_helpdesk": ["/audit", "/dasbor", "/laporan"],
}


def _violations(page: Page) -> list[str]:
    return page.evaluate("() => window.__csp || []")


def test_the_story_pages_raise_no_csp_violation(make_run: Any, browser_page: Any) -> None:
    found: list[str] = []
    for username, paths in PAGES.items():
        page = browser_page(make_run.regency, "tablet" if username == "anggota_helpdesk" else "desktop")
        page.context.add_init_script(LISTEN)
        log_in(page, username)
        found += _violations(page)
        for path in paths:
            response = page.goto(path)
            assert response is not None and response.status == 200, (username, path)
            assert "script-src 'self'" in response.headers["content-security-policy"]
            if path == "/antrian":
                # One poll of the queue board: htmx fetched and swapped it (no <style> of its own, no eval).
                with page.expect_response(lambda r: r.url.endswith("/antrian")
                                          and r.request.resource_type != "document"):
                    pass
            found += [f"{username}: {each}" for each in _violations(page)]
    assert found == []


def test_an_injected_inline_script_is_refused_and_reported(make_run: Any, browser: Any) -> None:
    # A context of its own: the refusals below are logged as console errors, which browser_page counts as faults.
    context = browser.new_context(base_url=make_run.regency)
    try:
        context.add_init_script(LISTEN)
        page = context.new_page()
        log_in(page, "anggota_helpdesk")
        # What an XSS would try: an inline script and an inline style added to the page.
        page.evaluate("""() => {
            const script = document.createElement("script");
            script.textContent = "document.body.dataset.injected = 'yes'";
            document.body.appendChild(script);
            const style = document.createElement("style");
            style.textContent = "body { background: rgb(255, 0, 0) }";
            document.head.appendChild(style);
        }""")
        page.wait_for_function("() => window.__csp.length >= 2")
        violations = _violations(page)
        assert any(v.startswith("script-src") for v in violations), violations
        assert any(v.startswith("style-src") for v in violations), violations
        expect(page.locator("body")).not_to_have_attribute("data-injected", "yes")
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgb(255, 0, 0)"
    finally:
        context.close()
