"""The flagship answer: Creative Technology and the 15 masters of the bundled list, proven."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from articulation.answers.flagship import flagship, parse_masters_list
from articulation.curriculum.loader import load_curricula
from benchmarks.conftest import cold, record

ROOT = Path(__file__).resolve().parent.parent


def test_flagship_bundled(benchmark: Any):
    catalogue = load_curricula(ROOT / "curricula")
    masters, _ = parse_masters_list((ROOT / "curricula" / "flagship-masters.txt").read_text())
    flagship(catalogue, "VU-B-CREATE", masters)  # warm up
    answer = benchmark.pedantic(
        flagship, setup=cold(catalogue, (catalogue, "VU-B-CREATE", masters), {}), rounds=3
    )
    data = answer.to_json()
    assert data["optimal"]
    record(
        benchmark,
        curricula="bundled",
        masters=len(masters),
        seamless=sum(r["seamless"] for r in data["masters"]),
        packages=len(data["packages"]),
    )
