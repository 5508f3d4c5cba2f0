"""Work that once had no bound, timed against the same work on a small curriculum in the same
run: a scan with its report of a bachelor whose 48 courses form 8 layers of 6 (each course
requiring any course of the layer before: 6**8 source-to-sink paths), and ``articulation
metrics`` on a 3,000-course chain. Each must finish within :data:`TARGET` times the time of
the 30-course curriculum of the same shape."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.loader import load_curricula
from articulation.curriculum.model import Bachelor, Course
from articulation.interop.ca_format import CACourse, CACurriculum, read_csv, write_csv
from articulation.interop.ca_metrics import curricular_metrics
from articulation.outputs.render import render
from articulation.outputs.report import make_report
from articulation.support.deadline import deadline
from benchmarks.conftest import forget, record

#: The largest ratio of the big curriculum's time to the small one's.
TARGET = 20.0
MINI = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "mini"


def layered_catalogue(layers: int, width: int) -> tuple[Catalogue, str]:
    """The fixture catalogue with a VU bachelor of ``layers`` × ``width`` courses, each
    requiring any course of the layer before; the catalogue and the bachelor's code."""
    base = load_curricula(MINI)
    outcomes = list(base.outcomes.values())
    taught = sorted(base.outcomes)
    courses = [(base.institution_of[c], course) for c, course in base.courses.items()]
    codes: list[list[str]] = []
    for layer in range(layers):
        row = [f"VU-L{layer}-{k}" for k in range(width)]
        for k, code in enumerate(row):
            course = Course(
                code=code,
                title=f"Layer {layer} course {k}",
                ects=3,
                teaches={taught[(layer * width + k) % len(taught)]: 1},
                prerequisites=[codes[-1]] if codes else [],
            )
            courses.append(("VU", course))
        codes.append(row)
    code = f"VU-B-LAYERED-{layers}x{width}"
    bachelor = Bachelor(
        code=code,
        name=f"Layered {layers} x {width}",
        institution="VU",
        kind="bachelor",
        ects=180,
        courses=[c for row in codes for c in row],
        electives=180 - 3 * layers * width,
    )
    programmes = [*base.programmes.values(), bachelor]
    return Catalogue.build(outcomes, courses, programmes, dict(base.calendars)), code


def scan_with_report(catalogue: Catalogue, bachelor: str) -> int:
    """Scan the bachelor against every master and render the report's files, cold (nothing
    remembered from an earlier round)."""
    forget(catalogue, indexes=True)
    with deadline(solve_limit=10):
        report = make_report(catalogue, [bachelor], [m.code for m in catalogue.masters])
        return len(render(report))


def chain_csv(n: int, path: Path) -> Path:
    courses = tuple(
        CACourse(v, f"Course {v}", "C", str(v), (v - 1,) if v > 1 else ()) for v in range(1, n + 1)
    )
    path.write_text(write_csv(CACurriculum(f"Chain {n}", courses)), encoding="utf-8")
    return path


def best_of(work: Callable[[], Any], rounds: int = 3) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def test_a_layered_bachelor_scans_with_its_report_within_bound(benchmark: Any) -> None:
    small, small_code = layered_catalogue(5, 6)  # 30 courses
    large, large_code = layered_catalogue(8, 6)  # 48 courses, 6**8 paths
    scan_with_report(small, small_code)  # warm up: imports, the solver's first start
    small_s = best_of(lambda: scan_with_report(small, small_code))
    files = benchmark.pedantic(lambda: scan_with_report(large, large_code), rounds=3)
    large_s = benchmark.stats.stats.min
    ratio = large_s / small_s
    record(benchmark, small_seconds=small_s, large_seconds=large_s, ratio=ratio, target=TARGET)
    print(f"\nlayered scan+report: 30 courses {small_s:.3f} s, 48 courses {large_s:.3f} s, "
          f"ratio {ratio:.2f} (target {TARGET:g})")  # fmt: skip
    assert files > 0
    assert ratio <= TARGET


def test_metrics_of_a_3000_course_chain_within_bound(benchmark: Any, tmp_path: Path) -> None:
    """``articulation metrics`` as it is run: a command, its start included. The metrics alone
    (in process) are recorded too: their ratio shows how they grow with the chain."""
    small, large = chain_csv(30, tmp_path / "small.csv"), chain_csv(3000, tmp_path / "large.csv")
    command = [sys.executable, "-c", "from articulation.cli import app; app()", "metrics"]

    def metrics(path: Path) -> str:
        done = subprocess.run(
            [*command, str(path), "--json"], capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    metrics(small)  # warm up: the file system's caches
    small_s = best_of(lambda: metrics(small))
    output = benchmark.pedantic(lambda: metrics(large), rounds=3)
    large_s = benchmark.stats.stats.min
    ratio = large_s / small_s
    alone = best_of(lambda: curricular_metrics(read_csv(large))) / best_of(
        lambda: curricular_metrics(read_csv(small))
    )
    record(
        benchmark,
        small_seconds=small_s,
        large_seconds=large_s,
        ratio=ratio,
        target=TARGET,
        in_process_ratio=alone,
    )
    print(
        f"\nmetrics: 30-course chain {small_s:.3f} s, 3,000-course chain {large_s:.3f} s, "
        f"ratio {ratio:.2f} (target {TARGET:g}); reading and metrics alone: {alone:.1f}"
    )
    assert json.loads(output)
    assert ratio <= TARGET
