"""The university-scale scan (50 bachelors × 35 masters, seeded offerings) with plans, against
the same scan without them measured in the same run: the target is at most 1.5× its time."""

from __future__ import annotations

import random
import time
from collections import Counter
from typing import Any

import pytest

from articulation.answers.scan import scan
from articulation.curriculum.calendar import SEPTEMBER
from articulation.curriculum.catalogue import Catalogue
from articulation.solving import route
from articulation.solving.planning.options import DEFAULT_LOAD
from articulation.solving.planning.results import Plan
from articulation.solving.planning.route_plan import RoutePlan
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
def offered(university: Catalogue) -> Catalogue:
    return with_periods(university)


def _unplanned(catalogue: Catalogue, bachelor: Any, status: str, codes: Any, **_: Any) -> RoutePlan:
    """Every route "fits" without being placed: the scan as it was before plans."""
    plan = Plan(tuple(codes), SEPTEMBER, DEFAULT_LOAD, placed=False, fits=True, reason="")
    return RoutePlan(status, plan)


@pytest.mark.parametrize("offerings", ["as generated", "seeded"])
def test_plan_university(
    benchmark: Any, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, offerings: str
):
    """The scan with plans against the same scan with the planner replaced by a stub that
    places nothing and lets every route fit; each measured twice from a cold memo,
    alternately, the faster of each kept. On the university catalogue of the other scan rows
    (its courses have no periods: placed anywhere, within the load and prerequisite order), and
    with seeded offerings (:func:`with_periods`), where many routes must wait for a period."""
    offered = request.getfixturevalue("university" if offerings == "as generated" else "offered")
    scan(offered, [offered.bachelors[0].code], workers=1)  # warm up (lazy imports)
    timings: dict[str, list[float]] = {"with": [], "without": []}
    cells = {}
    for _ in range(2):
        for kind in ("without", "with"):
            with monkeypatch.context() as patch:
                if kind == "without":
                    patch.setattr(route, "plan_route", _unplanned)
                forget(offered)
                began = time.perf_counter()
                cells[kind] = scan(offered, workers=1)
                timings[kind].append(time.perf_counter() - began)
    benchmark.pedantic(lambda: None, rounds=1)
    planned = [c for c in cells["with"] if c.plan is not None]
    outcome = Counter("fits" if c.plan.plan.fits else "late" for c in planned)
    assert all(c.plan.plan.placed for c in planned if c.status != "over_cap")
    with_plans, without = min(timings["with"]), min(timings["without"])
    record(
        benchmark,
        scale="university",
        offerings=offerings,
        routes=len(planned),
        plans=dict(outcome),
        with_plans_s=round(with_plans, 3),
        without_plans_s=round(without, 3),
        ratio=round(with_plans / without, 3),
        target_ratio=1.5,
        changed=sum(
            a.status != b.status for a, b in zip(cells["with"], cells["without"], strict=True)
        ),
    )
