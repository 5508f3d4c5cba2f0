"""One bridging query at university scale (pruning included), against the baselines.

The same pairs for all three; the engine's answers are the exact optimum the baselines are
checked against.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from articulation.curriculum.catalogue import Catalogue
from articulation.solving.bridging import Bridging, bridge
from benchmarks import baselines
from benchmarks.conftest import NAIVE_PAIRS, Pair, percentiles, record, rotating, round_times


@pytest.fixture(scope="module")
def exact(university: Catalogue, query_pairs: list[Pair]) -> dict[tuple[str, str], Bridging]:
    """The engine's answers (filled by the engine benchmark; computed if it did not run)."""
    return {}


def _answers(catalogue: Catalogue, pairs: list[Pair], exact: dict) -> dict:
    for b, m in pairs:
        if (b.code, m.code) not in exact:
            exact[(b.code, m.code)] = bridge(catalogue, m, b.courses)
    return exact


def test_query_engine(benchmark: Any, university: Catalogue, query_pairs: list[Pair], exact: dict):
    bridge(university, query_pairs[0][1], query_pairs[0][0].courses)  # warm up (lazy imports)
    answers: list[Bridging] = []

    def query(b, m) -> None:
        answers.append(bridge(university, m, b.courses))

    benchmark.pedantic(query, setup=rotating(query_pairs, university), rounds=len(query_pairs))
    times = round_times(benchmark)
    for (b, m), answer in zip(query_pairs, answers, strict=True):
        exact[(b.code, m.code)] = answer
    assert all(a.optimal and a.status != "unknown" for a in answers)
    record(
        benchmark,
        scale="university",
        pairs=len(query_pairs),
        statuses=dict(Counter(a.status for a in answers)),
        # pairs settled before pruning (direct, unreachable, or the lower bound) have none
        candidates_median=_median([a.candidates for a in answers if a.candidates]),
        solved_pairs=sum(1 for a in answers if a.candidates),
        round_ms=[round(1000 * t, 3) for t in times],
        **percentiles(times),
    )


def test_query_greedy(benchmark: Any, university: Catalogue, query_pairs: list[Pair], exact: dict):
    _answers(university, query_pairs, exact)
    found: list[baselines.Answer] = []

    def query(b, m) -> None:
        found.append(baselines.greedy(university, m, b.courses))

    benchmark.pedantic(query, setup=rotating(query_pairs), rounds=len(query_pairs))
    times = round_times(benchmark)
    feasible = optimal = worse = missed = 0
    ratios = []
    for (b, m), answer in zip(query_pairs, found, strict=True):
        best = exact[(b.code, m.code)]
        if best.status != "premaster":
            assert not answer.feasible or best.status == "direct"
            continue
        feasible += 1
        if not answer.feasible:
            missed += 1  # greedy exceeded the cap or got stuck where a programme exists
        elif answer.total_ects <= best.total_ects + 1e-9:
            optimal += 1
            ratios.append(1.0)
        else:
            worse += 1
            ratios.append(answer.total_ects / best.total_ects)
    record(
        benchmark,
        scale="university",
        pairs=len(query_pairs),
        exact_premaster=feasible,
        greedy_optimal=optimal,
        greedy_larger=worse,
        greedy_missed=missed,
        greedy_mean_ratio=round(sum(ratios) / len(ratios), 4) if ratios else None,
        greedy_max_ratio=round(max(ratios), 4) if ratios else None,
        round_ms=[round(1000 * t, 3) for t in times],
        **percentiles(times),
    )


def test_query_naive(benchmark: Any, university: Catalogue, query_pairs: list[Pair], exact: dict):
    pairs = query_pairs[:NAIVE_PAIRS]
    _answers(university, pairs, exact)
    baselines.naive(university, pairs[0][1], pairs[0][0].courses)  # warm up
    found: list[baselines.Answer] = []

    def query(b, m) -> None:
        found.append(baselines.naive(university, m, b.courses))

    benchmark.pedantic(query, setup=rotating(pairs), rounds=len(pairs))
    times = round_times(benchmark)
    for (b, m), answer in zip(pairs, found, strict=True):
        best = exact[(b.code, m.code)]
        assert answer.feasible == (best.status in ("premaster", "direct"))
        if answer.feasible:
            assert answer.total_ects == pytest.approx(best.total_ects)
    record(
        benchmark,
        scale="university",
        pairs=len(pairs),
        solver="SCIP (ortools.linear_solver)",
        round_ms=[round(1000 * t, 3) for t in times],
        **percentiles(times),
    )


def _median(values: list[int]) -> int:
    return sorted(values)[len(values) // 2] if values else 0
