"""Memory, each measured in a fresh process (``benchmarks/memory.py``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from benchmarks.conftest import record

ROOT = Path(__file__).resolve().parent.parent


def _measure(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.memory", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


@pytest.mark.parametrize(
    ("scale", "bachelors"), [("university", 5), ("national", 1)], ids=["university", "national"]
)
def test_memory(benchmark: Any, scale: str, bachelors: int):
    result = benchmark.pedantic(_measure, args=(scale, "--bachelors", str(bachelors)), rounds=1)
    assert result["peak_mb"] >= result["catalogue_mb"]
    record(benchmark, scale=scale, **result)
