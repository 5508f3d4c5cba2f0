"""The full aansluitscan at university scale (50 bachelors × 35 masters): one process and both
cores, every cell proven."""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import pytest

from articulation.answers.scan import scan
from articulation.curriculum.catalogue import Catalogue
from benchmarks.conftest import cold, record


@pytest.mark.parametrize("workers", [1, 2])
def test_scan_university(benchmark: Any, university: Catalogue, workers: int):
    if workers > (os.cpu_count() or 1):
        pytest.skip(f"needs {workers} cores")
    scan(university, [university.bachelors[0].code], workers=1)  # warm up (lazy imports)
    setup = cold(university, (university,), {"workers": workers})
    cells = benchmark.pedantic(scan, setup=setup, rounds=1)
    n = len(university.bachelors) * len(university.masters)
    assert len(cells) == n
    assert all(c.optimal and c.status != "unknown" for c in cells)
    record(
        benchmark,
        scale="university",
        workers=workers,
        pairs=n,
        statuses=dict(Counter(c.status for c in cells)),
        ms_per_pair=round(1000 * benchmark.stats.stats.median / n, 3),
    )
