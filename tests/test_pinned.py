"""Answers pinned against outputs recorded from an earlier version of the engine.

``tests/fixtures/pinned/`` holds what the CLI and the API answered on the fixture curricula and
on the seeded faculty-scale synthetic catalogue: ``scan --json``, the report files (by SHA-256),
``bridge --alternatives 3``, ``minor``, and the API's eligibility, paths, minor design and scan
report. Restructuring the code must not change any of them; a deliberate change of an answer
re-records the fixture (``/tmp``-free scripts: run the same calls and write the JSON) and says
why in the commit.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from articulation.cli import app as cli
from articulation.storage.clients import add_client
from benchmarks.synthetic import FACULTY, build, write_curricula
from tests.conftest import MINI

PINNED = Path(__file__).parent / "fixtures" / "pinned"
OUTPUTS = json.loads((PINNED / "outputs.json").read_text(encoding="utf-8"))
API = json.loads((PINNED / "api.json").read_text(encoding="utf-8"))
runner = CliRunner()


def run(*args: str) -> Any:
    result = runner.invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def report_hashes(curricula: Path, out: Path) -> dict[str, str]:
    result = runner.invoke(
        cli, ["scan", "--curricula", str(curricula), "--out", str(out), "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    return {
        p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def faculty(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_curricula(build(FACULTY), tmp_path_factory.mktemp("faculty"))


@pytest.mark.parametrize("name", ["mini", "faculty"])
def test_scan_and_report_unchanged(name: str, faculty: Path, tmp_path: Path) -> None:
    curricula = MINI if name == "mini" else faculty
    pinned = OUTPUTS[name]
    scan = run("scan", "--curricula", str(curricula), "--no-report", "--json", "--workers", "1")
    assert scan == pinned["scan"]
    assert report_hashes(curricula, tmp_path / "report") == pinned["report"]


def test_bridge_and_minor_unchanged(faculty: Path) -> None:
    mini = OUTPUTS["mini"]
    args = ("--curricula", str(MINI), "--json")
    assert run("bridge", "VU-B-AI", "UT-M-CS", *args, "--alternatives", "3") == mini["bridge"]
    assert run("minor", "VU-B-AI", *args) == mini["minor"]
    pinned = OUTPUTS["faculty"]
    for expected in pinned["bridge"]:
        got = run(
            "bridge",
            expected["bachelor"],
            expected["master"],
            "--curricula",
            str(faculty),
            "--json",
            "--alternatives",
            "3",
        )
        assert got == expected
    bachelor = pinned["minor"]["bachelor"]
    assert run("minor", bachelor, "--curricula", str(faculty), "--json") == pinned["minor"]


def test_api_answers_unchanged(sqlite_template: Path, tmp_path: Path) -> None:
    from api.main import create_app
    from articulation.settings import Settings

    shutil.copyfile(sqlite_template, tmp_path / "articulation.db")
    database_url = f"sqlite:///{tmp_path / 'articulation.db'}"
    settings = Settings(database_url=database_url, migrate_on_start=False, seed_on_start=False)
    with TestClient(create_app(settings)) as client:
        transcript = ["VU-PROG", {"code": "VU-LAC", "grade": 7.5}, {"code": "VU-RM"}, "XX-9"]
        got = client.post("/v1/eligibility", json={"courses": transcript}).json()
        assert got == API["eligibility"]
        body = {"courses": ["VU-PROG", "VU-LAC", "VU-RM"], "bachelor": "VU-B-AI"}
        assert client.post("/v1/eligibility", json=body).json() == API["eligibility_bachelor"]
        path = client.get("/v1/paths/VU-B-AI/UT-M-CS", params={"alternatives": 2}).json()
        assert path == API["path"]
        assert client.get("/v1/paths/VU-B-AI").json() == API["row"]
        design = client.post("/v1/minors/design", json={"bachelor": "VU-B-AI", "budget": 30})
        assert design.json() == API["minor"]
        token = add_client(client.app.state.engine, "pinned", "scanner", "*")
        scanner = {"Authorization": f"Bearer {token}"}
        location = client.post("/v1/scans", json={}, headers=scanner).headers["location"]
        for _ in range(300):
            status = client.get(location).json()["status"]
            if status in ("done", "failed"):
                break
            time.sleep(0.1)
        assert status == "done"
        files = {
            fmt: hashlib.sha256(client.get(f"{location}/report.{fmt}").content).hexdigest()
            for fmt in ("html", "csv", "json", "md")
        }
        assert files == API["scan_files"]
