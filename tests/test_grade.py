"""The provenance grade says something: the data card's counts are recounted from the YAML, and
changing an illustrative item moves only cells whose grade marks its part as illustrative."""

from __future__ import annotations

import random
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from articulation.answers.scan import Cell
from articulation.answers.whatif import diff
from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.model import Bachelor, Master, Minor, OutcomeAt
from articulation.settings import BUNDLED_CURRICULA
from articulation.solving.gap import Attainment, attainment, gap
from articulation.solving.pool import pool_context, premaster_candidates, prune
from articulation.solving.route import window_candidates

SEED = 20
SAMPLE = 30


@pytest.fixture(scope="module")
def catalogue(bundled_catalogue: Catalogue) -> Catalogue:
    return bundled_catalogue


@pytest.fixture(scope="module")
def cells(bundled_cells: tuple[Cell, ...]) -> list[Cell]:
    return list(bundled_cells)


def yaml_statuses(root: Path) -> dict[str, str]:
    """Every course's and programme's provenance status, read straight from the YAML files
    (no provenance, or no status: illustrative)."""
    found: dict[str, str] = {}

    def status(item: dict[str, Any]) -> str:
        return (item.get("provenance") or {}).get("status") or "illustrative"

    for path in sorted(root.rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            continue
        for course in data.get("courses", []) if "institution" in data else []:
            if isinstance(course, dict):
                found[str(course["code"])] = status(course)
        programme = data.get("programme") or (data if "kind" in data else None)
        if isinstance(programme, dict) and "code" in programme:
            found[str(programme["code"])] = status(programme)
    return found


def met(group: list, taken: set[str], att: Attainment) -> bool:
    """Whether a prerequisite group is met by passed courses ``taken`` (attaining ``att``)."""
    return any(
        att.level(m.outcome) >= m.level if isinstance(m, OutcomeAt) else m in taken for m in group
    )


def recount(catalogue: Catalogue, cell: Cell, statuses: dict[str, str]) -> str:
    """A cell's grade from the YAML statuses: R on the master; B on whether the gap (unmet
    requirements and what is attained of each, by the engine's gap function) changes without
    the bachelor's illustrative courses; P on the route's courses (with the minor and the
    elective space for routes inside the bachelor), or for answers without a programme on the
    pre-master pool's courses that can matter for the gap (the engine's pool and pruning)."""

    def sourced(code: str) -> bool:
        return statuses.get(code) == "sourced"

    bachelor = catalogue.bachelor(cell.bachelor)
    master = catalogue.master(cell.master)
    taken = set(bachelor.courses_of(cell.track))
    full = gap(master, attainment(catalogue, taken))
    r = "R" if sourced(master.code) else "r"
    if cell.status == "direct" and not full.closed and bachelor.code in master.direct_admission:
        return r + "––"
    kept = {c for c in taken if sourced(c)}
    without = gap(master, attainment(catalogue, kept))
    same = [d.text() for d in full.details()] == [d.text() for d in without.details()]
    # the prerequisites of the route's courses that the passed courses meet: the same without
    # the illustrative ones?
    for code in cell.codes if cell.status != "direct" else ():
        for group in catalogue.courses[code].prerequisites:
            same = same and met(group, taken, full.attained) == met(group, kept, without.attained)
    b = "B" if same else "b"
    if cell.status == "direct":
        return r + b + "–"
    read = list(cell.codes)
    if cell.status in ("over_cap", "infeasible", "unknown"):
        pool = premaster_candidates(catalogue, master, frozenset(taken)).codes
        context = pool_context(catalogue, pool, taken, focus=full.unmet)
        read += prune(context, full.unmet).candidates
        if cell.status == "unknown" and bachelor.electives > 0:
            more = window_candidates(catalogue, bachelor, cell.track).codes
            read += prune(
                pool_context(catalogue, more, taken, focus=full.unmet), full.unmet
            ).candidates
    if cell.minor:
        read.append(cell.minor)
    if cell.status in ("electives", "minor"):
        read.append(bachelor.code)
    return r + b + ("P" if all(sourced(c) for c in read) else "p")


def data_card_counts() -> dict[str, int]:
    """The grade counts the data card states: lines ``| `RbP` | N |`` of its grade table."""
    text = (BUNDLED_CURRICULA / "README.md").read_text(encoding="utf-8")
    return {g: int(n) for g, n in re.findall(r"^\| `([RrBbPp–]{3})` \| (\d+) \|", text, re.M)}


def test_every_cell_has_a_grade_and_the_data_card_counts_match_a_recount(
    catalogue: Catalogue, cells: list[Cell]
) -> None:
    statuses = yaml_statuses(BUNDLED_CURRICULA)
    assert len(statuses) == len(catalogue.courses) + len(catalogue.programmes)
    for cell in cells:
        assert cell.provenance is not None, (cell.bachelor, cell.master)
        assert recount(catalogue, cell, statuses) == cell.provenance.code, (
            cell.bachelor,
            cell.master,
            cell.status,
        )
        data = cell.to_json()["provenance"]
        assert data["grade"] == cell.provenance.code
        assert set(data) == {"requirements", "bachelor", "route", "grade"}
    counts = Counter(recount(catalogue, c, statuses) for c in cells)
    assert data_card_counts() == dict(counts)
    assert sum(counts.values()) == len(cells)


def test_policy_direct_cells_are_graded_on_the_policy(
    catalogue: Catalogue, cells: list[Cell]
) -> None:
    policy = [
        c
        for c in cells
        if c.status == "direct" and c.bachelor in catalogue.master(c.master).direct_admission
    ]
    assert policy
    for cell in policy:
        assert cell.provenance is not None
        if not cell.gap.closed:
            assert cell.provenance.bachelor is None and cell.provenance.route is None


def _weakened(catalogue: Catalogue, code: str) -> tuple[Any, str]:
    """The item changed so that it offers less, and the part whose grade it feeds: a course
    teaches each outcome at level 1; a master requires its first outcome one level higher; a
    bachelor has no elective space; a minor loses its last course."""
    if code in catalogue.courses:
        course = catalogue.courses[code]
        teaches = {o: 1 for o in course.teaches}
        return course.model_copy(update={"teaches": teaches}), "course"
    programme = catalogue.programmes[code]
    if isinstance(programme, Master):
        requires = list(programme.requires)
        i = next(i for i, r in enumerate(requires) if isinstance(r, OutcomeAt) and r.level < 6)
        item = requires[i]
        requires[i] = OutcomeAt(outcome=item.outcome, level=item.level + 1)
        return programme.model_copy(update={"requires": requires}), "requirements"
    if isinstance(programme, Bachelor):
        return programme.model_copy(update={"electives": 0}), "route"
    assert isinstance(programme, Minor)
    return programme.model_copy(update={"courses": programme.courses[:-1]}), "route"


def _changeable(catalogue: Catalogue, code: str) -> bool:
    if code in catalogue.courses:
        return any(level > 1 for level in catalogue.courses[code].teaches.values())
    p = catalogue.programmes[code]
    if isinstance(p, Master):
        return any(isinstance(r, OutcomeAt) and r.level < 6 for r in p.requires)
    if isinstance(p, Bachelor):
        return p.electives > 0
    return isinstance(p, Minor) and len(p.courses) > 1


@pytest.mark.slow
def test_changing_an_illustrative_item_moves_only_cells_graded_illustrative_there(
    catalogue: Catalogue, cells: list[Cell]
) -> None:
    items = sorted(
        code
        for code in [*catalogue.courses, *catalogue.programmes]
        if catalogue.illustrative([code]) and _changeable(catalogue, code)
    )
    sample = random.Random(SEED).sample(items, SAMPLE)
    moved = 0
    for code in sample:
        changed, part = _weakened(catalogue, code)
        courses = [
            (catalogue.institution_of[c], changed if c == code else course)
            for c, course in catalogue.courses.items()
        ]
        programmes = [changed if p == code else prog for p, prog in catalogue.programmes.items()]
        new = Catalogue.build(catalogue.outcomes.values(), courses, programmes, catalogue.calendars)
        result = diff(catalogue, new, before=cells)
        for change in result.changed:
            # the cell answers for two populations: check each whose route moved
            pairs = [(change.before, change.after)]
            if change.before.graduate is not None and change.after is not None:
                pairs.append((change.before.graduate, change.after.graduate))
            for before, after in pairs:
                if after is not None and _route(before) == _route(after):
                    continue
                grade = before.provenance
                assert grade is not None
                where = {"requirements": grade.requirements, "route": grade.route}.get(part)
                if part == "course":
                    bachelor = catalogue.bachelor(change.bachelor)
                    passed = code in {
                        c for t in [None, *bachelor.track_names] for c in bachelor.courses_of(t)
                    }
                    marks = [grade.route] + ([grade.bachelor] if passed else [])
                    assert "illustrative" in marks, (code, change.bachelor, change.master, grade)
                else:
                    assert where == "illustrative", (code, change.bachelor, change.master, grade)
                moved += 1
    assert moved  # the sample does move cells, so the check is not empty


def _route(cell: Cell | None) -> tuple | None:
    """What a change of one population's route is judged by."""
    if cell is None:
        return None
    finish = cell.plan.finish_text if cell.plan else None
    return (cell.status, cell.total_ects, cell.codes, cell.track, finish)


def test_a_graduates_transcript_is_graded_by_the_same_function(catalogue: Catalogue) -> None:
    """Every master's result for a graduate's transcript carries a grade; a bachelor whose
    courses are all sourced never has an illustrative bachelor's side."""
    from articulation.answers.eligibility import assess_transcript
    from articulation.curriculum.model import TranscriptEntry

    sourced = [b for b in catalogue.bachelors if not catalogue.illustrative(b.courses_of(None))]
    assert sourced  # Human Movement Sciences' courses are all sourced
    for bachelor in sourced:
        entries = [TranscriptEntry(code=c) for c in bachelor.courses]
        answer = assess_transcript(catalogue, entries, bachelor=bachelor.code)
        assert len(answer.results) == len(catalogue.masters)
        for result in answer.results:
            assert result.provenance is not None
            assert result.provenance.bachelor != "illustrative", result.master
            assert result.to_json()["provenance"]["grade"] == result.provenance.code


def test_the_gap_is_compared_only_where_illustrative_courses_change_it(
    catalogue: Catalogue,
) -> None:
    """Whether the gap reads differently without some passed courses is the same whether every
    unmet requirement is compared or only those naming an outcome or area they change."""
    from articulation.answers.grade import _gap_changes
    from articulation.solving.gap import describe, holds

    def read(master: Master, att: Attainment) -> list[tuple[str, str]]:
        return [(str(i), describe(i, att).text()) for i in master.requires if not holds(i, att)]

    rnd = random.Random(SEED)
    codes = sorted(catalogue.courses)
    differ = 0
    for _ in range(20):
        taken = set(rnd.sample(codes, rnd.randint(0, 40)))
        kept = {c for c in taken if rnd.random() < 0.5}
        full, without = attainment(catalogue, taken), attainment(catalogue, kept)
        for master in catalogue.masters:
            changes = read(master, full) != read(master, without)
            assert _gap_changes(master, full, without) == changes, master.code
            differ += changes
    assert differ  # both answers occur


def test_the_pool_a_route_searched_prunes_to_itself(catalogue: Catalogue) -> None:
    """The part of the pre-master pool that can matter for a gap, pruned again as a pool of its
    own, is the same part with the same support: the grade reads it once."""
    rnd = random.Random(SEED)
    codes = sorted(catalogue.courses)
    for _ in range(6):
        taken = frozenset(rnd.sample(codes, rnd.randint(0, 40)))
        for master in catalogue.masters:
            unmet = gap(master, attainment(catalogue, taken)).unmet
            pool = premaster_candidates(catalogue, master, taken)
            whole = prune(pool_context(catalogue, pool.codes, taken, key=pool.key), unmet)
            focused = prune(pool_context(catalogue, pool.codes, taken, focus=unmet), unmet)
            again = prune(pool_context(catalogue, whole.candidates, taken, focus=unmet), unmet)
            assert (whole.candidates, whole.groups) == (focused.candidates, focused.groups)
            assert (whole.candidates, whole.groups) == (again.candidates, again.groups)
