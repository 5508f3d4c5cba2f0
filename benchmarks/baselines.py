"""Baselines the engine is measured against, in the same run and on the same instances.

- :func:`greedy`: the classic cost-effectiveness heuristic for weighted set cover, extended with
  prerequisites: repeatedly take the course (together with the cheapest way to meet its open
  prerequisite groups) that closes the most of the remaining gap per EC (area requirements
  count by the share of EC they still miss), then drop courses that turned out redundant.
  Scores are evaluated lazily (a priority queue of stale scores). Never proven optimal.
- :func:`naive`: one generic MILP per pair (SCIP through ``ortools.linear_solver``): one binary
  per eligible course of the whole pre-master catalogue, no pruning, the cover and
  prerequisite constraints written out for every course, minimum EC. Exact, but it models the
  whole catalogue for every pair.

Both read the catalogue directly and share no code with :mod:`articulation.solving.bridging` beyond
:func:`articulation.solving.gap.attainment` and :func:`articulation.solving.gap.gap` (what the gap
is).
"""

from __future__ import annotations

import heapq
import math
from collections import ChainMap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.model import (
    AnyOf,
    AreaRequirement,
    AtLeast,
    Master,
    OutcomeAt,
    Requirement,
)
from articulation.solving.gap import Attainment, attainment, gap, holds


@dataclass(frozen=True)
class Answer:
    """A baseline's answer for one pair: feasible within the cap or not, and its programme."""

    feasible: bool
    codes: tuple[str, ...] = ()
    total_ects: float = 0.0
    proven: bool = False


def pool_of(catalogue: Catalogue, master: Master, taken: Iterable[str]) -> list[str]:
    """The bridging courses of the master's pre-master catalogue institutions not yet taken."""
    institutions = set(master.premaster.catalogue)
    done = set(taken)
    return [
        code
        for code, course in catalogue.courses.items()
        if course.bridging and catalogue.institution_of[code] in institutions and code not in done
    ]


def _supporters(catalogue: Catalogue, member: str | OutcomeAt, pool: set[str]) -> list[str]:
    if isinstance(member, OutcomeAt):
        return [
            c
            for c, level in catalogue.teachers.get(member.outcome, ())
            if level >= member.level and c in pool
        ]
    return [member] if member in pool else []


def _group_met(group: Sequence[str | OutcomeAt], have: set[str], att: Attainment) -> bool:
    return any(holds(m, att) if isinstance(m, OutcomeAt) else m in have for m in group)


class _State:
    """Taken courses plus the chosen ones, with their attainment kept up to date."""

    def __init__(self, catalogue: Catalogue, taken: Iterable[str]):
        self.catalogue = catalogue
        self.have = set(taken)
        base = attainment(catalogue, self.have)
        self.levels = dict(base.levels)
        self.area = dict(base.area_ects)

    @property
    def att(self) -> Attainment:
        return Attainment(levels=self.levels, area_ects=self.area)

    def add(self, code: str) -> None:
        course = self.catalogue.courses[code]
        self.have.add(code)
        for outcome, level in course.teaches.items():
            if level > self.levels.get(outcome, 0):
                self.levels[outcome] = level
        for area, ects in self.catalogue.course_areas[code].items():
            self.area[area] = self.area.get(area, 0.0) + ects


def _progress(item: Requirement, levels: Mapping[str, int], area: Mapping[str, float]) -> float:
    """How much of a requirement holds, 0..1 (area requirements count partially)."""
    if isinstance(item, OutcomeAt):
        return 1.0 if levels.get(item.outcome, 0) >= item.level else 0.0
    if isinstance(item, AreaRequirement):
        return min(1.0, area.get(item.area, 0.0) / item.min_ects)
    best = sorted((_progress(alt, levels, area) for alt in item.members), reverse=True)
    return sum(best[: item.needed]) / item.needed  # one of them, or the k best of at_least


def greedy(
    catalogue: Catalogue,
    master: Master,
    taken: Iterable[str],
    *,
    cap: float | None = None,
    pool: Iterable[str] | None = None,
) -> Answer:
    """The cost-effectiveness heuristic; ``feasible`` is False when it fails or exceeds the cap."""
    limit = master.premaster.max_ects if cap is None else cap
    taken = set(taken)
    state = _State(catalogue, taken)
    unmet = [item for item in master.requires if not holds(item, state.att)]
    if not unmet:
        return Answer(True, proven=True)
    eligible = set(pool_of(catalogue, master, taken) if pool is None else pool) - taken
    chosen: list[str] = []

    def package(code: str, have: set[str], att: Attainment, depth: int = 0) -> list[str] | None:
        """``code`` preceded by the cheapest greedy way to meet its open prerequisite groups."""
        if depth > 6:
            return None
        plan: list[str] = []
        for group in catalogue.courses[code].prerequisites:
            if _group_met(group, have | set(plan), att):
                continue
            best: list[str] | None = None
            for member in group:
                for s in _supporters(catalogue, member, eligible):
                    if s == code or s in have or s in plan:
                        continue
                    sub = package(s, have | set(plan), att, depth + 1)
                    if sub is not None and (
                        best is None or _ects(catalogue, sub) < _ects(catalogue, best)
                    ):
                        best = sub
            if best is None:
                return None
            plan += [c for c in best if c not in plan]
        return [*plan, code]

    # which unmet items an outcome or an area can move, so that a gain touches only those
    by_outcome: dict[str, list[int]] = {}
    by_area: dict[str, list[int]] = {}
    for i, item in enumerate(unmet):
        for outcome in _outcomes_of(item):
            by_outcome.setdefault(outcome, []).append(i)
        for area in _areas_of(item):
            by_area.setdefault(area, []).append(i)
    done = [_progress(item, state.levels, state.area) for item in unmet]

    def score(code: str) -> tuple[float, list[str] | None]:
        plan = package(code, state.have, state.att)
        if plan is None:
            return 0.0, None
        new_levels: dict[str, int] = {}
        new_area: dict[str, float] = {}
        touched: set[int] = set()
        for c in plan:
            course = catalogue.courses[c]
            for outcome, level in course.teaches.items():
                if outcome in by_outcome:
                    old = new_levels.get(outcome, state.levels.get(outcome, 0))
                    new_levels[outcome] = max(old, level)
                    touched.update(by_outcome[outcome])
            for a, ects in catalogue.course_areas[c].items():
                if a in by_area:
                    new_area[a] = new_area.get(a, state.area.get(a, 0.0)) + ects
                    touched.update(by_area[a])
        levels = ChainMap(new_levels, state.levels)
        area = ChainMap(new_area, state.area)
        gain = sum(_progress(unmet[i], levels, area) - done[i] for i in touched if done[i] < 1)
        return gain / _ects(catalogue, plan), plan

    # lazy evaluation: a score only falls as the gap closes, so a popped score that is still
    # the best after recomputing it is the best of all
    helpers: set[str] = set()
    for item in unmet:
        helpers |= _helpers(catalogue, item, eligible)
    heap = [(-math.inf, code) for code in sorted(helpers)]
    heapq.heapify(heap)
    while heap and not all(p >= 1.0 for p in done):
        _, code = heapq.heappop(heap)
        if code in state.have:
            continue
        value, plan = score(code)
        if plan is None or value <= 1e-12:
            continue
        if heap and -heap[0][0] > value + 1e-12:
            heapq.heappush(heap, (-value, code))
            continue
        for c in plan:
            if c not in state.have:
                state.add(c)
                chosen.append(c)
        done = [_progress(item, state.levels, state.area) for item in unmet]
    if not all(p >= 1.0 for p in done):
        return Answer(False)
    chosen = _drop_redundant(catalogue, taken, unmet, chosen)
    total = _ects(catalogue, chosen)
    return Answer(total <= limit + 1e-9, tuple(sorted(chosen)), total)


def _outcomes_of(item: Requirement) -> list[str]:
    if isinstance(item, OutcomeAt):
        return [item.outcome]
    if isinstance(item, AnyOf | AtLeast):
        return [o for alt in item.members for o in _outcomes_of(alt)]
    return []


def _areas_of(item: Requirement) -> list[str]:
    if isinstance(item, AreaRequirement):
        return [item.area]
    if isinstance(item, AnyOf | AtLeast):
        return [a for alt in item.members for a in _areas_of(alt)]
    return []


def _helpers(catalogue: Catalogue, item: Requirement, pool: set[str]) -> set[str]:
    if isinstance(item, OutcomeAt):
        return {
            c
            for c, level in catalogue.teachers.get(item.outcome, ())
            if level >= item.level and c in pool
        }
    if isinstance(item, AreaRequirement):
        return {c for c in pool if item.area in catalogue.course_areas[c]}
    return set().union(*(_helpers(catalogue, alt, pool) for alt in item.members))


def _ects(catalogue: Catalogue, codes: Iterable[str]) -> float:
    return float(sum(catalogue.courses[c].ects for c in codes))


def takeable(catalogue: Catalogue, taken: set[str], chosen: Iterable[str]) -> bool:
    """Whether the chosen courses can be taken in some order after ``taken``."""
    state = _State(catalogue, taken)
    left = set(chosen)
    while left:
        ready = [
            c
            for c in sorted(left)
            if all(_group_met(g, state.have, state.att) for g in catalogue.courses[c].prerequisites)
        ]
        if not ready:
            return False
        for c in ready:
            state.add(c)
            left.discard(c)
    return True


def _drop_redundant(
    catalogue: Catalogue, taken: set[str], unmet: list[Requirement], chosen: list[str]
) -> list[str]:
    """Reverse deletion: drop the largest courses first while the programme still works."""
    keep = list(chosen)
    for code in sorted(chosen, key=lambda c: (-catalogue.courses[c].ects, c)):
        trial = [c for c in keep if c != code]
        att = attainment(catalogue, taken | set(trial))
        if all(holds(item, att) for item in unmet) and takeable(catalogue, taken, trial):
            keep = trial
    return keep


def naive(
    catalogue: Catalogue,
    master: Master,
    taken: Iterable[str],
    *,
    cap: float | None = None,
    solver_name: str = "SCIP",
    time_limit: float = 60.0,
) -> Answer:
    """One generic MILP over the whole eligible catalogue, minimum EC (no pruning).

    Prerequisite support is modelled as ``x_c <= sum(x_s)`` per open group, which is exact when
    support has no circles (true of the synthetic and OR-Library instances).
    """
    from ortools.linear_solver import pywraplp

    limit = master.premaster.max_ects if cap is None else cap
    done = set(taken)
    att = attainment(catalogue, done)
    the_gap = gap(master, att)
    if the_gap.closed:
        return Answer(True, proven=True)
    codes = pool_of(catalogue, master, done)
    pool = set(codes)
    solver = pywraplp.Solver.CreateSolver(solver_name)
    solver.SetTimeLimit(int(time_limit * 1000))
    x = {c: solver.BoolVar(c) for c in codes}
    half = {c: round(2 * catalogue.courses[c].ects) for c in codes}

    def force(item: Requirement) -> Any:
        """A variable that implies the item when 1; True if it holds, False if it cannot."""
        if holds(item, att):
            return True
        if isinstance(item, OutcomeAt):
            helpers = _helpers(catalogue, item, pool)
            if not helpers:
                return False
            y = solver.BoolVar(str(item))
            solver.Add(sum(x[c] for c in helpers) >= y)
            return y
        if isinstance(item, AreaRequirement):
            need = math.ceil(2 * (item.min_ects - att.ects(item.area)) - 1e-9)
            helpers = _helpers(catalogue, item, pool)
            y = solver.BoolVar(str(item))
            solver.Add(sum(half[c] * x[c] for c in helpers) >= need * y)
            return y
        assert isinstance(item, AnyOf | AtLeast)
        members = [force(alt) for alt in item.members]
        need = item.needed - sum(1 for o in members if o is True)
        if need <= 0:
            return True
        options = [o for o in members if o is not False and o is not True]
        if len(options) < need:
            return False
        y = solver.BoolVar(str(item))
        solver.Add(sum(options) >= need * y)
        return y

    for item in the_gap.unmet:
        y = force(item)
        if y is False:
            return Answer(False, proven=True)
        if y is not True:
            solver.Add(y == 1)
    for c in codes:
        for group in catalogue.courses[c].prerequisites:
            if _group_met(group, done, att):
                continue
            support = {s for m in group for s in _supporters(catalogue, m, pool)} - {c}
            solver.Add(x[c] <= sum(x[s] for s in support))
    solver.Add(sum(half[c] * x[c] for c in codes) <= math.floor(2 * limit + 1e-9))
    solver.Minimize(sum(half[c] * x[c] for c in codes))
    status = solver.Solve()
    if status in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        chosen = tuple(c for c in codes if x[c].solution_value() > 0.5)
        return Answer(True, chosen, _ects(catalogue, chosen), status == pywraplp.Solver.OPTIMAL)
    return Answer(False, proven=status == pywraplp.Solver.INFEASIBLE)
