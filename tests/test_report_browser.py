"""The HTML report rendered in headless Chromium: matrix, sorting, pair links, the switch to the
Dutch pages and back, no network, and axe-core on pages of both languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from articulation.answers.flagship import DEFAULT_LIST
from articulation.cli.files import write_files
from articulation.curriculum.loader import load_curricula
from articulation.outputs import report
from articulation.outputs.render import render
from tests.conftest import skip_group

# a browser of its own: a page that never loads fails its test, not the run
pytestmark = [pytest.mark.timeout(300), pytest.mark.slow]
CHROMIUM = Path("/usr/bin/chromium")
MINI = Path(__file__).parent / "fixtures" / "mini"
PAIR = "pairs/VU-B-AI/UT-M-CS.html"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(autouse=True, scope="module")
def _needs_chromium() -> None:
    if not CHROMIUM.exists():
        skip_group("browser", f"{CHROMIUM} does not exist (install Debian's chromium package)")


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> Path:
    catalogue = load_curricula(MINI)
    asked = report.flagship_questions(catalogue, MINI / DEFAULT_LIST)
    built = report.make_report(catalogue, flagship_questions=asked)
    out = tmp_path_factory.mktemp("report")
    write_files(render(built, ["html"]), out)
    return out / "index.html"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, index):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(index.as_uri())
    yield page
    page.close()
    assert errors == [], "JavaScript errors"
    assert all(url.startswith("file://") for url in requests), requests


def row_order(page) -> list[str]:
    return page.eval_on_selector_all(
        "#matrix tbody tr", "rows => rows.map(r => r.dataset.bachelor)"
    )


def test_matrix_has_a_cell_per_pair(page) -> None:
    assert page.locator("#matrix tbody tr").count() == 2
    assert page.locator("#matrix thead th.master").count() == 4
    assert page.locator("#matrix td.cell").count() == 2 * 4
    cell = page.locator('td[data-bachelor="VU-B-AI"][data-master="UT-M-CS"]')
    assert cell.inner_text().startswith("P 14")
    assert cell.evaluate("td => getComputedStyle(td).backgroundColor") == "rgb(253, 174, 97)"


def test_clicking_headers_sorts_rows(page) -> None:
    assert row_order(page) == ["VU-B-AI", "VU-B-CREATE"]
    cs = page.locator('#matrix th[data-master="UT-M-CS"]')
    cs.locator("button").click()  # minor (Creative Technology) before pre-master (AI)
    assert row_order(page) == ["VU-B-CREATE", "VU-B-AI"]
    assert cs.get_attribute("aria-sort") == "ascending"
    cs.locator("button").click()
    assert row_order(page) == ["VU-B-AI", "VU-B-CREATE"]
    assert cs.get_attribute("aria-sort") == "descending"
    page.locator('#matrix th[data-master="UT-M-ITECH"] button').click()
    assert row_order(page) == ["VU-B-CREATE", "VU-B-AI"]  # electives before infeasible
    page.locator("#matrix th.corner button").click()  # by bachelor name
    assert row_order(page) == ["VU-B-AI", "VU-B-CREATE"]
    assert cs.get_attribute("aria-sort") is None


def test_a_cell_opens_its_pair_page(page) -> None:
    page.locator('td[data-bachelor="VU-B-CREATE"][data-master="UT-M-ITECH"] a').click()
    page.wait_for_load_state()
    assert page.url.endswith("/pairs/VU-B-CREATE/UT-M-ITECH.html")
    assert page.locator("h1").inner_text() == "Creative Technology → Interaction Technology"
    assert page.locator("#verdict").get_attribute("data-status") == "electives"
    assert page.locator("#route tr[data-course]").all_inner_texts()[0].startswith("VU-PROG")


def test_the_language_switch_opens_the_dutch_report(page) -> None:
    page.get_by_role("link", name="Nederlands").click()
    page.wait_for_load_state()
    assert page.url.endswith("/nl/index.html")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.locator("h1").inner_text() == "Aansluitscan: VU-bachelors → UT-masters"
    assert page.locator("#matrix td.cell").count() == 2 * 4
    cell = page.locator('td[data-bachelor="VU-B-AI"][data-master="UT-M-CS"]')
    assert cell.inner_text().startswith("P 14") and cell.get_attribute("data-ects") == "14"
    page.locator('#matrix th[data-master="UT-M-CS"] button').click()  # sorting works here too
    assert row_order(page) == ["VU-B-CREATE", "VU-B-AI"]
    cell.locator("a").click()
    page.wait_for_load_state()
    assert page.url.endswith("/nl/pairs/VU-B-AI/UT-M-CS.html")
    assert page.locator("h2").first.inner_text() == "Het tekort"
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert page.url.endswith("/pairs/VU-B-AI/UT-M-CS.html") and "/nl/" not in page.url
    assert page.locator("html").get_attribute("lang") == "en"


@pytest.mark.parametrize(
    "path",
    [
        *(f"{folder}{page}" for folder in ("", "nl/") for page in ("index.html", PAIR)),
        "nl/bachelors/VU-B-CREATE.html",
        "nl/sources.html",
        "flagship.html",
        "nl/flagship.html",
    ],
)
def test_pages_in_both_languages_pass_axe(page, index, path) -> None:
    """axe-core finds no serious or critical violation."""
    from tests.test_web_browser import axe_clean

    page.goto((index.parent / path).as_uri())
    axe_clean(page)


#: The printable width of an A4 page at 96 px per inch: landscape with the report's 10 mm
#: margins (its ``@page``), portrait with the web pages' 12 mm.
A4_LANDSCAPE_PX = round((297 - 2 * 10) / 25.4 * 96)
A4_PORTRAIT_PX = round((210 - 2 * 12) / 25.4 * 96)


def fits_a4(page, width: int) -> None:
    """Printed, the page is no wider than ``width`` (nothing cut off at the paper's edge) and
    Chromium lays it out on A4 sheets."""
    page.set_viewport_size({"width": width, "height": 1000})
    page.emulate_media(media="print")
    overflow = page.evaluate(
        """w => [...document.querySelectorAll('main *')]
            .filter(e => e.getBoundingClientRect().right > w + 1)
            .map(e => e.tagName + '.' + e.className).slice(0, 5)""",
        width,
    )
    assert overflow == [], overflow
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.pdf(format="A4", landscape=width > 900)[:4] == b"%PDF"


@pytest.mark.parametrize("path", ["flagship.html", "nl/flagship.html"])
def test_flagship_page_prints_on_a4(page, index, path) -> None:
    """The flagship page: every master row and package shown, linked from the summary, and
    printable on A4 (landscape, as the report's pages print)."""
    front = index.parent / ("nl/index.html" if path.startswith("nl/") else "index.html")
    page.goto(front.as_uri())
    page.locator("#flagship-link a").click()
    page.wait_for_load_state()
    assert page.url.endswith(path)
    assert page.locator("table.flagship-masters tbody tr").count() > 0
    assert page.locator("svg.curve-chart rect").count() > 0
    fits_a4(page, A4_LANDSCAPE_PX)


# --- the report of the bundled curricula: every page type, both languages, two screen widths -----

#: one page of each type the scan writes (a pair with a route and one without)
PAGE_TYPES = {
    "index": "index.html",
    "pair": "pairs/VU-B-AI/UT-M-CS.html",
    "pair-infeasible": "pairs/VU-B-HMS/UT-M-CS.html",
    "bachelor": "bachelors/VU-B-CREATE.html",
    "sources": "sources.html",
    "flagship": "flagship.html",
}
LANGUAGES = {"en": "", "nl": "nl/"}


@pytest.fixture(scope="module")
def bundled(tmp_path_factory, bundled_report: report.Report) -> Path:
    """The root of the report of the bundled curricula: 12 × 26 cells of every status, long
    programme names, the flagship page."""
    out = tmp_path_factory.mktemp("bundled")
    write_files(render(bundled_report, ["html"]), out)
    return out


@pytest.fixture
def wide(browser):
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    page.close()
    assert errors == [], "JavaScript errors"


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
@pytest.mark.parametrize("kind", sorted(PAGE_TYPES))
def test_every_report_page_type_passes_axe(wide, bundled, kind, lang) -> None:
    """axe-core (colour contrast included) finds no serious or critical violation on each
    page type of the bundled curricula's report, in English and in Dutch."""
    from tests.test_web_browser import axe_clean

    wide.goto((bundled / LANGUAGES[lang] / PAGE_TYPES[kind]).as_uri())
    assert wide.locator("html").get_attribute("lang") == lang
    axe_clean(wide)


def overflowing(page, width: int) -> list[str]:
    """The elements of the page's main part that reach beyond ``width``, outside the boxes that
    scroll on their own (the matrix, a what-if patch)."""
    return page.evaluate(
        """w => [...document.querySelectorAll('main *')]
            .filter(e => !e.closest('.matrix-scroll, pre'))
            .filter(e => e.getBoundingClientRect().right > w + 1)
            .map(e => e.tagName + '.' + e.className).slice(0, 5)""",
        width,
    )


@pytest.mark.parametrize("width", [1280, 1440])
@pytest.mark.parametrize("kind", ["index", "pair", "bachelor", "flagship"])
def test_report_pages_are_readable_at_laptop_widths(wide, bundled, kind, width) -> None:
    """At 1280 and 1440 px no page scrolls sideways and nothing is cut off at the right; the
    matrix scrolls in its own box, if at all, its header row and bachelor column in view."""
    wide.set_viewport_size({"width": width, "height": 900})
    for lang in ("nl/", ""):  # English last: its matrix is looked at below
        wide.goto((bundled / lang / PAGE_TYPES[kind]).as_uri())
        assert wide.evaluate("document.documentElement.scrollWidth") <= width
        assert overflowing(wide, width) == []
    if kind != "index":
        return
    box = wide.locator("#matrix-box")
    sizes = box.evaluate("b => [b.scrollWidth, b.clientWidth]")
    if width == 1440:
        assert sizes[0] <= sizes[1], sizes  # every master's column in view
    # scrolled to its last column, the bachelor names and the master names stay in view
    box.evaluate("b => { b.scrollLeft = b.scrollWidth; b.scrollTop = b.scrollHeight; }")
    left = box.evaluate("b => b.getBoundingClientRect().left")
    top = box.evaluate("b => b.getBoundingClientRect().top")
    name = wide.locator("#matrix tbody th").first.bounding_box()
    header = wide.locator("#matrix thead th.master").last.bounding_box()
    assert abs(name["x"] - left) <= 2 and abs(header["y"] - top) <= 2
    assert header["x"] + header["width"] <= left + sizes[1] + 2  # the last column, not cut off
    # every cell keeps its mark, and the legend says each in words
    marks = wide.locator("#matrix td.cell .route").all_inner_texts()
    assert len(marks) >= 12 * 26 and all(m.split()[0] in MARKS for m in marks), marks[:5]
    legend = wide.locator("#legend").inner_text()
    assert "over the cap" in legend and "over_cap" not in legend


MARKS = {
    "✓",
    "✓?",
    "✓ᶜ",
    "✓?ᶜ",
    "E",
    "Eᶜ",
    "M",
    "Mᶜ",
    "P",
    "Pᶜ",
    "L",
    "Lᶜ",
    "C",
    "Cᶜ",
    "✗",
    "✗ᶜ",
    "?",
}
