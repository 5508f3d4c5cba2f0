"""One way to spread engine work over processes: a catalogue shipped once per worker.

:func:`parallel_map` applies a function of ``(catalogue, job)`` to every job, in order, on
``workers`` processes (or in this process for one worker or one job). The results do not depend
on ``workers``: each job is answered the same way wherever it runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

from articulation.catalogue import Catalogue

J = TypeVar("J")
R = TypeVar("R")

_CATALOGUE: Catalogue | None = None  # the catalogue of this worker process


def _init(catalogue: Catalogue) -> None:
    global _CATALOGUE
    _CATALOGUE = catalogue


def _call(task: tuple[Callable[[Catalogue, J], R], J]) -> R:
    function, job = task
    assert _CATALOGUE is not None, "parallel_map initialises every worker"
    return function(_CATALOGUE, job)


def parallel_map(
    function: Callable[[Catalogue, J], R],
    catalogue: Catalogue,
    jobs: Sequence[J],
    *,
    workers: int = 1,
    warm_up: Callable[[Catalogue], None] | None = None,
) -> Iterator[R]:
    """``function(catalogue, job)`` for every job, yielded in the order of ``jobs``.

    ``function`` must be a module-level function (it is pickled). With several workers the
    catalogue is pickled once per worker (without its memo); ``warm_up`` runs first in this
    process, so forked workers inherit what it builds.
    """
    if workers <= 1 or len(jobs) < 2:
        for job in jobs:
            yield function(catalogue, job)
        return
    if warm_up is not None:
        warm_up(catalogue)
    chunk = max(1, len(jobs) // (8 * workers))
    tasks = [(function, job) for job in jobs]
    with ProcessPoolExecutor(workers, initializer=_init, initargs=(catalogue,)) as pool:
        yield from pool.map(_call, tasks, chunksize=chunk)
