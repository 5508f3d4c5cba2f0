"""Admission kinds and conditions in every output: direct by assessment (✓?) and the masters'
admission conditions that no curriculum shows, carried by every pair whose bachelor's admission
does not guarantee them — in the scan's JSON, the API, the CLI, the report, the directors' pages
and the student page (where a student ticks the ones they meet). Bad data and bad input are
refused naming the file or field and the value."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from articulation.cli import app as cli
from articulation.curriculum.loader import CurriculaError, load_curricula
from articulation.outputs.render import render
from articulation.outputs.report import build_report
from tests.conftest import bundled_catalogue

CATALOGUE = bundled_catalogue()
MINI = Path(__file__).parent / "fixtures" / "mini"
HMI = "https://www.utwente.nl/en/hmi/programme/premaster/"
runner = CliRunner()


def expected(bachelor: str, master: str) -> list[str]:
    """The conditions a pair must carry: the master's, less those the bachelor guarantees."""
    guaranteed = {g.condition for g in CATALOGUE.bachelor(bachelor).guarantees}
    return [c.id for c in CATALOGUE.master(master).conditions if c.id not in guaranteed]


PAIRS = [(b.code, m.code) for b in CATALOGUE.bachelors for m in CATALOGUE.masters]
WITH_CONDITIONS = [pair for pair in PAIRS if expected(*pair)]


@pytest.fixture(scope="module")
def cells(bundled_cells):
    return list(bundled_cells)


@pytest.fixture(scope="module")
def files(cells) -> dict[str, str]:
    report = build_report(CATALOGUE, cells, {}, {})
    return {name: data.decode("utf-8") for name, data in render(report).items()}


@pytest.fixture(scope="module")
def client(bundled_client: TestClient) -> TestClient:
    return bundled_client


def test_the_bundled_data_has_both_kinds_of_pair() -> None:
    """The tests below can fail: some pairs carry conditions, some do not, and some bachelor
    guarantees a condition a master asks for."""
    assert 0 < len(WITH_CONDITIONS) < len(PAIRS)
    assert any(
        set(c.id for c in CATALOGUE.master(m).conditions) - set(expected(b, m)) for b, m in PAIRS
    )


def test_every_scan_cell_carries_the_conditions_its_bachelor_does_not_guarantee(cells) -> None:
    assert len(cells) == len(PAIRS)
    for cell in cells:
        data = cell.to_json()
        assert [c["id"] for c in data["conditions"]] == expected(cell.bachelor, cell.master)
        for c in data["conditions"]:
            assert c["text"] and c["text_nl"] and c["source"].startswith("https://")
        said = [r for r in data["reasons"] if r["id"] == "explain.condition"]
        assert len(said) == len(data["conditions"]), (cell.bachelor, cell.master)
        assert (data["admission"] is not None) == (data["status"] == "direct")


def test_every_pair_in_the_api_rows_and_paths(client: TestClient) -> None:
    for b in CATALOGUE.bachelors:
        row = client.get(f"/v1/paths/{b.code}", params={"lang": "nl"})
        assert row.status_code == 200, row.text
        for cell in row.json()["paths"]:
            assert [c["id"] for c in cell["conditions"]] == expected(b.code, cell["master"])
    for bachelor, master in [*WITH_CONDITIONS[:4], ("VU-B-ME", "UT-M-COM")]:
        answer = client.get(f"/v1/paths/{bachelor}/{master}", params={"lang": "nl"}).json()
        assert [c["id"] for c in answer["conditions"]] == expected(bachelor, master)
        for c in answer["conditions"]:
            assert any(
                c["text_nl"] in line and c["source"] in line for line in answer["explanation"]
            )


@pytest.mark.slow
def test_every_pair_in_the_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    import articulation.cli.commands as commands

    monkeypatch.setattr(commands, "load", lambda curricula=None: CATALOGUE)
    for bachelor, master in PAIRS:
        result = runner.invoke(cli, ["gap", bachelor, master, "--json"])
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert [c["id"] for c in data["conditions"]] == expected(bachelor, master)
    for bachelor, master in WITH_CONDITIONS[:2]:
        result = runner.invoke(cli, ["bridge", bachelor, master, "--json"])
        assert [c["id"] for c in json.loads(result.stdout)["conditions"]] == expected(
            bachelor, master
        )
        shown = runner.invoke(cli, ["bridge", bachelor, master]).stdout
        for condition in CATALOGUE.master(master).conditions:
            assert (condition.text in shown) == (condition.id in expected(bachelor, master))


def test_every_pair_in_the_report(files: dict[str, str]) -> None:
    rows = {
        (r["bachelor"], r["master"]): r
        for r in csv.DictReader(io.StringIO(files["aansluitscan.csv"]))
    }
    index = files["index.html"]
    for bachelor, master in PAIRS:
        ids = expected(bachelor, master)
        assert rows[(bachelor, master)]["conditions"] == ";".join(ids)
        for folder in ("", "nl/"):
            page = files[f"{folder}pairs/{bachelor}/{master}.html"]
            assert re.findall(r'data-condition="([\w-]+)"', page) == ids, (bachelor, master)
        cell = re.search(
            rf'data-bachelor="{bachelor}" data-master="{master}"[^>]*data-conditions="([^"]*)"'
            r'[^>]*><a[^>]*><span class="route">([^<]*)<',  # the mark and EC, before the grade
            index,
        )
        assert cell and cell.group(1).split() == ids, (bachelor, master)
        assert ("ᶜ" in cell.group(2)) == bool(ids), (bachelor, master, cell.group(2))
    for b in CATALOGUE.bachelors:
        page = files[f"bachelors/{b.code}.html"]
        for m in CATALOGUE.masters:
            row = re.search(rf'(?s)<tr data-master="{m.code}">(.*?)</tr>', page)
            assert row and all(i in row.group(1) for i in expected(b.code, m.code))


@pytest.mark.slow
def test_every_bachelor_on_the_student_page(client: TestClient) -> None:
    """Studying and graduated: each master's conditions shown to be checked; a ticked one is
    shown met, and a condition no row carries has no checkbox."""
    for b in CATALOGUE.bachelors:
        for form in ({"bachelor": b.code, "studying": "1"}, {"bachelor": b.code}):
            page = client.post("/", data={**form, "meets": ["vwo-math-b"], "lang": "en"})
            assert page.status_code == 200, page.text[:300]
            for m in CATALOGUE.masters:
                li = re.search(
                    rf'(?s)id="m-{m.code}"(.*?)</li>\s*(?:<li class="result"|</ol>)', page.text
                )
                assert li, (b.code, m.code)
                shown = re.findall(r'data-condition="([\w-]+)" data-met="(\w+)"', li.group(1))
                assert shown == [
                    (i, "yes" if i == "vwo-math-b" else "no") for i in expected(b.code, m.code)
                ], (b.code, m.code)
            boxes = set(re.findall(r'name="meets" value="([\w-]+)"', page.text))
            assert boxes == {i for m in CATALOGUE.masters for i in expected(b.code, m.code)}
            for box in re.findall(r'<input type="checkbox" id="meets-[^>]*>', page.text):
                assert ("checked" in box) == ('value="vwo-math-b"' in box)


def test_create_to_interaction_technology_is_direct_by_assessment_everywhere(
    client: TestClient, cells, files: dict[str, str]
) -> None:
    """Direct by assessment (✓?), with the source of the reading, on every surface."""
    pair = ("VU-B-CREATE", "UT-M-IT")
    cell = next(c for c in cells if (c.bachelor, c.master) == pair).to_json()
    assert (cell["status"], cell["admission"]) == ("direct", "assessment")
    assert HMI in cell["reason"]
    api = client.get("/v1/paths/VU-B-CREATE/UT-M-IT", params={"lang": "nl"}).json()
    assert (api["status"], api["admission"]) == ("direct", "assessment")
    assert HMI in api["explanation"][0] and "beoordeling" in api["explanation"][0]
    bridge = json.loads(runner.invoke(cli, ["bridge", *pair, "--json"]).stdout)
    assert (bridge["admission"], HMI in bridge["reason"]) == ("assessment", True)
    assert "(assessment)" in runner.invoke(cli, ["bridge", *pair]).stdout
    matrix = runner.invoke(cli, ["scan", "--no-report", "--workers", "1"]).stdout
    assert "ok?" in matrix and "✓? = direct after" in matrix
    row = next(
        r
        for r in csv.DictReader(io.StringIO(files["aansluitscan.csv"]))
        if (r["bachelor"], r["master"]) == pair
    )
    assert (row["status"], row["admission"]) == ("direct", "assessment") and HMI in row["reason"]
    report = json.loads(files["aansluitscan.json"])
    assert report["summary"]["admission"]["assessment"] == 2
    index = files["index.html"]
    mark = re.search(
        r'data-bachelor="VU-B-CREATE" data-master="UT-M-IT"[^>]*><a[^>]*><span class="route">'
        r"([^<]*)<",
        index,
    )
    assert mark and mark.group(1).startswith("✓?")
    for folder in ("", "nl/"):
        page = files[f"{folder}pairs/VU-B-CREATE/UT-M-IT.html"]
        assert 'id="assessment"' in page and HMI in page and 'data-admission="assessment"' in page
    assert "✓?" in files["bachelors/VU-B-CREATE.html"]
    assert "direct ✓?" in files["aansluitscan.md"]
    directors = client.get("/directors/pair", params={"bachelor": pair[0], "master": pair[1]})
    assert 'data-admission="assessment"' in directors.text and HMI in unescape(directors.text)
    for form in ({"bachelor": "VU-B-CREATE", "studying": "1"}, {"bachelor": "VU-B-CREATE"}):
        page = client.post("/", data=form).text
        result = re.search(r'(?s)id="m-UT-M-IT"(.*?)</li>', page)
        assert result and 'data-admission="assessment"' in result.group(1)
        assert HMI in unescape(result.group(1))
    answer = client.post("/v1/eligibility", json={"courses": [], "bachelor": "VU-B-CREATE"})
    it = next(r for r in answer.json()["results"] if r["master"] == "UT-M-IT")
    assert (it["status"], it["admission"]) == ("direct", "assessment") and HMI in it["reason"]


def test_eligibility_meets(client: TestClient) -> None:
    body = {"courses": [], "bachelor": "VU-B-CREATE", "masters": ["UT-M-IEM"]}
    answer = client.post("/v1/eligibility", json={**body, "meets": ["vwo-math-b"]})
    assert answer.status_code == 200, answer.text
    (result,) = answer.json()["results"]
    assert [(c["id"], c["met"]) for c in result["conditions"]] == [
        ("vwo-math-b", True),
        ("vwo-english", False),
    ]
    bad = client.post("/v1/eligibility", json={**body, "meets": ["vwo-english", "vwo-math-c"]})
    assert bad.status_code == 422
    (item,) = bad.json()["detail"]
    assert item["loc"] == ["body", "meets", 1] and "'vwo-math-c'" in item["msg"]
    assert "vwo-math-b" in item["msg"]  # the nearest known condition
    page = client.post("/", data={"bachelor": "VU-B-CREATE", "meets": ["vwo-math-c"]})
    assert page.status_code == 422 and "vwo-math-c" in unescape(page.text)


# --- bad data ------------------------------------------------------------------------------------


@pytest.fixture
def curricula(tmp_path: Path) -> Path:
    target = tmp_path / "curricula"
    shutil.copytree(MINI, target)
    return target


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text().rstrip("\n") + "\n" + text)


def _problems(curricula: Path) -> list[str]:
    with pytest.raises(CurriculaError) as info:
        load_curricula(curricula)
    return [str(p) for p in info.value.problems]


FILES = {
    "UT-M-CS": "ut/masters/cs.yaml",
    "UT-M-AP": "ut/masters/ap.yaml",
    "VU-B-AI": "vu/bachelors/ai.yaml",
}


def _file(curricula: Path, code: str) -> Path:
    return curricula / FILES[code]


def test_a_guarantee_of_a_condition_no_master_defines_is_a_load_error(curricula: Path) -> None:
    master = _file(curricula, "UT-M-CS")
    _append(master, "conditions:\n  - {id: vwo-math-b, text: Mathematics B at VWO level}\n")
    bachelor = _file(curricula, "VU-B-AI")
    _append(bachelor, "guarantees:\n  - {condition: vwo-math-d}\n")
    problems = _problems(curricula)
    assert len(problems) == 1, problems
    assert bachelor.name in problems[0] and "guarantees[0].condition" in problems[0]
    assert "'vwo-math-d'" in problems[0] and "did you mean 'vwo-math-b'" in problems[0]


def test_a_condition_id_means_one_thing(curricula: Path) -> None:
    for code, text in (("UT-M-CS", "Mathematics B at VWO level"), ("UT-M-AP", "Mathematics B")):
        _append(_file(curricula, code), f"conditions:\n  - {{id: vwo-math-b, text: {text}}}\n")
    problems = _problems(curricula)
    assert any("conditions[0].text" in p and "'vwo-math-b'" in p for p in problems), problems


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ("assessment:\n  - {bachelors: [VU-B-AJ]}\n", "assessment[0].bachelors[0]"),
        (
            "conditions:\n  - {id: a, text: A}\n  - {id: a, text: B}\n",
            "'a' is listed twice",
        ),
        ("conditions:\n  - {id: Vwo B, text: A}\n", "conditions[0].id"),
    ],
)
def test_bad_admission_data_names_file_field_and_value(
    curricula: Path, extra: str, needle: str
) -> None:
    master = _file(curricula, "UT-M-CS")
    _append(master, extra)
    problems = _problems(curricula)
    assert any(master.name in p and needle in p for p in problems), problems


def test_a_bachelor_both_admitted_by_policy_and_assessed_is_refused(curricula: Path) -> None:
    master = _file(curricula, "UT-M-CS")
    text = master.read_text()
    assert "direct_admission" not in text
    _append(master, "direct_admission: [VU-B-AI]\nassessment:\n  - {bachelors: [VU-B-AI]}\n")
    problems = _problems(curricula)
    assert any(master.name in p and "'VU-B-AI'" in p and "both" in p for p in problems), problems
