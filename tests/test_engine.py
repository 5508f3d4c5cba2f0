"""The engine and CLI on the small fixture curricula: gap, bridge, scan, schema, JSON contracts."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from articulation.answers.scan import scan
from articulation.cli import app
from articulation.curriculum.loader import load_curricula
from articulation.solving.bridging import alternatives, bridge
from articulation.solving.gap import attainment, gap
from tests.cli_matrix import matrix_cells

MINI = Path(__file__).parent / "fixtures" / "mini"
runner = CliRunner()


@pytest.fixture(scope="module")
def catalogue():
    return load_curricula(MINI)


def cli_json(*args: str):
    result = runner.invoke(app, [*args, "--curricula", str(MINI), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), result.stdout


def test_default_area_and_attainment(catalogue) -> None:
    assert catalogue.course_areas["UT-MATHPACK"] == {
        "mathematics": catalogue.courses["UT-MATHPACK"].ects
    }
    att = attainment(catalogue, catalogue.bachelor("VU-B-AI").courses)
    assert att.level("math.calculus") == 2
    assert att.ects("mathematics") == 6


def test_gap_lists_unmet_requirements(catalogue) -> None:
    ai = catalogue.bachelor("VU-B-AI")
    the_gap = gap(catalogue.master("UT-M-CS"), attainment(catalogue, ai.courses))
    assert the_gap.texts() == [
        "cs.algorithms@apply",
        "any of (math.calculus@apply | math.probability@apply)",
        ">= 12 EC mathematics",
    ]
    data, _ = cli_json("gap", "VU-B-AI", "UT-M-CS")
    assert data["unmet"] == the_gap.texts()
    assert ">= 12 EC mathematics (has 6 EC)" in data["details"]


def test_bridge_contract_and_explanations(catalogue) -> None:
    data, _ = cli_json("bridge", "VU-B-AI", "UT-M-CS")
    contract = {"bachelor", "master", "status", "total_ects", "courses", "optimal", "unmet"}
    assert contract <= set(data)
    assert data["status"] == "premaster" and data["optimal"] is True
    # AI already programs at apply, so algorithms needs only discrete maths first;
    # calculus via Calculus A (5) and 12 EC maths: 6 + DM 4 + Calc 5 >= 12
    codes = [c["code"] for c in data["courses"]]
    assert codes == ["UT-CALC-A", "UT-DM", "UT-ADC"]
    assert data["total_ects"] == 14
    by_code = {c["code"]: c for c in data["courses"]}
    assert by_code["UT-DM"]["needed_for"] == ["UT-ADC"]
    assert "cs.algorithms@apply" in by_code["UT-ADC"]["covers"]
    assert ">= 12 EC mathematics" in by_code["UT-CALC-A"]["covers"]
    for course in data["courses"]:
        assert set(course) >= {"code", "title", "ects", "covers", "needed_for"}


def test_prerequisite_outcome_met_by_bachelor_is_not_repeated(catalogue) -> None:
    # Creative Technology does not program: the bridge adds programming before algorithms
    result = bridge(
        catalogue, catalogue.master("UT-M-CS"), catalogue.bachelor("VU-B-CREATE").courses
    )
    assert "UT-PROG" in result.codes
    assert result.codes.index("UT-PROG") < result.codes.index("UT-ADC")


def test_infeasible_names_the_requirement(catalogue) -> None:
    data, _ = cli_json("bridge", "VU-B-AI", "UT-M-AP")
    assert data["status"] == "infeasible"
    assert data["unmet"] == ["physics.quantum@apply"]
    assert "physics.quantum@apply" in data["reason"]


def test_cap_infeasibility_reports_what_it_would_take(catalogue) -> None:
    master = catalogue.master("UT-M-CS")
    create = catalogue.bachelor("VU-B-CREATE").courses
    # the optimum is 22 EC; a quick bound (12 EC of mathematics missing) already exceeds 10
    result = bridge(catalogue, master, create, cap=10)
    assert result.status == "infeasible" and result.bound_ects == 12
    assert "at least 12 EC" in result.reason.text() and "the cap is 10 EC" in result.reason.text()
    # between the bound and the optimum the solver proves it
    result = bridge(catalogue, master, create, cap=15)
    assert result.status == "infeasible"
    assert result.reason.text() == "every programme that closes the gap exceeds the cap of 15 EC"
    assert bridge(catalogue, master, create, cap=22).total_ects == 22


def test_direct_admission_policy_keeps_the_gap(catalogue) -> None:
    data, _ = cli_json("bridge", "VU-B-CREATE", "UT-M-PSTS")
    assert data["status"] == "direct"
    assert data["courses"] == [] and data["total_ects"] == 0
    assert data["gap"] == ["research.methods@analyse (has apply)"]


def test_alternatives_are_distinct_and_not_better(catalogue) -> None:
    found = alternatives(
        catalogue, catalogue.master("UT-M-CS"), catalogue.bachelor("VU-B-CREATE").courses, 4
    )
    sets = [frozenset(b.codes) for b in found]
    assert len(found) == 4 and len(set(sets)) == 4
    ects = [b.total_ects for b in found]
    assert ects == sorted(ects)
    for earlier, later in itertools.pairwise(sets):
        assert not earlier <= later  # no later programme contains an earlier one
    # through the CLI: every further programme must drop the first one's calculus or discrete
    # maths + algorithms pair, so only one distinct alternative exists
    data, _ = cli_json("bridge", "VU-B-AI", "UT-M-CS", "--alternatives", "3")
    assert [a["total_ects"] for a in data["alternatives"]] == [16.5]
    assert [c["code"] for c in data["alternatives"][0]["courses"]] == [
        "UT-DM",
        "UT-ADC",
        "UT-MATHPACK",
    ]


def test_scan_covers_every_pair_sorted(catalogue) -> None:
    data, _ = cli_json("scan", "--no-report")
    pairs = [(c["bachelor"], c["master"]) for c in data["cells"]]
    assert pairs == sorted(pairs)
    assert len(pairs) == len(catalogue.bachelors) * len(catalogue.masters)
    statuses = {c["status"] for c in data["cells"]}
    assert statuses == {"direct", "electives", "minor", "premaster", "infeasible"}


def test_scan_is_byte_identical_across_runs_and_workers(catalogue) -> None:
    _, first = cli_json("scan", "--no-report", "--workers", "1")
    _, second = cli_json("scan", "--no-report", "--workers", "2")
    _, third = cli_json("scan", "--no-report", "--workers", "1")
    assert first == second == third
    one = [c.to_json() for c in scan(catalogue, workers=1)]
    assert json.loads(first)["cells"] == one


def test_illustrative_items_are_marked(catalogue) -> None:
    data, _ = cli_json("bridge", "VU-B-AI", "UT-M-CS")
    assert "UT-CALC-A" not in data["illustrative"]  # sourced in the fixture
    assert "UT-DM" in data["illustrative"] and "UT-M-CS" in data["illustrative"]


def test_schema_is_generated_from_the_models() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert set(schema["$defs"]) == {"outcomes", "catalogue", "programme", "transcript"}
    course = schema["$defs"]["catalogue"]["$defs"]["Course"]
    assert course["additionalProperties"] is False and "teaches" in course["properties"]
    result = runner.invoke(app, ["schema", "--kind", "nope"])
    assert result.exit_code == 2


def test_human_output_shows_matrix_and_counts() -> None:
    result = runner.invoke(app, ["scan", "--no-report", "--curricula", str(MINI)])
    assert result.exit_code == 0
    cells = matrix_cells(result.stdout)  # bachelors down, masters across, as in the report
    assert sorted({b for b, _ in cells}) == ["AI", "CREATE"]
    header = next(line for line in result.stdout.splitlines() if line.startswith("bachelor "))
    assert {"CS°", "ITECH°", "PSTS°"} <= set(header.split())
    # each cell ends with its provenance grade: the fixture's masters are illustrative (r), the
    # PSTS cells are direct by policy (graded on the policy alone); no fixture master says its
    # cap is sourced, so each is marked as assumed (°); where a graduate's route (pre-master
    # only) differs from a student's, it follows after a slash
    assert [cells["AI", "CS"], cells["CREATE", "CS"]] == ["14 rbp", "minor/22 rBp"]
    assert [cells["AI", "ITECH"], cells["CREATE", "ITECH"]] == ["— rbP", "e6/5 rbp"]
    assert [cells["AI", "PSTS"], cells["CREATE", "PSTS"]] == ["ok r––", "ok r––"]
    assert "capital = sourced, small letter = illustrative" in result.stdout
    assert "° = the master's pre-master cap is assumed" in result.stdout
    assert "8 pairs: 2 direct, 1 electives, 1 minor, 1 premaster, 3 infeasible" in result.stdout
    assert "graduates (pre-master routes only): 2 direct, 3 premaster, 3 infeasible" in (
        result.stdout
    )


def test_route_order_electives_then_minor_then_premaster(catalogue) -> None:
    data, _ = cli_json("bridge", "VU-B-CREATE", "UT-M-ITECH")
    assert data["status"] == "electives"
    assert [c["code"] for c in data["courses"]] == ["VU-PROG"]  # VU only: elective_catalogue
    assert data["cap"] == 30
    data, _ = cli_json("bridge", "VU-B-CREATE", "UT-M-CS")
    assert data["status"] == "minor" and data["minor"] == "UT-MIN-CS"
    assert data["total_ects"] == 30
    assert any(note.startswith("electives: no elective course (VU)") for note in data["why_not"])
    data, _ = cli_json("bridge", "VU-B-AI", "UT-M-CS")
    assert data["status"] == "premaster"
    assert data["why_not"] == [
        "direct: 3 requirement(s) unmet",
        "electives: the bachelor has no elective space",
        "minor: UT-MIN-CS (30 EC) does not fit",
    ]


def test_threads_share_one_snapshot_safely(monkeypatch) -> None:
    """The API answers from one catalogue in many threads: its memo must stay consistent even
    while entries are evicted (tiny limits force eviction on nearly every call)."""
    import dataclasses
    import random
    import sys
    from concurrent.futures import ThreadPoolExecutor

    from articulation.support import memo

    for name, limit in (("POOL_CONTEXTS", 2), ("SOLVES", 2), ("ATTAINED", 3)):
        space = getattr(memo, name)
        monkeypatch.setattr(memo, name, dataclasses.replace(space, limit=limit))
    shared = load_curricula(MINI)
    codes = sorted(shared.courses)
    transcripts = [random.Random(i).sample(codes, 4) for i in range(120)]

    def answers(catalogue, taken):
        return [(m.code, bridge(catalogue, m, taken).codes) for m in catalogue.masters]

    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        with ThreadPoolExecutor(8) as pool:
            parallel = list(pool.map(lambda t: answers(shared, t), transcripts))
    finally:
        sys.setswitchinterval(switch)
    alone = [answers(load_curricula(MINI), t) for t in transcripts]
    assert parallel == alone


def test_memo_spaces_are_declared_and_indexes_do_not_depend_on_answers(catalogue) -> None:
    """Every space the engine fills is declared in :mod:`articulation.support.memo`; the spaces not
    marked ``answers`` hold the same entries whichever pairs were asked first."""
    from articulation.support import memo

    names = [space.name for space in memo.SPACES]
    assert len(names) == len(set(names))
    ordered = scan(load_curricula(MINI))
    first = load_curricula(MINI)
    reversed_masters = [m.code for m in reversed(first.masters)]
    reversed_bachelors = [b.code for b in reversed(first.bachelors)]
    assert scan(first, reversed_bachelors, reversed_masters) == ordered
    assert set(first.memo) <= set(names)
    second = load_curricula(MINI)
    scan(second)
    for space in memo.SPACES:
        if not space.answers and space.name in first.memo:
            assert first.memo[space.name] == second.memo.get(space.name)


def _with_package(master, **package):
    """``master`` with one fixed pre-master package (and the cap given, if any)."""
    from articulation.curriculum.model import FixedPackage

    cap = package.pop("cap", master.premaster.max_ects)
    premaster = master.premaster.model_copy(
        update={"fixed": [FixedPackage(**package)], "max_ects": cap}
    )
    return master.model_copy(update={"premaster": premaster})


def test_a_fixed_package_is_the_answer_with_the_optimum_as_a_note(catalogue) -> None:
    from articulation.solving.route import decide

    b, m = catalogue.bachelor("VU-B-AI"), catalogue.master("UT-M-CS")
    taken = frozenset(b.courses)
    the_gap = gap(m, attainment(catalogue, taken))
    smallest = decide(catalogue, m, taken, the_gap, bachelor=b, studying=False)
    assert smallest.status == "premaster" and smallest.package is None
    courses = ["UT-CALC-A", "UT-DM", "UT-ADC", "UT-PROB"]
    fixed = _with_package(m, name="P", courses=courses, bachelors=[b.code], tailoring=True)
    route = decide(catalogue, fixed, taken, the_gap, bachelor=b, studying=False)
    assert route.status == "premaster" and route.package is not None
    assert route.codes == tuple(courses) and route.total_ects == 17
    assert route.plan is not None and route.plan.plan.fits
    assert route.package.leaves == ()
    assert route.package.tailored is not None
    assert route.package.tailored.total_ects == smallest.total_ects
    assert "a tailored pre-master of 14 EC would also close the gap" in route.reason.text()
    assert route.cap_status == "assumed"
    # the package is for the bachelors it names only: a transcript without a bachelor is not
    anyone = decide(catalogue, fixed, taken, the_gap, bachelor=None, studying=False)
    assert anyone.package is None and anyone.codes == smallest.codes


def test_a_fixed_package_says_what_it_leaves_unmet_and_when_it_is_over_the_cap(
    catalogue,
) -> None:
    from articulation.solving.route import decide

    b, m = catalogue.bachelor("VU-B-AI"), catalogue.master("UT-M-CS")
    taken = frozenset(b.courses)
    the_gap = gap(m, attainment(catalogue, taken))
    # no bachelors named: every bachelor; not tailorable; leaves the algorithms requirement unmet
    short = _with_package(m, name="Maths", courses=["UT-CALC-A", "UT-DM"], tailoring=False)
    route = decide(catalogue, short, taken, the_gap, bachelor=None, studying=False)
    assert route.status == "premaster" and route.package is not None
    assert route.package.leaves == ("cs.algorithms@apply",)
    text = route.reason.text()
    assert "the package leaves unmet (our encoding of the requirements): cs.algorithms@apply" in (
        text
    )
    assert "the source does not offer this package tailored" in text
    # above the cap: over_cap, by how much
    big = _with_package(m, name="Big", courses=["UT-CALC-A", "UT-DM", "UT-ADC"], cap=10)
    route = decide(catalogue, big, taken, the_gap, bachelor=b, studying=False)
    assert route.status == "over_cap" and route.over_cap_by == 4
