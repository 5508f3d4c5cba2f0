"""Bounded structure: a requirement nested past the limit and a YAML document with aliases are
refused with their place (file and line, or JSON location) on every surface that reads them."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.main import create_app
from articulation.cli import app as cli_app
from articulation.curriculum.model import MAX_DEPTH
from articulation.settings import Settings
from articulation.storage.clients import add_client
from tests.conftest import MINI

runner = CliRunner()
DEPTH = 200
CS = "ut/masters/cs.yaml"
BOMB = """\
a: &a [x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: [*c, *c, *c, *c, *c, *c, *c, *c, *c]
"""


def nested(depth: int) -> dict[str, Any]:
    """A requirement of ``depth`` levels of ``any_of`` around one outcome."""
    item: dict[str, Any] = {"outcome": "math.calculus", "level": "apply"}
    for _ in range(depth):
        item = {"any_of": [item]}
    return item


def flow(item: dict[str, Any]) -> str:
    """``item`` in YAML flow style, written without recursion."""
    depth = 0
    while "any_of" in item:
        item, depth = item["any_of"][0], depth + 1
    return "{any_of: [" * depth + "{outcome: math.calculus, level: apply}" + "]}" * depth


@pytest.fixture
def curricula(tmp_path: Path) -> Path:
    target = tmp_path / "curricula"
    shutil.copytree(MINI, target)
    return target


def set_requirement(curricula: Path, depth: int) -> None:
    path = curricula / CS
    text = path.read_text()
    old = "  - {outcome: cs.algorithms, level: apply}\n"
    assert old in text
    path.write_text(text.replace(old, f"{old}  - {flow(nested(depth))}\n", 1))


def test_the_limit_itself_is_accepted(curricula: Path) -> None:
    set_requirement(curricula, MAX_DEPTH)
    result = runner.invoke(cli_app, ["validate", "--curricula", str(curricula)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("depth", [DEPTH, 495])  # 495: just within the YAML parser's own limit
def test_validate_refuses_a_deep_requirement_with_its_path(curricula: Path, depth: int) -> None:
    set_requirement(curricula, depth)
    result = runner.invoke(cli_app, ["validate", "--curricula", str(curricula)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "RecursionError" not in result.output
    [line] = [line for line in result.stderr.splitlines() if "nests deeper" in line]
    assert CS in line and ":8: requires[1]" in line, line
    assert f"limit of {MAX_DEPTH} levels" in line


def test_yaml_aliases_are_refused_by_validate_and_diff(curricula: Path, tmp_path: Path) -> None:
    (curricula / "outcomes.yaml").write_text(BOMB)
    result = runner.invoke(cli_app, ["validate", "--curricula", str(curricula)])
    assert result.exit_code == 2, result.output
    assert "outcomes.yaml:1: YAML aliases are not allowed" in result.stderr, result.stderr
    diff = runner.invoke(cli_app, ["diff", str(MINI), str(curricula)])
    assert diff.exit_code == 2, diff.output
    assert "outcomes.yaml:1: YAML aliases are not allowed" in diff.stderr, diff.stderr
    assert "Traceback" not in diff.output


def test_an_anchor_used_once_is_harmless(curricula: Path) -> None:
    path = curricula / CS
    path.write_text(path.read_text().replace("requires:", "requires: &reqs", 1))
    result = runner.invoke(cli_app, ["validate", "--curricula", str(curricula)])
    assert result.exit_code == 0, result.output


@pytest.fixture
def app(database_url: str) -> FastAPI:
    settings = Settings(database_url=database_url, migrate_on_start=False, seed_on_start=False)
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=True) as test_client:
        yield test_client


def deep_master(client: TestClient) -> dict[str, Any]:
    master = client.get("/v1/programmes/UT-M-CS").json()
    return {**master, "requires": [*master["requires"], nested(DEPTH)]}


def assert_refused(response: Any, *loc: Any) -> None:
    assert response.status_code == 422, response.text
    [item] = [i for i in response.json()["detail"] if "nests deeper" in i["msg"]]
    assert item["loc"][: len(loc)] == list(loc), item["loc"]
    assert f"limit of {MAX_DEPTH} levels" in item["msg"]


def test_api_programme_writes_refuse_a_deep_requirement(app: FastAPI, client: TestClient) -> None:
    token = add_client(app.state.engine, "ut-editor", "editor", "UT")
    headers = {"Authorization": f"Bearer {token}"}
    etag = client.get("/v1/programmes/UT-M-CS").headers["ETag"]
    changed = deep_master(client)
    put = client.put("/v1/programmes/UT-M-CS", json=changed, headers={**headers, "If-Match": etag})
    assert_refused(put, "body", "master", "requires", 3)
    new = {**changed, "code": "UT-M-DEEP"}
    assert_refused(
        client.post("/v1/programmes", json=new, headers=headers), "body", "master", "requires", 3
    )
    after = client.get("/v1/programmes/UT-M-CS")
    assert after.status_code == 200 and after.headers["ETag"] == etag  # nothing stored


def test_whatif_refuses_a_deep_requirement(client: TestClient) -> None:
    edit = {"action": "change", "programme": deep_master(client)}
    response = client.post("/v1/whatif", json={"edits": [edit]})
    assert_refused(response, "body", "edits", 0, "programme")
