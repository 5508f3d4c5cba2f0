"""Plans of the bundled curricula's routes, and the ``plan`` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from articulation.catalogue import Catalogue
from articulation.cli import app
from articulation.loader import load_curricula
from articulation.plan import plan_route
from articulation.scan import scan
from articulation.settings import BUNDLED_CURRICULA
from tests.plan_checker import check_plan

MINI = Path(__file__).parent / "fixtures" / "mini"
runner = CliRunner()


@pytest.fixture(scope="module")
def bundled() -> Catalogue:
    return load_curricula(BUNDLED_CURRICULA)


def test_every_bundled_route_plan_passes_the_checker(bundled: Catalogue):
    """Each placed plan keeps to offerings, order and load (and its window); a pre-master that
    cannot finish within one year is reported, not failed."""
    late: list[str] = []
    planned = 0
    for cell in scan(bundled):
        if cell.status not in ("electives", "minor", "premaster"):
            continue
        bachelor = bundled.bachelor(cell.bachelor)
        routed = plan_route(bundled, bachelor, cell.status, cell.codes)
        plan = routed.plan
        if not plan.placed:
            assert cell.status != "premaster", (cell.master, plan.reason)
            assert "year 3" in plan.reason, plan.reason
            continue
        planned += 1
        window = {(3, bachelor.institution, name) for name in routed.window} or None
        start = 2 * 52 if window else 0
        problems = check_plan(
            bundled,
            plan,
            cell.codes,
            bachelor.courses,
            start_week=start,
            load=15,
            window=window,
            limit_weeks=52 if cell.status == "premaster" else None,
        )
        assert not problems, (cell.bachelor, cell.master, problems)
        assert plan.optimal
        if cell.status == "premaster" and not plan.fits:
            late.append(f"{cell.bachelor} → {cell.master}: {plan.reason}")
    assert planned > 50
    print("\npre-masters that cannot finish within one year:\n" + "\n".join(late))


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["--start", "2027-13"], ["--start '2027-13'", "not a month"]),
        (["--start", "sept"], ["--start 'sept'", "YYYY-MM"]),
        (["--load", "0"], ["--load 0", "more than 0 EC"]),
        (["--load", "-3"], ["--load -3"]),
        (["--track", "Data"], ["--track 'Data'", "not supported yet"]),
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
