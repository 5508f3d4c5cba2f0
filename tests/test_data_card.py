"""The data card (curricula/README.md) states counts of the bundled curricula: these tests
recompute them from the YAML files (and, for the courses in routes, from a scan), for every
master and course, whoever edited which."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from articulation.answers.scan import Cell
from articulation.curriculum.catalogue import Catalogue

CARD = Path(__file__).resolve().parent.parent / "curricula" / "README.md"

MASTERS = re.compile(
    r"Of the (\d+) masters, (\d+) have sourced requirements \(`R` in the provenance grade\) and "
    r"(\d+) stay illustrative"
)
PROGRAMMES = re.compile(r"\*\*Programmes\*\*: (\d+) bachelors, (\d+) masters and (\d+) minors")
COURSES = re.compile(r"\*\*Courses\*\*: (\d+) sourced \((\d+) UT, (\d+) VU\), (\d+) illustrative")
ROUTES = re.compile(
    r"Of the (\d+) courses that appear in a route of the scan \(for students or graduates\), "
    r"(\d+) are sourced"
)
SECTION = "## Each master's sources"


def card() -> str:
    """The card with its lines joined, so a sentence may wrap anywhere."""
    return " ".join(CARD.read_text(encoding="utf-8").split())


def stated(pattern: re.Pattern[str]) -> tuple[int, ...]:
    found = pattern.search(card())
    assert found, f"the data card has no '{pattern.pattern[:40]}…' sentence"
    return tuple(int(n) for n in found.groups())


def sourced(item) -> bool:
    return item.provenance is not None and item.provenance.status == "sourced"


@pytest.fixture(scope="module")
def cat(bundled_catalogue: Catalogue) -> Catalogue:
    return bundled_catalogue


@pytest.fixture(scope="module")
def cells(bundled_cells: tuple[Cell, ...]) -> list[Cell]:
    return list(bundled_cells)


def test_masters_with_sourced_requirements(cat: Catalogue) -> None:
    """R of the provenance grade is sourced exactly when the master's provenance is."""
    masters = cat.masters
    with_r = [m for m in masters if not cat.illustrative([m.code])]
    assert with_r == [m for m in masters if sourced(m)]
    assert stated(MASTERS) == (len(masters), len(with_r), len(masters) - len(with_r))


def test_sourced_programmes(cat: Catalogue) -> None:
    bachelors = sum(1 for b in cat.bachelors if sourced(b))
    masters = sum(1 for m in cat.masters if sourced(m))
    minors = sum(1 for m in cat.minors if sourced(m))
    assert stated(PROGRAMMES) == (bachelors, masters, minors)


def test_sourced_courses(cat: Catalogue) -> None:
    courses = list(cat.courses.values())
    ut = sum(1 for c in courses if sourced(c) and c.code.startswith("UT-"))
    vu = sum(1 for c in courses if sourced(c) and c.code.startswith("VU-"))
    assert stated(COURSES) == (ut + vu, ut, vu, len(courses) - ut - vu)


def test_courses_in_routes(cat: Catalogue, cells: list[Cell]) -> None:
    """Every course of a student's or a graduate's route, over the whole scan."""
    codes = {code for cell in cells for c in (cell, cell.graduate) if c for code in c.codes}
    assert codes, "the scan has no route"
    assert stated(ROUTES) == (len(codes), sum(1 for c in codes if sourced(cat.courses[c])))


def test_every_master_with_a_section_is_one_of_ours(cat: Catalogue) -> None:
    """Each `### Name (CODE)` of the section names a bundled master by its name, in
    alphabetical order; an illustrative master's entry lists the searches tried."""
    text = CARD.read_text(encoding="utf-8")
    assert SECTION in text
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    heads = re.findall(r"^### (.+) \((UT-M-[A-Z]+)\)$", section, re.M)
    assert heads, "no master in the section"
    names = {m.code: m.name for m in cat.masters}
    for name, code in heads:
        assert names.get(code) == name, code
    assert [n for n, _ in heads] == sorted(n for n, _ in heads)
    entries = re.split(r"^### ", section, flags=re.M)[1:]
    for (_, code), entry in zip(heads, entries, strict=True):
        if not sourced(cat.master(code)):
            assert "Searched" in entry, f"{code}: list the searches tried"
