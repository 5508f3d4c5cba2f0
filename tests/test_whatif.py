"""What-if edits and change impact: recomputing only the affected cells equals a full rescan."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from articulation.answers.scan import scan
from articulation.answers.whatif import Edit, EditError, apply_edits, base_scan, diff, what_if
from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.edits import ACTIONS, WORDS, EditAction, edit_action
from articulation.curriculum.loader import load_curricula
from articulation.curriculum.model import Course, OutcomeAt
from articulation.support.deadline import deadline
from benchmarks.synthetic import FACULTY, build
from tests.conftest import bundled_catalogue

MINI = Path(__file__).parent / "fixtures" / "mini"
LIMIT = 20.0


def referenced(catalogue: Catalogue) -> set[str]:
    """Courses a programme lists or a prerequisite names: removing them is refused."""
    found = set()
    for p in catalogue.programmes.values():
        found.update(getattr(p, "courses", None) or ())
        for t in getattr(p, "tracks", ()):
            found.update(t.courses)
    for course in catalogue.courses.values():
        for group in course.prerequisites:
            found.update(m for m in group if isinstance(m, str))
    return found


def random_edit(catalogue: Catalogue, rnd: random.Random, n: int) -> Edit:
    """One random, valid edit: a course changed, added or removed, or a programme changed."""
    codes = sorted(catalogue.courses)
    outcomes = sorted(catalogue.outcomes)
    roll = rnd.random()
    if roll < 0.5:
        code = rnd.choice(codes)
        course = catalogue.courses[code]
        what = rnd.choice(["level", "teach", "untaught", "ects", "bridging", "prereq", "periods"])
        update: dict = {}
        teaches = dict(course.teaches)
        if what == "level" and teaches:
            o = rnd.choice(sorted(teaches))
            teaches[o] = max(1, min(6, teaches[o] + rnd.choice([-2, -1, 1, 2])))
            update["teaches"] = teaches
        elif what == "teach":
            teaches[rnd.choice(outcomes)] = rnd.randint(2, 5)
            update["teaches"] = teaches
        elif what == "untaught" and teaches:
            del teaches[rnd.choice(sorted(teaches))]
            update["teaches"] = teaches
        elif what == "ects":
            update["ects"] = rnd.choice([2.5, 3.0, 5.0, 7.5, 10.0, 15.0])
            update["areas"] = None
        elif what == "bridging":
            update["bridging"] = not course.bridging
        elif what == "prereq":
            update["prerequisites"] = (
                [] if course.prerequisites else [[OutcomeAt(outcome=rnd.choice(outcomes), level=2)]]
            )
        else:
            update["periods"] = []
        changed = course.model_copy(update=update)
        return Edit("change", "course", code, changed, catalogue.institution_of[code])
    if roll < 0.7:
        inst = rnd.choice(catalogue.institutions)
        code = f"{inst}-WHATIF{n}"
        teaches = {o: rnd.randint(2, 5) for o in rnd.sample(outcomes, rnd.randint(1, 3))}
        course = Course(
            code=code,
            title=f"What if {n}",
            ects=rnd.choice([3, 5, 7.5]),
            teaches=teaches,
            bridging=rnd.random() < 0.8,
        )
        return Edit("add", "course", code, course, inst)
    if roll < 0.8:
        free = sorted(set(codes) - referenced(catalogue))
        if free:
            return Edit("remove", "course", rnd.choice(free))
    programme = rnd.choice(sorted(catalogue.programmes.values(), key=lambda p: p.code))
    update = {}
    if programme.kind == "master":
        requires = list(programme.requires)
        if requires and rnd.random() < 0.5:
            requires.pop(rnd.randrange(len(requires)))
        else:
            requires.append(OutcomeAt(outcome=rnd.choice(outcomes), level=rnd.randint(2, 4)))
        update["requires"] = requires
        if rnd.random() < 0.3:
            cap = rnd.choice([10.0, 20.0, 45.0])
            update["premaster"] = programme.premaster.model_copy(update={"max_ects": cap})
    elif programme.kind == "bachelor":
        update["electives"] = rnd.choice([0.0, 15.0, 30.0])
    else:
        courses = list(programme.courses)
        extra = rnd.choice(codes)
        if extra not in courses:
            courses.append(extra)
        update["courses"] = courses
    changed = programme.model_copy(update=update)
    return Edit("change", "programme", programme.code, changed)


def check_edits(catalogue: Catalogue, seed: int, count: int) -> tuple[int, int]:
    """``count`` random edits: each what-if's cells equal a full scan of the edited catalogue.
    Returns the cells recomputed and the cells in all."""
    rnd = random.Random(seed)
    with deadline(solve_limit=LIMIT):
        return _random_edits(catalogue, rnd, base_scan(catalogue), count)


def _random_edits(catalogue, rnd, before, count):
    recomputed = total = 0
    for n in range(count):
        edit = random_edit(catalogue, rnd, n)
        try:
            apply_edits(catalogue, [edit])
        except EditError:  # e.g. a course left teaching nothing without an area
            continue
        result = what_if(catalogue, [edit], before=before)
        full = scan(apply_edits(catalogue, [edit]))
        assert [c.to_json() for c in result.after] == [c.to_json() for c in full], (n, edit)
        recomputed += result.recomputed
        total += result.cells
        for change in result.changed:
            assert change.causes, change
            # why, beyond the change that reached it: status, requirement, course, EC, …
            assert len(change.reasons) > len(change.causes), change
    return recomputed, total


@pytest.mark.parametrize(
    ("name", "seed", "count"), [("mini", 1, 120), ("faculty", 2, 100)], ids=["mini", "faculty"]
)
@pytest.mark.slow
def test_what_if_equals_full_rescan(name: str, seed: int, count: int) -> None:
    catalogue = load_curricula(MINI) if name == "mini" else build(FACULTY)
    recomputed, total = check_edits(catalogue, seed, count)
    assert total >= count * len(catalogue.bachelors) * len(catalogue.masters) * 0.8
    assert recomputed < total  # locality: most cells are not computed again


def test_diff_names_the_cause_and_counts() -> None:
    catalogue = load_curricula(MINI)
    master = catalogue.master("UT-M-CS")
    easier = master.model_copy(update={"requires": master.requires[:1]})
    result = what_if(catalogue, [Edit("change", "programme", "UT-M-CS", easier)])
    assert result.cells == len(catalogue.bachelors) * len(catalogue.masters)
    assert result.recomputed == len(catalogue.bachelors)  # the master's column only
    assert result.changed
    for change in result.changed:
        assert change.master == "UT-M-CS"
        assert change.causes == ("programme UT-M-CS changed",)
    data = result.to_json()
    assert set(data) == {"changed", "counts", "changes", "recomputed", "cells"}
    assert sum(data["counts"].values()) == len(data["changed"])
    # the same through two catalogues
    again = diff(
        catalogue, apply_edits(catalogue, [Edit("change", "programme", "UT-M-CS", easier)])
    )
    assert again.to_json() == data


@pytest.mark.slow
def test_a_change_to_a_university_pool_course_reaches_the_pairs_that_read_it() -> None:
    """A course only in a master's pool for university bachelors (``university_courses``)
    still reaches the pairs whose pre-master draws on it: the what-if equals a full rescan."""
    catalogue = bundled_catalogue()
    code = "UT-201600146"  # Network Systems: in UT-M-CS's university pool, not a bridging course
    assert code in (catalogue.master("UT-M-CS").premaster.university_courses or ())
    assert not catalogue.courses[code].bridging
    course = catalogue.courses[code]
    weaker = course.model_copy(update={"teaches": {**course.teaches, "cs.networks": 1}})
    edit = Edit("change", "course", code, weaker, "UT")
    result = what_if(catalogue, [edit])
    full = scan(apply_edits(catalogue, [edit]))
    assert [c.to_json() for c in result.after] == [c.to_json() for c in full]
    assert ("VU-B-AI", "UT-M-CS") in {(c.bachelor, c.master) for c in result.changed}


def test_unrelated_course_changes_nothing() -> None:
    """Locality: a course no cell reads is added, and no cell is computed again."""
    catalogue = load_curricula(MINI)
    lone = Course(code="UT-LONE", title="Lone", ects=5, teaches={}, area="mathematics")
    result = what_if(catalogue, [Edit("add", "course", "UT-LONE", lone, "UT")])
    assert result.changed == ()
    assert result.recomputed == 0


def test_broken_edits_name_the_edit_and_field() -> None:
    catalogue = load_curricula(MINI)
    course = catalogue.courses["UT-ADC"]
    bad = course.model_copy(update={"prerequisites": [["UT-NOPE"]]})
    with pytest.raises(EditError) as info:
        what_if(
            catalogue,
            [
                Edit("remove", "course", "UT-NONE"),
                Edit("change", "course", "UT-ADC", bad, "UT"),
            ],
        )
    assert info.value.problems[0][0] == 0 and info.value.problems[0][1] == ["code"]
    with pytest.raises(EditError) as info:
        apply_edits(catalogue, [Edit("change", "course", "UT-ADC", bad, "UT")])
    (index, path, message), *_ = info.value.problems
    assert (index, path) == (0, ["prerequisites", 0, 0]) and "UT-NOPE" in message
    with pytest.raises(EditError) as info:
        apply_edits(catalogue, [Edit("remove", "course", "UT-ADC")])  # still referenced
    assert info.value.problems[0][0] == 0


def test_a_dotted_outcome_id_is_one_key_of_the_field_path() -> None:
    catalogue = load_curricula(MINI)
    course = catalogue.courses["UT-ADC"]
    bad = course.model_copy(update={"teaches": {**course.teaches, "math.calculus.limits": 3}})
    with pytest.raises(EditError) as info:
        apply_edits(catalogue, [Edit(EditAction.UPDATE, "course", "UT-ADC", bad, "UT")])
    [(index, path, message)] = info.value.problems
    assert (index, path) == (0, ["teaches", "math.calculus.limits"])
    assert "unknown outcome 'math.calculus.limits'" in message


def test_one_edit_vocabulary_with_the_what_if_words_as_synonyms() -> None:
    assert set(WORDS) == {"create", "update", "delete", "add", "change", "remove"}
    for action, spec in ACTIONS.items():
        assert edit_action(spec.synonym) is edit_action(str(action)) is action
        assert Edit(spec.synonym, "course", "UT-X") == Edit(action, "course", "UT-X")
    with pytest.raises(ValueError, match=r"unknown edit action 'drop'; actions: create \(add\)"):
        Edit("drop", "course", "UT-X")
    catalogue = load_curricula(MINI)
    lone = Course(code="UT-LONE", title="Lone", ects=5, teaches={}, area="mathematics")
    for word in ("add", "create"):
        added = apply_edits(catalogue, [Edit(word, "course", "UT-LONE", lone, "UT")])
        assert added.institution_of["UT-LONE"] == "UT"
    for word in ("remove", "delete"):
        assert (
            "UT-MATHPACK"
            not in apply_edits(catalogue, [Edit(word, "course", "UT-MATHPACK")]).courses
        )
    with pytest.raises(EditError, match="exists already"):
        apply_edits(catalogue, [Edit(EditAction.CREATE, "course", "UT-ADC", None, "UT")])
    with pytest.raises(EditError, match="the course to update is missing"):
        apply_edits(catalogue, [Edit("change", "course", "UT-ADC")])


def shown_in(text: str, output: str) -> bool:
    """Whether ``text`` is in a table cell of ``output``, however the table wrapped or folded
    it: its characters, spaces aside, come in order (other columns may stand between them)."""
    chars = iter(ch for ch in output if not ch.isspace())
    return all(ch in chars for ch in text if not ch.isspace())


def test_cli_diff(tmp_path: Path) -> None:
    import json
    import shutil

    from typer.testing import CliRunner

    from articulation.cli import app

    new = tmp_path / "new"
    shutil.copytree(MINI, new)
    cs = new / "ut" / "masters" / "cs.yaml"
    cs.write_text(cs.read_text().replace("level: apply}\n", "level: create}\n", 1))
    runner = CliRunner()
    result = runner.invoke(app, ["diff", str(MINI), str(new), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"changed", "counts", "changes", "recomputed", "cells"}
    assert data["changes"] == ["programme UT-M-CS changed"] and data["recomputed"] == 2
    assert data["changed"] and all(c["master"] == "UT-M-CS" for c in data["changed"])
    wide = {"COLUMNS": "200"}  # each reason on one line of the table
    shown = runner.invoke(
        app, ["diff", str(MINI), str(new), "--out", str(tmp_path / "page")], env=wide
    )
    assert shown.exit_code == 0, shown.output
    assert "UT-M-CS" in shown.stdout and "computed again" in shown.stdout
    page = (tmp_path / "page" / "diff.html").read_text()
    assert "changed" in page and "UT-M-CS" in page and "<script src" not in page
    # why each cell changed, in the language asked: the table, the JSON and the page
    for change in data["changed"]:
        ids = [r["id"] for r in change["reasons"]]
        assert ids[0] == "whatif.cause_fields" and len(ids) > 1, ids
        assert change["reasons"][0]["text"] == "programme UT-M-CS changed: requires"
    first = data["changed"][0]["reasons"][1]["text"]
    assert first == "status pre-master → infeasible" and first in page
    # in the table's last column, wrapped or not as the terminal's width allows
    assert shown_in(first, shown.stdout), shown.stdout
    assert "the master now asks cs.algorithms@create (has nothing)" in page
    dutch = runner.invoke(
        app,
        ["diff", str(MINI), str(new), "--lang", "nl", "--out", str(tmp_path / "nl")],
        env=wide,
    )
    assert dutch.exit_code == 0, dutch.output
    assert shown_in("opleiding UT-M-CS gewijzigd: requires", dutch.stdout), dutch.stdout
    nl_page = (tmp_path / "nl" / "diff.html").read_text()
    assert "opleiding UT-M-CS gewijzigd" in nl_page and "waarom het veranderde" in nl_page
    missing = runner.invoke(app, ["diff", str(MINI), str(tmp_path / "nope")])
    assert missing.exit_code == 2 and "nope" in missing.stderr


@pytest.mark.parametrize(
    ("moved", "update"),
    [("UT-920200007", {"periods": ["Q3"]}), ("UT-930200004", {"ects": 0.5})],
    ids=["period", "ects"],
)
@pytest.mark.slow
def test_a_component_edit_reaches_the_cells_of_its_siblings(moved: str, update: dict) -> None:
    """A module's component decides whether its siblings can be elected (they are chosen
    together), whatever it teaches: a what-if that edits one equals a full rescan, including
    the cells whose routes hold, or come to hold, its siblings."""
    catalogue = bundled_catalogue()
    before = base_scan(catalogue)
    course = catalogue.courses[moved]
    assert course.part_of is not None
    edit = Edit("change", "course", moved, course.model_copy(update=update), "UT")
    result = what_if(catalogue, [edit], before=before)
    full = scan(apply_edits(catalogue, [edit]))
    assert [c.to_json() for c in result.after] == [c.to_json() for c in full]
    assert [c.to_json() for c in full] != [c.to_json() for c in before]  # the edit matters


def one_field_edit(catalogue: Catalogue, rnd: random.Random, n: int) -> Edit:
    """One random edit of one field: a course's EC (up or down), periods, teaches or
    prerequisites, or a programme (:func:`random_edit`)."""
    if rnd.random() < 0.25:
        return random_edit(catalogue, rnd, n)  # a programme, course or outcome edit of any kind
    code = rnd.choice(sorted(catalogue.courses))
    course = catalogue.courses[code]
    what = rnd.choice(["ects", "ects", "periods", "teaches", "requires"])
    if what == "ects":
        patch: dict = {"ects": max(1.0, course.ects + rnd.choice([-2.5, -1, 1, 2.5, 10]))}
        if course.areas is not None:
            patch["areas"] = None
    elif what == "periods":
        names = [p.name for p in catalogue.calendar(catalogue.institution_of[code]).periods]
        patch = {"periods": rnd.choice([[], *([name] for name in names), names[1::2]])}
    elif what == "teaches":
        outcome = rnd.choice(sorted(catalogue.outcomes))
        patch = {"teaches": {**course.teaches, outcome: rnd.randint(1, 5)}}
    else:
        outcome = rnd.choice(sorted(catalogue.outcomes))
        patch = {"prerequisites": [] if course.prerequisites else [[f"{outcome}@2"]]}
    return Edit("change", "course", code, patch=patch)


@pytest.mark.parametrize("seed", [3, 4])
@pytest.mark.slow
def test_what_if_equals_full_rescan_on_the_bundled_curricula(seed: int) -> None:
    """One-field edits of the bundled curricula (EC, periods, teaches, prerequisites) and
    programme edits: each what-if's cells equal a full scan of the edited catalogue."""
    catalogue = bundled_catalogue()
    rnd = random.Random(seed)
    before = base_scan(catalogue)
    checked = 0
    with deadline(solve_limit=LIMIT):
        for n in range(5):
            edit = one_field_edit(catalogue, rnd, n)
            try:
                edited = apply_edits(catalogue, [edit])
            except EditError:
                continue
            result = what_if(catalogue, [edit], before=before)
            assert [c.to_json() for c in result.after] == [c.to_json() for c in scan(edited)], edit
            checked += 1
    assert checked >= 3


@pytest.mark.parametrize("ects", [4.0, 40.0], ids=["smaller", "too-large-for-the-window"])
@pytest.mark.slow
def test_an_ects_change_recomputes_only_the_cells_that_read_the_ects(
    monkeypatch, ects: float
) -> None:
    """A course's EC change reaches only the cells whose answer read its EC: not those whose
    pools hold it but whose stages were settled before a model (an unmeetable requirement that
    stays unmeetable, a bound over the cap and the ceiling that does not read it). Fewer cells
    are computed again than the course's pools reach, and the answer equals a full rescan; at
    40 EC the course no longer fits a study window on its own, which reaches the electives."""
    from articulation.answers import whatif

    catalogue = bundled_catalogue()
    before = base_scan(catalogue)
    code = "UT-900100030"  # 5 EC, in pre-master pools of many masters and elective pools
    edit = Edit("change", "course", code, patch={"ects": ects})
    result = what_if(catalogue, [edit], before=before)
    edited = apply_edits(catalogue, [edit])
    assert [c.to_json() for c in result.after] == [c.to_json() for c in scan(edited)]
    monkeypatch.setattr(whatif, "_ects_only", lambda *_: False)  # the pools' reach alone
    reach = what_if(catalogue, [edit], before=before)
    assert [c.to_json() for c in reach.after] == [c.to_json() for c in result.after]
    assert result.recomputed < reach.recomputed


def test_recorded_ects_reads_reach_no_more_cells_than_the_pools() -> None:
    """The scan records per cell which courses' EC its routes read; an EC change found with
    that record reaches no cell that rebuilding the cell's pools (cells without a record) does
    not, and fewer: a stage settled on a bound that the change leaves alone, or whose models
    were all infeasible and stay so (more EC for a course of no area it names), is not. Each
    what-if equals a full rescan, grades kept from the old cells included. Random EC edits, up
    and down, of courses some cell read."""
    from dataclasses import replace

    from articulation.answers.whatif import affected, changes_between

    catalogue = build(FACULTY)
    rnd = random.Random(11)
    with deadline(solve_limit=LIMIT):
        before = base_scan(catalogue)
        assert all(c.ects_reads is not None for c in before)
        bare = [replace(c, ects_reads=None) for c in before]
        read: set[str] = set()
        for c in before:  # model candidates, helpers a bound read, candidates of infeasible models
            read.update(c.ects_reads.read)
            read.update(code for _, items, _ in c.ects_reads.bounds for _, h in items for code in h)
            read.update(code for record in c.ects_reads.infeasible for code in record[0])
        codes = sorted(read)
        checked = fewer = 0
        for _ in range(40):
            code = rnd.choice(codes)
            course = catalogue.courses[code]
            ects = max(1.0, course.ects + rnd.choice([-2.5, -1, 1, 2.5, 10]))
            edit = Edit("change", "course", code, patch={"ects": ects, "areas": None})
            try:
                edited = apply_edits(catalogue, [edit])
            except EditError:
                continue
            changes = changes_between(catalogue, edited, [code])
            reach = affected(catalogue, edited, before, changes)
            pools = affected(catalogue, edited, bare, changes)
            assert reach.keys() <= pools.keys(), edit
            fewer += len(pools) - len(reach)
            result = what_if(catalogue, [edit], before=before)
            assert [c.to_json() for c in result.after] == [c.to_json() for c in scan(edited)]
            checked += 1
    assert checked >= 30
    assert fewer > 0  # a bound that the change does not move: its cell is not computed again
