"""Shared catalogues and helpers for the benchmarks (``make bench``)."""

from __future__ import annotations

import random
import statistics
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.model import Bachelor, Master
from articulation.support import memo
from benchmarks import synthetic

Pair = tuple[Bachelor, Master]

#: One bridging query is timed over this many (bachelor, master) pairs of the university scale.
QUERY_PAIRS = 200
#: The naive baseline is slow; it runs on the first this-many of those pairs.
NAIVE_PAIRS = 40


@pytest.fixture(scope="session")
def faculty() -> Catalogue:
    return synthetic.build(synthetic.FACULTY)


@pytest.fixture(scope="session")
def university() -> Catalogue:
    return synthetic.build(synthetic.UNIVERSITY)


def sample_pairs(catalogue: Catalogue, n: int, seed: int = 7) -> list[Pair]:
    """``n`` distinct (bachelor, master) pairs, the same ones every run."""
    pairs = [(b, m) for b in catalogue.bachelors for m in catalogue.masters]
    random.Random(seed).shuffle(pairs)
    return pairs[:n]


@pytest.fixture(scope="session")
def query_pairs(university: Catalogue) -> list[Pair]:
    return sample_pairs(university, QUERY_PAIRS)


#: The memo spaces that hold answers (the rest are indexes of the catalogue alone).
ANSWERS = tuple(space.name for space in memo.SPACES if space.answers)


def forget(catalogue: Catalogue, *, indexes: bool = False) -> None:
    """Drop what the engine remembered from earlier answers (attainments, pool contexts, solved
    sub-problems, plans) so that the next round is measured cold. The indexes derived from the
    catalogue alone (:attr:`articulation.support.memo.Space.answers` false), built once per
    snapshot, stay unless ``indexes`` is true."""
    for space in list(catalogue.memo):
        if indexes or space in ANSWERS:
            del catalogue.memo[space]


def cold(
    catalogue: Catalogue,
    args: tuple[Any, ...],
    kwargs: dict[str, Any] | None = None,
    *,
    indexes: bool = True,
) -> Callable[[], tuple[tuple[Any, ...], dict[str, Any]]]:
    """A ``benchmark.pedantic`` setup that forgets earlier answers before each round (and the
    catalogue-wide indexes too, unless ``indexes`` is false)."""

    def setup() -> tuple[tuple[Any, ...], dict[str, Any]]:
        forget(catalogue, indexes=indexes)
        return args, kwargs or {}

    return setup


def rotating(
    items: Sequence[Any], catalogue: Catalogue | None = None
) -> Callable[[], tuple[tuple[Any, ...], dict[str, Any]]]:
    """A ``benchmark.pedantic`` setup that hands out ``items`` one per round, in order; with a
    ``catalogue``, each round starts cold (see :func:`forget`)."""
    state = {"i": 0}

    def setup() -> tuple[tuple[Any, ...], dict[str, Any]]:
        if catalogue is not None:
            forget(catalogue)
        item = items[state["i"] % len(items)]
        state["i"] += 1
        return item, {}

    return setup


def round_times(benchmark: Any) -> list[float]:
    """The seconds of each round of the benchmark that just ran, in round order."""
    return list(benchmark.stats.stats.data)


def percentiles(times: Sequence[float]) -> dict[str, float]:
    """p50 / p95 / p99 in milliseconds."""
    ordered = sorted(times)
    qs = statistics.quantiles(ordered, n=100, method="inclusive") if len(ordered) > 1 else ordered
    pick = (lambda p: qs[p - 1]) if len(ordered) > 1 else (lambda p: ordered[0])
    return {f"p{p}_ms": round(1000 * pick(p), 3) for p in (50, 95, 99)}


def record(benchmark: Any, **info: Any) -> None:
    benchmark.extra_info.update(info)
