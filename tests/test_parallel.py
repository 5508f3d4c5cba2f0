"""Local processes: this process computes jobs alongside the pool, the results come in the order
of the jobs whoever computed them, and an error reaches the caller."""

from __future__ import annotations

import gc
import os
import threading

import pytest

from articulation.answers.parallel import parallel_map
from articulation.curriculum.loader import load_curricula
from tests.conftest import MINI


def _where(_catalogue, job: int) -> tuple[int, int]:
    return job * job, os.getpid()


def _fails_on_seven(_catalogue, job: int) -> int:
    if job == 7:
        raise ValueError("job 7")
    return job


def test_jobs_in_order_computed_here_and_in_the_pool() -> None:
    catalogue = load_curricula(MINI)
    found = list(parallel_map(_where, catalogue, list(range(40)), workers=2))
    assert [square for square, _ in found] == [i * i for i in range(40)]
    processes = {pid for _, pid in found}
    assert len(processes) <= 2 and os.getpid() in processes  # this process took its share
    assert gc.get_freeze_count() == 0  # what the map froze is collected again afterwards


def test_an_error_in_a_job_reaches_the_caller() -> None:
    catalogue = load_curricula(MINI)
    with pytest.raises(ValueError, match="job 7"):
        list(parallel_map(_fails_on_seven, catalogue, list(range(20)), workers=2))
    assert gc.get_freeze_count() == 0


def test_a_caller_that_stops_reading_leaves_nothing_running() -> None:
    catalogue = load_curricula(MINI)
    results = parallel_map(_where, catalogue, list(range(30)), workers=2)
    assert next(results)[0] == 0
    results.close()
    assert gc.get_freeze_count() == 0


def test_a_map_from_another_thread_leaves_every_job_to_the_pool() -> None:
    catalogue = load_curricula(MINI)
    found: list[tuple[int, int]] = []
    thread = threading.Thread(
        target=lambda: found.extend(parallel_map(_where, catalogue, list(range(12)), workers=2))
    )
    thread.start()
    thread.join()
    assert [square for square, _ in found] == [i * i for i in range(12)]
    assert os.getpid() not in {pid for _, pid in found}
