"""Plans of the bundled curricula's routes, and the ``plan`` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from articulation.answers.minor import design_minor
from articulation.answers.scan import scan
from articulation.cli import app
from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.loader import load_curricula
from articulation.messages.status import PLANNED
from articulation.settings import BUNDLED_CURRICULA
from articulation.solving.planning.windows import study_window
from tests.plan_checker import check_plan

MINI = Path(__file__).parent / "fixtures" / "mini"
runner = CliRunner()


@pytest.fixture(scope="module")
def bundled() -> Catalogue:
    return load_curricula(BUNDLED_CURRICULA)


def test_every_bundled_cell_plan_passes_the_checker(bundled: Catalogue):
    """Every scan cell with a route carries its plan, and the plan keeps to offerings, order
    and load: electives and minors inside the bachelor's minor semester, pre-masters within one
    year (a pre-master that cannot be finished within a year is ``late``, does not fit, and
    says why; so does a transfer minor that a master's policy names but that runs beyond the
    minor semester)."""
    planned = 0
    for cell in scan(bundled):
        if cell.status not in PLANNED:
            assert cell.plan is None
            continue
        bachelor = bundled.bachelor(cell.bachelor)
        plan = cell.plan.plan
        assert plan.codes == tuple(sorted(cell.codes))
        if cell.reason.id == "route.minor_by_policy_beyond":  # a master's policy names it
            assert not plan.fits and cell.reason.kwargs["why"] == plan.reason
            continue
        if cell.status in ("electives", "minor", "premaster"):  # a route is one that fits
            assert plan.placed and plan.fits, (cell.bachelor, cell.master, plan.reason)
        if cell.status == "late":  # within the cap, but not in time
            assert not plan.fits and cell.total_ects <= cell.cap and cell.over_cap_by is None
        if cell.status == "over_cap":
            assert cell.over_cap_by is not None and cell.over_cap_by > 0
        if not plan.placed:
            continue
        planned += 1
        inside = cell.status in ("electives", "minor")
        window = set(study_window(bundled, bachelor).slots) if inside else None
        problems = check_plan(
            bundled,
            plan,
            cell.codes,
            bachelor.courses_of(cell.track),
            start_week=2 * 52 if inside else plan.start.absolute_week,
            load=15,
            window=window,
            limit_weeks=52 if cell.status == "premaster" else None,
        )
        assert not problems, (cell.bachelor, cell.master, problems)
        assert plan.optimal or cell.status == "over_cap"  # an over-cap plan only informs
    assert planned > 50


def test_the_flagship_minor_fits_its_semester(bundled: Catalogue):
    flagship = (BUNDLED_CURRICULA / "flagship-masters.txt").read_text(encoding="utf-8")
    masters = [line.split("#")[0].strip() for line in flagship.splitlines()]
    design = design_minor(bundled, "VU-B-CREATE", [m for m in masters if m], budget=30)
    assert design.plan is not None and design.plan.fits and design.optimal
    window = set(study_window(bundled, bundled.bachelor("VU-B-CREATE")).slots)
    codes = [c.code for c in design.courses]
    taken = bundled.bachelor("VU-B-CREATE").courses
    problems = check_plan(
        bundled, design.plan, codes, taken, start_week=2 * 52, load=15, window=window
    )
    assert not problems


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["--start", "2027-13"], ["--start '2027-13'", "not a month"]),
        (["--start", "sept"], ["--start 'sept'", "YYYY-MM"]),
        (["--load", "0"], ["--load 0", "more than 0 EC"]),
        (["--load", "-3"], ["--load -3"]),
        (["--track", "Data"], ["unknown track of VU-B-AI 'Data'"]),
    ],
)
def test_bad_input_exits_2_naming_option(args: list[str], needles: list[str]):
    result = run("plan", "VU-B-AI", "UT-M-CS", "--curricula", str(MINI), *args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in result.stderr


def test_unknown_window_period_suggests(bundled: Catalogue):
    result = run("plan", "VU-B-AI", "UT-M-BIT", "--window", "P1,P7")
    assert result.exit_code == 2
    assert "--window 'P1,P7': unknown period 'P7' (did you mean 'P6'?)" in result.stderr
    result = run("plan", "VU-B-AI", "UT-M-ROB", "--window", "P1")  # a pre-master
    assert result.exit_code == 2 and "--window 'P1'" in result.stderr


def test_plan_json_and_months():
    result = run("plan", "VU-B-AI", "UT-M-CS", "--curricula", str(MINI), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["status"] == "premaster"
    plan = data["plan"]
    assert plan["placed"] and plan["fits"] and plan["optimal"]
    assert plan["finish_text"] == plan["finish"]
    placed = [c["code"] for p in plan["periods"] for c in p["courses"]]
    assert sorted(placed) == sorted(data["courses"])
    result = run("plan", "VU-B-AI", "UT-M-CS", "--curricula", str(MINI), "--start", "2028-02")
    assert result.exit_code == 0, result.output
    assert "finished by" in result.stdout and "2028" in result.stdout
    data = json.loads(
        run(
            "plan", "VU-B-AI", "UT-M-CS", "--curricula", str(MINI), "--start", "2028-02", "--json"
        ).stdout
    )
    assert data["plan"]["start"] == {"year": 1, "week": 21}
    assert data["plan"]["periods"][0]["period"] == "Q3"
    assert data["plan"]["finish_text"].startswith("finished by ")


def test_route_without_plan():
    result = run("plan", "VU-B-CREATE", "UT-M-CS", "--curricula", str(MINI), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    if data["status"] not in ("electives", "minor", "premaster"):
        assert data["plan"] is None and data["reason"]


def test_every_bachelors_designed_minor_fits_its_semester(bundled: Catalogue):
    """The report designs a minor for every bachelor: each timetable passes the checker."""
    for bachelor in bundled.bachelors:
        design = design_minor(bundled, bachelor.code, budget=30)
        if not design.courses:
            continue
        assert design.plan is not None and design.plan.fits, (bachelor.code, design.plan)
        window = set(study_window(bundled, bachelor).slots)
        codes = [c.code for c in design.courses]
        problems = check_plan(
            bundled, design.plan, codes, bachelor.courses, start_week=2 * 52, load=15, window=window
        )
        assert not problems, (bachelor.code, problems)


def test_no_elective_or_minor_route_holds_part_of_a_module(bundled: Catalogue):
    """Electives and minor routes hold whole units: every bundled cell whose route holds a
    module's component holds all its siblings the bachelor's students have not passed; and
    the bundled data has module components in electives routes to check."""
    components = 0
    for cell in scan(bundled):
        if cell.status not in ("electives", "minor"):
            continue
        passed = set(bundled.bachelor(cell.bachelor).courses_of(cell.track))
        chosen = set(cell.codes)
        for code in cell.codes:
            if bundled.courses[code].part_of is None:
                continue
            components += 1
            missing = set(bundled.siblings(code)) - chosen - passed
            assert not missing, (cell.bachelor, cell.master, code, sorted(missing))
    assert components > 0
