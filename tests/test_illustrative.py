"""Honest marks: a cell is illustrative when anything its decision reads is, in every format.

The expectation is computed here from the curricula themselves, not with the engine's own rule:
the programmes, the minor, the route's courses, and the bachelor's passed courses (its track's
too) that teach an outcome the master requires or earn credit in an area it requires.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter

import pytest

from articulation.cli.files import write_files
from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.loader import load_curricula
from articulation.curriculum.model import (
    AnyOf,
    AreaRequirement,
    AtLeast,
    Course,
    Outcome,
    OutcomeAt,
)
from articulation.outputs.render import render
from articulation.outputs.report import make_report
from articulation.settings import BUNDLED_CURRICULA
from tests.conftest import MINI


def credited_areas(course: Course, outcomes: dict[str, Outcome]) -> set[str]:
    if course.areas:
        return set(course.areas)
    if course.area:
        return {course.area}
    counts = Counter(outcomes[o].area for o in course.teaches if o in outcomes)
    if not counts:
        return set()
    top = max(counts.values())
    return {min(a for a, n in counts.items() if n == top)}


def required(items: list) -> tuple[set[str], set[str]]:
    """The outcomes and the areas a list of requirement items mentions, any_of and at_least
    included."""
    outcomes: set[str] = set()
    areas: set[str] = set()
    for item in items:
        if isinstance(item, OutcomeAt):
            outcomes.add(item.outcome)
        elif isinstance(item, AreaRequirement):
            areas.add(item.area)
        else:
            assert isinstance(item, AnyOf | AtLeast)
            more_outcomes, more_areas = required(item.members)
            outcomes |= more_outcomes
            areas |= more_areas
    return outcomes, areas


def expected_marks(catalogue: Catalogue, cell) -> list[str]:
    bachelor = catalogue.programmes[cell.bachelor]
    master = catalogue.programmes[cell.master]
    track = next((t for t in bachelor.tracks if t.name == cell.track), None)
    passed = [*bachelor.courses, *(track.courses if track else [])]
    outcomes, areas = required(master.requires)
    read = {bachelor.code, master.code, *cell.codes}
    if cell.minor:
        read.add(cell.minor)
    for code in passed:
        course = catalogue.courses[code]
        teaches = set(course.teaches) & outcomes
        if teaches or credited_areas(course, catalogue.outcomes) & areas:
            read.add(code)
    marked = []
    for code in read:
        item = catalogue.programmes.get(code) or catalogue.courses.get(code)
        provenance = item.provenance
        if provenance is None or provenance.status != "sourced":
            marked.append(code)
    return sorted(marked)


@pytest.fixture(scope="module", params=["mini", "bundled"])
def written(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    catalogue = load_curricula(MINI if request.param == "mini" else BUNDLED_CURRICULA)
    report = make_report(catalogue, workers=2, extras=False)
    out = tmp_path_factory.mktemp("report")
    write_files(render(report), out)
    return catalogue, report, out


def test_every_cell_is_marked_when_its_decision_reads_illustrative_data(written) -> None:
    catalogue, report, _ = written
    marked = 0
    for cell in report.cells:
        assert list(cell.illustrative) == expected_marks(catalogue, cell), (
            cell.bachelor,
            cell.master,
        )
        marked += bool(cell.illustrative)
    assert marked  # the seed data is partly illustrative: some cells must be marked


def test_every_format_carries_the_same_marks(written) -> None:
    _, report, out = written
    cells = {(c.bachelor, c.master): c for c in report.cells}
    data = json.loads((out / "aansluitscan.json").read_text(encoding="utf-8"))
    for row in data["cells"]:
        assert row["illustrative"] == list(cells[(row["bachelor"], row["master"])].illustrative)
    rows = list(csv.DictReader(io.StringIO((out / "aansluitscan.csv").read_text(encoding="utf-8"))))
    for row in rows:
        expected = ";".join(cells[(row["bachelor"], row["master"])].illustrative)
        assert row["illustrative"] == expected
    index = (out / "index.html").read_text(encoding="utf-8")
    markdown = (out / "aansluitscan.md").read_text(encoding="utf-8")
    for (bachelor, master), cell in cells.items():
        anchor = f'href="pairs/{bachelor}/{master}.html"'
        start = index.index(anchor)
        text = index[index.index(">", start) + 1 : index.index("</a>", start)]
        assert cell.provenance is not None and "†" not in text
        assert text.endswith(f'<span class="grade">{cell.provenance.code}</span>'), text
        page = (out / "pairs" / bachelor / f"{master}.html").read_text(encoding="utf-8")
        assert ("This page relies on illustrative data" in page) == bool(cell.illustrative)
    assert "†" not in markdown
    for row in data["cells"]:
        grade = cells[(row["bachelor"], row["master"])].provenance
        assert grade is not None and row["provenance"] == grade.to_json()
    for row in rows:
        assert row["grade"] == cells[(row["bachelor"], row["master"])].provenance.code


def test_minor_designs_and_eligibility_say_what_is_illustrative(written) -> None:
    from articulation.answers.eligibility import assess_transcript
    from articulation.answers.minor import design_minor
    from articulation.curriculum.model import TranscriptEntry

    catalogue, report, _ = written
    bachelor = report.bachelors[0]
    design = design_minor(catalogue, bachelor, budget=30)
    chosen = {c.code for c in design.courses}
    for code in chosen:
        assert (code in design.illustrative) == bool(catalogue.illustrative([code]))
    entries = [TranscriptEntry(code=c) for c in catalogue.bachelor(bachelor).courses]
    answer = assess_transcript(catalogue, entries)
    for result in answer.results:
        for code in [result.master, *result.bridging.codes]:
            assert (code in result.illustrative) == bool(catalogue.illustrative([code]))
