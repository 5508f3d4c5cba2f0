"""The aansluitscan: every (bachelor, master) pair assessed along the cheapest route.

A cell's status is the first route that closes the gap, in this order of preference:

- ``direct``: no gap, or the master admits the bachelor by policy (``direct_admission``);
- ``electives``: bachelor-level courses (bridging courses, and courses of any bachelor or minor)
  from the catalogues open to the bachelor (``elective_catalogue``) that fit in its elective
  space close the gap — the student can prepare inside the bachelor;
- ``minor``: an existing minor open to the bachelor's institution, within its elective space and
  with its entry requirements met, closes the gap (the one with the fewest EC, then by code);
- ``premaster``: the optimal bridging programme within the master's cap;
- ``infeasible``: none of these; the reason names what no eligible course can meet, or the cap.

Every cell says why each earlier route did not apply (``why_not``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from articulation.bridging import (
    Bridging,
    ChosenCourse,
    alternatives,
    bridge_gap,
    circular_courses,
    eligible_courses,
    half_ects,
    helps,
)
from articulation.catalogue import Catalogue
from articulation.gap import Attainment, Gap, attainment, gap, holds
from articulation.model import Bachelor, Master, Minor

DEFAULT_TIME_LIMIT = 10.0
STATUSES = ("direct", "electives", "minor", "premaster", "infeasible", "unknown")


@dataclass(frozen=True)
class Cell:
    """One (bachelor, master) pair: its gap, the route that closes it, and why."""

    bachelor: str
    master: str
    status: str
    gap: Gap
    reason: str
    why_not: tuple[str, ...] = ()
    courses: tuple[ChosenCourse, ...] = ()
    total_ects: float = 0.0
    optimal: bool = True
    unmet: tuple[str, ...] = ()
    cap: float = 0.0
    bound_ects: float | None = None
    minor: str | None = None
    illustrative: tuple[str, ...] = ()

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.courses)

    def to_json(self) -> dict[str, Any]:
        return {
            "bachelor": self.bachelor,
            "master": self.master,
            "status": self.status,
            "total_ects": self.total_ects,
            "courses": [c.to_json() for c in self.courses],
            "optimal": self.optimal,
            "unmet": list(self.unmet),
            "gap": self.gap.details(),
            "reason": self.reason,
            "why_not": list(self.why_not),
            "minor": self.minor,
            "cap": self.cap,
            "bound_ects": self.bound_ects,
            "illustrative": list(self.illustrative),
        }


def illustrative_codes(catalogue: Catalogue, codes: Iterable[str]) -> tuple[str, ...]:
    """The codes among ``codes`` whose data is illustrative (or has no provenance)."""
    marked = []
    for code in codes:
        item = catalogue.programmes.get(code) or catalogue.courses.get(code)
        provenance = getattr(item, "provenance", None)
        if provenance is None or provenance.status != "sourced":
            marked.append(code)
    return tuple(sorted(set(marked)))


def elective_institutions(catalogue: Catalogue, bachelor: Bachelor) -> list[str]:
    """Institutions whose courses may fill the bachelor's elective space."""
    if bachelor.elective_catalogue is not None:
        return sorted(bachelor.elective_catalogue)
    own = {bachelor.institution}
    own |= {catalogue.institution_of[c] for c in bachelor.courses if c in catalogue.institution_of}
    return sorted(own)


def elective_pool(catalogue: Catalogue, bachelor: Bachelor) -> tuple[list[str], str]:
    """The courses that may fill the elective space, and their name for reasons."""

    def build() -> tuple[list[str], str]:
        institutions = elective_institutions(catalogue, bachelor)
        pool = eligible_courses(catalogue, institutions, bachelor.courses, bridging_only=False)
        pool = [c for c in pool if c in catalogue.bachelor_level]
        return pool, f"elective course ({', '.join(institutions)})"

    return catalogue.remembered("elective pools", bachelor.code, build)


def _after_minor(catalogue: Catalogue, bachelor: Bachelor, minor: Minor) -> Attainment:
    return catalogue.remembered(
        "after minor",
        (bachelor.code, minor.code),
        lambda: attainment(catalogue, set(bachelor.courses) | set(minor.courses)),
    )


def minor_options(
    catalogue: Catalogue, bachelor: Bachelor, master: Master, the_gap: Gap
) -> tuple[Minor | None, list[str]]:
    """The smallest existing minor that closes the gap, or None with the reasons per minor."""
    notes: list[str] = []
    closing: list[Minor] = []
    partial: list[tuple[int, float, str]] = []
    for minor in catalogue.minors:
        if minor.open_to and bachelor.institution not in minor.open_to:
            continue
        if minor.ects > bachelor.electives:
            partial.append((10**6, minor.ects, f"{minor.code} ({minor.ects:g} EC) does not fit"))
            continue
        if not all(holds(item, the_gap.attained) for item in minor.entry):
            partial.append((10**6, minor.ects, f"{minor.code}: entry requirements not met"))
            continue
        after = _after_minor(catalogue, bachelor, minor)
        left = [item for item in the_gap.unmet if not holds(item, after)]  # the rest stay met
        if not left:
            closing.append(minor)
        else:
            partial.append((len(left), minor.ects, f"{minor.code} leaves {len(left)} unmet"))
    if closing:
        return min(closing, key=lambda m: (m.ects, m.code)), []
    if not partial:
        notes.append(f"no minor is open to {bachelor.institution} students")
    else:
        notes.extend(text for _, _, text in sorted(partial)[:3])
    return None, notes


def _minor_courses(
    catalogue: Catalogue, bachelor: Bachelor, minor: Minor, the_gap: Gap
) -> tuple[ChosenCourse, ...]:
    pool = set(minor.courses) - set(bachelor.courses)
    covers: dict[str, list[str]] = {c: [] for c in pool}
    for item in the_gap.unmet:
        for c in helps(catalogue, item, pool):
            covers[c].append(str(item))
    return tuple(
        ChosenCourse(
            code=c,
            title=catalogue.courses[c].title,
            ects=catalogue.courses[c].ects,
            covers=tuple(covers[c]),
            needed_for=(),
        )
        for c in minor.courses
        if c in pool
    )


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
    base = {"bachelor": bachelor.code, "master": master.code, "gap": the_gap}

    def done(cell: Cell) -> Cell:
        shown = [bachelor.code, master.code, *([cell.minor] if cell.minor else []), *cell.codes]
        return Cell(**{**cell.__dict__, "illustrative": illustrative_codes(catalogue, shown)})

    if the_gap.closed:
        return done(Cell(**base, status="direct", reason="every requirement is met"))
    if bachelor.code in master.direct_admission:
        reason = "admitted directly by the master's admission policy (the gap is shown)"
        return done(Cell(**base, status="direct", reason=reason))
    why_not = [f"direct: {len(the_gap.unmet)} requirement(s) unmet"]

    if bachelor.electives > 0:
        pool, pool_name = elective_pool(catalogue, bachelor)
        route = bridge_gap(
            catalogue,
            master,
            taken,
            the_gap,
            cap=bachelor.electives,
            pool=pool,
            pool_name=pool_name,
            pool_key=("electives", bachelor.code),
            time_limit=time_limit,
            shared=True,
        )
        if route.status == "premaster":
            return done(_from_bridging(base, "electives", route, why_not))
        why_not.append(f"electives: {route.reason}")
    else:
        why_not.append("electives: the bachelor has no elective space")

    minor, notes = minor_options(catalogue, bachelor, master, the_gap)
    if minor is not None:
        courses = _minor_courses(catalogue, bachelor, minor, the_gap)
        return done(
            Cell(
                **base,
                status="minor",
                reason=f"the minor {minor.code} ({minor.name}, {minor.ects:g} EC) closes the gap",
                why_not=tuple(why_not),
                courses=courses,
                total_ects=minor.ects,
                cap=bachelor.electives,
                minor=minor.code,
            )
        )
    why_not.append("minor: " + "; ".join(notes))

    route = bridge_gap(catalogue, master, taken, the_gap, time_limit=time_limit, shared=True)
    return done(_from_bridging(base, route.status, route, why_not))


def _from_bridging(base: dict[str, Any], status: str, route: Bridging, why_not: list[str]) -> Cell:
    return Cell(
        **base,
        status=status,
        reason=route.reason,
        why_not=tuple(why_not),
        courses=route.courses,
        total_ects=route.total_ects,
        optimal=route.optimal,
        unmet=route.unmet,
        cap=route.cap,
        bound_ects=route.bound_ects,
    )


def route_alternatives(
    catalogue: Catalogue, cell: Cell, k: int, *, time_limit: float = DEFAULT_TIME_LIMIT
) -> tuple[Bridging, ...]:
    """Up to ``k`` next-best distinct programmes of the cell's route.

    Only the electives route (elective pool, capped by the elective space) and the pre-master
    route (bridging courses, capped by the master's pre-master cap) have alternatives.
    """
    if cell.status not in ("electives", "premaster") or k <= 0:
        return ()
    bachelor = catalogue.bachelor(cell.bachelor)
    master = catalogue.master(cell.master)
    options: dict[str, Any] = {}
    if cell.status == "electives":
        pool, name = elective_pool(catalogue, bachelor)
        options = {
            "pool": pool,
            "pool_name": name,
            "pool_key": ("electives", bachelor.code),
            "cap": bachelor.electives,
        }
    found = alternatives(
        catalogue, master, bachelor.courses, k + 1, time_limit=time_limit, shared=True, **options
    )
    return tuple(o for o in found[1:] if o.status == "premaster")


def transfer_path(
    catalogue: Catalogue,
    bachelor: str,
    master: str,
    alternatives: int = 0,
    time_limit: float = 10.0,
) -> dict[str, Any]:
    """The scan cell of one pair as JSON, with up to ``alternatives`` next-best programmes
    (for the electives and pre-master routes)."""
    b, m = catalogue.bachelor(bachelor), catalogue.master(master)
    cell = assess(catalogue, b, m, time_limit=time_limit)
    data = cell.to_json()
    if alternatives:
        found = route_alternatives(catalogue, cell, alternatives, time_limit=time_limit)
        data["alternatives"] = [
            {
                "total_ects": o.total_ects,
                "optimal": o.optimal,
                "courses": [c.to_json() for c in o.courses],
            }
            for o in found
        ]
    return data


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
    catalogue = _WORKER_CATALOGUE
    return assess(catalogue, catalogue.bachelor(b), catalogue.master(m), time_limit=limit)


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
        warm_up(catalogue)  # forked workers inherit the shared indexes and the solver import
        chunk = max(1, len(jobs) // (8 * workers))
        with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(catalogue,)) as pool:
            for cell in pool.map(_assess_codes, jobs, chunksize=chunk):
                cells.append(cell)
                if progress:
                    progress(cell)
    return sorted(cells, key=lambda c: (c.bachelor, c.master))


def warm_up(catalogue: Catalogue) -> None:
    """Build the catalogue-wide indexes every pair uses, and import the solver, once."""
    from ortools.sat.python import cp_model  # noqa: F401

    circular_courses(catalogue)
    half_ects(catalogue)


def status_counts(cells: Iterable[Cell]) -> dict[str, int]:
    """Cells per status, in the order of preference."""
    counts = {status: 0 for status in STATUSES}
    for cell in cells:
        counts[cell.status] += 1
    return {status: n for status, n in counts.items() if n}
