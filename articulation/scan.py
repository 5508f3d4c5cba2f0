"""The aansluitscan: every (bachelor, master) pair assessed, with its gap and bridging programme.

A cell's status is ``direct`` (no gap, or the master admits the bachelor by policy), ``premaster``
(an optimal bridging programme within the master's cap) or ``infeasible`` (with the reason).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from articulation.bridging import Bridging, bridge_gap
from articulation.catalogue import Catalogue
from articulation.gap import Gap, attainment, gap
from articulation.model import Bachelor, Master

DEFAULT_TIME_LIMIT = 10.0


@dataclass(frozen=True)
class Cell:
    """One (bachelor, master) pair: its gap, its bridging programme and why."""

    bachelor: str
    master: str
    gap: Gap
    bridging: Bridging
    policy_direct: bool = False
    illustrative: tuple[str, ...] = ()

    @property
    def status(self) -> str:
        return "direct" if self.policy_direct else self.bridging.status

    @property
    def reason(self) -> str:
        if self.policy_direct:
            return "admitted directly by the master's admission policy"
        return self.bridging.reason

    def to_json(self) -> dict[str, Any]:
        bridging = self.bridging
        direct = self.policy_direct
        return {
            "bachelor": self.bachelor,
            "master": self.master,
            "status": self.status,
            "total_ects": 0.0 if direct else bridging.total_ects,
            "courses": [] if direct else [c.to_json() for c in bridging.courses],
            "optimal": True if direct else bridging.optimal,
            "unmet": [] if direct else list(bridging.unmet),
            "gap": self.gap.details(),
            "reason": self.reason,
            "cap": bridging.cap,
            "bound_ects": None if direct else bridging.bound_ects,
            "illustrative": list(self.illustrative),
        }


def _illustrative(catalogue: Catalogue, codes: Iterable[str]) -> tuple[str, ...]:
    """The codes among ``codes`` whose data is illustrative (or has no provenance)."""
    marked = []
    for code in codes:
        item = catalogue.programmes.get(code) or catalogue.courses.get(code)
        provenance = getattr(item, "provenance", None)
        if provenance is None or provenance.status != "sourced":
            marked.append(code)
    return tuple(sorted(set(marked)))


def assess(
    catalogue: Catalogue,
    bachelor: Bachelor,
    master: Master,
    *,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> Cell:
    """The scan cell of one pair: the bachelor's mandatory courses against the master."""
    taken = frozenset(bachelor.courses)
    the_gap = gap(master, attainment(catalogue, taken))
    bridging = bridge_gap(catalogue, master, taken, the_gap, time_limit=time_limit)
    policy = bachelor.code in master.direct_admission and not the_gap.closed
    shown = [bachelor.code, master.code, *([] if policy else bridging.codes)]
    return Cell(
        bachelor=bachelor.code,
        master=master.code,
        gap=the_gap,
        bridging=bridging,
        policy_direct=policy,
        illustrative=_illustrative(catalogue, shown),
    )


def pairs(
    catalogue: Catalogue,
    bachelors: Sequence[str] | None = None,
    masters: Sequence[str] | None = None,
) -> list[tuple[str, str]]:
    """Every (bachelor, master) pair asked for, sorted by codes."""
    b_codes = sorted(bachelors) if bachelors else [b.code for b in catalogue.bachelors]
    m_codes = sorted(masters) if masters else [m.code for m in catalogue.masters]
    for code in b_codes:
        catalogue.bachelor(code)
    for code in m_codes:
        catalogue.master(code)
    return [(b, m) for b in b_codes for m in m_codes]


_WORKER_CATALOGUE: Catalogue | None = None


def _init_worker(catalogue: Catalogue) -> None:
    global _WORKER_CATALOGUE
    _WORKER_CATALOGUE = catalogue


def _assess_codes(job: tuple[str, str, float]) -> Cell:
    assert _WORKER_CATALOGUE is not None
    b, m, limit = job
    return assess(
        _WORKER_CATALOGUE,
        _WORKER_CATALOGUE.bachelor(b),
        _WORKER_CATALOGUE.master(m),
        time_limit=limit,
    )


def scan(
    catalogue: Catalogue,
    bachelors: Sequence[str] | None = None,
    masters: Sequence[str] | None = None,
    *,
    workers: int = 1,
    time_limit: float = DEFAULT_TIME_LIMIT,
    progress: Callable[[Cell], None] | None = None,
) -> list[Cell]:
    """Assess every pair; cells come back sorted by (bachelor, master) whatever ``workers``."""
    jobs = [(b, m, time_limit) for b, m in pairs(catalogue, bachelors, masters)]
    cells: list[Cell] = []
    if workers <= 1 or len(jobs) < 2:
        _init_worker(catalogue)
        for job in jobs:
            cell = _assess_codes(job)
            cells.append(cell)
            if progress:
                progress(cell)
    else:
        with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(catalogue,)) as pool:
            for cell in pool.map(_assess_codes, jobs, chunksize=max(1, len(jobs) // (8 * workers))):
                cells.append(cell)
                if progress:
                    progress(cell)
    return sorted(cells, key=lambda c: (c.bachelor, c.master))


def status_counts(cells: Iterable[Cell]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for cell in cells:
        counts[cell.status] = counts.get(cell.status, 0) + 1
    return dict(sorted(counts.items()))
