"""Plans of every route of the university-scale scan (50 bachelors × 35 masters), against the
scan without plans measured in the same run: the target is at most 0.5× the scan's time."""

from __future__ import annotations

import random
import time
from collections import Counter
from typing import Any

import pytest

from articulation.catalogue import Catalogue
from articulation.plan import PLANNED_ROUTES, plan_route
from articulation.scan import scan
from benchmarks import synthetic
from benchmarks.conftest import forget, record

UT_OFFERINGS = (["Q1"], ["Q2"], ["Q3"], ["Q4"], ["Q1", "Q3"], ["Q2", "Q4"], ["Q1-Q2"])
VU_OFFERINGS = (["P1"], ["P2"], ["P4"], ["P5"], ["P1", "P4"], ["P2", "P5"], ["P4-P5"])


def with_periods(catalogue: Catalogue, seed: int = 2027) -> Catalogue:
    """The same catalogue with seeded offerings: one or two periods, a few spans, some courses
    in the short VU periods, one in ten without periods."""
    rng = random.Random(seed)
    courses = []
    for code, course in catalogue.courses.items():
        inst = catalogue.institution_of[code]
        if rng.random() < 0.1:
            periods: list[str] = []
        elif inst == "VU" and course.ects <= 6 and rng.random() < 0.15:
            periods = [rng.choice(["P3", "P6"])]
        else:
            periods = list(rng.choice(UT_OFFERINGS if inst == "UT" else VU_OFFERINGS))
        courses.append((inst, course.model_copy(update={"periods": periods})))
    return Catalogue.build(catalogue.outcomes.values(), courses, catalogue.programmes.values())


@pytest.fixture(scope="module")
def offered() -> Catalogue:
    return with_periods(synthetic.build(synthetic.UNIVERSITY))


def plan_all(catalogue: Catalogue, cells) -> list[Any]:
    return [
        plan_route(catalogue, catalogue.bachelor(c.bachelor), c.status, c.codes)
        for c in cells
        if c.status in PLANNED_ROUTES
    ]


def test_plan_university(benchmark: Any, offered: Catalogue):
    scan(offered, [offered.bachelors[0].code], workers=1)  # warm up (lazy imports)
    forget(offered)
    began = time.perf_counter()
    cells = scan(offered, workers=1)
    scan_seconds = time.perf_counter() - began

    def setup():
        forget(offered)  # plans measured cold, as the scan was
        return (offered, cells), {}

    plans = benchmark.pedantic(plan_all, setup=setup, rounds=1)
    seconds = benchmark.stats.stats.median
    outcome = Counter(
        "not placed" if not r.plan.placed else "fits" if r.plan.fits else "late" for r in plans
    )
    assert all(r.plan.optimal for r in plans if r.plan.placed)
    record(
        benchmark,
        scale="university",
        routes=len(plans),
        plans=dict(outcome),
        scan_seconds=round(scan_seconds, 3),
        ratio_to_scan=round(seconds / scan_seconds, 3),
        target_ratio=0.5,
        ms_per_plan=round(1000 * seconds / max(1, len(plans)), 3),
    )
