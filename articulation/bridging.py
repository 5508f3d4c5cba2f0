"""The smallest bridging programme (pre-master) that closes a gap, proven optimal with CP-SAT.

The problem is weighted set cover with precedence. Given the courses a student has passed and a
master's requirements, choose a set X of bridging courses such that

(a) every requirement holds with the passed courses and X together,
(b) X can be taken in some order in which every prerequisite group of each course is met by a
    passed course, an earlier course of X, or an outcome taught at the level by either, and
(c) the EC of X is at most the master's pre-master cap,

minimising total EC, then the number of courses, then (the documented tie-break) the sum of the
courses' positions in the catalogue's code order, so that among equally small programmes the one
with alphabetically earlier course codes wins. Same input, same answer: one solver worker with a fixed seed.

Pruning comes first: only courses that help an unmet requirement, plus the candidates that can
meet their unmet prerequisite groups (transitively), and of those only the ones that can be
reached at all from what the student has passed, enter the model.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import networkx as nx

from articulation.catalogue import Catalogue
from articulation.gap import Attainment, Gap, attainment, gap, holds
from articulation.model import (
    AnyOf,
    AreaRequirement,
    Master,
    OutcomeAt,
    OutcomeRequirement,
    Requirement,
)

Status = Literal["direct", "premaster", "infeasible", "unknown"]

#: Solver settings measured to prove university-scale instances in milliseconds (DESIGN.md).
SEED = 20261127


@dataclass(frozen=True)
class ChosenCourse:
    """A course of a bridging programme, with why it is there."""

    code: str
    title: str
    ects: float
    covers: tuple[str, ...]
    needed_for: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "title": self.title,
            "ects": self.ects,
            "covers": list(self.covers),
            "needed_for": list(self.needed_for),
        }


@dataclass(frozen=True)
class Bridging:
    """The answer for one gap: a status, the programme and the proof status."""

    status: Status
    courses: tuple[ChosenCourse, ...] = ()
    total_ects: float = 0.0
    optimal: bool = True
    unmet: tuple[str, ...] = ()
    reason: str = ""
    cap: float = 0.0
    bound_ects: float | None = None
    candidates: int = 0

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.courses)

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "total_ects": self.total_ects,
            "courses": [c.to_json() for c in self.courses],
            "optimal": self.optimal,
            "unmet": list(self.unmet),
            "reason": self.reason,
            "cap": self.cap,
            "bound_ects": self.bound_ects,
        }


@dataclass
class _Problem:
    """The pruned instance: candidates, their unmet prerequisite groups and supporters."""

    catalogue: Catalogue
    taken: frozenset[str]
    attained: Attainment
    unmet: tuple[Requirement, ...]
    candidates: list[str] = field(default_factory=list)
    # per candidate: one list of supporting candidates per prerequisite group not met by `taken`
    groups: dict[str, list[list[str]]] = field(default_factory=dict)
    blocked: set[str] = field(default_factory=set)


def eligible_courses(catalogue: Catalogue, master: Master, taken: Iterable[str]) -> list[str]:
    """Bridging courses of the master's pre-master catalogue institutions not already taken."""
    institutions = set(master.premaster.catalogue)
    done = set(taken)
    return [
        code
        for code, course in catalogue.courses.items()
        if course.bridging and catalogue.institution_of[code] in institutions and code not in done
    ]


def _helps(catalogue: Catalogue, item: Requirement, pool: set[str]) -> set[str]:
    """Candidates in ``pool`` that contribute to a requirement item."""
    if isinstance(item, OutcomeRequirement):
        return {
            c
            for c, level in catalogue.teachers.get(item.outcome, ())
            if level >= item.level and c in pool
        }
    if isinstance(item, AreaRequirement):
        return {c for c in pool if catalogue.course_area[c] == item.area}
    return set().union(*(_helps(catalogue, alt, pool) for alt in item.any_of))


def _supporters(catalogue: Catalogue, member: str | OutcomeAt, pool: set[str]) -> list[str]:
    if isinstance(member, OutcomeAt):
        return [
            c
            for c, level in catalogue.teachers.get(member.outcome, ())
            if level >= member.level and c in pool
        ]
    return [member] if member in pool else []


def _group_met(
    member_list: Sequence[str | OutcomeAt], taken: frozenset[str], att: Attainment
) -> bool:
    return any(holds(m, att) if isinstance(m, OutcomeAt) else m in taken for m in member_list)


def prune(
    catalogue: Catalogue,
    master: Master,
    taken: Iterable[str],
    unmet: Sequence[Requirement],
    att: Attainment,
) -> _Problem:
    """Reduce the eligible courses to those that can matter, and index their support.

    Backward: a breadth-first walk from the unmet requirements through prerequisite groups that
    the passed courses do not meet. Forward: of those, keep the courses that can be reached (put
    in a valid order) from the passed courses.
    """
    done = frozenset(taken)
    pool = set(eligible_courses(catalogue, master, done))
    problem = _Problem(catalogue, done, att, tuple(unmet))
    relevant: set[str] = set()
    frontier = sorted(set().union(*(_helps(catalogue, item, pool) for item in unmet)))
    groups: dict[str, list[list[str]]] = {}
    while frontier:
        nxt: set[str] = set()
        for code in frontier:
            if code in relevant:
                continue
            relevant.add(code)
            open_groups = []
            for group in catalogue.courses[code].prerequisites:
                if _group_met(group, done, att):
                    continue
                support = sorted(
                    {s for m in group for s in _supporters(catalogue, m, pool)} - {code}
                )
                open_groups.append(support)
                nxt.update(s for s in support if s not in relevant)
            groups[code] = open_groups
        frontier = sorted(nxt)
    # forward reachability within the relevant set
    reached: set[str] = set()
    changed = True
    while changed:
        changed = False
        for code in sorted(relevant - reached):
            if all(any(s in reached for s in support) for support in groups[code]):
                reached.add(code)
                changed = True
    problem.candidates = sorted(reached)
    problem.blocked = relevant - reached
    problem.groups = {c: [[s for s in g if s in reached] for g in groups[c]] for c in reached}
    return problem


def _unreachable_requirements(problem: _Problem) -> list[Requirement]:
    """Unmet requirements that even all reachable candidates together cannot meet."""
    everything = attainment(problem.catalogue, problem.taken | set(problem.candidates))
    return [item for item in problem.unmet if not holds(item, everything)]


def _half(ects: float) -> int:
    return round(ects * 2)


@dataclass(frozen=True)
class _Solution:
    status: Literal["optimal", "feasible", "infeasible", "unknown"]
    chosen: tuple[str, ...] = ()
    bound_half_ects: int | None = None


def _solve(
    problem: _Problem, cap: float | None, exclude: Sequence[frozenset[str]], time_limit: float
) -> _Solution:
    """Build and solve the CP-SAT model; map the answer back to course codes."""
    from ortools.sat.python import cp_model  # imported lazily: it costs ~0.3 s

    catalogue, att = problem.catalogue, problem.attained
    codes = problem.candidates
    n = len(codes)
    model = cp_model.CpModel()
    x = {c: model.new_bool_var(c) for c in codes}
    half = {c: _half(catalogue.courses[c].ects) for c in codes}

    def literal(item: Requirement):
        """A literal that, when true, forces the item to hold (None: cannot hold)."""
        if holds(item, att):
            return True
        if isinstance(item, OutcomeRequirement):
            helpers = sorted(_helps(catalogue, item, set(codes)))
            if not helpers:
                return None
            b = model.new_bool_var(str(item))
            model.add_bool_or([x[c] for c in helpers]).only_enforce_if(b)
            return b
        if isinstance(item, AreaRequirement):
            need = math.ceil(2 * (item.min_ects - att.ects(item.area)) - 1e-9)
            helpers = sorted(_helps(catalogue, item, set(codes)))
            if sum(half[c] for c in helpers) < need:
                return None
            b = model.new_bool_var(str(item))
            model.add(sum(half[c] * x[c] for c in helpers) >= need).only_enforce_if(b)
            return b
        alternatives = [literal(alt) for alt in item.any_of]
        if any(alt is True for alt in alternatives):
            return True
        alternatives = [alt for alt in alternatives if alt is not None]
        if not alternatives:
            return None
        b = model.new_bool_var(str(item))
        model.add_bool_or(alternatives).only_enforce_if(b)
        return b

    for item in problem.unmet:
        lit = literal(item)
        if lit is None:
            return _Solution("infeasible")
        if lit is not True:
            model.add(lit == 1)

    # prerequisites; strongly connected support needs an explicit order to forbid circularity
    support = nx.DiGraph()
    support.add_nodes_from(codes)
    for c in codes:
        for group in problem.groups[c]:
            support.add_edges_from((s, c) for s in group)
    component_of: dict[str, int] = {}
    position: dict[str, Any] = {}
    for k, comp in enumerate(nx.strongly_connected_components(support)):
        if len(comp) > 1:
            for c in sorted(comp):
                component_of[c] = k
                position[c] = model.new_int_var(0, len(comp) - 1, f"pos {c}")
    for c in codes:
        for g, group in enumerate(problem.groups[c]):
            options = []
            for s in group:
                if c in component_of and component_of.get(s) == component_of[c]:
                    y = model.new_bool_var(f"{s} supports {c}/{g}")
                    model.add_implication(y, x[s])
                    model.add(position[s] < position[c]).only_enforce_if(y)
                    options.append(y)
                else:
                    options.append(x[s])
            model.add_bool_or([x[c].Not(), *options])

    if cap is not None:
        model.add(sum(half[c] * x[c] for c in codes) <= int(_half(cap)))
    for previous in exclude:
        members = [x[c] for c in sorted(previous) if c in x]
        if len(members) == len(previous):
            model.add(sum(members) <= len(members) - 1)

    # lexicographic objective as one integer: EC, then course count, then code positions
    rank = {c: catalogue.course_rank[c] for c in codes}
    count_weight = sum(rank.values()) + 1
    ec_weight = (n + 1) * count_weight
    model.minimize(sum((half[c] * ec_weight + count_weight + rank[c]) * x[c] for c in codes))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.linearization_level = 2
    solver.parameters.random_seed = SEED
    solver.parameters.max_time_in_seconds = time_limit
    status = solver.solve(model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        chosen = tuple(c for c in codes if solver.boolean_value(x[c]))
        bound = int(solver.best_objective_bound) // ec_weight
        return _Solution("optimal" if status == cp_model.OPTIMAL else "feasible", chosen, bound)
    if status == cp_model.INFEASIBLE:
        return _Solution("infeasible")
    return _Solution("unknown", bound_half_ects=int(solver.best_objective_bound) // ec_weight)


def _explain(problem: _Problem, chosen: Sequence[str]) -> tuple[ChosenCourse, ...]:
    """Per chosen course: the requirements it contributes to and the courses it enables."""
    catalogue = problem.catalogue
    pool = set(chosen)
    covers: dict[str, list[str]] = {c: [] for c in chosen}
    for item in problem.unmet:
        for c in sorted(_helps(catalogue, item, pool)):
            covers[c].append(str(item))
    needed_for: dict[str, list[str]] = {c: [] for c in chosen}
    for c in chosen:
        for group in problem.groups[c]:
            for s in group:
                if s in pool and c not in needed_for[s]:
                    needed_for[s].append(c)
    return tuple(
        ChosenCourse(
            code=c,
            title=catalogue.courses[c].title,
            ects=catalogue.courses[c].ects,
            covers=tuple(covers[c]),
            needed_for=tuple(sorted(needed_for[c])),
        )
        for c in order_courses(problem, chosen)
    )


def order_courses(problem: _Problem, chosen: Sequence[str]) -> list[str]:
    """A valid order to take the chosen courses in (prerequisites first, then by code)."""
    pool, placed, order = set(chosen), set(), []
    while len(order) < len(pool):
        for c in sorted(pool - placed):
            if all(any(s in placed for s in g) for g in problem.groups[c]):
                order.append(c)
                placed.add(c)
                break
        else:  # pragma: no cover - the model forbids circular support
            order.extend(sorted(pool - placed))
            break
    return order


def bridge(
    catalogue: Catalogue,
    master: Master,
    taken: Iterable[str],
    *,
    cap: float | None = None,
    exclude: Sequence[frozenset[str]] = (),
    time_limit: float = 10.0,
) -> Bridging:
    """The optimal bridging programme from the passed courses ``taken`` into ``master``.

    ``cap`` overrides the master's ``premaster.max_ects``; ``exclude`` lists programmes (and
    their supersets) that may not be returned, for alternatives.
    """
    done = frozenset(taken)
    att = attainment(catalogue, done)
    return bridge_gap(
        catalogue, master, done, gap(master, att), cap=cap, exclude=exclude, time_limit=time_limit
    )


def bridge_gap(
    catalogue: Catalogue,
    master: Master,
    taken: frozenset[str],
    the_gap: Gap,
    *,
    cap: float | None = None,
    exclude: Sequence[frozenset[str]] = (),
    time_limit: float = 10.0,
) -> Bridging:
    """:func:`bridge` for a gap already computed."""
    limit = master.premaster.max_ects if cap is None else cap
    if the_gap.closed:
        return Bridging(status="direct", cap=limit, reason="no requirement is unmet")
    problem = prune(catalogue, master, taken, the_gap.unmet, the_gap.attained)
    size = len(problem.candidates)
    impossible = _unreachable_requirements(problem)
    if impossible:
        texts = tuple(str(item) for item in impossible)
        where = ", ".join(master.premaster.catalogue) or "no institution"
        return Bridging(
            status="infeasible",
            optimal=True,
            unmet=texts,
            cap=limit,
            candidates=size,
            reason=(f"no eligible bridging course ({where}) can meet: " + "; ".join(texts)),
        )
    solution = _solve(problem, limit, exclude, time_limit)
    if solution.status in ("optimal", "feasible"):
        courses = _explain(problem, solution.chosen)
        total = sum(c.ects for c in courses)
        optimal = solution.status == "optimal"
        reason = f"{len(courses)} course(s), {total:g} EC close the gap" + (
            "" if optimal else " (best found within the time limit, not proven)"
        )
        return Bridging(
            status="premaster",
            courses=courses,
            total_ects=total,
            optimal=optimal,
            cap=limit,
            bound_ects=(solution.bound_half_ects or 0) / 2,
            candidates=size,
            reason=reason,
        )
    if solution.status == "infeasible":
        if exclude:
            reason = "no further distinct programme within the cap"
            return Bridging(status="infeasible", cap=limit, candidates=size, reason=reason)
        free = _solve(problem, None, (), time_limit)
        if free.status == "optimal":
            need = sum(catalogue.courses[c].ects for c in free.chosen)
            reason = (
                f"closing the gap needs at least {need:g} EC; the pre-master cap is {limit:g} EC"
            )
        else:
            reason = f"no programme within the pre-master cap of {limit:g} EC closes the gap"
        return Bridging(
            status="infeasible",
            cap=limit,
            candidates=size,
            unmet=tuple(the_gap.texts()),
            reason=reason,
        )
    return Bridging(
        status="unknown",
        optimal=False,
        cap=limit,
        candidates=size,
        bound_ects=(solution.bound_half_ects or 0) / 2,
        unmet=tuple(the_gap.texts()),
        reason=f"no programme found within the time limit of {time_limit:g} s",
    )


def alternatives(
    catalogue: Catalogue,
    master: Master,
    taken: Iterable[str],
    k: int,
    *,
    cap: float | None = None,
    time_limit: float = 10.0,
) -> list[Bridging]:
    """Up to ``k`` distinct bridging programmes, best first (no-good cuts: each later programme
    is neither an earlier one nor contains one)."""
    done = frozenset(taken)
    the_gap = gap(master, attainment(catalogue, done))
    found: list[Bridging] = []
    exclude: list[frozenset[str]] = []
    while len(found) < k:
        result = bridge_gap(
            catalogue, master, done, the_gap, cap=cap, exclude=exclude, time_limit=time_limit
        )
        if result.status != "premaster":
            if not found:
                found.append(result)
            break
        found.append(result)
        exclude.append(frozenset(result.codes))
    return found


__all__ = ["AnyOf", "Bridging", "ChosenCourse", "alternatives", "bridge", "bridge_gap", "prune"]
