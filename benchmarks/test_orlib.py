"""OR-Library weighted set cover (Beasley 1987) as curricula: the proven optimum, and how fast.

Each instance is one master requiring 200 outcomes and 1,000–2,000 bridging courses; the engine
must return exactly half the published optimum in EC, proven optimal.
"""

from __future__ import annotations

from typing import Any

import pytest

from articulation.curriculum.catalogue import Catalogue
from articulation.solving.bridging import bridge
from benchmarks import baselines, orlib
from benchmarks.conftest import cold, record

INSTANCES = sorted(orlib.OPTIMUM)


@pytest.fixture(scope="module", params=INSTANCES)
def instance(request: pytest.FixtureRequest) -> tuple[str, Catalogue]:
    return request.param, orlib.catalogue(request.param)


def _query(catalogue: Catalogue) -> tuple[Any, list[str]]:
    return catalogue.master(orlib.MASTER), catalogue.bachelor(orlib.BACHELOR).courses


def test_orlib_engine(benchmark: Any, instance: tuple[str, Catalogue]):
    name, catalogue = instance
    master, taken = _query(catalogue)
    bridge(catalogue, master, taken)  # warm up (lazy imports)
    result = benchmark.pedantic(bridge, setup=cold(catalogue, (catalogue, master, taken)), rounds=3)
    assert result.optimal
    assert result.total_ects == orlib.OPTIMUM[name] / 2
    record(benchmark, instance=name, optimum_ects=orlib.OPTIMUM[name] / 2, found=result.total_ects)


def test_orlib_greedy(benchmark: Any, instance: tuple[str, Catalogue]):
    name, catalogue = instance
    master, taken = _query(catalogue)
    result = benchmark.pedantic(baselines.greedy, args=(catalogue, master, taken), rounds=3)
    assert result.feasible
    best = orlib.OPTIMUM[name] / 2
    assert result.total_ects >= best
    record(
        benchmark,
        instance=name,
        optimum_ects=best,
        found=result.total_ects,
        ratio=round(result.total_ects / best, 4),
    )


def test_orlib_naive(benchmark: Any, instance: tuple[str, Catalogue]):
    name, catalogue = instance
    master, taken = _query(catalogue)
    baselines.naive(catalogue, master, taken)  # warm up
    result = benchmark.pedantic(baselines.naive, args=(catalogue, master, taken), rounds=3)
    assert result.proven
    assert result.total_ects == orlib.OPTIMUM[name] / 2
    record(benchmark, instance=name, optimum_ects=orlib.OPTIMUM[name] / 2, found=result.total_ects)
