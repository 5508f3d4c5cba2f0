"""The flagship answer on the report's page (English and Dutch), in the report's JSON and on
``/directors``: every master row and every package as the engine answers them, the reasons in
the page's language, and bad input on the directors' form named in that language (no 500)."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.main import create_app
from articulation.answers.flagship import DEFAULT_LIST, flagship
from articulation.cli import app as cli
from articulation.cli.files import write_files
from articulation.curriculum.loader import load_curricula
from articulation.messages.message import render_json
from articulation.outputs import heatmap, report
from articulation.outputs.render import render
from articulation.settings import BUNDLED_CURRICULA, Settings
from tests.conftest import MINI

ROW = re.compile(
    r'<tr data-master="([^"]+)" data-seamless="(\w+)" data-status="(\w+)" data-ects="([^"]*)" '
    r'data-beyond="([^"]*)" data-courses="([^"]*)" data-grade="([^"]*)"'
)
PACKAGE = re.compile(
    r'<div class="package" data-package="(\d+)" data-courses="([^"]*)" data-ects="([^"]*)" '
    r'data-opens="([^"]*)">'
)
CURVE = re.compile(
    r'<tr data-budget="([^"]*)" data-seamless="(\d+)" data-packages="(\d*)" '
    r'data-final-year="(\d+)">'
)


def written(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


@pytest.fixture(scope="module")
def bundled(bundled_report: report.Report) -> tuple[report.Report, dict[str, str], dict]:
    """The bundled report with its flagship question (as ``make scan`` asks it), its pages and
    the engine's own answer to the same question, asked of a catalogue loaded afresh."""
    catalogue = load_curricula(BUNDLED_CURRICULA)
    asked = report.flagship_questions(catalogue, Path(BUNDLED_CURRICULA) / DEFAULT_LIST)
    made = bundled_report
    files = {path: data.decode("utf-8") for path, data in render(made, ["html", "json"]).items()}
    (question,) = asked
    answer = flagship(catalogue, question.bachelor, question.masters, masters_source="illustrative")
    return made, files, answer.to_json()


def check_section(page: str, answer: dict, lang: str) -> None:
    """The section shows every master row, package and point of the curve of ``answer``, and
    its reasons and headline in ``lang``."""
    text = html.unescape(page)
    rows = ROW.findall(page)
    assert [r[0] for r in rows] == [m["master"] for m in answer["masters"]]
    for found, row in zip(rows, answer["masters"], strict=True):
        package = row["package"] or {"courses": [], "total_ects": None}
        assert found[1:] == (
            "true" if row["seamless"] else "false",
            row["status"],
            written(package["total_ects"]),
            written(row["beyond_budget_ects"]),
            " ".join(package["courses"]),
            row["grade"]["grade"],
        ), row["master"]
        for reason in row["reasons"]:
            assert render_json(reason, lang) in text, row["master"]
    packages = PACKAGE.findall(page)
    assert len(packages) == len(answer["packages"])
    for found, package in zip(packages, answer["packages"], strict=True):
        assert found[1:] == (
            " ".join(package["courses"]),
            written(package["total_ects"]),
            " ".join(package["opens"]),
        )
        for period in package["plan"]["periods"]:
            assert f'data-period="{period["year"]}-{period["period"]}"' in page
    curve = CURVE.findall(page)
    budgets = sorted({p["budget"] for p in answer["curve"]})
    assert [float(c[0]) for c in curve] == budgets
    for found, budget in zip(curve, budgets, strict=True):
        at = {p["window"]: p for p in answer["curve"] if p["budget"] == budget}
        assert int(found[1]) == at[True]["seamless"] and int(found[3]) == at[False]["seamless"]
        assert found[2] == written(at[answer["window"]]["packages"])
    for note in answer["headline"]:
        assert render_json(note, lang) in text
    for row in answer["masters"]:
        if row["whatif"]:  # the patch as the what-if endpoint takes it
            shown = json.dumps(row["whatif"], indent=2, ensure_ascii=False)
            assert shown in text, row["master"]


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_report_flagship_page_agrees_with_the_engine(bundled, lang: str) -> None:
    made, files, answer = bundled
    assert set(made.flagship) == {"VU-B-CREATE"}
    folder = heatmap.FOLDERS[lang]
    page = files[folder + heatmap.FLAGSHIP_PAGE]
    assert f'<html lang="{lang}">' in page
    assert 'href="flagship.html"' in files[folder + "index.html"]
    check_section(page, answer, lang)
    assert len(answer["masters"]) == 15 and answer["masters_source"] == "illustrative"
    said = {"en": "The list of masters is our own illustrative choice", "nl": "onze eigen"}
    assert said[lang] in page


def test_report_json_holds_the_engines_answer(bundled) -> None:
    _, files, answer = bundled
    data = json.loads(files["aansluitscan.json"])
    assert data["flagship"] == {"VU-B-CREATE": answer}


def test_scan_writes_the_flagship_page_and_names_an_unknown_bachelor(tmp_path) -> None:
    runner = CliRunner()
    args = ["scan", "--curricula", str(MINI), "--out", str(tmp_path), "--workers", "1"]
    done = runner.invoke(cli, args)
    assert done.exit_code == 0, done.output
    assert (tmp_path / "flagship.html").is_file() and (tmp_path / "nl/flagship.html").is_file()
    data = json.loads((tmp_path / "aansluitscan.json").read_text(encoding="utf-8"))
    assert set(data["flagship"]) == {"VU-B-CREATE"}
    bad = runner.invoke(cli, [*args, "--out", str(tmp_path / "b"), "--flagship", "VU-B-CREAT"])
    assert bad.exit_code == 2 and "VU-B-CREAT" in bad.output and "VU-B-CREATE" in bad.output


def test_report_without_the_flagship_bachelor_has_no_flagship_page(tmp_path) -> None:
    catalogue = load_curricula(MINI)
    asked = report.flagship_questions(catalogue, MINI / DEFAULT_LIST)
    assert [q.bachelor for q in asked] == ["VU-B-CREATE"]
    made = report.make_report(catalogue, ["VU-B-AI"], extras=True, flagship_questions=asked)
    files = render(made, ["html", "json"])
    assert heatmap.FLAGSHIP_PAGE not in files
    assert json.loads(files["aansluitscan.json"])["flagship"] == {}
    assert b"flagship.html" not in files["index.html"]
    # a flagship page an earlier report left is removed, in both languages
    for folder in ("", "nl/"):
        (tmp_path / folder).mkdir(exist_ok=True)
        (tmp_path / folder / heatmap.FLAGSHIP_PAGE).write_text("old", encoding="utf-8")
    write_files(files, tmp_path)
    assert not list(tmp_path.rglob(heatmap.FLAGSHIP_PAGE))


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    settings = Settings(database_url=database_url, migrate_on_start=False, seed_on_start=False)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


QUESTIONS = [
    ({"bachelor": "VU-B-CREATE"}, {"bachelor": "VU-B-CREATE"}),
    (
        {"bachelor": "VU-B-AI", "masters": ["UT-M-CS", "UT-M-AP"], "budget": "20,5"},
        {"bachelor": "VU-B-AI", "masters": ["UT-M-CS", "UT-M-AP"], "budget": 20.5},
    ),
    (
        {"bachelor": "VU-B-CREATE", "window": "final", "budget": "45"},
        {"bachelor": "VU-B-CREATE", "window": False, "budget": 45},
    ),
]


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize(("form", "body"), QUESTIONS)
def test_directors_flagship_agrees_with_the_api(client, form, body, lang) -> None:
    api = client.post("/v1/flagship", json=body, headers={"Accept-Language": lang})
    assert api.status_code == 200, api.text
    page = client.get("/directors/flagship", params={**form, "lang": lang})
    assert page.status_code == 200, page.text
    assert f'<html lang="{lang}">' in page.text and 'class="flagship"' in page.text
    check_section(page.text, api.json(), lang)
    share = re.search(r'<a id="flagship-share" href="([^"]+)"', page.text)
    again = client.get(html.unescape(share[1]))  # the shared address: the same answer
    assert ROW.findall(again.text) == ROW.findall(page.text)
    other = "en" if lang == "nl" else "nl"  # the language switch keeps the question
    switch = re.search(rf'<a href="([^"]+)" hreflang="{other}"', page.text)
    switched = client.get(html.unescape(switch[1]))
    assert f'<html lang="{other}">' in switched.text
    assert ROW.findall(switched.text) == ROW.findall(page.text)


BAD = [
    ({"bachelor": "VU-B-CREAT"}, ["VU-B-CREAT", "VU-B-CREATE"]),
    ({"masters": ["UT-M-CS", "UT-M-XX"]}, ["UT-M-XX"]),
    ({"budget": "lots"}, ["lots"]),
    ({"budget": "0"}, ["0 EC", "180 EC"]),
    ({"budget": "180,5"}, ["180,5 EC", "180 EC"]),
    ({"budget": "nan"}, ["nan"]),
    ({"window": "summer"}, ["summer"]),
]
WORDS = {
    "en": ["Unknown bachelor", "Unknown master", "not a number", "out of range", "out of range",
           "out of range", "neither of the two"],
    "nl": ["Onbekende code van een bachelor", "Onbekende code van een master", "geen aantal EC",
           "buiten het bereik", "buiten het bereik", "buiten het bereik", "geen van de twee"],
}  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("k", range(len(BAD)))
def test_directors_flagship_names_bad_input(client, k, lang) -> None:
    params, named = BAD[k]
    answer = client.get("/directors/flagship", params={**params, "lang": lang})
    assert answer.status_code == 422, answer.text
    error = re.search(r'<div class="error" role="alert">(.*?)</div>', answer.text, re.S)
    assert error, answer.text
    text = html.unescape(error[1])
    assert WORDS[lang][k] in text, text
    for value in named:
        assert value in text, text


def test_scan_job_report_has_the_flagship_page_the_api_answers(client) -> None:
    """A scan job's report (``POST /v1/scans``) asks the flagship question too: its JSON holds
    what ``POST /v1/flagship`` answers, and its pages link to the flagship page."""
    import time

    from articulation.storage.clients import add_client

    token = add_client(client.app.state.engine, "flagship", "scanner", "*")
    scanner = {"Authorization": f"Bearer {token}"}
    location = client.post("/v1/scans", json={}, headers=scanner).headers["location"]
    for _ in range(600):
        if client.get(location).json()["status"] in ("done", "failed"):
            break
        time.sleep(0.1)
    data = client.get(f"{location}/report.json").json()
    answer = client.post("/v1/flagship", json={"bachelor": "VU-B-CREATE"}).json()
    assert data["flagship"] == {"VU-B-CREATE": answer}
    assert 'href="flagship.html"' in client.get(f"{location}/report.html").text
    for path in ("flagship.html", "nl/flagship.html"):
        page = client.get(f"{location}/{path}")
        assert page.status_code == 200, path
        check_section(page.text, answer, "nl" if path.startswith("nl/") else "en")
