"""Minor design (CP-SAT) against brute force on random small catalogues, and on the fixture."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from articulation.answers.minor import design_minor
from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.loader import load_curricula
from articulation.curriculum.model import Bachelor
from articulation.solving.gap import attainment, holds
from tests import oracle
from tests.test_bridging_oracle import random_instance

MINI = Path(__file__).parent / "fixtures" / "mini"


def minor_catalogue(instance: oracle.Instance) -> Catalogue:
    bachelor = Bachelor(
        code="B",
        name="B",
        institution="VU",
        kind="bachelor",
        ects=180,
        courses=sorted(instance.taken),
    )
    return Catalogue.build(instance.outcomes, instance.courses, [*instance.masters, bachelor])


@settings(
    max_examples=250, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.integers(0, 2**32 - 1), st.integers(2, 4), st.sampled_from([5, 10, 15, 30]))
def test_minor_design_equals_brute_force(seed: int, n_masters: int, budget: int) -> None:
    instance = random_instance(seed, n_masters)
    catalogue = minor_catalogue(instance)
    # the course choice alone (the semester's timetable is checked by the plan tests)
    masters = [m.code for m in instance.masters]
    design = design_minor(catalogue, "B", masters, budget=budget, in_window=False)
    expected = oracle.best_minor(instance, budget)
    event(f"opened {expected.opened} of {n_masters}")
    assert design.optimal
    assert len(design.opened) == expected.opened
    assert design.total_ects == expected.ects
    assert len(design.courses) == expected.count
    codes = [c.code for c in design.courses]
    assert sum(catalogue.course_rank[c] for c in codes) == expected.rank_sum
    # what it claims is opened is opened, and the rest really is not
    after = attainment(catalogue, instance.taken | set(codes))
    for master in instance.masters:
        is_open = all(holds(item, after) for item in master.requires)
        assert is_open == (master.code in design.opened)


def test_fixture_minor_for_creative_technology() -> None:
    catalogue = load_curricula(MINI)
    design = design_minor(catalogue, "VU-B-CREATE", budget=30)
    assert design.opened == ("UT-M-CS", "UT-M-ITECH", "UT-M-PSTS")
    assert design.already_open == ("UT-M-PSTS",)
    assert design.total_ects == 22
    assert design.still_closed == {"UT-M-AP": ("physics.quantum@apply",)}
    by_code = {c.code: c for c in design.courses}
    assert by_code["UT-PROG"].masters == ("UT-M-CS", "UT-M-ITECH")  # ITECH directly, CS via ADC
    assert by_code["UT-DM"].needed_for == ("UT-ADC",)
    small = design_minor(catalogue, "VU-B-CREATE", budget=5)
    assert small.opened == ("UT-M-ITECH", "UT-M-PSTS") and small.total_ects == 5


def test_minor_cli_json_and_masters_file(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from articulation.cli import app

    runner = CliRunner()
    args = ["minor", "VU-B-CREATE", "--budget", "30", "--curricula", str(MINI), "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["opened"] == ["UT-M-CS", "UT-M-ITECH", "UT-M-PSTS"]
    assert data["newly_opened"] == ["UT-M-CS", "UT-M-ITECH"]
    assert data["still_closed"] == [{"master": "UT-M-AP", "missing": ["physics.quantum@apply"]}]
    masters = tmp_path / "masters.txt"
    masters.write_text("# the chosen set\nUT-M-ITECH\n\nUT-M-AP  # physics\n")
    result = runner.invoke(app, [*args, "--masters-file", str(masters)])
    assert json.loads(result.stdout)["masters"] == ["UT-M-AP", "UT-M-ITECH"]
    result = runner.invoke(app, ["minor", "VU-B-CREATE", "UT-M-XX", "--curricula", str(MINI)])
    assert result.exit_code == 2 and "unknown master 'UT-M-XX'" in result.stderr
    result = runner.invoke(app, [*args, "--masters-file", str(tmp_path / "none.txt")])
    assert result.exit_code == 2 and "none.txt" in result.stderr
