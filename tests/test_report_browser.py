"""The HTML report rendered in headless Chromium: matrix, sorting, pair links, the switch to the
Dutch pages and back, no network, and axe-core on pages of both languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from articulation.cli.files import write_files
from articulation.curriculum.loader import load_curricula
from articulation.outputs import report
from articulation.outputs.render import render
from tests.conftest import skip_group

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
    built = report.make_report(load_curricula(MINI))
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
    ],
)
def test_pages_in_both_languages_pass_axe(page, index, path) -> None:
    """axe-core finds no serious or critical violation."""
    from tests.test_web_browser import axe_clean

    page.goto((index.parent / path).as_uri())
    axe_clean(page)
