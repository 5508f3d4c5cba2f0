"""The report in English and Dutch: every HTML page has its Dutch counterpart under ``nl/`` with
the same data, each links to the other, and the Dutch pages say the report's words, numbers and
reasons in Dutch (on the fixture and on the bundled curricula)."""

from __future__ import annotations

import functools
import html
import html.parser
import posixpath
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from articulation.answers.flagship import DEFAULT_LIST
from articulation.cli.files import write_files
from articulation.curriculum.loader import load_curricula
from articulation.messages.status import STATUSES
from articulation.outputs import heatmap, i18n, report
from articulation.outputs.render import render
from articulation.settings import BUNDLED_CURRICULA
from tests.conftest import MINI

OUTPUTS = Path(heatmap.__file__).parent
CATALOGUE = i18n.LOCALE / "nl" / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
DATA = re.compile(r'\sdata-[\w-]+="[^"]*"')
SWITCH = re.compile(r'<a class="lang" href="([^"]+)" hreflang="(\w+)" lang="(\w+)">')
PLACEHOLDER = re.compile(r"%\(\w+\)s")
TAG = re.compile(r"<[^>]+>")
PATCH = re.compile(r'<pre class="patch".*?</pre>', re.S)


@functools.cache
def built(name: str) -> tuple[report.Report, dict[str, str]]:
    """The report of the fixture or the bundled curricula and its HTML pages, by path."""
    curricula = MINI if name == "mini" else BUNDLED_CURRICULA
    catalogue = load_curricula(curricula)
    asked = report.flagship_questions(catalogue, Path(curricula) / DEFAULT_LIST)
    made = report.make_report(catalogue, flagship_questions=asked)
    return made, {path: page.decode("utf-8") for path, page in render(made, ["html"]).items()}


@pytest.fixture(scope="module", params=["mini", "bundled"])
def scanned(request) -> tuple[report.Report, dict[str, str]]:
    if request.param == "bundled":  # the session's report of the bundled curricula
        made = request.getfixturevalue("bundled_report")
        return made, {path: page.decode("utf-8") for path, page in render(made, ["html"]).items()}
    return built(request.param)


def english_pages(made: report.Report) -> list[str]:
    pages = ["index.html", "sources.html"] + ([heatmap.FLAGSHIP_PAGE] if made.flagship else [])
    for b in made.bachelors:
        pages.append(heatmap.bachelor_path(b))
        pages += [heatmap.pair_path(b, m) for m in made.masters]
    return pages


def test_every_page_has_a_dutch_counterpart_with_the_same_data(scanned) -> None:
    made, pages = scanned
    english = english_pages(made)
    assert sorted(pages) == sorted(english + [f"nl/{path}" for path in english])
    for path in english:
        en, nl = pages[path], pages[f"nl/{path}"]
        assert '<html lang="en">' in en and '<html lang="nl">' in nl, path
        assert DATA.findall(en) == DATA.findall(nl), path  # the same data, in the same order
        for ects in re.findall(r'data-ects="([^"]*)"', nl):
            assert re.fullmatch(r"\d+(\.\d+)?|", ects), (path, ects)  # machine-readable: a dot
    for cell in made.cells:
        nl = pages["nl/" + heatmap.pair_path(cell.bachelor, cell.master)]
        verdict = re.search(r'<p id="verdict" data-status="(\w+)" data-ects="([\d.]*)">', nl)
        assert verdict and verdict[1] == cell.status, (cell.bachelor, cell.master)
        assert float(verdict[2] or 0) == (cell.total_ects or 0), (cell.bachelor, cell.master)


def test_every_page_links_to_its_counterpart(scanned) -> None:
    _, pages = scanned
    for path, page in pages.items():
        switch = SWITCH.findall(page)
        assert len(switch) == 1, path
        href, hreflang, lang = switch[0]
        dutch = path.startswith("nl/")
        assert hreflang == lang == ("en" if dutch else "nl"), path
        target = posixpath.normpath(posixpath.join(posixpath.dirname(path), href))
        assert target == (path.removeprefix("nl/") if dutch else f"nl/{path}"), (path, href)


def english_fragments() -> set[str]:
    """The literal parts (between placeholders and tags) of every English text of the report's
    catalogue that its Dutch text does not share: none may appear on a Dutch page."""
    with CATALOGUE.open("rb") as source:
        catalogue = read_po(source)
    found = set()
    for message in catalogue:
        if not message.id or message.string == message.id:
            continue
        for part in re.split(f"{PLACEHOLDER.pattern}|{TAG.pattern}", message.id):
            part = part.strip(" .;:,()")
            if len(part) >= 12 and part not in message.string:
                found.add(part)
    return found


def data_texts(made: report.Report) -> list[str]:
    """The data the pages show as it is (names, titles, provenance notes and sources), longest
    first."""
    cat = made.catalogue
    texts: set[str | None] = set()
    for item in [*cat.programmes.values(), *cat.courses.values()]:
        texts.add(getattr(item, "name", None) or getattr(item, "title", None))
        if item.provenance is not None:
            texts |= {item.provenance.note, item.provenance.source}
    for outcome in cat.outcomes.values():
        texts |= {outcome.title, outcome.title_nl}
    return sorted((text for text in texts if text), key=len, reverse=True)


def message_fragments() -> set[str]:
    """The literal parts of every English text of the engine's messages that Dutch says
    otherwise: the reasons on a Dutch page are Dutch too."""
    from articulation.messages import catalogue as messages

    found = set()
    for id, text in messages.templates("en").items():
        for part in re.split(r"\{[^}]*\}", text):
            part = part.strip(" .;:,()")
            if len(part) >= 12 and part not in messages.templates("nl")[id]:
                found.add(part)
    return found


def test_dutch_pages_say_no_english_text_of_the_report(scanned) -> None:
    made, pages = scanned
    fragments = english_fragments() | message_fragments()
    data = data_texts(made)
    assert len(fragments) > 50
    shown = {part for part in fragments if part in html.unescape(pages["index.html"])}
    assert len(shown) > 10  # the check can see them: the English pages say them
    for path, page in pages.items():
        if path.startswith("nl/"):
            # the what-if patch is a request to copy as it is, in the API's words
            text = html.unescape(PATCH.sub("", page))
            for item in data:
                text = text.replace(item, "")
            english = sorted(part for part in fragments if part in text)
            assert english == [], (path, english)


def test_dutch_pages_write_numbers_words_and_reasons_in_dutch(tmp_path) -> None:
    made, pages = built("mini")
    en, nl = (pages[f"{lang}pairs/VU-B-AI/UT-M-CS.html"] for lang in ("", "nl/"))
    assert "<b>16.5 EC</b>" in en and "<b>16,5 EC</b>" in nl  # the alternative's EC
    assert "7,5" in nl and "7.5" not in TAG.sub("", nl.split("<main>")[1])
    assert "In totaal 14 EC, binnen het aangenomen maximum van 30 EC, bewezen optimaal." in nl
    assert "keuzeruimte: de bachelor heeft geen keuzeruimte" in nl
    assert "P schakelprogramma</span>" in nl and "P pre-master</span>" in en  # in words
    assert "Algorithms and data structures op niveau toepassen" in nl  # titles stay data
    assert "<td>niets</td><td>nee</td>" in nl and "<td>nothing</td><td>no</td>" in en
    assert "Afgerond: eind van jaar 1, Q2." in nl and "Finished: end of year 1, Q2." in en
    index = pages["nl/index.html"]
    assert "<title>Aansluitscan: VU-bachelors → UT-masters</title>" in index
    assert 'title="Artificial Intelligence → Computer Science: schakelprogramma 14 EC.' in index
    # the Dutch pages are files like the English ones: written, and every link resolves
    write_files(render(made, ["html"]), tmp_path)
    for page in (tmp_path / "nl").rglob("*.html"):
        for href in re.findall(r'href="([^"#:]+)"', page.read_text(encoding="utf-8")):
            assert (page.parent / href).resolve().is_file(), (page, href)


def test_report_catalogue_translates_every_text_of_the_pages() -> None:
    """Every id the templates and heatmap.py use has a Dutch text with the same placeholders
    and tags; the catalogue holds no other id."""
    with (OUTPUTS / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    used = {
        message for _, _, message, *_ in extract_from_dir(str(OUTPUTS), method_map, options_map)
    }
    with CATALOGUE.open("rb") as source:
        catalogue = read_po(source)
    held = {message.id: message for message in catalogue if message.id}
    assert len(used) > 100 and set(held) == used, sorted(set(held) ^ used)
    for id, message in held.items():
        assert message.string and not message.fuzzy, id
        assert sorted(PLACEHOLDER.findall(id)) == sorted(PLACEHOLDER.findall(message.string)), id
        assert sorted(TAG.findall(id)) == sorted(TAG.findall(message.string)), id


def test_diff_page_stays_english() -> None:
    """The comparison page of ``articulation diff`` takes its words from the same catalogue and
    is written in English."""
    env = heatmap._environment()
    page = env.get_template("diff.html.j2").render(
        changed=[], cells=0, recomputed=0, changes=[], counts={}, bachelors=[], masters=[],
        grid={}, outlined=set(), side=heatmap.diff_side,
    )  # fmt: skip
    assert '<html lang="en">' in page and "No cell changed." in page
    assert "Catalogue changes: none." in page


class _Prose(html.parser.HTMLParser):
    """What a reader sees of a page: its text and its tooltips (not its data attributes, its
    classes, its style or its script)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hidden += tag in ("script", "style")
        self.parts += [v for k, v in attrs if k in ("title", "aria-label", "alt") and v]

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def test_no_page_names_a_status_by_its_value(scanned) -> None:
    """Statuses are named in words on every page in both languages (``over the cap``,
    ``boven het maximum``), never by their value (``over_cap``); the data's own notes and
    addresses stay as they are."""
    _, pages = scanned
    values = [s.value for s in STATUSES if "_" in s.value or s.value == "premaster"]
    for path, page in pages.items():
        if not path.endswith(".html"):
            continue
        reader = _Prose()
        reader.feed(page)
        text = re.sub(r"https?://\S+|premaster\.fixed", "", " ".join(reader.parts))
        found = [v for v in values if re.search(rf"\b{v}\b", text)]
        assert found == [], (path, found)
