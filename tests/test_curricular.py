"""CurricularAnalytics interop: the CSV format and the metrics, checked against the values
CurricularAnalytics.jl v2.1.0 asserts (its test suite and documentation, commit 1bda505, cited
per value), against a path-enumerating implementation on random curricula, and through the CLI
on every CurricularAnalytics file bundled in tests/fixtures/curricular (see its README)."""

from __future__ import annotations

import csv
import io
import itertools
import json
import random
from pathlib import Path

import networkx as nx
import pytest
import yaml
from typer.testing import CliRunner

from articulation.cli import app
from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.loader import load_curricula
from articulation.curriculum.model import Bachelor, Course, Outcome
from articulation.interop.ca_format import (
    CACourse,
    CACurriculum,
    CurricularError,
    from_bachelor,
    parse_csv,
    read_csv,
    to_curricula,
    write_csv,
)
from articulation.interop.ca_metrics import (
    CA_VERSION,
    CSV_COLUMNS,
    curricular_metrics,
    curriculum_graph,
)

FIXTURES = Path(__file__).parent / "fixtures" / "curricular"
CA_FILES = sorted((FIXTURES / "ca").glob("*.csv"))
MINI = Path(__file__).parent / "fixtures" / "mini"
ROOT = Path(__file__).parent.parent
runner = CliRunner()

# CurricularAnalytics.jl v2.1.0 (commit 1bda505382dbc74d3dd89fe6eb82a9b0d58185a2),
# test/CurricularAnalytics.jl: (total, per course in course order) as each line asserts.
PUBLISHED = {
    "underwater-basket-weaving-8": {  # the curriculum built in lines 84-99
        "delay_factor": (19, [3, 3, 3, 3, 3, 2, 1, 1]),  # line 107 (and 215)
        "blocking_factor": (8, [2, 2, 1, 3, 0, 0, 0, 0]),  # line 108 (and 214)
        "centrality": (9, [0, 0, 9, 0, 0, 0, 0, 0]),  # line 109 (and 216)
        "complexity": (27, [5, 5, 4, 6, 3, 2, 1, 1]),  # line 110 (and 217)
    },
    "postmodern-basket-weaving-7": {  # the curriculum built in lines 126-153
        "delay_factor": (33, [5, 5, 5, 5, 3, 5, 5]),  # line 157
        "blocking_factor": (16, [6, 3, 4, 2, 0, 0, 1]),  # line 158
        "centrality": (49, [0, 9, 12, 18, 0, 0, 10]),  # line 159
        "complexity": (49, [11, 8, 9, 7, 3, 5, 6]),  # line 160
    },
}


def _curriculum(edges: list[tuple[int, int]], n: int, system: str = "semester") -> CACurriculum:
    """A curriculum of courses 1..n with a prerequisite edge (a, b) from a to b."""
    requisites: dict[int, list[int]] = {v: [] for v in range(1, n + 1)}
    for a, b in edges:
        requisites[b].append(a)
    courses = tuple(
        CACourse(v, f"C{v}", "C", str(v), tuple(requisites[v]), credit_hours=3)
        for v in range(1, n + 1)
    )
    return CACurriculum("Test", courses, system_type=system)


def _values(curriculum: CACurriculum, metric: str) -> list[float]:
    return list(getattr(curricular_metrics(curriculum), metric).values())


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_metrics_match_curricular_analytics_test_suite(name):
    result = curricular_metrics(read_csv(FIXTURES / f"{name}.csv"))
    for metric, (total, per_course) in PUBLISHED[name].items():
        assert result.total(metric) == total, metric
        assert list(getattr(result, metric).values()) == per_course, metric


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_published_values_through_the_cli(name):
    result = runner.invoke(app, ["metrics", str(FIXTURES / f"{name}.csv"), "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    for metric, (total, per_course) in PUBLISHED[name].items():
        assert data[metric]["total"] == total
        assert list(data[metric]["courses"].values()) == per_course


def test_delay_factor_diamond():
    # test/CurricularAnalytics.jl lines 164-175: A->B, A->C, B->D, C->D; delay (12, [3, 3, 3, 3])
    diamond = _curriculum([(1, 2), (1, 3), (2, 4), (3, 4)], 4)
    assert curricular_metrics(diamond).total("delay_factor") == 12
    assert _values(diamond, "delay_factor") == [3, 3, 3, 3]


def test_documentation_metrics_examples():
    # docs/src/metrics.md, the two four-course curricula: (a) v1->v2, v1->v3, v2->v4;
    # (b) v1->v3, v2->v3, v3->v4 (line 15). Per-course values as the figures the page shows
    # (docs/src/blocking-ex.png, delay-ex.png, centrality-ex.png, complexity-ex.png); the
    # centralities 3 and 6 also in the text (line 43), complexity totals 15 and 17 in
    # src/CurricularAnalytics.jl lines 285-286.
    a = _curriculum([(1, 2), (1, 3), (2, 4)], 4)
    b = _curriculum([(1, 3), (2, 3), (3, 4)], 4)
    assert _values(a, "blocking_factor") == [3, 1, 0, 0]
    assert _values(b, "blocking_factor") == [2, 2, 1, 0]
    assert _values(a, "delay_factor") == [3, 3, 2, 3]
    assert _values(b, "delay_factor") == [3, 3, 3, 3]
    assert _values(a, "centrality") == [0, 3, 0, 0]
    assert _values(b, "centrality") == [0, 0, 6, 0]
    assert _values(a, "complexity") == [6, 4, 2, 3]
    assert _values(b, "complexity") == [5, 5, 4, 3]
    assert curricular_metrics(a).total("complexity") == 15
    assert curricular_metrics(b).total("complexity") == 17


def test_graph_algs_paths():
    # test/GraphAlgs.jl lines 8-15 (a 12-vertex graph), 74-81 (its 5 source-to-sink paths) and
    # 85 (its one longest path [4, 2, 6, 10]): centrality sums the lengths of the paths through
    # a course, so 2 lies on all three paths from 4 (3 + 3 + 4) and 6 on one (4).
    edges = [(2, 3), (2, 5), (2, 6), (4, 2), (6, 10), (7, 8), (7, 11)]
    g = _curriculum(edges, 12)
    assert _values(g, "centrality") == [0, 10, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0]
    delay = _values(g, "delay_factor")
    assert [v for v in range(1, 13) if delay[v - 1] == max(delay)] == [2, 4, 6, 10]
    assert max(delay) == 4


def test_quarter_system_scales_complexity_as_ca_does():
    # src/CurricularAnalytics.jl, complexity(c): round(h * 2 / 3, digits=1) per course
    text = (
        (FIXTURES / "underwater-basket-weaving-8.csv")
        .read_text()
        .replace("System Type,semester", "System Type,quarter")
    )
    result = curricular_metrics(parse_csv(text))
    assert list(result.complexity.values()) == [3.3, 3.3, 2.7, 4.0, 2.0, 1.3, 0.7, 0.7]
    assert result.total("complexity") == 18.0


# --- an independent implementation: every source-to-sink path enumerated --------------------


def _brute_force(n: int, edges: list[tuple[int, int]]) -> dict[str, list[int]]:
    """The four metrics by CurricularAnalytics' written definitions, enumerating paths."""
    succ = {v: [b for a, b in edges if a == v] for v in range(1, n + 1)}
    pred = {v: [a for a, b in edges if b == v] for v in range(1, n + 1)}

    def walks(v: int) -> list[list[int]]:
        return [[v]] if not succ[v] else [[v, *p] for w in succ[v] for p in walks(w)]

    paths = [p for v in succ if not pred[v] and succ[v] for p in walks(v)]

    def reach(v: int) -> set[int]:
        return {w for s in succ[v] for w in {s, *reach(s)}}

    blocking = [len(reach(v)) for v in range(1, n + 1)]
    delay = [max([len(p) for p in paths if v in p], default=1) for v in range(1, n + 1)]
    centrality = [sum(len(p) for p in paths if v in p[1:-1]) for v in range(1, n + 1)]
    complexity = [d + b for d, b in zip(delay, blocking, strict=True)]
    return {
        "blocking_factor": blocking,
        "delay_factor": delay,
        "centrality": centrality,
        "complexity": complexity,
    }


@pytest.mark.parametrize("seed", range(60))
def test_metrics_match_path_enumeration_on_random_curricula(seed):
    rng = random.Random(seed)
    n = rng.randint(1, 11)
    density = rng.choice([0.1, 0.25, 0.45])
    order = list(range(1, n + 1))
    rng.shuffle(order)  # edges follow a random order, not the course IDs
    edges = [(a, b) for a, b in itertools.combinations(order, 2) if rng.random() < density]
    expected = _brute_force(n, edges)
    curriculum = _curriculum(edges, n)
    for metric, values in expected.items():
        assert _values(curriculum, metric) == values, metric


def test_requisite_kinds_all_count_as_edges():
    # src/DataTypes/Curriculum.jl, create_graph!: an edge for every requisite, whatever its kind
    ca = read_csv(FIXTURES / "ca" / "test_curriculum.csv")
    graph = curriculum_graph(ca)
    assert graph.has_edge(5, 4) and graph.has_edge(3, 6) and graph.has_edge(7, 8)
    assert graph.number_of_edges() == 8  # 2 + 3 + 1 + 2 requisites of courses 4, 6, 7, 8


# --- the format ------------------------------------------------------------------------------


def test_reads_curricular_analytics_test_curriculum():
    # test/DataHandler.jl lines 6-107 about test/curriculum.csv
    ca = read_csv(FIXTURES / "ca" / "test_curriculum.csv")
    assert (ca.name, ca.institution, ca.degree_type, ca.system_type, ca.cip) == (
        "Underwater Basket Weaving",  # line 8
        "ACME State University",  # line 9
        "AA",  # line 10
        "semester",  # line 11
        "445786",  # line 12
    )
    assert len(ca.courses) == 12  # lines 13-14
    assert sum(c.credit_hours for c in ca.courses) == 35  # line 15
    by_id = {c.id: c for c in ca.courses}
    assert (by_id[4].prerequisites, by_id[4].strict_corequisites) == ((1,), (5,))  # lines 49-50
    assert (by_id[6].prerequisites, by_id[6].corequisites) == ((4, 5), (3,))  # lines 66-68
    assert (by_id[8].prerequisites, by_id[8].corequisites) == ((2,), (7,))  # lines 84-85
    assert (by_id[1].name, by_id[1].prefix, by_id[1].number, by_id[1].canonical_name) == (
        "Introduction to Baskets",  # lines 19-24
        "BW",
        "110",
        "Baskets I",
    )
    assert by_id[10].canonical_name == "" and by_id[12].requisites == ()


def test_reads_curricular_analytics_test_degree_plan():
    # test/DataHandler.jl lines 111-253 about test/degree_plan.csv
    ca = read_csv(FIXTURES / "ca" / "test_degree_plan.csv")
    assert ca.plan == "4-Term Plan"  # line 113
    assert (ca.name, ca.degree_type, ca.cip) == ("Underwater Basket Weaving", "AA", "445786")
    additional = [c for c in ca.courses if c.additional]
    assert len(ca.courses) - len(additional) == 12  # line 119
    assert len({c.term for c in ca.courses}) == 4  # line 120: 4 terms
    assert sum(c.credit_hours for c in ca.courses) == 45  # line 121
    assert [c.id for c in additional] == [13, 14, 15, 16]  # line 122: 4 additional courses
    by_id = {c.id: c for c in ca.courses}
    assert by_id[3].prerequisites == (13,)  # line 152
    assert by_id[13].prerequisites == (14,)  # line 228
    assert by_id[14].strict_corequisites == (15,)  # line 236
    assert by_id[16].corequisites == (6,)  # line 252
    assert (by_id[15].name, by_id[15].number, by_id[15].credit_hours) == (
        "College Algebra Studio",  # lines 238-241
        "102S",
        1,
    )


def test_documented_degree_plan_example():
    # docs/src/degree-plan-ex.csv: course 3 requires the additional course 9
    ca = read_csv(FIXTURES / "ca" / "docs_src_degree-plan-ex.csv")
    assert ca.plan == "Precalc Ready Students"
    assert [c.id for c in ca.courses if c.additional] == [9]
    assert {c.id: c for c in ca.courses}[3].prerequisites == (9,)


@pytest.mark.parametrize("path", CA_FILES, ids=lambda p: p.name)
def test_csv_round_trip(path):
    ca = read_csv(path)
    again = parse_csv(write_csv(ca), "again.csv")
    assert again == ca
    assert curricular_metrics(again) == curricular_metrics(ca)


@pytest.mark.parametrize("path", CA_FILES, ids=lambda p: p.name)
def test_metrics_csv_reads_back_with_the_metric_columns(tmp_path, path):
    result = runner.invoke(app, ["metrics", str(path), "--format", "csv"])
    assert result.exit_code == 0
    target = tmp_path / "with-metrics.csv"
    target.write_text(result.stdout)
    assert read_csv(target) == read_csv(path)  # the curriculum itself, unchanged
    metrics = curricular_metrics(read_csv(path))
    keys = read_csv(path).keys()
    rows = list(csv.reader(io.StringIO(result.stdout)))
    headers = [i for i, row in enumerate(rows) if row and row[0] == "Course ID"]
    found = {}
    for at in headers:  # the courses, and the additional courses of a degree plan
        header = rows[at]
        assert tuple(header[-4:]) == CSV_COLUMNS  # complexity, blocking, delay, centrality
        for row in rows[at + 1 :]:
            if not row or not row[0].isdigit():
                break
            found[int(row[0])] = dict(zip(header, row, strict=True))
    assert sorted(found) == sorted(c.id for c in read_csv(path).courses)
    for course_id, row in found.items():
        key = keys[course_id]
        assert float(row["Complexity"]) == metrics.complexity[key]
        assert int(row["Blocking"]) == metrics.blocking_factor[key]
        assert int(row["Delay"]) == metrics.delay_factor[key]
        assert int(row["Centrality"]) == metrics.centrality[key]


# --- importing -------------------------------------------------------------------------------


def _import(path: Path, out: Path, *extra: str):
    return runner.invoke(
        app,
        [
            *["ca", "import", str(path), "--code", "ACME-B", "--institution", "ACME"],
            *["--out", str(out), *extra],
        ],
    )


@pytest.mark.parametrize("path", CA_FILES, ids=lambda p: p.name)
def test_every_curricular_analytics_file_imports_as_valid_curricula(tmp_path, path):
    result = _import(path, tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    catalogue = load_curricula(tmp_path / "out")  # what `articulation validate` runs
    ca = read_csv(path)
    bachelor = catalogue.bachelor("ACME-B")
    assert len(bachelor.courses) == len(ca.courses)
    assert bachelor.ects == sum(catalogue.courses[c].ects for c in bachelor.courses)
    validate = runner.invoke(app, ["validate", "--curricula", str(tmp_path / "out")])
    assert validate.exit_code == 0 and "valid" in validate.stdout
    # co-requisites become prerequisites, one warning per row that has them
    rows = [c.row for c in ca.courses if c.corequisites or c.strict_corequisites]
    warned = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert bool(rows) == any("written as prerequisites" in line for line in warned)
    for row in rows:
        assert any(f": row {row}: " in line for line in warned), row


def test_import_keeps_terms_credit_factor_and_prefixes(tmp_path):
    path = FIXTURES / "ca" / "test_degree_plan.csv"
    assert _import(path, tmp_path / "a").exit_code == 0
    data = yaml.safe_load((tmp_path / "a" / "acme" / "courses.yaml").read_text())
    courses = {c["code"]: c for c in data["courses"]}
    assert [p["name"] for p in data["calendar"]["periods"]] == ["S1", "S2"]
    # Term 2 of the plan -> S2; the plan and term stay in the provenance
    assert courses["ACME-BW-110"]["periods"] == ["S2"]
    assert "'4-Term Plan', term 2" in courses["ACME-BW-110"]["provenance"]["note"]
    assert courses["ACME-BW-110"]["ects"] == 6  # 3 credit hours x 2 EC
    assert courses["ACME-MA-102"]["prerequisites"] == [["ACME-MA-102S"]]  # a strict co-req
    assert _import(path, tmp_path / "b", "--credit-factor", "1.5").exit_code == 0
    data = yaml.safe_load((tmp_path / "b" / "acme" / "courses.yaml").read_text())
    assert {c["code"]: c["ects"] for c in data["courses"]}["ACME-BW-110"] == 4.5
    uky = FIXTURES / "ca" / "examples_UKY_EE_curric.csv"
    assert "CIS/WRD" in uky.read_text()
    assert _import(uky, tmp_path / "c").exit_code == 0
    catalogue = load_curricula(tmp_path / "c")
    assert "ACME-CIS_WRD-110" in catalogue.courses


def test_quarter_plan_imports_with_quarter_periods_and_credit(tmp_path):
    text = (FIXTURES / "ca" / "test_degree_plan.csv").read_text()
    plan = tmp_path / "quarters.csv"
    plan.write_text(text.replace("System Type,semester", "System Type,quarter"))
    result = _import(plan, tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    catalogue = load_curricula(tmp_path / "out")
    assert catalogue.courses["ACME-BW-110"].periods == ["Q2"]  # term 2
    assert catalogue.courses["ACME-BW-110"].ects == 4  # 3 quarter credit hours x 4/3
    assert catalogue.courses["ACME-BW-111L"].ects == 1.5  # 1 x 4/3, rounded to 0.5 EC
    assert "row 13: Credit Hours 1 × 1.33333 = 1.33 EC, rounded to 1.5 EC" in result.stderr


def _edit(tmp_path: Path, old: str, new: str) -> Path:
    text = (FIXTURES / "ca" / "test_curriculum.csv").read_text()
    assert old in text
    bad = tmp_path / "bad.csv"
    bad.write_text(text.replace(old, new, 1))
    return bad


@pytest.mark.parametrize(
    ("old", "new", "row", "column"),
    [
        ("Swimming", "S" * 131073, 9, "Course Name"),  # over 128 KiB
        ("Swimming", "S" * 600, 9, "Course Name"),
        ("Swimming,PE,115,,,,3", "Swimming,PE,115,,,,1e400", 9, "Credit Hours"),
        ("Swimming,PE,115,,,,3", "Swimming,PE,115,,,,10**400", 9, "Credit Hours"),
        ("Swimming,PE,115,,,,3", "Swimming,PE,115,,,,40", 9, "Credit Hours"),  # 80 EC > 60
        ("Swimming,PE,115,,,,3", "Swimming,PE,115,,,,0", 9, "Credit Hours"),
        ("2,Swimming", "1" * 500 + ",Swimming", 9, "Course ID"),
        ("2,Swimming", "2e400,Swimming", 9, "Course ID"),
        ("Swimming,PE,115,,", "Swimming,PE,115,2,", 9, "Prerequisites"),  # itself
        ("Baskets I\n", "Baskets I\n2,Twin,PE,115,,,,3,,\n", 10, "Course ID"),  # ID 2 again
        ("Swimming,PE,115,,", "Swimming,PE,115,8,", None, "Prerequisites"),  # a cycle
    ],
)
def test_bad_import_exits_2_naming_row_and_column_and_writes_nothing(
    tmp_path, old, new, row, column
):
    bad = _edit(tmp_path, old, new)
    out = tmp_path / "out"
    result = _import(bad, out)
    assert result.exit_code == 2, result.stderr
    assert "Traceback" not in result.stderr and not out.exists()
    where = (f"row {row}: " if row else "") + (f"{column}:" if column else "")
    assert where in result.stderr


@pytest.mark.parametrize(
    ("old", "new", "row", "column"),
    [
        ("Swimming", "S" * 131073, 9, "Course Name"),
        ("Physical Education", "P" * 200_000, 9, "Canonical Name"),
        ("Curriculum,Underwater", "Curriculum," + "U" * 131073, 1, "Curriculum"),
        ("ACME State University,,,,,,,,", "A" * 131073, 2, "Institution"),
    ],
)
def test_fields_over_128_kib_exit_2_naming_row_and_column(tmp_path, old, new, row, column):
    bad = _edit(tmp_path, old, new)
    for args in (["metrics", str(bad)], ["metrics", str(bad), "--format", "csv"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2 and f"row {row}: {column}: a field of" in result.stderr
    assert _import(bad, tmp_path / "out").exit_code == 2 and not (tmp_path / "out").exists()


def test_codes_that_would_clash_fall_back_to_course_ids(tmp_path):
    bad = _edit(tmp_path, "Swimming,PE,115", "Swimming,pe,115,,,,3,,\n99,Case twin,PE,115")
    result = _import(bad, tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    codes = set(load_curricula(tmp_path / "out").courses)
    assert {"ACME-CA2", "ACME-CA99"} <= codes and "ACME-PE-115" not in codes


def test_bad_options_exit_2(tmp_path):
    path = FIXTURES / "ca" / "test_curriculum.csv"
    for extra in (["--credit-factor", "0"], ["--credit-factor", "nan"]):
        assert _import(path, tmp_path / "x", *extra).exit_code == 2
    result = runner.invoke(
        app, ["ca", "import", str(path), "--code", "A/B", "--institution", "ACME", "--out", "x"]
    )
    assert result.exit_code == 2 and "--code" in result.stderr
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    ("edit", "row", "field"),
    [
        (("3,C,,,1,,,3,,", "3,C,,,1,,,three,,"), 6, "Credit Hours"),
        (("3,C,,,1,,,3,,", "3,C,,,9,,,3,,"), 6, "Prerequisites"),
        (("4,D,,,2,3,,1,,", "x,D,,,2,3,,1,,"), 7, "Course ID"),
        (("5,E,,,3,,,3,,", "3,E,,,3,,,3,,"), 8, "Course ID"),
        (("Curriculum,Postmodern", "Curricula,Postmodern"), 1, "Curriculum"),
        (("Courses\n", "Courses\nCourse ID,Course Name,Term\n"), 4, "Course ID"),
    ],
)
def test_malformed_csv_exits_2_naming_file_row_and_field(tmp_path, edit, row, field):
    text = (FIXTURES / "postmodern-basket-weaving-7.csv").read_text().replace(*edit)
    bad = tmp_path / "bad.csv"
    bad.write_text(text)
    result = runner.invoke(app, ["metrics", str(bad)])
    assert result.exit_code == 2
    assert f"bad.csv: row {row}: {field}:" in result.stderr
    out = tmp_path / "out"
    result = _import(bad, out)
    assert result.exit_code == 2 and not out.exists()  # nothing half-imported


def test_additional_courses_only_in_a_degree_plan():
    text = (FIXTURES / "ca" / "test_degree_plan.csv").read_text()
    text = text.replace("Degree Plan,4-Term Plan,,,,,,,,,\n", "")
    with pytest.raises(CurricularError, match="Additional Courses"):
        parse_csv(text)


def test_requisite_cycle_is_an_error():
    text = (
        (FIXTURES / "postmodern-basket-weaving-7.csv")
        .read_text()
        .replace("1,A,,,,,,3,,", "1,A,,,5,,,3,,")
    )
    with pytest.raises(CurricularError, match="requisite cycle"):
        curricular_metrics(parse_csv(text))


# --- a bachelor of the catalogue -------------------------------------------------------------


def _catalogue() -> Catalogue:
    outcomes = [
        Outcome(id="math.discrete", title="Discrete", area="mathematics"),
        Outcome(id="cs.programming", title="Programming", area="programming"),
    ]
    courses = [
        Course(
            code="X-DM",
            title="Discrete Maths",
            ects=5,
            teaches={"math.discrete": 3},
            periods=["Q1"],
        ),
        Course(code="X-LOGIC", title="Logic", ects=5, teaches={"math.discrete": 4}, periods=["Q1"]),
        Course(
            code="X-PROG",
            title="Programming",
            ects=5,
            teaches={"cs.programming": 3},
            periods=["Q2"],
        ),
        Course(
            code="X-INTRO", title="Intro", ects=5, teaches={"cs.programming": 2}, periods=["Q1"]
        ),
        Course(
            code="X-ADC",
            title="Algorithms",
            ects=5,
            periods=["Q3"],
            prerequisites=[["X-DM", "X-LOGIC"], ["cs.programming@apply"], ["Y-OUT"]],
        ),
    ]
    bachelor = Bachelor(
        code="X-B",
        name="X Bachelor",
        institution="X",
        kind="bachelor",
        ects=180,
        courses=[c.code for c in courses],
    )
    other = Course(code="Y-OUT", title="Elsewhere", ects=5)
    return Catalogue.build(outcomes, [*(("X", c) for c in courses), ("Y", other)], [bachelor])


def test_bachelor_export_draws_each_alternative_and_says_so():
    ca = from_bachelor(_catalogue(), "X-B")
    adc = next(c for c in ca.courses if c.number == "ADC")
    ids = {c.number: c.id for c in ca.courses}
    # both alternatives of the OR group; the course teaching programming at apply (not Intro)
    assert adc.prerequisites == tuple(sorted([ids["DM"], ids["LOGIC"], ids["PROG"]]))
    notes = " ".join(ca.notes)
    assert "each alternative is drawn as an edge" in notes
    assert "outcome@level" in notes and "1 prerequisite(s) met by no course" in notes
    assert ca.plan is not None and [c.term for c in ca.courses] == [1, 1, 2, 1, 3]
    text = write_csv(ca)
    assert "Degree Plan," in text and "\n# " in text and ",Term\n" in text
    assert parse_csv(text) == ca


def test_bundled_bachelors_export_and_metrics():
    catalogue = load_curricula("curricula")
    for bachelor in catalogue.bachelors:
        ca = from_bachelor(catalogue, bachelor.code)
        assert parse_csv(write_csv(ca)) == ca
        result = curricular_metrics(ca)
        assert result.total("complexity") == result.total("delay_factor") + result.total(
            "blocking_factor"
        )
    hms = from_bachelor(catalogue, "VU-B-HMS")  # some courses without periods: no terms
    assert hms.plan is None and any(n.startswith("no terms") for n in hms.notes)


def test_import_round_trip_of_a_bachelor():
    catalogue = load_curricula(MINI)
    ca = from_bachelor(catalogue, "VU-B-AI")
    imported = to_curricula(parse_csv(write_csv(ca)), "VU-B-AI", "VU", credit_factor=1.0)
    bachelor = imported.files["vu/bachelors/VU-B-AI.yaml"]
    assert bachelor["courses"] == list(catalogue.bachelor("VU-B-AI").courses)
    for item in imported.files["vu/courses.yaml"]["courses"]:
        course = catalogue.courses[item["code"]]
        assert (item["title"], item["ects"]) == (course.title, course.ects)


def test_cli_metrics_and_export(tmp_path):
    result = runner.invoke(
        app, ["metrics", str(FIXTURES / "postmodern-basket-weaving-7.csv"), "--json"]
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout)["centrality"]["total"] == 49
    result = runner.invoke(app, ["metrics", "VU-B-AI", "--curricula", str(MINI)])
    assert result.exit_code == 0 and "complexity" in result.stdout and "total" in result.stdout
    target = tmp_path / "ai.csv"
    result = runner.invoke(
        app, ["ca", "export", "VU-B-AI", "--curricula", str(MINI), "--out", str(target)]
    )
    assert result.exit_code == 0 and "note:" in result.stderr
    via_file = runner.invoke(app, ["metrics", str(target), "--json"])
    via_code = runner.invoke(app, ["metrics", "VU-B-AI", "--curricula", str(MINI), "--json"])
    assert json.loads(via_file.stdout) == json.loads(via_code.stdout)
    result = runner.invoke(
        app,
        [
            *["ca", "import", str(target), "--code", "VU-B-AI2", "--institution", "VU"],
            *["--out", str(tmp_path / "imp"), "--credit-factor", "1"],
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert load_curricula(tmp_path / "imp").bachelor("VU-B-AI2")
    result = runner.invoke(app, ["metrics", "VU-B-NOPE", "--curricula", str(MINI)])
    assert result.exit_code == 2 and "unknown bachelor" in result.stderr


def test_bachelor_page_shows_structural_complexity():
    from articulation.outputs.render import render
    from articulation.outputs.report import make_report

    catalogue = load_curricula(MINI)
    files = render(make_report(catalogue, extras=False), ("html",))
    total = curricular_metrics(from_bachelor(catalogue, "VU-B-AI")).total("complexity")
    page = files["bachelors/VU-B-AI.html"].decode()
    assert 'id="complexity"' in page and f"<b>{total:g}</b>" in page
    again = render(make_report(catalogue, extras=False), ("html",))
    assert again == files  # deterministic


def test_readme_names_the_version_the_metrics_follow():
    readme = (ROOT / "README.md").read_text()
    assert f"CurricularAnalytics.jl v{CA_VERSION}" in readme
    assert CA_VERSION == "2.1.0"
    text = " ".join(readme.split())
    ubw, pbw = PUBLISHED["underwater-basket-weaving-8"], PUBLISHED["postmodern-basket-weaving-7"]
    for metric, label in (
        ("complexity", "complexity"),
        ("blocking_factor", "blocking"),
        ("delay_factor", "delay"),
        ("centrality", "centrality"),
    ):
        assert f"{label} {ubw[metric][0]} and {pbw[metric][0]}" in text, metric


def test_metrics_are_polynomial_on_a_long_chain_and_a_layered_graph():
    # an 800-course chain and a 48-course layered graph (6 layers of 8, every edge between
    # neighbouring layers: 8**6 source-to-sink paths) are computed without enumerating paths
    chain = _curriculum([(v, v + 1) for v in range(1, 800)], 800)
    assert curricular_metrics(chain).total("delay_factor") == 800 * 800
    layers = [list(range(8 * i + 1, 8 * i + 9)) for i in range(6)]
    edges = [(a, b) for x, y in itertools.pairwise(layers) for a in x for b in y]
    result = curricular_metrics(_curriculum(edges, 48))
    # a course of the second layer: 8 paths in, 8**4 out, each of the 8**5 six courses long
    assert result.centrality["C-9"] == 8**5 * 6
    assert nx.is_directed_acyclic_graph(curriculum_graph(_curriculum(edges, 48)))
