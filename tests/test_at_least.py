"""``at_least: k`` of ``of: [...]``: a requirement that needs k of its n items. Refused with its
place when k is not from 1 to n, solved exactly (against the brute-force oracle), explained in
both languages, and kept whole by the database and the OOAPI round trip."""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError
from sqlmodel import Session
from typer.testing import CliRunner

from api.main import create_app
from articulation.cli import app as cli_app
from articulation.curriculum.loader import load_curricula
from articulation.curriculum.model import (
    MAX_DEPTH,
    AnyOf,
    AtLeast,
    Master,
    OutcomeAt,
    Requirement,
)
from articulation.interop.ooapi import export_ooapi, read_ooapi
from articulation.settings import Settings
from articulation.solving.bridging import bridge
from articulation.solving.gap import (
    Attainment,
    attained_text,
    attainment,
    describe,
    gap,
    holds,
    words,
)
from articulation.storage.catalogue_import import import_catalogue
from articulation.storage.db import make_engine, migrate
from articulation.storage.rows import read_parts
from tests import oracle
from tests.conftest import MINI
from tests.test_bridging_oracle import catalogue_of, random_instance

runner = CliRunner()
CS = "ut/masters/cs.yaml"
OLD = "  - {outcome: cs.algorithms, level: apply}\n"
FOUR = (
    "[{outcome: cs.programming, level: apply}, {outcome: math.calculus, level: apply}, "
    "{outcome: math.linear-algebra, level: apply}, {outcome: math.discrete, level: apply}]"
)


def curricula_with(tmp_path: Path, line: str, requires_only: bool = True) -> Path:
    """The fixture curricula with the master UT-M-CS requiring ``line`` (a YAML list item), only
    it when ``requires_only``."""
    target = tmp_path / "curricula"
    shutil.copytree(MINI, target)
    path = target / CS
    text = path.read_text()
    assert OLD in text
    if requires_only:
        head, _, rest = text.partition("requires:\n")
        tail = rest[rest.index("premaster:") :]
        path.write_text(f"{head}requires:\n{line}\n{tail}")
    else:
        path.write_text(text.replace(OLD, f"{OLD}{line}\n", 1))
    return target


def validate(curricula: Path):
    return runner.invoke(cli_app, ["validate", "--curricula", str(curricula)])


# --- the format --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("k", "message"),
    [
        ("5", "at_least is 5 but 'of' lists 4 item(s); at_least must be from 1 to 4"),
        ("0", "greater than or equal to 1"),
        ("true", "at_least must be a whole number from 1, got True"),
        ("2.5", "at_least must be a whole number from 1, got 2.5"),
    ],
)
def test_k_outside_1_to_n_is_refused_with_file_line_and_field(
    tmp_path: Path, k: str, message: str
) -> None:
    curricula = curricula_with(tmp_path, f"  - {{at_least: {k}, of: {FOUR}}}", False)
    result = validate(curricula)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    [line] = [line for line in result.stderr.splitlines() if message in line]
    assert f"{CS}:8: requires[1]" in line, line
    field = "requires[1].of" if k == "5" else "requires[1].at_least"
    assert field in line, line


def test_of_without_at_least_names_the_missing_field(tmp_path: Path) -> None:
    result = validate(curricula_with(tmp_path, f"  - {{of: {FOUR}}}", False))
    assert result.exit_code == 2, result.output
    assert "requires[1].at_least: required field is missing" in result.stderr, result.stderr


def test_k_from_1_to_n_is_accepted(tmp_path: Path) -> None:
    for k in (1, 4):
        curricula = curricula_with(tmp_path / str(k), f"  - {{at_least: {k}, of: {FOUR}}}", False)
        assert validate(curricula).exit_code == 0


def test_an_unknown_outcome_in_of_is_named_with_its_path(tmp_path: Path) -> None:
    line = "  - {at_least: 1, of: [{outcome: math.calculuss, level: apply}]}"
    result = validate(curricula_with(tmp_path, line, False))
    assert result.exit_code == 2, result.output
    assert "requires[1].of[0].outcome" in result.stderr and "math.calculus" in result.stderr


def test_nesting_of_at_least_counts_toward_the_depth_bound() -> None:
    item: dict = {"outcome": "a", "level": 2}
    for level in range(MAX_DEPTH):
        item = {"at_least": 1, "of": [item]} if level % 2 else {"any_of": [item]}
    adapter = TypeAdapter(Requirement)
    adapter.validate_python(item)  # the limit itself
    with pytest.raises(ValidationError, match=f"nests deeper than the limit of {MAX_DEPTH}"):
        adapter.validate_python({"at_least": 1, "of": [item]})


def test_the_json_schema_describes_at_least() -> None:
    result = runner.invoke(cli_app, ["schema"])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    text = json.dumps(schema)
    assert '"at_least"' in text and '"of"' in text
    defs = schema["$defs"]["programme"]["$defs"]
    at_least = defs["AtLeast"]["properties"]["at_least"]
    assert "from 1 to the number of items" in defs["AtLeast"]["description"]
    assert at_least["minimum"] == 1 and at_least["type"] == "integer"


# --- the gap and its explanations --------------------------------------------------------------


ITEM = AtLeast(
    at_least=3,
    of=[
        OutcomeAt(outcome="math.calculus", level=3),
        OutcomeAt(outcome="math.linear-algebra", level=3),
        {"area": "mathematics", "min_ects": 10},
        AnyOf(any_of=[OutcomeAt(outcome="cs.programming", level=3)]),
    ],
)


def test_holds_counts_the_items_met() -> None:
    att = Attainment(levels={"math.calculus": 3}, area_ects={"mathematics": 6})
    assert not holds(ITEM, att)
    assert not holds(ITEM, Attainment(levels={"math.calculus": 3, "cs.programming": 3}))
    assert holds(
        ITEM,
        Attainment(levels={"math.calculus": 3, "cs.programming": 3}, area_ects={"mathematics": 10}),
    )


def test_every_explanation_says_k_and_how_many_are_met() -> None:
    catalogue = load_curricula(MINI)
    att = Attainment(levels={"math.calculus": 3}, area_ects={"mathematics": 6})
    assert words(catalogue, ITEM, att).text() == (
        "at least 3 of: Calculus at level apply (has: apply) | Linear algebra at level apply "
        "(has: nothing) | at least 10 EC in mathematics (has 6 EC) | one of: Programming at level "
        "apply (has: nothing), 1 met"
    )
    assert words(catalogue, ITEM, att).text("nl").startswith("minstens 3 van: Calculus op niveau")
    assert words(catalogue, ITEM, att).text("nl").endswith(", 1 behaald")
    assert words(catalogue, ITEM).text() == (
        "at least 3 of: Calculus at level apply | Linear algebra at level apply | at least 10 EC "
        "in mathematics | one of: Programming at level apply"
    )
    described = describe(ITEM, att)
    assert described.text().startswith("at least 3 of (math.calculus@apply (has apply) | ")
    assert described.text().endswith("), 1 met")
    assert described.text("nl").endswith("), 1 behaald")
    assert attained_text(ITEM, att).text().startswith("1 met, 3 needed: math.calculus@apply: apply")
    assert attained_text(ITEM, att).text("nl").startswith("1 behaald, 3 nodig: ")
    assert str(ITEM).startswith("at least 3 of (math.calculus@apply | math.linear-algebra@apply")


def test_gap_bridge_and_explanations_on_the_cli(tmp_path: Path) -> None:
    """VU-B-AI passed programming: 2 of the 4 need one more, 3 of them two more."""
    for k, codes, ects in ((2, ["UT-LA"], 3.0), (3, ["UT-DM", "UT-LA"], 7.0)):
        curricula = curricula_with(tmp_path / str(k), f"  - {{at_least: {k}, of: {FOUR}}}")
        catalogue = load_curricula(curricula)
        result = bridge(
            catalogue, catalogue.master("UT-M-CS"), catalogue.bachelor("VU-B-AI").courses
        )
        assert result.status == "premaster" and result.optimal
        assert sorted(result.codes) == codes and result.total_ects == ects
        args = ["--curricula", str(curricula)]
        shown = runner.invoke(cli_app, ["gap", "VU-B-AI", "UT-M-CS", *args, "--json"])
        assert shown.exit_code == 0, shown.output
        body = json.loads(shown.stdout)
        assert body["unmet"] == [f"at least {k} of (" + FOUR_TEXT + ")"]
        assert body["details"][0].endswith("), 1 met")
        nl = runner.invoke(cli_app, ["bridge", "VU-B-AI", "UT-M-CS", *args, "--lang", "nl"])
        assert nl.exit_code == 0, nl.output
        assert f"minstens {k} van" in nl.stdout and "1 behaald" in nl.stdout, nl.stdout


FOUR_TEXT = (
    "cs.programming@apply | math.calculus@apply | math.linear-algebra@apply | math.discrete@apply"
)


def test_k_equal_to_n_is_all_and_k_1_is_any_of(tmp_path: Path) -> None:
    for k, every in ((4, ["UT-DM", "UT-MATHPACK"]), (1, [])):
        curricula = curricula_with(tmp_path / str(k), f"  - {{at_least: {k}, of: {FOUR}}}")
        catalogue = load_curricula(curricula)
        master, bachelor = catalogue.master("UT-M-CS"), catalogue.bachelor("VU-B-AI")
        the_gap = gap(master, attainment(catalogue, bachelor.courses))
        assert the_gap.closed == (k == 1)
        assert sorted(bridge(catalogue, master, bachelor.courses).codes) == every


# --- exact, against brute force ----------------------------------------------------------------


def at_least_instance(seed: int) -> oracle.Instance:
    """A random instance whose master needs k of n items (2 <= k <= n, some nested any_of and
    area items, one at_least nested in an any_of), besides its random other requirements."""
    instance = random_instance(seed)
    rnd = random.Random(seed ^ 0x5EED)
    taught = sorted({o for _, c in instance.courses for o in c.teaches}) or ["o0"]

    def member() -> Requirement:
        roll = rnd.random()
        if roll < 0.15:
            return {"area": rnd.choice(["alpha", "beta", "gamma"]), "min_ects": rnd.choice([2, 4])}
        if roll < 0.3:
            return AnyOf(
                any_of=[
                    OutcomeAt(outcome=rnd.choice(taught), level=rnd.randint(1, 4)) for _ in "ab"
                ]
            )
        return OutcomeAt(outcome=rnd.choice(taught), level=rnd.randint(1, 4))

    members = [member() for _ in range(rnd.randint(2, 5))]
    items = [AtLeast(at_least=rnd.randint(2, len(members)), of=members)]
    if rnd.random() < 0.3:
        inner = [member() for _ in range(3)]
        items.append(AnyOf(any_of=[AtLeast(at_least=2, of=inner), member()]))
    master = instance.master.model_copy(
        update={"requires": [*instance.master.requires[:1], *items]}
    )
    master = Master.model_validate(master.model_dump())
    return oracle.Instance(instance.outcomes, instance.courses, [master], instance.taken)


@settings(
    max_examples=400, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.integers(0, 2**32 - 1))
def test_at_least_equals_brute_force(seed: int) -> None:
    instance = at_least_instance(seed)
    catalogue = catalogue_of(instance)
    result = bridge(catalogue, instance.master, instance.taken)
    expected = oracle.solve(instance)
    event(f"oracle: {expected.status}")
    assert result.status == expected.status, (result, expected)
    if expected.status == "premaster":
        codes = list(result.codes)
        assert result.optimal
        assert oracle.feasible(instance, codes), codes
        assert result.total_ects == expected.ects
        assert len(codes) == expected.count
        rank = oracle.pool_rank(instance)
        assert sum(rank[c] for c in codes) == expected.rank_sum


def test_the_oracle_instances_do_exercise_k_of_n() -> None:
    """The generator gives each outcome: direct, a pre-master and infeasible."""
    statuses = {oracle.solve(at_least_instance(seed)).status for seed in range(60)}
    assert statuses == {"direct", "premaster", "infeasible"}


# --- storage and exchange ----------------------------------------------------------------------


def test_the_database_and_ooapi_keep_at_least(tmp_path: Path) -> None:
    line = f"  - {{any_of: [{{at_least: 3, of: {FOUR}}}, {{area: mathematics, min_ects: 30}}]}}"
    catalogue = load_curricula(curricula_with(tmp_path, line, False))
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    migrate(engine)
    import_catalogue(engine, catalogue)
    with Session(engine) as session:
        stored = read_parts(session).catalogue()
    engine.dispose()
    assert stored == catalogue
    requires = stored.master("UT-M-CS").requires
    assert isinstance(requires[1], AnyOf) and requires[1].any_of[0].at_least == 3
    files = json.loads(json.dumps(export_ooapi(catalogue)))
    assert read_ooapi(files).catalogue == catalogue


def test_a_remembered_solve_is_not_reused_when_other_items_of_at_least_hold(
    tmp_path: Path,
) -> None:
    """Two bachelors with the same candidates and the same unmet ``at_least`` item, one holding
    one of its items already and one none, need different programmes: the catalogue's memo of
    solves must tell them apart (each answer checked to meet the requirement)."""
    curricula = curricula_with(tmp_path, f"  - {{at_least: 2, of: {FOUR}}}")
    catalogue = load_curricula(curricula)
    master = catalogue.master("UT-M-CS")
    answers = {}
    for code in ("VU-B-AI", "VU-B-CREATE", "VU-B-AI"):
        taken = catalogue.bachelor(code).courses
        result = bridge(catalogue, master, taken)
        assert holds(master.requires[0], attainment(catalogue, {*taken, *result.codes})), code
        answers.setdefault(code, result.codes)
        assert result.codes == answers[code]
    assert answers == {"VU-B-AI": ("UT-LA",), "VU-B-CREATE": ("UT-DM", "UT-LA")}


# --- the API: writes and what-if ---------------------------------------------------------------


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    settings = Settings(database_url=database_url, migrate_on_start=False, seed_on_start=False)
    with TestClient(create_app(settings), raise_server_exceptions=True) as test_client:
        yield test_client


def with_at_least(client: TestClient, k: int) -> dict:
    master = client.get("/v1/programmes/UT-M-CS").json()
    of = [{"outcome": o, "level": "apply"} for o in ("cs.programming", "math.calculus")]
    return {**master, "requires": [{"at_least": k, "of": of}]}


def test_what_if_answers_with_at_least_and_refuses_k_over_n(client: TestClient) -> None:
    edit = {"action": "change", "programme": with_at_least(client, 3)}
    refused = client.post("/v1/whatif", json={"edits": [edit]})
    assert refused.status_code == 422, refused.text
    [problem] = [p for p in refused.json()["detail"] if "at_least is 3" in p["msg"]]
    assert problem["loc"][:4] == ["body", "edits", 0, "programme"] and "of" in problem["loc"]
    edit = {"action": "change", "programme": with_at_least(client, 2)}
    answered = client.post("/v1/whatif", json={"edits": [edit]})
    assert answered.status_code == 200, answered.text
    changed = answered.json()["changed"]
    assert changed and {c["master"] for c in changed} == {"UT-M-CS"}
    ai = next(c for c in changed if c["bachelor"] == "VU-B-AI")["after"]
    assert (ai["status"], ai["courses"], ai["total_ects"]) == ("premaster", ["UT-CALC-A"], 5)
