"""The command line end to end on synthetic curricula written as YAML: load and validate; scan
with its report (HTML, CSV, Markdown, JSON) written to a temporary directory."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from articulation.curriculum.catalogue import Catalogue
from benchmarks import synthetic
from benchmarks.conftest import record


def _cli() -> str:
    script = Path(sys.executable).with_name("articulation")
    return str(script) if script.exists() else shutil.which("articulation") or "articulation"


def _run(*args: str) -> dict[str, Any]:
    done = subprocess.run([_cli(), *args], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def faculty_dir(faculty: Catalogue, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthetic.write_curricula(faculty, tmp_path_factory.mktemp("faculty"))


@pytest.fixture(scope="module")
def university_dir(university: Catalogue, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthetic.write_curricula(university, tmp_path_factory.mktemp("university"))


def test_cli_scan_faculty(benchmark: Any, faculty: Catalogue, faculty_dir: Path, tmp_path: Path):
    out = str(tmp_path / "report")
    args = ("scan", "--curricula", str(faculty_dir), "--json", "--workers", "1", "--out", out)
    result = benchmark.pedantic(_run, args=args, rounds=3)
    assert len(result["cells"]) == len(faculty.bachelors) * len(faculty.masters)
    record(benchmark, scale="faculty", pairs=len(result["cells"]))


def test_cli_validate_university(benchmark: Any, university: Catalogue, university_dir: Path):
    args = ("validate", "--curricula", str(university_dir), "--json")
    result = benchmark.pedantic(_run, args=args, rounds=1)
    assert result["valid"]
    record(benchmark, scale="university", files=len(list(university_dir.rglob("*.yaml"))))
