"""Two populations in the scan: every cell answers for a student still in the bachelor (its own
route) and for a graduate of it (``graduate``: direct or a pre-master only).

For every bundled pair, the graduate's route is what the eligibility use case answers for a
graduate holding exactly the bachelor's courses (of each track), in the JSON, the CSV and the
API; it is never electives or a minor; and where the student's route is neither, the two are the
same route."""

from __future__ import annotations

import csv
import io
import re

import pytest
from fastapi.testclient import TestClient

from articulation.answers.eligibility import assess_transcript
from articulation.answers.scan import graduate_counts, status_counts
from articulation.messages.status import ROUTED
from articulation.outputs.heatmap import render_html
from articulation.outputs.render import render_csv
from articulation.outputs.report import Report, make_report
from tests.conftest import bundled_catalogue

CATALOGUE = bundled_catalogue()
STUDYING_ONLY = {"electives", "minor"}


def outcome(status: str, ects: float) -> tuple[str, float]:
    """A route as every surface gives it: the status, and EC only for a status with a route."""
    return status, ects if status in ROUTED else 0.0


@pytest.fixture(scope="module")
def report() -> Report:
    return make_report(CATALOGUE, workers=1, extras=False)


@pytest.fixture(scope="module")
def client(bundled_client: TestClient) -> TestClient:
    return bundled_client


def eligibility(bachelor: str, track: str | None) -> dict[str, tuple[str, float, tuple]]:
    """Per master, what a graduate of ``bachelor`` (``track``) with exactly its courses gets."""
    answer = assess_transcript(CATALOGUE, [], bachelor=bachelor, track=track)
    assert not answer.studying
    return {
        r.master: (*outcome(r.status, r.bridging.total_ects), r.bridging.codes)
        for r in answer.results
    }


def test_every_graduate_route_is_the_eligibility_answer_in_json_and_csv(report: Report) -> None:
    data = {(c["bachelor"], c["master"]): c["graduate"] for c in report.to_json()["cells"]}
    rows = {
        (r["bachelor"], r["master"]): r for r in csv.DictReader(io.StringIO(render_csv(report)))
    }
    assert len(data) == len(rows) == len(CATALOGUE.bachelors) * len(CATALOGUE.masters)
    for bachelor in CATALOGUE.bachelors:
        answers = {t: eligibility(bachelor.code, t) for t in bachelor.track_names or [None]}
        for master in CATALOGUE.masters:
            pair = (bachelor.code, master.code)
            graduate = report.cell(*pair).graduate
            assert graduate is not None and graduate.graduate is None, pair
            status, ects, codes = answers[graduate.track][master.code]
            expected = (status, ects)
            assert outcome(graduate.status, graduate.total_ects) == expected, pair
            if status in ROUTED:
                assert graduate.codes == codes, pair
            # every track's graduate route, and the best of them is the one shown
            for route in graduate.tracks:
                assert (
                    outcome(route.status, route.total_ects) == answers[route.track][master.code][:2]
                ), (pair, route.track)
            assert outcome(data[pair]["status"], data[pair]["total_ects"]) == expected, pair
            assert data[pair]["track"] == graduate.track
            assert data[pair]["reasons"][0]["id"] == "explain.verdict", pair
            row = rows[pair]
            assert (row["graduate_status"], float(row["graduate_total_ects"])) == (
                graduate.status,
                graduate.total_ects,
            ), pair


def test_a_graduate_has_no_electives_or_minor_and_else_the_students_route(
    report: Report,
) -> None:
    differ = 0
    for cell in report.cells:
        pair = (cell.bachelor, cell.master)
        graduate = cell.graduate
        assert graduate is not None
        assert graduate.status not in STUDYING_ONLY, pair
        assert all(t.status not in STUDYING_ONLY for t in graduate.tracks), pair
        assert "why_not.electives" not in {m.id for m in graduate.why_not}, pair
        # a student's own route: electives, a minor, or a policy minor that is late
        if cell.status in STUDYING_ONLY | {"unknown"} or cell.minor:
            differ += 1
            assert cell.graduate_differs or graduate.codes != cell.codes, pair
            continue
        same = ("status", "total_ects", "courses", "optimal", "reason", "over_cap_by", "plan")
        for name in same:
            assert getattr(graduate, name) == getattr(cell, name), (pair, name)
        assert graduate.track == cell.track, pair
        assert not cell.graduate_differs, pair
        if cell.status != "direct":  # the student's why_not also says why not electives, minor
            assert [m.id for m in graduate.why_not] == ["why_not.direct"], pair
            assert graduate.why_not == cell.why_not[:1], pair
    late_minors = sum(1 for c in report.cells if c.minor and c.status == "late")
    assert differ == sum(status_counts(report.cells).get(s, 0) for s in STUDYING_ONLY) + late_minors
    counts = graduate_counts(report.cells)
    assert report.summary["graduate_counts"] == {
        s: counts.get(s, 0) for s in report.summary["counts"]
    }
    assert report.summary["graduate_differs"] == sum(c.graduate_differs for c in report.cells)


def test_every_graduate_route_reads_the_same_through_the_api(
    report: Report, client: TestClient
) -> None:
    """The per-bachelor endpoint and the pair endpoint carry the cell's ``graduate``."""
    for bachelor in CATALOGUE.bachelors:
        row = client.get(f"/v1/paths/{bachelor.code}")
        assert row.status_code == 200, row.text
        for path in row.json()["paths"]:
            cell = report.cell(bachelor.code, path["master"])
            graduate = path["graduate"]
            assert (graduate["status"], graduate["total_ects"]) == (
                cell.graduate.status,
                cell.graduate.total_ects,
            ), (bachelor.code, path["master"])
            assert "bachelor" not in graduate and "graduate" not in graduate
    for cell in report.cells:
        if not cell.graduate_differs:
            continue  # the pair endpoint gives the same cell; these are the ones that differ
        answer = client.get(
            f"/v1/paths/{cell.bachelor}/{cell.master}", params={"alternatives": 0, "lang": "nl"}
        )
        assert answer.status_code == 200, answer.text
        graduate = answer.json()["graduate"]
        assert (graduate["status"], graduate["total_ects"]) == (
            cell.graduate.status,
            cell.graduate.total_ects,
        )
        assert [r["id"] for r in graduate["reasons"]] == [m.id for m in cell.graduate.explanation]
        assert graduate["reasons"][0]["text"].startswith(CATALOGUE.programmes[cell.bachelor].name)
        assert " naar " in graduate["reasons"][0]["text"]  # said in Dutch


def test_an_ai_graduate_has_no_route_into_embedded_systems_where_a_student_has_electives(
    report: Report, client: TestClient
) -> None:
    """The matrix once showed only ``E 21`` here, read as open to graduates; an AI graduate
    asking the student page got no route."""
    cell = report.cell("VU-B-AI", "UT-M-EMSYS")
    assert (cell.status, cell.total_ects) == ("electives", 21.0)
    assert cell.graduate is not None and cell.graduate.status == "infeasible"
    assert cell.graduate.unmet  # what no course of the pre-master's pool can meet

    pages = render_html(report, top=15)
    index = pages["index.html"]
    td = re.search(r'(?s)<td [^>]*data-bachelor="VU-B-AI" data-master="UT-M-EMSYS".*?</td>', index)
    assert td and 'data-graduate-status="infeasible"' in td.group(0)
    assert re.search(r'>E 21 /</span> <span class="route">✗<', td.group(0)), td.group(0)
    for path, heading in (("", "For a graduate"), ("nl/", "Voor een afgestudeerde")):
        page = pages[f"{path}pairs/VU-B-AI/UT-M-EMSYS.html"]
        section = re.search(r'(?s)<section id="graduate" data-status="(\w+)".*?</section>', page)
        assert section and section.group(1) == "infeasible"
        assert heading in section.group(0) and 'id="graduate-reasons"' in section.group(0)

    sources = pages["sources.html"]  # the graduates' courses are on the pair pages: sourced
    graduate_codes = {c for cell in report.cells for c in cell.graduate.codes}
    assert graduate_codes and all(f">{code}<" in sources for code in graduate_codes)

    studying = client.post("/", data={"bachelor": "VU-B-AI", "studying": "1", "lang": "en"})
    graduated = client.post("/", data={"bachelor": "VU-B-AI", "lang": "en"})
    for page, population, status in (
        (studying, "studying", "electives"),
        (graduated, "graduate", "infeasible"),
    ):
        assert page.status_code == 200
        assert f'data-population="{population}"' in page.text
        shown = re.search(r'id="m-UT-M-EMSYS" data-status="(\w+)"', page.text)
        assert shown and shown.group(1) == status, population


def test_the_cli_matrix_and_counts_show_both_populations(report: Report) -> None:
    from typer.testing import CliRunner

    from articulation.cli import app
    from tests.cli_matrix import matrix_cells

    result = CliRunner().invoke(app, ["scan", "--no-report"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    students = ", ".join(f"{n} {s}" for s, n in status_counts(report.cells).items())
    graduates = ", ".join(f"{n} {s}" for s, n in graduate_counts(report.cells).items())
    assert f"{len(report.cells)} pairs: {students}" in result.stdout
    assert f"graduates (pre-master routes only): {graduates}" in result.stdout
    assert matrix_cells(result.stdout)["AI", "EMSYS"].startswith("e21/—")


def test_the_pre_master_is_solved_once_per_track_for_both_populations(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past direct, a track's pre-master route is solved once and is the graduate's; it is the
    student's too unless the student has electives or a minor (the only extra cost)."""
    from articulation.answers.scan import assess
    from articulation.solving import route

    solved = []
    after_graduating = route._after_graduating

    def counted(*args, **kwargs):
        found = after_graduating(*args, **kwargs)
        solved.append(found)
        return found

    monkeypatch.setattr(route, "_after_graduating", counted)
    for bachelor in CATALOGUE.bachelors:
        for master in CATALOGUE.masters[:6]:
            solved.clear()
            cell = assess(CATALOGUE, bachelor, master)
            tracks = max(1, len(bachelor.tracks))
            assert len(solved) == (0 if cell.status == "direct" else tracks)
            if cell.status != "direct":
                graduate = cell.graduate
                assert graduate is not None
                assert any(s.courses == graduate.courses for s in solved)
