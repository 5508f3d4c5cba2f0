"""The smallest bridging programme (pre-master) that closes a gap, proven optimal with CP-SAT.

The problem is weighted set cover with precedence. Given the courses a student has passed and a
master's requirements, choose a set X of bridging courses such that

(a) every requirement holds with the passed courses and X together,
(b) X can be taken in some order in which every prerequisite group of each course is met by a
    passed course, an earlier course of X, or an outcome taught at the level by either, and
(c) the EC of X is at most the master's pre-master cap,

minimising total EC, then the number of courses, then (the documented tie-break) the sum of the
courses' positions in the catalogue's code order, so that among equally small programmes the one
with alphabetically earlier course codes wins. Same input, same answer: one solver worker with
a fixed seed.

Pruning comes first: only courses that help an unmet requirement, plus the candidates that can
meet their unmet prerequisite groups (transitively), and of those only the ones that can be
reached at all from what the student has passed, enter the model.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence, Set
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
    context: PoolContext | None = None

    def helpers(self, item: Requirement) -> frozenset[str]:
        """Candidates that contribute to ``item`` (an unmet item or one of its alternatives)."""
        if self.context is not None:
            return self.context.helpers(item)
        return frozenset(helps(self.catalogue, item, set(self.candidates)))


def eligible_courses(
    catalogue: Catalogue,
    institutions: Iterable[str],
    taken: Iterable[str],
    *,
    bridging_only: bool = True,
) -> list[str]:
    """Courses of ``institutions`` not already taken (only ``bridging: true`` ones by default).

    The candidates of a pre-master are the bridging courses of its ``premaster.catalogue``.
    """
    chosen = tuple(sorted(set(institutions)))
    courses = catalogue.courses
    base = catalogue.remembered(
        "eligible",
        (chosen, bridging_only),
        lambda: tuple(
            sorted(
                code
                for inst in chosen
                for code in catalogue.by_institution.get(inst, ())
                if not bridging_only or courses[code].bridging
            )
        ),
    )
    done = taken if isinstance(taken, Set) else set(taken)
    return [code for code in base if code not in done]


def helps(catalogue: Catalogue, item: Requirement, pool: Set[str]) -> set[str]:
    """Candidates in ``pool`` that contribute to a requirement item."""
    if isinstance(item, OutcomeRequirement):
        return {
            c
            for c, level in catalogue.teachers.get(item.outcome, ())
            if level >= item.level and c in pool
        }
    if isinstance(item, AreaRequirement):
        in_area = catalogue.by_area.get(item.area, frozenset())
        return set(in_area & pool) if len(in_area) < len(pool) else set(pool & in_area)
    return set().union(*(helps(catalogue, alt, pool) for alt in item.any_of))


def _supporters(catalogue: Catalogue, member: str | OutcomeAt, pool: Set[str]) -> list[str]:
    if isinstance(member, OutcomeAt):
        return [
            c
            for c, level in catalogue.teachers.get(member.outcome, ())
            if level >= member.level and c in pool
        ]
    return [member] if member in pool else []


@dataclass(frozen=True)
class PoolContext:
    """What the passed courses ``taken`` can reach in a candidate ``pool``.

    It depends only on the passed courses and the pool, so every master that draws on the same
    pool (a bachelor's whole row of the scan) shares it: the prerequisite groups the passed
    courses leave open, their supporters, and the courses that can be put in a valid order at
    all; per requirement item, the reachable courses that help it.
    """

    catalogue: Catalogue
    taken: frozenset[str]
    attained: Attainment
    pool: frozenset[str]
    reachable: frozenset[str]
    groups: dict[str, list[list[str]]]  # open groups of reachable courses, supporters in the pool
    _helpers: dict[str, frozenset[str]] = field(default_factory=dict, compare=False, repr=False)

    def meetable(self, item: Requirement) -> bool:
        """Whether taking every reachable course would meet ``item``."""
        if holds(item, self.attained):
            return True
        if type(item) is AreaRequirement:
            ects = sum(self.catalogue.courses[c].ects for c in self.helpers(item))
            return self.attained.ects(item.area) + ects >= item.min_ects - 1e-9
        if type(item) is AnyOf:
            return any(self.meetable(alt) for alt in item.any_of)
        return bool(self.helpers(item))

    def helpers(self, item: Requirement) -> frozenset[str]:
        """The reachable courses that contribute to ``item`` (remembered per item)."""
        key = str(item)
        found = self._helpers.get(key)
        if found is None:
            found = frozenset(helps(self.catalogue, item, self.reachable))
            self._helpers[key] = found
        return found


def _support_index(catalogue: Catalogue) -> dict[str, list[tuple[tuple, tuple[str, ...]]]]:
    """Per course: each prerequisite group with every course (catalogue-wide) that can meet it."""
    every = catalogue.courses.keys()

    def build() -> dict[str, list[tuple[tuple, tuple[str, ...]]]]:
        return {
            code: [
                (
                    tuple(group),
                    tuple(
                        sorted(
                            {s for m in group for s in _supporters(catalogue, m, every)} - {code}
                        )
                    ),
                )
                for group in course.prerequisites
            ]
            for code, course in catalogue.courses.items()
            if course.prerequisites
        }

    return catalogue.remembered("index", "support", build)


def circular_courses(catalogue: Catalogue) -> frozenset[str]:
    """Courses on a circle of the catalogue-wide support graph (A can meet a prerequisite of B
    and B one of A, possibly through others). Only these ever need explicit positions."""

    def build() -> frozenset[str]:
        graph = nx.DiGraph(
            (s, code)
            for code, groups in _support_index(catalogue).items()
            for _, everyone in groups
            for s in everyone
        )
        return frozenset(
            c for comp in nx.strongly_connected_components(graph) if len(comp) > 1 for c in comp
        )

    return catalogue.remembered("index", "circular", build)


def pool_context(
    catalogue: Catalogue,
    pool: Iterable[str],
    taken: Iterable[str],
    key: Any = None,
    focus: Sequence[Requirement] | None = None,
) -> PoolContext:
    """Build (or fetch from the catalogue's memo) the :class:`PoolContext` of a pool.

    ``key`` names the pool for the memo (default: the pool itself). With ``focus``, only the part
    of the pool that can matter for those requirements is examined (not remembered): the
    courses that help them and, transitively, whatever can meet their open prerequisite groups.
    That is what one query needs; a whole scan row shares the full context instead.

    Forward reachability is a worklist over open groups: a course is reached once each of its
    open groups has a reached supporter; linear in the size of the prerequisite structure.
    """
    done = frozenset(taken)
    if focus is not None:
        return _pool_context(catalogue, frozenset(pool) - done, done, focus)
    if not isinstance(pool, list | tuple | Set):
        pool = list(pool)
    return catalogue.remembered(
        "pool contexts",
        (done, key if key is not None else frozenset(pool)),
        lambda: _pool_context(catalogue, frozenset(pool) - done, done),
        limit=MEMO_SIZE,
    )


def _pool_context(
    catalogue: Catalogue,
    candidates: frozenset[str],
    done: frozenset[str],
    focus: Sequence[Requirement] | None = None,
) -> PoolContext:
    att = attainment(catalogue, done)
    levels = att.levels
    index = _support_index(catalogue)

    def met(group: tuple) -> bool:
        return any(
            levels.get(m.outcome, 0) >= m.level if isinstance(m, OutcomeAt) else m in done
            for m in group
        )

    if focus is not None:  # backward closure from the requirements through open groups
        closure: set[str] = set()
        frontier = set().union(*(helps(catalogue, item, candidates) for item in focus))
        while frontier:
            code = frontier.pop()
            closure.add(code)
            for group, everyone in index.get(code, ()):
                if not met(group):
                    frontier.update(s for s in everyone if s in candidates and s not in closure)
        candidates = frozenset(closure)
    open_groups: dict[str, list[list[str]]] = {}
    waiting: dict[str, int] = {}
    supports: dict[str, list[tuple[str, int]]] = {}
    queue: list[str] = []
    for code in sorted(candidates):
        groups: list[list[str]] = []
        for group, everyone in index.get(code, ()):
            if met(group):
                continue
            support = [s for s in everyone if s in candidates]
            for s in support:
                supports.setdefault(s, []).append((code, len(groups)))
            groups.append(support)
        open_groups[code] = groups
        waiting[code] = len(groups)
        if not groups:
            queue.append(code)
    reached: set[str] = set()
    satisfied: set[tuple[str, int]] = set()
    while queue:
        code = queue.pop()
        if code in reached:
            continue
        reached.add(code)
        for target, g in supports.get(code, ()):
            if (target, g) not in satisfied:
                satisfied.add((target, g))
                waiting[target] -= 1
                if waiting[target] == 0:
                    queue.append(target)
    reachable = frozenset(reached)
    return PoolContext(
        catalogue=catalogue,
        taken=done,
        attained=att,
        pool=candidates,
        reachable=reachable,
        groups={c: open_groups[c] for c in reachable},
    )


MEMO_SIZE = 512  # pool contexts kept per snapshot; solved sub-problems: 8 times as many


def prune(context: PoolContext, unmet: Sequence[Requirement]) -> _Problem:
    """Reduce the pool to the courses that can matter for ``unmet``, with their support.

    A breadth-first walk from the unmet requirements through the open prerequisite groups,
    within the courses that can be reached at all from the passed courses.
    """
    catalogue, reachable = context.catalogue, context.reachable
    relevant: set[str] = set()
    frontier = sorted(set().union(*(context.helpers(item) for item in unmet)))
    while frontier:
        nxt: set[str] = set()
        for code in frontier:
            if code in relevant:
                continue
            relevant.add(code)
            for group in context.groups[code]:
                nxt.update(s for s in group if s in reachable and s not in relevant)
        frontier = sorted(nxt)
    candidates = sorted(relevant)
    return _Problem(
        catalogue=catalogue,
        taken=context.taken,
        attained=context.attained,
        unmet=tuple(unmet),
        candidates=candidates,
        groups={
            c: [[s for s in g if s in relevant] for g in context.groups[c]] for c in candidates
        },
        context=context,
    )


def lower_bound_half_ects(context: PoolContext, unmet: Sequence[Requirement]) -> int:
    """A quick lower bound on the EC (in half EC) of any programme that meets ``unmet``.

    Items whose helper sets are pairwise disjoint each need a course of their own; courses
    count toward exactly one area, so the area deficits add up. The larger of the two sums is a
    valid bound (prerequisites only add to it). It needs no pruning, so it runs first.
    """
    half = half_ects(context.catalogue)
    items = []
    for item in unmet:
        if type(item) is not AreaRequirement:
            helpers = context.helpers(item)
            if helpers:
                items.append((-min(half[c] for c in helpers), str(item), helpers))
    used: set[str] = set()
    disjoint = 0
    for negative_cost, _, helpers in sorted(items, key=lambda entry: entry[:2]):
        if used.isdisjoint(helpers):
            used.update(helpers)
            disjoint -= negative_cost
    deficit: dict[str, int] = {}
    for item in unmet:
        if type(item) is AreaRequirement:
            need = math.ceil(2 * (item.min_ects - context.attained.ects(item.area)) - 1e-9)
            deficit[item.area] = max(deficit.get(item.area, 0), need)
    return max(disjoint, sum(deficit.values()))


def half_ects(catalogue: Catalogue) -> dict[str, int]:
    """Every course's EC in half-EC units (CP-SAT needs integers; 7.5 EC courses exist)."""
    return catalogue.remembered(
        "index", "half", lambda: {c: _half(course.ects) for c, course in catalogue.courses.items()}
    )


def _half(ects: float) -> int:
    return round(ects * 2)


@dataclass(frozen=True)
class _Solution:
    status: Literal["optimal", "feasible", "infeasible", "unknown"]
    chosen: tuple[str, ...] = ()
    bound: int | None = None


@functools.cache
def _model_class() -> type:
    """CpModel without its camelCase aliases: building them costs about 1 ms per model (more
    than solving most of ours), and this code uses the snake_case API only."""
    from ortools.sat.python import cp_model

    class Model(cp_model.CpModel):
        def _add_pre_pep8_methods(self) -> None:
            pass

    return Model


class CoverModel:
    """A CP-SAT model with one Boolean per candidate course of a pruned problem.

    It knows how to force a requirement to hold, how to respect prerequisites (with explicit
    positions only where candidates support each other in a circle) and how to solve
    deterministically. Bridging and minor design both build on it.
    """

    def __init__(self, problem: _Problem):
        from ortools.sat.python import cp_model  # imported lazily: it costs ~0.3 s

        self.cp_model = cp_model
        self.problem = problem
        self.model = _model_class()()
        self.codes = problem.candidates
        self.x = {c: self.model.new_bool_var(c) for c in self.codes}
        every = half_ects(problem.catalogue)
        self.half = {c: every[c] for c in self.codes}
        self.rank = {c: problem.catalogue.course_rank[c] for c in self.codes}
        self._literals: dict[str, Any] = {}
        self._pool = set(self.codes)

    def total_half_ects(self):
        return self._weighted(self.codes, self.half)

    def requirement(self, item: Requirement):
        """A literal that, when true, forces ``item`` to hold; True if it already holds, None if
        no choice of candidates can make it hold."""
        key = str(item)
        if key not in self._literals:
            self._literals[key] = self._requirement(item)
        return self._literals[key]

    def _requirement(self, item: Requirement):
        att, model = self.problem.attained, self.model
        if holds(item, att):
            return True
        if isinstance(item, OutcomeRequirement):
            helpers = sorted(self.problem.helpers(item))
            if not helpers:
                return None
            b = model.new_bool_var(str(item))
            model.add_bool_or([self.x[c] for c in helpers]).only_enforce_if(b)
            return b
        if isinstance(item, AreaRequirement):
            need = math.ceil(2 * (item.min_ects - att.ects(item.area)) - 1e-9)
            helpers = sorted(self.problem.helpers(item))
            if sum(self.half[c] for c in helpers) < need:
                return None
            b = model.new_bool_var(str(item))
            model.add(self._weighted(helpers, self.half) >= need).only_enforce_if(b)
            return b
        options = [self.requirement(alt) for alt in item.any_of]
        if any(alt is True for alt in options):
            return True
        options = [alt for alt in options if alt is not None]
        if not options:
            return None
        b = model.new_bool_var(str(item))
        model.add_bool_or(options).only_enforce_if(b)
        return b

    def add_prerequisites(self) -> None:
        """Each chosen course needs every open prerequisite group met by another chosen course;
        where candidates support each other in a circle, positions forbid circular support."""
        model, x, groups = self.model, self.x, self.problem.groups
        # a circle here is a circle of the catalogue-wide support graph: look only there
        circular = circular_courses(self.problem.catalogue)
        edges = [
            (s, c)
            for c in self.codes
            if c in circular
            for group in groups[c]
            for s in group
            if s in circular
        ]
        component_of: dict[str, int] = {}
        position: dict[str, Any] = {}
        circles = nx.strongly_connected_components(nx.DiGraph(edges)) if edges else ()
        for k, comp in enumerate(circles):
            if len(comp) > 1:
                for c in sorted(comp):
                    component_of[c] = k
                    position[c] = model.new_int_var(0, len(comp) - 1, f"pos {c}")
        for c in self.codes:
            for g, group in enumerate(groups[c]):
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

    def exclude(self, previous: Iterable[frozenset[str]]) -> None:
        """No-good cuts: no earlier programme, nor any superset of one."""
        for programme in previous:
            members = [self.x[c] for c in sorted(programme) if c in self.x]
            if len(members) == len(programme):
                self.model.add(sum(members) <= len(members) - 1)

    def size_objective(self) -> tuple[Any, int, int]:
        """EC, then course count, then code positions, as one integer expression.

        Returns the expression, the weight of one half EC in it, and its largest value + 1.
        """
        count_weight = sum(self.rank.values()) + 1
        ec_weight = (len(self.codes) + 1) * count_weight
        coefficient = {
            c: self.half[c] * ec_weight + count_weight + self.rank[c] for c in self.codes
        }
        expr = self._weighted(self.codes, coefficient)
        return expr, ec_weight, sum(coefficient.values()) + 1

    def _weighted(self, codes: Sequence[str], weight: dict[str, int]):
        """Σ weight[c]·x[c] as one linear expression (much cheaper to build than a Python sum)."""
        return self.cp_model.LinearExpr.weighted_sum(
            [self.x[c] for c in codes], [weight[c] for c in codes]
        )

    def solve(self, time_limit: float) -> tuple[_Solution, Any]:
        """Solve with one worker, LP-strong linearisation, no presolve and a fixed seed
        (deterministic)."""
        cp_model = self.cp_model
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.linearization_level = 2
        # these models are small and already pruned: presolve costs more than it saves
        solver.parameters.cp_model_presolve = False
        solver.parameters.random_seed = SEED
        solver.parameters.max_time_in_seconds = time_limit
        status = solver.solve(self.model)
        bound = int(solver.best_objective_bound) if status != cp_model.INFEASIBLE else None
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            chosen = tuple(c for c in self.codes if solver.boolean_value(self.x[c]))
            kind = "optimal" if status == cp_model.OPTIMAL else "feasible"
            return _Solution(kind, chosen, bound), solver
        if status == cp_model.INFEASIBLE:
            return _Solution("infeasible"), solver
        return _Solution("unknown", bound=bound), solver


def _solve(
    problem: _Problem, cap: float | None, exclude: Sequence[frozenset[str]], time_limit: float
) -> _Solution:
    """The minimum-EC programme of a pruned problem; ``bound`` in half EC.

    Identical sub-problems (same candidates, support, unmet items, area deficits, cap and
    exclusions) recur across bachelors and are solved once per catalogue snapshot.
    """
    key = _problem_key(problem, cap, exclude)
    solved = problem.catalogue.recall("solves", key)
    if solved is not None:
        return solved
    solution = _solve_model(problem, cap, exclude, time_limit)
    if solution.status in ("optimal", "infeasible"):  # only proven answers are reused
        solution = problem.catalogue.remember("solves", key, solution, limit=8 * MEMO_SIZE)
    return solution


def _problem_key(problem: _Problem, cap: float | None, exclude: Sequence[frozenset[str]]):
    areas: set[str] = set()

    def collect(item: Requirement) -> None:
        if isinstance(item, AreaRequirement):
            areas.add(item.area)
        elif isinstance(item, AnyOf):
            for alt in item.any_of:
                collect(alt)

    for item in problem.unmet:
        collect(item)
    return (
        "solve",
        tuple(problem.candidates),
        tuple(tuple(tuple(g) for g in problem.groups[c]) for c in problem.candidates),
        tuple(str(item) for item in problem.unmet),
        tuple((area, problem.attained.ects(area)) for area in sorted(areas)),
        cap,
        tuple(sorted(tuple(sorted(p)) for p in exclude)),
    )


def _solve_model(
    problem: _Problem, cap: float | None, exclude: Sequence[frozenset[str]], time_limit: float
) -> _Solution:
    cover = CoverModel(problem)
    for item in problem.unmet:
        lit = cover.requirement(item)
        if lit is None:
            return _Solution("infeasible")
        if lit is not True:
            cover.model.add(lit == 1)
    cover.add_prerequisites()
    if cap is not None:
        cover.model.add(cover.total_half_ects() <= math.floor(2 * cap + 1e-9))
    cover.exclude(exclude)
    objective, ec_weight, _ = cover.size_objective()
    cover.model.minimize(objective)
    solution, _ = cover.solve(time_limit)
    bound = None if solution.bound is None else solution.bound // ec_weight
    return _Solution(solution.status, solution.chosen, bound)


def _explain(problem: _Problem, chosen: Sequence[str]) -> tuple[ChosenCourse, ...]:
    """Per chosen course: the requirements it contributes to and the courses it enables."""
    catalogue = problem.catalogue
    pool = set(chosen)
    covers: dict[str, list[str]] = {c: [] for c in chosen}
    for item in problem.unmet:
        for c in sorted(helps(catalogue, item, pool)):
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
    pool: Iterable[str] | None = None,
    pool_name: str | None = None,
    pool_key: Any = None,
    exclude: Sequence[frozenset[str]] = (),
    time_limit: float = 10.0,
    shared: bool = False,
) -> Bridging:
    """:func:`bridge` for a gap already computed.

    ``pool`` replaces the candidates (default: the master's pre-master bridging courses),
    ``pool_name`` names them in reasons and ``pool_key`` for the memo (the scan uses these for
    the elective route). ``shared`` examines the whole pool once and remembers it, for callers
    that ask about many masters with the same passed courses (a scan row); otherwise only the
    part of the pool that can matter for this gap is examined.
    """
    limit = master.premaster.max_ects if cap is None else cap
    if the_gap.closed:
        return Bridging(status="direct", cap=limit, reason="no requirement is unmet")
    if pool is None:
        pool = eligible_courses(catalogue, master.premaster.catalogue, taken)
        pool_key = ("premaster", tuple(sorted(master.premaster.catalogue)))
        where = ", ".join(master.premaster.catalogue) or "no institution"
        pool_name = pool_name or f"eligible bridging course ({where})"
    pool_name = pool_name or "eligible course"
    if shared:
        context = pool_context(catalogue, pool, taken, key=pool_key)
    else:
        context = pool_context(catalogue, pool, taken, focus=the_gap.unmet)
    impossible = [item for item in the_gap.unmet if not context.meetable(item)]
    if impossible:
        texts = tuple(str(item) for item in impossible)
        return Bridging(
            status="infeasible",
            optimal=True,
            unmet=texts,
            cap=limit,
            reason=f"no {pool_name} can meet: " + "; ".join(texts),
        )
    floor_half = lower_bound_half_ects(context, the_gap.unmet)
    if floor_half > math.floor(2 * limit + 1e-9):
        return Bridging(
            status="infeasible",
            cap=limit,
            unmet=tuple(the_gap.texts()),
            bound_ects=floor_half / 2,
            reason=f"closing the gap needs at least {floor_half / 2:g} EC; the cap is {limit:g} EC",
        )
    problem = prune(context, the_gap.unmet)
    size = len(problem.candidates)
    solution = _solve(problem, limit, exclude, time_limit)
    if solution.status in ("optimal", "feasible"):
        courses = _explain(problem, solution.chosen)
        total = float(sum(c.ects for c in courses))
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
            bound_ects=(solution.bound or 0) / 2,
            candidates=size,
            reason=reason,
        )
    if solution.status == "infeasible":
        reason = (
            f"no further distinct programme within {limit:g} EC"
            if exclude
            else f"every programme that closes the gap exceeds the cap of {limit:g} EC"
        )
        return Bridging(
            status="infeasible",
            cap=limit,
            candidates=size,
            unmet=() if exclude else tuple(the_gap.texts()),
            reason=reason,
        )
    return Bridging(
        status="unknown",
        optimal=False,
        cap=limit,
        candidates=size,
        bound_ects=(solution.bound or 0) / 2,
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
    pool: Iterable[str] | None = None,
    pool_name: str | None = None,
    pool_key: Any = None,
    time_limit: float = 10.0,
    shared: bool = False,
) -> list[Bridging]:
    """Up to ``k`` distinct bridging programmes, best first (no-good cuts: each later programme
    is neither an earlier one nor contains one). ``cap`` and ``pool`` as in :func:`bridge_gap`."""
    pool = None if pool is None else list(pool)
    done = frozenset(taken)
    the_gap = gap(master, attainment(catalogue, done))
    found: list[Bridging] = []
    exclude: list[frozenset[str]] = []
    while len(found) < k:
        result = bridge_gap(
            catalogue,
            master,
            done,
            the_gap,
            cap=cap,
            pool=pool,
            pool_name=pool_name,
            pool_key=pool_key,
            exclude=exclude,
            shared=shared,
            time_limit=time_limit,
        )
        if result.status != "premaster":
            if not found:
                found.append(result)
            break
        found.append(result)
        exclude.append(frozenset(result.codes))
    return found


__all__ = [
    "Bridging",
    "ChosenCourse",
    "CoverModel",
    "alternatives",
    "bridge",
    "bridge_gap",
    "eligible_courses",
    "pool_context",
    "prune",
]
