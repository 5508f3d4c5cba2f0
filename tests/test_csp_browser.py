"""The pages and a scan's report under the server's Content-Security-Policy, in headless
Chromium against a live `articulation serve`: every answer carries the policy (no
'unsafe-inline'), no script, style or style attribute is refused, and the pages still work (the
student form answers, a director's lookup answers, the report's matrix sorts)."""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import MINI, skip_group
from tests.test_report_browser import ARGS, CHROMIUM

pytestmark = pytest.mark.slow  # seconds per test: left out of `pytest -m "not slow"`

ROOT = Path(__file__).parent.parent
JOB = "csp-scan"
# collects what the policy refuses, before any script of the page runs
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " +
                           (e.sample || ""));
});
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    if not CHROMIUM.exists():
        skip_group("browser", f"{CHROMIUM} does not exist (install Debian's chromium package)")
    import httpx

    from api.jobs import media_type
    from articulation.curriculum.loader import load_curricula
    from articulation.outputs.render import render
    from articulation.outputs.report import make_report
    from articulation.storage.catalogue_import import import_catalogue
    from articulation.storage.db import make_engine, migrate
    from articulation.storage.jobs import create_job, finish_job

    url = f"sqlite:///{tmp_path_factory.mktemp('csp') / 'csp.db'}"
    engine = make_engine(url)
    migrate(engine)
    catalogue = load_curricula(MINI)
    version = import_catalogue(engine, catalogue).version
    report = make_report(catalogue, workers=1)
    files = {p: (media_type(p), c.decode("utf-8")) for p, c in render(report).items()}
    cells = [c.to_json() for c in report.cells]
    create_job(engine, JOB, {}, len(cells), version)
    done_at = dt.datetime.now(dt.UTC)
    finish_job(engine, JOB, files, status="done", done=len(cells), cells=cells, finished_at=done_at)
    engine.dispose()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-c", "from articulation.cli import app; app()", "serve"]
    command += ["--port", str(port), "--database-url", url, "--curricula", str(MINI)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/health", timeout=1)
                break
            except httpx.TransportError:
                assert process.poll() is None, "the server stopped"
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


class Visit:
    """A page whose console errors and refused content are collected."""

    def __init__(self, browser) -> None:
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.page.set_default_timeout(20_000)
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.add_init_script(WATCH)
        self.page.on(
            "response",
            lambda r: self.errors.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )

    def goto(self, url: str) -> dict[str, str]:
        response = self.page.goto(url)
        assert response is not None and response.ok, url
        return response.headers

    def check(self) -> None:
        violations = self.page.evaluate("window.__violations")
        assert violations == [], violations
        assert self.errors == [], self.errors


@pytest.fixture
def visit(browser) -> Iterator[Visit]:
    visit = Visit(browser)
    yield visit
    visit.check()
    visit.page.close()


def strict(headers: dict[str, str]) -> str:
    csp = headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp and "style-src 'self'" in csp, csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, csp
    assert "frame-ancestors 'none'" in csp
    assert headers.get("x-frame-options") == "DENY"
    assert headers.get("x-content-type-options") == "nosniff"
    assert headers.get("referrer-policy")
    return csp


@pytest.mark.timeout(300)
def test_the_student_page_answers_under_the_policy(visit: Visit, server: str) -> None:
    strict(visit.goto(f"{server}/?lang=en"))
    page = visit.page
    page.get_by_label("Courses", exact=True).fill("VU-PROG Programming 6 7,5\nVU-LAC 6 4,0\n")
    page.get_by_role("button", name="Check").click()
    page.wait_for_selector("ol.results li.result")
    assert page.locator("ol.results li.result").count() > 0
    assert page.locator("#not-passed").count() == 1  # the 4,0 is shown as not passed
    colours = page.locator("ol.results .status").first.evaluate(
        "e => getComputedStyle(e).getPropertyValue('--status').trim()"
    )
    assert colours.startswith("#"), colours  # the style attribute applied
    page.get_by_role("button", name="Share").click()  # app.js runs
    assert "#" in page.locator("#share-link").input_value()


@pytest.mark.timeout(300)
def test_the_directors_page_answers_under_the_policy(visit: Visit, server: str) -> None:
    strict(visit.goto(f"{server}/directors?lang=en"))
    page = visit.page
    assert page.locator("table.matrix td.cell").count() > 0
    colour = page.locator("table.matrix td.cell").first.evaluate(
        "e => getComputedStyle(e).getPropertyValue('--status').trim()"
    )
    assert colour.startswith("#"), colour  # the style attribute applied
    page.select_option("#pair-bachelor", "VU-B-AI")
    page.select_option("#pair-master", "UT-M-CS")
    page.get_by_role("button", name="Look up").first.click()
    page.wait_for_selector("ul.explanation li")


@pytest.mark.timeout(300)
@pytest.mark.parametrize("lang", ["", "nl/"])
def test_the_report_works_under_the_policy(visit: Visit, server: str, lang: str) -> None:
    """The report's inline CSS, SVG and sorting script run; nothing else inline would."""
    strict(visit.goto(f"{server}/v1/scans/{JOB}/{lang}index.html"))
    page = visit.page
    cell = page.locator("#matrix td.cell").first
    assert cell.evaluate("e => getComputedStyle(e).backgroundColor") not in ("", "rgba(0, 0, 0, 0)")
    assert page.locator("svg rect").count() > 0
    heads = page.locator("#matrix thead th[data-sort] button")
    heads.nth(1).click()
    assert page.locator("#matrix thead th[aria-sort]").count() == 1  # the script sorted
    strict(visit.goto(f"{server}/v1/scans/{JOB}/{lang}pairs/VU-B-AI/UT-M-CS.html"))
    assert page.locator("main").inner_text()
    for other in ("bachelors/VU-B-AI.html", "sources.html"):
        strict(visit.goto(f"{server}/v1/scans/{JOB}/{lang}{other}"))


@pytest.mark.timeout(300)
def test_injected_inline_code_is_refused(visit: Visit, server: str) -> None:
    """The policy is no formality: an inline script or style the server did not write is
    refused (here added to the page after it loaded)."""
    strict(visit.goto(f"{server}/?lang=en"))
    page = visit.page
    ran = page.evaluate(
        """() => new Promise(resolve => {
        window.__ran = false;
        const s = document.createElement("script");
        s.textContent = "window.__ran = true";
        document.body.appendChild(s);
        setTimeout(() => resolve(window.__ran), 100);
    })"""
    )
    assert ran is False
    refused = page.evaluate("window.__violations.splice(0)")
    assert any(v.startswith("script-src") for v in refused), refused
    visit.errors[:] = [e for e in visit.errors if "Content Security Policy" not in e]


@pytest.mark.timeout(300)
@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_the_api_docs_work_under_their_policy(visit: Visit, server: str, path: str) -> None:
    """Swagger UI under the strict policy; Redoc, which makes its styles as it runs, may apply
    inline styles but runs no script beyond its own."""
    csp = visit.goto(f"{server}{path}")["content-security-policy"]
    scripts = next(d for d in csp.split("; ") if d.startswith("script-src "))
    assert "unsafe" not in scripts
    assert ("unsafe-inline" in csp) == (path == "/redoc")
    visit.page.wait_for_selector("text=articulation")
