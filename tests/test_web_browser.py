"""The web pages in headless Chromium against a live `articulation serve` on the bundled
curricula: the student and director flows in Dutch and English, no console error, no request to
another host, and axe-core finds no serious or critical violation on any page."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.conftest import skip_group
from tests.test_report_browser import ARGS, CHROMIUM

ROOT = Path(__file__).parent.parent
# a server and a browser of their own: a page that never answers fails its test, not the run
pytestmark = [pytest.mark.timeout(300), pytest.mark.slow]
SCREENSHOT = os.environ.get("ARTICULATION_SCREENSHOT")  # where to save the student page

# A Creative Technology transcript as printed: codes in several forms, titles, EC, Dutch
# grades, and two lines that name no course.
TRANSCRIPT = """\
UT-201600066  Module 1: We Create Identity  15  7,5
920200001 Engineering our Digital Future 3 8
ut_920200002 Introduction to Mathematics and Modelling 3 6,5
Smart Environment Lectures 2 7
ut-920200004 6,8
UT-920300001 Web Technology and Data 4 8,2
Mathematics: Vectors and Matrices 3 7
UT-920400001 Algorithms in Creative Technology 4 7,5
Underwater basket weaving 5 9
XB_9999 Quantum Origami 6 8
"""


DUTCH_CODE, DUTCH_TITLE = "VU-XB_0114", "Lineaire algebra en calculus"
# An AI graduate's transcript as Osiris and VU transcripts print it: semicolons, tabs, V-lines,
# a Dutch title, a failed grade (3,5) on data structures and algorithms.
ACCEPTANCE = """\
XB_0145;Introduction to Python Programming for AI;6;7,0
XB_0083;Logic and Sets for AI;6;6,5
Lineaire algebra en calculus 6 7,5
XB_0115\tProbability and Statistics\t6\t6,8
XB_0043;Data Structures and Algorithms for AI;6;3,5
X_400154 Machine Learning 6 8
XB_0102 Applied Programming for AI 6 7
Academic Writing (BETA) 3 V
Professional Development 0,5 V
ILL_AI301;Research Methods for AI;6;7
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    if not CHROMIUM.exists():
        skip_group("browser", f"{CHROMIUM} does not exist (install Debian's chromium package)")
    import httpx

    from articulation.answers.scan import scan
    from articulation.curriculum.loader import load_curricula
    from articulation.storage.catalogue_import import import_catalogue
    from articulation.storage.db import make_engine, migrate
    from articulation.storage.jobs import create_job, finish_job

    url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'web.db'}"
    engine = make_engine(url)
    migrate(engine)
    catalogue = load_curricula(ROOT / "curricula")
    # a course with its Dutch title, as a source that gives one prints it (the bundled data
    # gives none)
    course = catalogue.courses[DUTCH_CODE].model_copy(update={"title_nl": DUTCH_TITLE})
    import_catalogue(engine, replace(catalogue, courses={**catalogue.courses, DUTCH_CODE: course}))
    cells = [c.to_json() for c in scan(catalogue, ["VU-B-CREATE", "VU-B-AI"])]
    create_job(engine, "web-scan", {}, len(cells), 1)
    done_at = dt.datetime.now(dt.UTC)
    finish_job(engine, "web-scan", {}, status="done", cells=cells, finished_at=done_at)
    engine.dispose()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-c", "from articulation.cli import app; app()", "serve"]
    command += ["--port", str(port), "--database-url", url]
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


@pytest.fixture
def page(browser, server):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    hosts: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: hosts.append(urlparse(r.url).netloc or urlparse(r.url).scheme))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.set_default_timeout(60_000)
    yield page
    page.close()
    assert errors == [], ("console errors", hosts)
    assert set(hosts) <= {urlparse(server).netloc, "data", "blob"}, hosts


def axe_clean(page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [
        (v["id"], v["impact"], len(v["nodes"]))
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], bad


WORDS = {
    "en": {"courses": "Courses", "check": "Check", "lookup": "Look up",
           "design": "Design the minor", "recognised": "What we recognised",
           "not": "Not recognised."},
    "nl": {"courses": "Vakken", "check": "Controleer", "lookup": "Opzoeken",
           "design": "Ontwerp de minor", "recognised": "Wat we herkenden", "not": "Niet herkend."},
}  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_student_flow(page, server, lang) -> None:
    words = WORDS[lang]
    page.goto(f"{server}/?lang={lang}")
    assert page.locator("html").get_attribute("lang") == lang
    axe_clean(page)
    page.get_by_label(words["courses"], exact=True).fill(TRANSCRIPT)
    page.get_by_role("button", name=words["check"]).click()
    page.wait_for_selector("ol.results li.result")
    assert page.get_by_role("heading", name=words["recognised"]).is_visible()
    rows = page.locator("table.recognised tbody tr")
    assert rows.count() == 10
    assert page.locator("table.recognised tr.ok").count() == 8
    assert page.locator("table.recognised tr.unknown").count() == 2
    assert page.get_by_text(words["not"]).count() == 2
    assert "7,5" in rows.nth(0).inner_text() or "7.5" in rows.nth(0).inner_text()
    results = page.locator("ol.results li.result")
    assert results.count() == 26
    assert page.locator("li.result table.courses").count() > 0  # courses of a pre-master
    assert page.locator("li.result table.courses td").filter(has_text="Q").count() > 0  # periods
    # the bridging programmes never contain a course of the transcript
    recognised = set(page.locator("table.recognised tr.ok td:nth-child(2) code").all_inner_texts())
    taught = set(page.locator("li.result table.courses td:first-child code").all_inner_texts())
    assert recognised and not recognised & taught
    axe_clean(page)
    if SCREENSHOT and lang == "en":
        page.set_viewport_size({"width": 1280, "height": 1500})
        page.locator("#result").scroll_into_view_if_needed()
        page.evaluate("window.scrollTo(0, document.getElementById('result').offsetTop - 20)")
        page.screenshot(path=SCREENSHOT, full_page=False)
    # the share link keeps the input after '#', and a fresh page fills the form from it
    page.get_by_role("button", name="Share" if lang == "en" else "Delen").click()
    link = page.locator("#share-link").input_value()
    assert "#" in link and "UT-201600066" not in link.split("#")[0]
    fresh = page.context.browser.new_page()
    fresh.goto(link)
    assert "UT-201600066" in fresh.locator("#courses").input_value()
    fresh.close()


def test_student_keyboard_only_and_studying(page, server) -> None:
    page.goto(f"{server}/?lang=en")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Enter")
    page.locator("#bachelor").focus()
    page.keyboard.press("ArrowDown")  # a bachelor chosen with the keyboard
    page.select_option("#bachelor", "VU-B-CREATE")
    page.locator("#studying").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Check").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("ol.results li.result")
    text = page.locator("#result").inner_text()
    assert "As a student of VU-B-CREATE" in text
    assert page.locator(".status-electives").count() + page.locator(".status-minor").count() > 0


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_director_flow(page, server, lang) -> None:
    words = WORDS[lang]
    page.goto(f"{server}/directors?lang={lang}")
    assert page.locator("table.matrix td.cell").count() == 2 * 26
    axe_clean(page)
    page.select_option("#pair-bachelor", "VU-B-AI")
    page.select_option("#pair-master", "UT-M-ROB")  # a pre-master with courses and a plan
    page.get_by_role("button", name=words["lookup"]).click()
    page.wait_for_selector("ul.explanation li")
    assert page.locator("table.courses tbody tr").count() > 0
    axe_clean(page)
    page.select_option("#minor-bachelor", "VU-B-CREATE")
    page.select_option("#minor-masters", ["UT-M-CS", "UT-M-IT", "UT-M-BIT"])
    page.get_by_role("button", name=words["design"]).click()
    page.wait_for_selector("#result h2:has-text('VU-B-CREATE')")
    assert page.locator("#result table.courses tbody tr").count() > 0
    axe_clean(page)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_director_flagship(page, server, lang) -> None:
    """The flagship form answers in the page's language, the question in the address (to
    share), axe-clean and printable on A4."""
    from tests.test_report_browser import A4_PORTRAIT_PX, fits_a4

    page.goto(f"{server}/directors?lang={lang}")
    page.select_option("#flagship-bachelor", "VU-B-CREATE")
    page.select_option("#flagship-window", "minor")
    answer = {"en": "Answer the question", "nl": "Beantwoord de vraag"}[lang]
    page.get_by_role("button", name=answer).click()
    page.wait_for_selector("#result section.flagship")
    assert "/directors/flagship?" in page.url and "bachelor=VU-B-CREATE" in page.url
    rows = page.locator("table.flagship-masters tbody tr")
    assert rows.count() == 15  # the bundled flagship list
    assert page.locator("#result .package").count() > 0
    axe_clean(page)
    shown = rows.all_inner_texts()
    fresh = page.context.browser.new_page()
    fresh.goto(page.url)  # the shared address gives the same answer, as a full page
    assert fresh.locator("table.flagship-masters tbody tr").all_inner_texts() == shown
    assert fresh.locator("html").get_attribute("lang") == lang
    fresh.close()
    fits_a4(page, A4_PORTRAIT_PX)


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_offline_api_docs(page, server, path) -> None:
    page.goto(f"{server}{path}")
    page.wait_for_selector("text=articulation")


#: each view of the director page, by the address that asks for it
DIRECTOR_VIEWS = {
    "matrix": "/directors",
    "pair": "/directors/pair?bachelor=VU-B-AI&master=UT-M-ROB",
    "row": "/directors/row?bachelor=VU-B-CREATE",
    "column": "/directors/column?master=UT-M-CS",
    "minor": "/directors/minor?bachelor=VU-B-CREATE&masters=UT-M-CS&masters=UT-M-IT&budget=30",
    "flagship": "/directors/flagship?bachelor=VU-B-CREATE",
}


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("view", sorted(DIRECTOR_VIEWS))
def test_every_director_view_passes_axe(page, server, view, lang) -> None:
    """Each view of the director page, opened from its address, shows its answer in the
    page's language, and axe-core (colour contrast included) finds no serious or critical
    violation."""
    address = DIRECTOR_VIEWS[view]
    page.goto(f"{server}{address}{'&' if '?' in address else '?'}lang={lang}")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("#result h2").count() > 0  # the answer, without a click
    axe_clean(page)


def test_director_lookups_are_shared_by_their_address(page, server) -> None:
    """A lookup puts its question in the address; going back shows the previous answer;
    the address opened elsewhere answers the same."""
    page.goto(f"{server}/directors?lang=en")
    page.select_option("#pair-bachelor", "VU-B-AI")
    page.select_option("#pair-master", "UT-M-CS")
    page.get_by_role("button", name="Look up").click()
    page.wait_for_url("**/directors/pair?*")
    assert "bachelor=VU-B-AI" in page.url and "master=UT-M-CS" in page.url
    pair_heading = page.locator("#result h2").first.inner_text()
    page.select_option("#row-bachelor", "VU-B-CREATE")
    page.get_by_role("button", name="Show the row").click()
    page.wait_for_url("**/directors/row?*")
    assert "bachelor=VU-B-CREATE" in page.url
    page.wait_for_selector("#result table.row")
    page.select_option("#minor-bachelor", "VU-B-CREATE")
    page.select_option("#minor-masters", ["UT-M-CS", "UT-M-BIT"])
    page.get_by_role("button", name="Design the minor").click()
    page.wait_for_url("**/directors/minor?*")
    assert "masters=UT-M-CS" in page.url and "masters=UT-M-BIT" in page.url
    page.wait_for_selector("#result h2:has-text('VU-B-CREATE')")
    minor_text = page.locator("#result").inner_text()
    page.go_back()
    page.wait_for_url("**/directors/row?*")
    page.wait_for_selector("#result table.row")
    page.go_back()
    page.wait_for_url("**/directors/pair?*")
    assert page.locator("#result h2").first.inner_text() == pair_heading
    fresh = page.context.browser.new_page()
    fresh.goto(page.url)
    assert fresh.locator("#result h2").first.inner_text() == pair_heading
    assert fresh.locator("#pair-master").input_value() == "UT-M-CS"  # the form says the question
    page.go_forward()
    page.go_forward()
    page.wait_for_url("**/directors/minor?*")
    fresh.goto(page.url)
    assert fresh.locator("#result").inner_text() == minor_text
    fresh.close()


def test_director_matrix_fits_1280_px(page, server) -> None:
    """The matrix of the last scan, without a token: the page does not scroll sideways, the
    matrix scrolls in its own box with its header row and bachelor column in view, every cell
    keeps its mark, and the legend says each in words."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{server}/directors?lang=en")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    box = page.locator(".matrix-scroll")
    box.evaluate("b => { b.scrollLeft = b.scrollWidth; b.scrollTop = b.scrollHeight; }")
    edge = box.bounding_box()
    name = page.locator("table.matrix tbody th").first.bounding_box()
    header = page.locator("table.matrix thead th").last.bounding_box()
    assert abs(name["x"] - edge["x"]) <= 2 and abs(header["y"] - edge["y"]) <= 2
    marks = page.locator("table.matrix td.cell .mark").all_inner_texts()
    assert len(marks) >= 2 * 26
    assert set(marks) <= {"✓", "✓?", "✓ᶜ", "✓?ᶜ", "E", "Eᶜ", "M", "Mᶜ", "P", "Pᶜ", "L", "Lᶜ",
                          "C", "Cᶜ", "✗", "✗ᶜ", "?"}  # fmt: skip
    legend = page.locator("ul.legend").inner_text()
    assert "over the cap" in legend and "over_cap" not in legend
    assert page.get_by_role("button", name="Sign in").is_visible()
    assert page.get_by_role("button", name="Start a new scan").count() == 0


def overflows(page) -> list[str]:
    """The tables wider than the viewport, and whether the page itself scrolls sideways."""
    return page.evaluate(
        """() => {
        const width = document.documentElement.clientWidth;
        const wide = Array.from(document.querySelectorAll("table"))
          .filter(t => t.getBoundingClientRect().right > width + 1
                    || t.getBoundingClientRect().left < -1)
          .map(t => t.className || t.tagName);
        if (document.documentElement.scrollWidth > width) {
          const out = Array.from(document.querySelectorAll("body *"))
            .filter(e => e.getBoundingClientRect().right > width + 1)
            .slice(0, 5)
            .map(e => e.tagName + "#" + e.id + "." + e.className);
          wide.push("page: " + out.join(", "));
        }
        return wide;
    }"""
    )


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_student_acceptance(browser, server, lang) -> None:
    """A transcript as printed (V-lines, semicolons, a tab, a failed grade, a Dutch title) and
    UT-M-CS chosen: CS comes first, the failed course's outcomes still in its gap, with calendar
    months and a next step; the share link opened in a new context gives the same answer without
    a click; at 360 px no table overflows; axe finds no serious or critical violation."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_default_timeout(90_000)
    page.goto(f"{server}/?lang={lang}")
    axe_clean(page)
    page.locator("#courses").fill(ACCEPTANCE)
    page.locator("#master-search").fill("computer sci")
    assert page.locator("#master-list li:not([hidden])").count() < 26
    page.locator("#master-UT-M-CS").check()
    page.locator("#start").fill("2027-09")
    page.get_by_role("button", name=WORDS[lang]["check"]).click()
    page.wait_for_selector("ol.results li.result")
    rows = page.locator("table.recognised tbody tr")
    assert rows.count() == 10 and page.locator("table.recognised tr.unknown").count() == 0
    assert page.locator('table.recognised tr[data-result="failed"]').count() == 1
    assert "VU-XB_0043" in page.locator("#not-passed").inner_text()
    assert DUTCH_CODE in page.locator("table.recognised").inner_text()
    first = page.locator("ol.results li.result").first
    assert first.get_attribute("id") == "m-UT-M-CS"
    assert page.locator("ol.results li.result").count() == 26
    missing = first.locator("details code.id").all_text_contents()
    assert "cs.data-structures@apply" in missing and "cs.algorithms@apply" in missing
    assert "math.linear-algebra@apply" not in missing  # the Dutch title was read
    assert first.locator(".next-step a").get_attribute("href").startswith("https://")
    months = {"en": "September 2027", "nl": "september 2027"}[lang]
    assert months in first.locator("p.when").inner_text()
    answer = page.locator("#result li.result").all_text_contents()
    axe_clean(page)
    page.get_by_role("button", name="Share" if lang == "en" else "Delen").click()
    link = page.locator("#share-link").input_value()
    assert "#" in link and "XB_0043" not in link.split("#")[0]
    # the share link in a new context: the same answer, without a click
    other = browser.new_context(viewport={"width": 360, "height": 800})
    shared = other.new_page()
    shared.on("pageerror", lambda e: errors.append(str(e)))
    shared.set_default_timeout(90_000)
    shared.goto(link)
    shared.wait_for_selector("ol.results li.result")
    assert shared.locator("#result li.result").all_text_contents() == answer
    assert shared.locator("ol.results li.result").first.get_attribute("id") == "m-UT-M-CS"
    # at 360 px nothing is wider than the viewport
    assert overflows(shared) == []
    assert shared.evaluate("document.documentElement.scrollWidth") <= 360
    axe_clean(shared)
    # a malformed fragment is ignored, never thrown on
    for fragment in ('{"courses":{"toString":"x"}}', '{"masters":"UT-M-CS"}', "%E0%A4%A", "[1]"):
        fresh = other.new_page()
        fresh.on("pageerror", lambda e: errors.append(str(e)))
        fresh.goto(f"{server}/?lang={lang}#{fragment}")
        fresh.wait_for_load_state("load")
        assert fresh.locator("#courses").input_value() == ""
        assert fresh.locator("ol.results li.result").count() == 0
        fresh.close()
    other.close()
    context.close()
    assert errors == []


def test_student_still_studying_sees_the_elective_space(page, server) -> None:
    """With "still studying" and a transcript: the page says the transcript is the courses done
    so far, and shows what fits together in the elective space for the chosen masters."""
    page.goto(f"{server}/?lang=nl")
    page.locator("#courses").fill("UT-201600066 7,5\nUT-920200001 bezig")
    page.select_option("#bachelor", "VU-B-CREATE")
    page.locator("#studying").check()
    page.locator("#master-UT-M-CS").check()
    page.locator("#master-UT-M-BIT").check()
    page.get_by_role("button", name="Controleer").click()
    page.wait_for_selector("#elective-space")
    assert "tot nu toe" in page.locator("#done-so-far").inner_text()
    assert page.locator("#elective-space li[data-master]").count() == 2
    assert page.locator('table.recognised tr[data-result="in_progress"]').count() == 1
    axe_clean(page)
    page.set_viewport_size({"width": 360, "height": 800})
    assert overflows(page) == []
