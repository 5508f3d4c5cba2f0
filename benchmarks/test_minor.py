"""Minor design: one bachelor × 15 masters, a 30 EC budget, proven optimal.

On the bundled curricula (the flagship question: Creative Technology and the 15 masters of
``curricula/flagship-masters.txt``) and on the university-scale synthetic catalogue.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.loader import load_curricula
from benchmarks.conftest import cold, record

minor = pytest.importorskip("articulation.answers.minor")

ROOT = Path(__file__).resolve().parent.parent


def test_minor_flagship(benchmark: Any):
    catalogue = load_curricula(ROOT / "curricula")
    masters = [
        line.split("#")[0].strip()
        for line in (ROOT / "curricula" / "flagship-masters.txt").read_text().splitlines()
        if line.split("#")[0].strip()
    ]
    minor.design_minor(catalogue, "VU-B-CREATE", masters, budget=30)  # warm up
    design = benchmark.pedantic(
        minor.design_minor,
        setup=cold(catalogue, (catalogue, "VU-B-CREATE", masters), {"budget": 30}),
        rounds=3,
    )
    assert design.optimal
    record(
        benchmark,
        curricula="bundled",
        masters=len(masters),
        opened=len(design.opened),
        total_ects=design.total_ects,
    )


def test_minor_university(benchmark: Any, university: Catalogue):
    bachelor = university.bachelors[0].code
    masters = [m.code for m in university.masters[:15]]
    design = benchmark.pedantic(
        minor.design_minor,
        setup=cold(university, (university, bachelor, masters), {"budget": 30}),
        rounds=3,
    )
    assert design.optimal
    record(
        benchmark,
        scale="university",
        masters=len(masters),
        opened=len(design.opened),
        total_ects=design.total_ects,
    )
