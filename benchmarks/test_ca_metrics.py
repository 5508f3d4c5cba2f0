"""CurricularAnalytics' metrics on curricula whose paths explode, as ratios in one run: an
800-course chain against a 400-course one, and a layered curriculum of 6 layers of 8 courses
(8**6 = 262,144 source-to-sink paths) against 6 layers of 4 (4,096 paths); every edge joins
neighbouring layers. Enumerating the paths, as CurricularAnalytics.jl does, grows with the
paths; the dynamic programs grow with the edges. The enumeration itself is timed on the small
layered curriculum as the baseline."""

from __future__ import annotations

import itertools
import time
from typing import Any

from articulation.interop.ca_format import CACourse, CACurriculum
from articulation.interop.ca_metrics import curricular_metrics
from benchmarks.conftest import record

#: Doubling a chain must not take more than this many times as long (linear: 2).
CHAIN_TARGET = 3.0


def _curriculum(n: int, edges: list[tuple[int, int]]) -> CACurriculum:
    requisites: dict[int, list[int]] = {v: [] for v in range(1, n + 1)}
    for a, b in edges:
        requisites[b].append(a)
    return CACurriculum(
        "bench",
        tuple(CACourse(v, f"C{v}", "C", str(v), tuple(requisites[v])) for v in range(1, n + 1)),
    )


def _chain(n: int) -> CACurriculum:
    return _curriculum(n, [(v, v + 1) for v in range(1, n)])


def _layered(layers: int, width: int) -> CACurriculum:
    rows = [list(range(width * i + 1, width * i + width + 1)) for i in range(layers)]
    edges = [(a, b) for x, y in itertools.pairwise(rows) for a in x for b in y]
    return _curriculum(layers * width, edges)


def _seconds(curriculum: CACurriculum, rounds: int = 5) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        curricular_metrics(curriculum)
        best = min(best, time.perf_counter() - started)
    return best


def _enumerate_paths(curriculum: CACurriculum) -> int:
    """Every source-to-sink path walked, as CurricularAnalytics.jl's ``all_paths`` lists them."""
    succ: dict[int, list[int]] = {c.id: [] for c in curriculum.courses}
    for c in curriculum.courses:
        for r in c.requisites:
            succ[r].append(c.id)
    sources = {c.id for c in curriculum.courses if not c.requisites}
    count = 0
    stack = [[s] for s in sources]
    while stack:
        path = stack.pop()
        if not succ[path[-1]]:
            count += len(path) > 1
            continue
        stack.extend([*path, w] for w in succ[path[-1]])
    return count


def test_ca_metrics_scale_with_edges_not_paths(benchmark: Any) -> None:
    chain_400, chain_800 = _seconds(_chain(400)), _seconds(_chain(800))
    small, large = _layered(6, 4), _layered(6, 8)
    small_s = _seconds(small)
    result = benchmark.pedantic(lambda: curricular_metrics(large), rounds=5)
    large_s = benchmark.stats.stats.min
    started = time.perf_counter()
    paths = _enumerate_paths(small)
    enumerate_s = time.perf_counter() - started
    assert paths == 4**6
    assert result.centrality["C-9"] == 8**5 * 6
    record(
        benchmark,
        chain_400_s=round(chain_400, 5),
        chain_800_s=round(chain_800, 5),
        chain_ratio=round(chain_800 / chain_400, 2),
        chain_target_ratio=CHAIN_TARGET,
        layered_4_s=round(small_s, 5),
        layered_8_s=round(large_s, 5),
        layered_ratio=round(large_s / small_s, 2),
        layered_paths_ratio=8**6 // 4**6,
        enumerate_layered_4_s=round(enumerate_s, 5),
        enumerate_over_dp=round(enumerate_s / small_s, 1),
    )
