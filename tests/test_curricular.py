"""CurricularAnalytics interop: the CSV format and the metrics, checked against the values
CurricularAnalytics.jl's own test suite asserts (tests/fixtures/curricular/README.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from articulation.cli import app
from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.loader import load_curricula
from articulation.curriculum.model import Bachelor, Course, Outcome
from articulation.interop.ca_format import (
    CurricularError,
    from_bachelor,
    parse_csv,
    read_csv,
    to_programme,
    write_csv,
)
from articulation.interop.ca_metrics import curricular_metrics

FIXTURES = Path(__file__).parent / "fixtures" / "curricular"
MINI = Path(__file__).parent / "fixtures" / "mini"
runner = CliRunner()

# test/CurricularAnalytics.jl (CurricularAnalytics.jl, commit d365b62): (total, per course)
PUBLISHED = {
    "underwater-basket-weaving-8": {
        "delay_factor": (19, [3, 3, 3, 3, 3, 2, 1, 1]),
        "blocking_factor": (8, [2, 2, 1, 3, 0, 0, 0, 0]),
        "centrality": (3, [0, 0, 3, 0, 0, 0, 0, 0]),
        "complexity": (27, [5, 5, 4, 6, 3, 2, 1, 1]),
    },
    "postmodern-basket-weaving-7": {
        "delay_factor": (32, [5, 5, 4, 5, 3, 5, 5]),
        "blocking_factor": (16, [6, 3, 4, 2, 0, 0, 1]),
        "centrality": (49, [0, 9, 12, 18, 0, 0, 10]),
        "complexity": (48, [11, 8, 8, 7, 3, 5, 6]),
    },
}


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_metrics_match_curricular_analytics_published_values(name):
    result = curricular_metrics(read_csv(FIXTURES / f"{name}.csv"))
    for metric, (total, per_course) in PUBLISHED[name].items():
        assert result.total(metric) == total, metric
        assert list(getattr(result, metric).values()) == per_course, metric


def test_metrics_json_shape():
    data = curricular_metrics(read_csv(FIXTURES / "underwater-basket-weaving-8.csv")).to_json()
    assert list(data) == ["blocking_factor", "delay_factor", "centrality", "complexity"]
    assert data["blocking_factor"]["total"] == 8
    assert data["complexity"]["courses"]["BW-111L"] == 6  # CA: the max. complexity course


def test_reads_curricular_analytics_test_file():
    # the facts test/DataHandler.jl asserts about test/curriculum.csv
    ca = read_csv(FIXTURES / "curriculum.csv")
    assert (ca.name, ca.institution, ca.degree_type, ca.system_type, ca.cip) == (
        "Underwater Basket Weaving",
        "ACME State University",
        "AA",
        "semester",
        "445786",
    )
    assert len(ca.courses) == 12
    assert sum(c.credit_hours for c in ca.courses) == 35
    by_id = {c.id: c for c in ca.courses}
    assert (by_id[4].prerequisites, by_id[4].strict_corequisites) == ((1,), (5,))
    assert (by_id[6].prerequisites, by_id[6].corequisites) == ((4, 5), (3,))
    assert (by_id[8].prerequisites, by_id[8].corequisites) == ((2,), (7,))
    assert (by_id[1].name, by_id[1].prefix, by_id[1].number, by_id[1].canonical_name) == (
        "Introduction to Baskets",
        "BW",
        "101",
        "Baskets I",
    )
    assert by_id[10].canonical_name == "" and by_id[12].requisites == ()


@pytest.mark.parametrize("name", ["curriculum", *sorted(PUBLISHED)])
def test_csv_round_trip(name):
    ca = read_csv(FIXTURES / f"{name}.csv")
    again = parse_csv(write_csv(ca), "again.csv")
    assert again == ca
    assert curricular_metrics(again) == curricular_metrics(ca)


def test_quarter_system_scales_complexity_as_ca_does():
    text = (
        (FIXTURES / "underwater-basket-weaving-8.csv")
        .read_text()
        .replace("System Type,semester", "System Type,quarter")
    )
    result = curricular_metrics(parse_csv(text))
    assert list(result.complexity.values()) == [3.3, 3.3, 2.7, 4.0, 2.0, 1.3, 0.7, 0.7]


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
    parts = to_programme(parse_csv(write_csv(ca)), "VU-B-AI", "VU")
    assert parts["bachelor"]["courses"] == list(catalogue.bachelor("VU-B-AI").courses)
    for item in parts["catalogue"]["courses"]:
        course = catalogue.courses[item["code"]]
        assert (item["title"], item["ects"]) == (course.title, course.ects)


def test_requisite_cycle_is_an_error():
    text = (
        (FIXTURES / "postmodern-basket-weaving-7.csv")
        .read_text()
        .replace("1,A,,,,,,3,,", "1,A,,,5,,,3,,")
    )
    with pytest.raises(CurricularError, match="requisite cycle"):
        curricular_metrics(parse_csv(text))


@pytest.mark.parametrize(
    ("edit", "row", "field"),
    [
        (("3,C,,,1,,,3,,", "3,C,,,1,,,three,,"), 6, "Credit Hours"),
        (("3,C,,,1,,,3,,", "3,C,,,9,,,3,,"), 6, "Prerequisites"),
        (("4,D,,,2,3,,1,,", "x,D,,,2,3,,1,,"), 7, "Course ID"),
        (("5,E,,,3,,,3,,", "3,E,,,3,,,3,,"), 8, "Course ID"),
        (("Curriculum,Postmodern", "Curricula,Postmodern"), 1, "Curriculum"),
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
    result = runner.invoke(
        app, ["ca", "import", str(bad), "--code", "X-B", "--institution", "X", "--out", str(out)]
    )
    assert result.exit_code == 2 and not out.exists()  # nothing half-imported


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
            "ca",
            "import",
            str(target),
            "--code",
            "VU-B-AI2",
            "--institution",
            "VU",
            "--out",
            str(tmp_path / "imp"),
        ],
    )
    assert result.exit_code == 0
    assert (tmp_path / "imp" / "courses.yaml").is_file()
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
