"""National scale (50,000 courses, 60,000 outcomes): scan time against the number of pairs.

Nested pair sets (the first 1, 2, 4, 8 of eight sampled bachelors × ten sampled masters), so a
larger set contains the smaller ones; linear growth shows as a constant time per pair.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from articulation.answers.scan import scan, warm_up
from articulation.curriculum.catalogue import Catalogue
from articulation.solving.bridging import bridge
from benchmarks import synthetic
from benchmarks.conftest import cold, percentiles, record, rotating, round_times, sample_pairs

ROWS = [1, 2, 4, 8]
MASTERS = 10


@pytest.fixture(scope="module")
def national() -> Catalogue:
    """Module-scoped: freed before the university scan forks its worker processes."""
    return synthetic.build(synthetic.NATIONAL)


@pytest.fixture(scope="module")
def grid(national: Catalogue) -> tuple[list[str], list[str]]:
    rng = random.Random(11)
    bachelors = sorted(rng.sample([b.code for b in national.bachelors], max(ROWS)))
    masters = sorted(rng.sample([m.code for m in national.masters], MASTERS))
    return bachelors, masters


@pytest.mark.parametrize("rows", ROWS)
def test_scan_national(benchmark: Any, national: Catalogue, grid: tuple, rows: int):
    bachelors, masters = grid
    scan(national, bachelors[:1], masters[:1])  # warm up (lazy imports)
    warm_up(national)  # the catalogue-wide indexes, built once per snapshot
    cells = benchmark.pedantic(
        scan,
        # the once-per-snapshot indexes (built by the warm-up) stay: the growth with the
        # number of pairs is what this measures
        setup=cold(national, (national, bachelors[:rows], masters), {"workers": 1}, indexes=False),
        rounds=1,
    )
    assert all(c.optimal and c.status != "unknown" for c in cells)
    pairs = rows * MASTERS
    record(
        benchmark,
        scale="national",
        pairs=pairs,
        ms_per_pair=round(1000 * benchmark.stats.stats.median / pairs, 3),
    )


def test_query_national(benchmark: Any, national: Catalogue):
    pairs = sample_pairs(national, 40)
    bridge(national, pairs[0][1], pairs[0][0].courses)
    answers = []

    def query(b, m) -> None:
        answers.append(bridge(national, m, b.courses))

    benchmark.pedantic(query, setup=rotating(pairs, national), rounds=len(pairs))
    assert all(a.optimal and a.status != "unknown" for a in answers)
    times = round_times(benchmark)
    record(
        benchmark,
        scale="national",
        pairs=len(pairs),
        # pairs settled before pruning (direct, unreachable, or the lower bound) have none
        candidates_median=_median([a.candidates for a in answers if a.candidates]),
        solved_pairs=sum(1 for a in answers if a.candidates),
        **percentiles(times),
    )


def _median(values: list[int]) -> int:
    return sorted(values)[len(values) // 2] if values else 0
