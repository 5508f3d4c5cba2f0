"""The flagship answer (CP-SAT) against brute force on random small catalogues; its CLI and API,
bad input on both; the bundled Creative Technology run."""

from __future__ import annotations

import json
import random
import re
from itertools import combinations
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from articulation.answers.flagship import flagship, parse_masters_list
from articulation.cli import app
from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.loader import load_curricula
from articulation.curriculum.model import Bachelor, Course, Master, Outcome, OutcomeAt
from tests import oracle
from tests.test_bridging_oracle import random_instance, with_modules

MINI = Path(__file__).parent / "fixtures" / "mini"
ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "curricula"
CURVE = (0, 5, 10, 20)


def flagship_catalogue(instance: oracle.Instance) -> Catalogue:
    bachelor = Bachelor(
        code="B",
        name="B",
        institution="VU",
        kind="bachelor",
        ects=180,
        courses=sorted(instance.taken),
        electives=30,
        elective_catalogue=["UT", "VU"],
    )
    return Catalogue.build(instance.outcomes, instance.courses, [*instance.masters, bachelor])


class Brute:
    """The flagship semantics by plain enumeration: the elective pool is every bridging course
    not passed (all are bachelor-level here), a component only with all its siblings."""

    def __init__(self, instance: oracle.Instance):
        self.instance = instance
        self.outcomes = {o.id: o for o in instance.outcomes}
        self.by_code = {c.code: c for _, c in instance.courses}
        self.taken = [self.by_code[c] for c in sorted(instance.taken)]
        pool = sorted(
            c.code for _, c in instance.courses if c.bridging and c.code not in instance.taken
        )
        siblings: dict[str, list[str]] = {}
        for _, c in instance.courses:
            if c.part_of is not None:
                siblings.setdefault(c.part_of, []).append(c.code)
        self.pool = [
            code
            for code in pool
            if self.by_code[code].part_of is None
            or all(s in pool or s in instance.taken for s in siblings[self.by_code[code].part_of])
        ]
        # every subset of the pool that holds whole units and can be taken in some order
        self.packages: list[tuple[frozenset[str], float, frozenset[str]]] = []
        for size in range(len(self.pool) + 1):
            for subset in combinations(self.pool, size):
                chosen = [self.by_code[c] for c in subset]
                if not oracle.whole_units(instance, list(subset)):
                    continue
                if not oracle.orderable(chosen, self.taken, self.outcomes):
                    continue
                self.packages.append(
                    (frozenset(subset), sum(c.ects for c in chosen), self.closes(chosen))
                )

    def closes(self, chosen: list[Course]) -> frozenset[str]:
        levels, ects = oracle.attained(self.taken + chosen, self.outcomes)
        return frozenset(
            m.code
            for m in self.instance.masters
            if all(oracle.satisfied(i, levels, ects) for i in m.requires)
        )

    @property
    def direct(self) -> frozenset[str]:
        return self.closes([])

    def smallest(self, master: str) -> tuple[float, int] | None:
        """EC and course count of the smallest package that opens ``master``."""
        found = [(ects, len(p)) for p, ects, opens in self.packages if master in opens]
        return min(found) if found else None

    def seamless(self, budget: float) -> frozenset[str]:
        return self.direct | {
            m.code
            for m in self.instance.masters
            if (s := self.smallest(m.code)) is not None and s[0] <= budget
        }

    def fewest(self, budget: float) -> tuple[int, int]:
        """The fewest packages within ``budget`` that open every seamless master that is not
        direct, then the fewest distinct courses: over every union of courses, the fewest of
        its packages that cover the masters."""
        need = self.seamless(budget) - self.direct
        if not need:
            return 0, 0
        fits = [(p, opens & need) for p, ects, opens in self.packages if ects <= budget]
        best: tuple[int, int] | None = None
        for size in range(len(self.pool) + 1):
            for union in combinations(self.pool, size):
                inside = {opens for p, opens in fits if p <= set(union) and opens}
                count = cover_number(need, inside)
                if count is not None and (best is None or (count, size) < best):
                    best = (count, size)
        assert best is not None
        return best


def cover_number(need: frozenset[str], sets: set[frozenset[str]]) -> int | None:
    """The fewest of ``sets`` whose union holds ``need``."""
    for k in range(1, len(need) + 1):
        for chosen in combinations(sorted(sets, key=sorted), k):
            if need <= frozenset().union(*chosen):
                return k
    return None


@pytest.mark.slow
@settings(
    max_examples=600, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.integers(0, 2**32 - 1), st.integers(2, 4), st.sampled_from([3, 5, 7.5, 10, 20]))
def test_flagship_equals_brute_force(seed: int, n_masters: int, budget: float) -> None:
    instance = with_modules(random_instance(seed, n_masters), seed)
    brute = Brute(instance)
    if len(brute.pool) > 8:  # keep the enumeration small
        return
    catalogue = flagship_catalogue(instance)
    masters = [m.code for m in instance.masters]
    data = flagship(catalogue, "B", masters, budget=budget, timed=False, curve=CURVE).to_json()
    assert data["optimal"]
    for row in data["masters"]:
        code = row["master"]
        smallest = brute.smallest(code)
        if code in brute.direct:
            assert row["seamless"] and row["package"] is None
            continue
        if smallest is None:
            assert row["package"] is None and not row["seamless"]
            continue
        package = row["package"]
        assert (package["total_ects"], len(package["courses"])) == smallest
        assert row["seamless"] == (smallest[0] <= budget)
        if not row["seamless"]:
            assert row["beyond_budget_ects"] == smallest[0] - budget
    seamless = brute.seamless(budget)
    event(f"{len(seamless)} of {n_masters} seamless")
    assert {r["master"] for r in data["masters"] if r["seamless"]} == seamless
    count, distinct = brute.fewest(budget)
    event(f"{count} packages")
    assert len(data["packages"]) == count
    assert len({c for p in data["packages"] for c in p["courses"]}) == distinct
    opened = set()
    for package in data["packages"]:
        assert package["total_ects"] <= budget
        chosen = [brute.by_code[c] for c in package["courses"]]
        assert set(package["opens"]) == brute.closes(chosen) - brute.direct
        opened |= set(package["opens"])
    assert seamless - brute.direct <= opened
    for point in data["curve"]:
        assert point["seamless"] == len(brute.seamless(point["budget"]))
        if point["window"]:
            assert point["packages"] == brute.fewest(point["budget"])[0]


def package_instance(seed: int) -> oracle.Instance:
    """Masters that need different outcomes and courses that teach one or two of them: a small
    budget then takes several packages, and courses shared between packages matter."""
    rnd = random.Random(seed)
    ids = [f"o{i}" for i in range(5)]
    outcomes = [Outcome(id=o, title=o, area="alpha") for o in ids]
    courses: list[tuple[str, Course]] = []
    for i in range(rnd.randint(5, 8)):
        earlier = [c.code for _, c in courses]
        groups = [[rnd.choice(earlier)]] if earlier and rnd.random() < 0.2 else []
        course = Course(
            code=f"UT-{i:02d}",
            title=f"C{i}",
            ects=rnd.choice([2, 3, 4, 5]),
            teaches={o: 3 for o in rnd.sample(ids, rnd.choice([1, 1, 2]))},
            prerequisites=groups,
            bridging=True,
        )
        courses.append(("UT", course))
    masters = [
        Master(
            code=f"M{k}",
            name="Master",
            institution="UT",
            kind="master",
            ects=120,
            requires=[OutcomeAt(outcome=o, level=2) for o in rnd.sample(ids, rnd.choice([1, 2]))],
        )
        for k in range(rnd.randint(2, 4))
    ]
    return oracle.Instance(outcomes, courses, masters, frozenset())


@pytest.mark.slow
@settings(
    max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.integers(0, 2**32 - 1), st.sampled_from([4, 5, 6, 8]))
def test_fewest_packages_equal_brute_force(seed: int, budget: float) -> None:
    """Several packages and shared courses: the fewest packages, then distinct courses."""
    instance = package_instance(seed)
    brute = Brute(instance)
    catalogue = flagship_catalogue(instance)
    masters = [m.code for m in instance.masters]
    data = flagship(catalogue, "B", masters, budget=budget, timed=False, curve=CURVE).to_json()
    count, distinct = brute.fewest(budget)
    event(f"{count} packages")
    assert data["optimal"]
    assert len(data["packages"]) == count
    assert len({c for p in data["packages"] for c in p["courses"]}) == distinct
    seamless = {r["master"] for r in data["masters"] if r["seamless"]}
    assert seamless == brute.seamless(budget)
    assert seamless - brute.direct <= {m for p in data["packages"] for m in p["opens"]}
    for point in data["curve"]:
        assert point["seamless"] == len(brute.seamless(point["budget"]))
        if point["window"]:  # the setting asked; the other one counts seamless masters only
            assert point["packages"] == brute.fewest(point["budget"])[0]
        else:
            assert point["packages"] is None


def run(*args: str) -> object:
    return CliRunner().invoke(app, ["flagship", *args])


def test_flagship_cli_on_the_fixture(tmp_path: Path) -> None:
    result = run("VU-B-CREATE", "--curricula", str(MINI), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {
        "bachelor",
        "budget",
        "window",
        "masters",
        "packages",
        "curve",
        "optimal",
        "masters_source",
    }
    assert data["masters_source"] == "illustrative" and data["budget"] == 30
    assert [p["budget"] for p in data["curve"] if p["window"]] == [0, 15, 30, 45, 60, 75, 90]
    rows = {r["master"]: r for r in data["masters"]}
    assert rows["UT-M-PSTS"]["seamless"] and rows["UT-M-PSTS"]["status"] == "direct"
    assert rows["UT-M-AP"]["unmet"] == ["physics.quantum@apply"]
    assert rows["UT-M-AP"]["whatif"]["edits"][0]["action"] == "change"
    # each edit a merge patch: the course's code and the outcomes it would teach (higher)
    assert all(set(e["course"]) == {"code", "teaches"} for e in rows["UT-M-AP"]["whatif"]["edits"])
    # the patch teaches quantum physics in a core course: then Applied Physics is direct
    assert rows["UT-M-AP"]["whatif_opens"] is True
    assert "flagship.no_other_space" not in [h["id"] for h in data["headline"]]
    larger = json.loads(
        run("VU-B-CREATE", "--curricula", str(MINI), "--budget", "45", "--json").stdout
    )
    said = {h["id"]: h for h in larger["headline"]}
    assert said["flagship.no_other_space"]["params"]["holds"] == 30  # the minor semester
    assert larger["flexible_space"]["extra_periods"] == []
    again = run("VU-B-CREATE", "--curricula", str(MINI), "--json")
    assert again.stdout == result.stdout  # deterministic
    sourced = tmp_path / "list.txt"
    sourced.write_text("# source: https://example.org/list\nUT-M-PSTS\n")
    listed = run("VU-B-CREATE", "--curricula", str(MINI), "--masters-file", str(sourced), "--json")
    assert json.loads(listed.stdout)["masters_source"] == "sourced"
    for lang, word in (("nl", "naadloos"), ("en", "seamless")):
        text = CliRunner().invoke(
            app,
            ["flagship", "VU-B-CREATE", "--curricula", str(MINI), "--lang", lang],
            env={"COLUMNS": "80"},
        )
        assert text.exit_code == 0 and word in text.stdout
        assert max(len(line) for line in text.stdout.splitlines()) <= 80


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["VU-B-CRATE"], "unknown bachelor 'VU-B-CRATE' (did you mean 'VU-B-CREATE'?)"),
        (["VU-B-CREATE", "UT-M-ITEC"], "unknown master 'UT-M-ITEC' (did you mean 'UT-M-ITECH'?)"),
        (["VU-B-CREATE", "--budget", "0"], "allowed above 0 up to 180 EC"),
        (["VU-B-CREATE", "--budget", "181"], "allowed above 0 up to 180 EC"),
        (["VU-B-CREATE", "--masters-file", "/no/such/list.txt"], "/no/such/list.txt"),
    ],
)
def test_flagship_cli_bad_input(args: list[str], said: str) -> None:
    result = run(*args, "--curricula", str(MINI))
    assert result.exit_code == 2
    assert said in result.stderr


def test_flagship_cli_empty_list(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing here\n")
    result = run("VU-B-CREATE", "--curricula", str(MINI), "--masters-file", str(empty))
    assert result.exit_code == 2 and "empty" in result.stderr


def test_minor_warns_when_the_semester_caps_the_budget() -> None:
    runner = CliRunner()
    args = ["minor", "VU-B-CREATE", "--curricula", str(MINI), "--json"]
    capped = runner.invoke(app, [*args, "--budget", "60"])
    assert capped.exit_code == 0 and "holds at most 30 EC" in capped.stderr
    fits = runner.invoke(app, [*args, "--budget", "30"])
    assert fits.exit_code == 0 and "holds at most" not in fits.stderr
    free = runner.invoke(app, [*args, "--budget", "60", "--no-window"])
    assert free.exit_code == 0 and "holds at most" not in free.stderr
    assert json.loads(free.stdout)["plan"] is None


@pytest.fixture
def client(database_url: str):
    from fastapi.testclient import TestClient

    from api.main import create_app
    from articulation.settings import Settings

    settings = Settings(database_url=database_url, migrate_on_start=False, seed_on_start=False)
    with TestClient(create_app(settings), raise_server_exceptions=True) as test_client:
        yield test_client


def test_flagship_api_matches_the_cli(client) -> None:
    masters = ["UT-M-AP", "UT-M-CS", "UT-M-ITECH", "UT-M-PSTS"]
    body = client.post("/v1/flagship", json={"bachelor": "VU-B-CREATE", "masters": masters})
    assert body.status_code == 200, body.text
    cli = run("VU-B-CREATE", *masters, "--curricula", str(MINI), "--json")
    assert body.json() == json.loads(cli.stdout)
    patch = next(r["whatif"] for r in body.json()["masters"] if r["whatif"])
    assert client.post("/v1/whatif", json=patch).status_code == 200
    free = client.post(
        "/v1/flagship", json={"bachelor": "VU-B-CREATE", "window": False, "budget": 45}
    ).json()
    assert free["window"] is False and free["budget"] == 45


@pytest.mark.parametrize(
    ("body", "loc", "said"),
    [
        ({"bachelor": "VU-B-CRATE"}, ["body", "bachelor"], "VU-B-CREATE"),
        (
            {"bachelor": "VU-B-CREATE", "masters": ["UT-M-ITEC"]},
            ["body", "masters", 0],
            "UT-M-ITECH",
        ),
        ({"bachelor": "VU-B-CREATE", "masters": []}, ["body", "masters"], "at least 1"),
        ({"bachelor": "VU-B-CREATE", "budget": 0}, ["body", "budget"], "greater than 0"),
        (
            {"bachelor": "VU-B-CREATE", "budget": 200},
            ["body", "budget"],
            "less than or equal to 180",
        ),
    ],
)
def test_flagship_api_bad_input(client, body: dict, loc: list, said: str) -> None:
    response = client.post("/v1/flagship", json=body)
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert any(item["loc"] == loc and said in item["msg"] for item in detail), detail


STATED = re.compile(
    r"`articulation flagship VU-B-CREATE` on the bundled, illustrative list of (\d+) masters finds "
    r"(\d+) of the (\d+) seamless with a flexible space of (\d+) EC in the minor semester, opened "
    r"by (\d+) packages \((\d+) of the \d+ are direct\); (\d+) are reachable with a flexible "
    r"space of up to 90 EC, all of them from (\d+) EC\. Without the minor semester's timetable "
    r"\(any period of year 3\) (\d+) of the 15 would be seamless at 30 EC and (\d+) at 45 EC: "
    r"from (\d+) EC on, the calendar"
)


def test_bundled_creative_technology_run() -> None:
    """The numbers the README states for the bundled list, re-run."""
    catalogue = load_curricula(BUNDLED)
    codes, source = parse_masters_list((BUNDLED / "flagship-masters.txt").read_text())
    data = flagship(catalogue, "VU-B-CREATE", codes, masters_source=source).to_json()
    assert data["optimal"] and data["masters_source"] == "illustrative"
    assert any(h["id"] == "flagship.illustrative_list" for h in data["headline"])
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    found = STATED.search(readme)
    assert found, "no '`articulation flagship VU-B-CREATE` on the bundled …' sentence"
    free = {p["budget"]: p["seamless"] for p in data["curve"] if not p["window"]}
    seamless = [r["master"] for r in data["masters"] if r["seamless"]]
    measured = [
        len(codes),
        len(seamless),
        len(data["masters"]),
        data["budget"],
        len(data["packages"]),
        len(data["direct"]),
        len(data["reachable"]),
        data["all_reachable_ects"],
        free[30],
        free[45],
        data["calendar_binds_from"],
    ]
    assert [float(n) for n in found.groups()] == [float(n) for n in measured]
    # every seamless master is opened by a package or is direct; packages fit and are planned
    opened = {m for p in data["packages"] for m in p["opens"]} | set(data["direct"])
    assert set(seamless) <= opened
    for package in data["packages"]:
        assert package["total_ects"] <= 30 and package["plan"]["fits"]


def test_flagship_cut_by_the_deadline_says_so(client) -> None:
    """A deadline no solve can meet: the answer comes, not proven, with the best found."""
    from articulation.support.deadline import deadline

    catalogue = load_curricula(MINI)
    with deadline(0.000001):
        data = flagship(catalogue, "VU-B-CREATE", ["UT-M-CS", "UT-M-ITECH"]).to_json()
    assert data["optimal"] is False
    assert any(h["id"] == "flagship.unsettled" for h in data["headline"])
    tiny = {"bachelor": "VU-B-CREATE", "masters": ["UT-M-ITECH"], "time_limit": 0.000001}
    body = client.post("/v1/flagship", json=tiny)
    assert body.status_code == 200 and body.json()["optimal"] is False
