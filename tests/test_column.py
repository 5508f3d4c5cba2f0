"""The column view: every bachelor's route into one master, on the API (``GET /v1/paths?master=``),
the command line (``articulation column``) and ``/directors/column``, against the scan's cells
for every bundled master."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.main import create_app
from articulation.answers.scan import Cell
from articulation.cli import app as cli_app
from articulation.curriculum.catalogue import Catalogue
from articulation.messages.message import Message
from articulation.messages.status import STATUS
from articulation.settings import Settings

BUNDLED = Path(__file__).parent.parent / "curricula"


pytestmark = pytest.mark.usefixtures("cli_reads_bundled_once")


@pytest.fixture(scope="module")
def catalogue(bundled_catalogue: Catalogue) -> Catalogue:
    return bundled_catalogue


@pytest.fixture(scope="module")
def cells(bundled_cells: tuple[Cell, ...]) -> dict[tuple[str, str], dict[str, Any]]:
    """The scan of the bundled curricula, computed once, by (bachelor, master)."""
    return {(c.bachelor, c.master): c.to_json() for c in bundled_cells}


@pytest.fixture(scope="module")
def client(bundled_client: TestClient) -> TestClient:
    """The API on a SQLite database seeded with the bundled curricula."""
    return bundled_client


def summary(cell: dict[str, Any]) -> tuple[str, float, str | None, float | None]:
    graduate = cell.get("graduate")
    return (
        cell["status"],
        cell["total_ects"],
        graduate["status"] if graduate else None,
        graduate["total_ects"] if graduate else None,
    )


def test_the_api_column_of_every_master_is_the_scan_column(
    client: TestClient, catalogue: Catalogue, cells: dict[tuple[str, str], dict[str, Any]]
) -> None:
    for m in catalogue.masters:
        response = client.get("/v1/paths", params={"master": m.code.lower()})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["master"] == m.code and body["sort"] == "status"
        got = {p["bachelor"]: summary(p) for p in body["paths"]}
        want = {b.code: summary(cells[b.code, m.code]) for b in catalogue.bachelors}
        assert got == want, m.code
        for p in body["paths"]:
            scanned = cells[p["bachelor"], m.code]
            for key in ("admission", "conditions", "provenance"):
                assert p[key] == scanned[key], (m.code, p["bachelor"], key)


def test_the_column_sorts_by_status_then_ec_or_by_name(client: TestClient) -> None:
    from articulation.messages.status import rank

    by_status = client.get("/v1/paths", params={"master": "UT-M-CS"}).json()["paths"]
    keys = [(rank(p["status"]), p["total_ects"], p["bachelor"]) for p in by_status]
    assert keys == sorted(keys)
    by_name = client.get("/v1/paths", params={"master": "UT-M-CS", "sort": "name"}).json()
    names = [p["bachelor_name"].casefold() for p in by_name["paths"]]
    assert names == sorted(names) and by_name["sort"] == "name"
    assert sorted(p["bachelor"] for p in by_name["paths"]) == sorted(
        p["bachelor"] for p in by_status
    )


def test_the_column_says_its_reasons_in_dutch(client: TestClient) -> None:
    en = client.get("/v1/paths", params={"master": "UT-M-CS"}).json()["paths"]
    nl = client.get("/v1/paths", params={"master": "UT-M-CS", "lang": "nl"}).json()["paths"]
    assert [summary(p) for p in en] == [summary(p) for p in nl]
    said = {(r["id"], r["text"]) for p in nl for r in p["reasons"]}
    assert said
    english = {r["text"] for p in en for r in p["reasons"]}
    assert {text for _, text in said} - english, "no reason said in Dutch"


@pytest.mark.parametrize("master", ["UT-M-CS", "ut-m-bit", "UT-M-EE"])
def test_the_cli_column_json_is_the_api_column(client: TestClient, master: str) -> None:
    result = CliRunner().invoke(cli_app, ["column", master, "--json", "--lang", "nl"])
    assert result.exit_code == 0, result.output
    api = client.get("/v1/paths", params={"master": master, "lang": "nl"}).json()
    assert json.loads(result.stdout) == api


def test_the_cli_column_table_names_every_bachelor(catalogue: Catalogue) -> None:
    result = CliRunner().invoke(
        cli_app, ["column", "UT-M-CS", "--sort", "name"], env={"COLUMNS": "80"}
    )
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    flat = re.sub(r"[│\s]+", " ", result.stdout)
    for b in catalogue.bachelors:
        assert f"({b.code})" in flat.replace(" ", "") or b.code in flat, b.code


def test_an_unknown_master_is_named_with_the_nearest_code(client: TestClient) -> None:
    response = client.get("/v1/paths", params={"master": "UT-M-CZ"})
    assert response.status_code == 422
    item = response.json()["detail"][0]
    assert item["loc"] == ["query", "master"]
    assert "UT-M-CZ" in item["msg"] and "did you mean" in item["msg"]
    result = CliRunner().invoke(cli_app, ["column", "UT-M-CZ"])
    assert result.exit_code == 2
    assert "UT-M-CZ" in result.stderr and "did you mean" in result.stderr
    page = client.get("/directors/column", params={"master": "UT-M-CZ"})
    assert page.status_code == 422 and "UT-M-CZ" in page.text


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_directors_column_shows_every_bachelor_as_the_matrix_does(
    client: TestClient,
    catalogue: Catalogue,
    cells: dict[tuple[str, str], dict[str, Any]],
    lang: str,
) -> None:
    for order in ("status", "name"):
        page = client.get(
            "/directors/column", params={"master": "ut-m-cs", "sort": order, "lang": lang}
        )
        assert page.status_code == 200, page.text
        rows = dict(re.findall(r'<tr data-bachelor="([^"]+)" data-status="([^"]+)">', page.text))
        assert rows == {b.code: cells[b.code, "UT-M-CS"]["status"] for b in catalogue.bachelors}
        for b in catalogue.bachelors:
            status = cells[b.code, "UT-M-CS"]["status"]
            assert Message(STATUS[status].means_id).text(lang) in unescape(page.text)
    assert ("Sorteer op" in page.text) == (lang == "nl")


def test_a_column_past_its_time_limit_answers_200_with_unknown_bachelors(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'late.sqlite'}", curricula=BUNDLED)
    with TestClient(create_app(settings)) as fresh:  # a new snapshot: nothing remembered
        response = fresh.get("/v1/paths", params={"master": "UT-M-BIT", "time_limit": 0.000001})
    assert response.status_code == 200, response.text
    paths = response.json()["paths"]
    late = [p for p in paths if p["status"] == "unknown"]
    assert late and all(p["reason"] and p["reasons"] for p in late)
    assert len(paths) == len({p["bachelor"] for p in paths})
