"""The cover model: CP-SAT over one Boolean per candidate course of a pruned problem.

It forces requirement items to hold, respects prerequisites (explicit positions only where
candidates support each other in a circle), and solves deterministically: one worker, a fixed
seed, presolve off. Bridging (:mod:`articulation.solving.bridging`) minimises EC with it; minor
design (:mod:`articulation.answers.minor`) maximises the masters opened within a budget.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import networkx as nx

from articulation.curriculum.credits import half_ceil, half_floor
from articulation.curriculum.model import AnyOf, AreaRequirement, AtLeast, OutcomeAt, Requirement
from articulation.solving.gap import Attainment, holds, named
from articulation.solving.pool import (
    Problem,
    circular_courses,
    half_area_credits,
    half_ects,
    lower_bound_half_ects,
)
from articulation.support import deadline, memo

#: Fixed seed: the same input gives the same answer, byte for byte.
SEED = 20261127


@dataclass(frozen=True)
class Solution:
    status: Literal["optimal", "feasible", "infeasible", "unknown"]
    chosen: tuple[str, ...] = ()
    bound: int | None = None


@functools.cache
def model_class() -> type:
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

    def __init__(self, problem: Problem, rank: dict[str, int] | None = None, model: Any = None):
        """``model``: a CP-SAT model to add to (several covers in one model, e.g. one per
        package of the flagship answer); a new one without it."""
        from ortools.sat.python import cp_model  # imported lazily: it costs ~0.3 s

        self.cp_model = cp_model
        self.problem = problem
        self.model = model_class()() if model is None else model
        self.codes = problem.candidates
        self.x = {c: self.model.new_bool_var(c) for c in self.codes}
        every = half_ects(problem.catalogue)
        self.half = {c: every[c] for c in self.codes}
        # the tie-break: positions within the pruned pool (its candidates are sorted by code),
        # so nothing outside what a cell reads can change its answer; ``rank`` gives others
        self.rank = {c: i if rank is None else rank[c] for i, c in enumerate(self.codes)}
        self._literals: dict[str, Any] = {}

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
        if isinstance(item, OutcomeAt):
            helpers = sorted(self.problem.helpers(item))
            if not helpers:
                return None
            b = model.new_bool_var(str(item))
            model.add_bool_or([self.x[c] for c in helpers]).only_enforce_if(b)
            return b
        if isinstance(item, AreaRequirement):
            need = half_ceil(item.min_ects - att.ects(item.area))
            helpers = sorted(self.problem.helpers(item))
            credit = half_area_credits(self.problem.catalogue).get(item.area, {})
            if sum(credit[c] for c in helpers) < need:
                return None
            b = model.new_bool_var(str(item))
            model.add(self._weighted(helpers, credit) >= need).only_enforce_if(b)
            return b
        # one of (any_of) or k of (at_least) the members: a literal per member that can hold
        members = [self.requirement(alt) for alt in item.members]
        need = item.needed - sum(1 for alt in members if alt is True)
        if need <= 0:
            return True
        options = [alt for alt in members if alt is not None and alt is not True]
        if len(options) < need:
            return None
        b = model.new_bool_var(str(item))
        if need == 1:
            model.add_bool_or(options).only_enforce_if(b)
        else:
            model.add(sum(options) >= need).only_enforce_if(b)
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
        # in code order: the model is built from the pool's circles alone, whatever else the
        # catalogue-wide graph holds (a course the pair does not read changes nothing)
        for k, comp in enumerate(sorted(sorted(comp) for comp in circles if len(comp) > 1)):
            if len(comp) > 1:
                for c in comp:
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

    def add_units(self) -> None:
        """Whole units: the components of a module that the problem chooses together
        (``problem.units``, an elective pool) are all chosen or none."""
        for first, *rest in sorted(set(self.problem.units.values())):
            for code in rest:
                self.model.add(self.x[code] == self.x[first])

    def exclude(self, previous: Iterable[frozenset[str]]) -> None:
        """No-good cuts: no earlier programme, nor any superset of one."""
        for programme in previous:
            members = [self.x[c] for c in sorted(programme) if c in self.x]
            if len(members) == len(programme):
                self.model.add(sum(members) <= len(members) - 1)

    def size_objective(self, finish: tuple[Any, int] | None = None) -> tuple[Any, int, int]:
        """EC, then course count, then code positions, as one integer expression; with
        ``finish`` (an integer variable from 0 to its largest value, e.g. the week the chosen
        courses are finished by), EC, then the finish, then course count and code positions.

        Returns the expression, the weight of one half EC in it, and its largest value + 1.
        """
        count_weight = sum(self.rank.values()) + 1
        finish_weight = (len(self.codes) + 1) * count_weight  # outweighs count and positions
        ec_weight = finish_weight * (1 if finish is None else finish[1] + 1)
        coefficient = {
            c: self.half[c] * ec_weight + count_weight + self.rank[c] for c in self.codes
        }
        expr = self._weighted(self.codes, coefficient)
        top = sum(coefficient.values()) + 1
        if finish is not None:
            expr += finish_weight * finish[0]
            top += finish_weight * finish[1]
        return expr, ec_weight, top

    def _weighted(self, codes: Sequence[str], weight: dict[str, int]):
        """Σ weight[c]·x[c] as one linear expression (much cheaper to build than a Python sum)."""
        return self.cp_model.LinearExpr.weighted_sum(
            [self.x[c] for c in codes], [weight[c] for c in codes]
        )

    def solve(self, presolve: bool = False) -> tuple[Solution, Any]:
        """Solve with one worker, LP-strong linearisation, no presolve (unless asked) and a
        fixed seed (deterministic), within the deadline's limit of one solve (see
        :mod:`articulation.support.deadline`): ``unknown`` without a bound when no time is left."""
        cp_model = self.cp_model
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.linearization_level = 2
        # these models are small and already pruned: presolve costs more than it saves (also
        # in the joint models of programme and placements)
        solver.parameters.cp_model_presolve = presolve
        solver.parameters.random_seed = SEED
        status = deadline.run(solver, self.model)
        if status is None:  # not started: the deadline has passed
            return Solution("unknown"), solver
        bound = int(solver.best_objective_bound) if status != cp_model.INFEASIBLE else None
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            chosen = tuple(c for c in self.codes if solver.boolean_value(self.x[c]))
            kind = "optimal" if status == cp_model.OPTIMAL else "feasible"
            return Solution(kind, chosen, bound), solver
        if status == cp_model.INFEASIBLE:
            return Solution("infeasible"), solver
        return Solution("unknown", bound=bound), solver


@dataclass(frozen=True)
class Constrain:
    """Further constraints on a cover model's chosen courses (e.g. that they can be planned in
    time): ``add(model, x)`` with the Boolean ``x`` of each candidate course. It may return a
    finish (an integer variable and its largest value), for models that minimise EC, then the
    finish, then courses and the tie-break.

    ``key`` names what they read besides the problem (whose candidates and open prerequisite
    groups are in its key already), e.g. ``("year",)``: proven answers are remembered
    under both, as unconstrained ones are.
    """

    key: Hashable
    add: Callable[[Any, dict[str, Any]], tuple[Any, int] | None]
    #: a proven least EC (half EC) of any programme that meets them, e.g. the optimum without
    #: them: the model states it (a bound the search need not find); part of ``key``
    least: int | None = None


def solve_cover(
    problem: Problem,
    cap: float | None,
    exclude: Sequence[frozenset[str]],
    constrain: Constrain | None = None,
    earliest: bool = False,
) -> Solution:
    """The minimum-EC programme of a pruned problem; ``bound`` in half EC. ``constrain`` adds
    constraints to the model; with ``earliest``, the finish it gives is minimised after EC,
    before courses and the tie-break.

    Identical sub-problems (same candidates, support, unmet items, area deficits, cap,
    exclusions and further constraints) recur across bachelors and are solved once per
    catalogue snapshot.
    """

    def solve() -> Solution:
        cover = CoverModel(problem)
        for item in problem.unmet:
            lit = cover.requirement(item)
            if lit is None:
                return Solution("infeasible")
            if lit is not True:
                cover.model.add(lit == 1)
        cover.add_prerequisites()
        cover.add_units()
        if cap is not None:
            cover.model.add(cover.total_half_ects() <= half_floor(cap))
        cover.exclude(exclude)
        finish = None if constrain is None else constrain.add(cover.model, cover.x)
        if constrain is not None and constrain.least is not None:
            cover.model.add(cover.total_half_ects() >= constrain.least)
        objective, ec_weight, _ = cover.size_objective(finish if earliest else None)
        cover.model.minimize(objective)
        solution, _ = cover.solve()
        bound = None if solution.bound is None else solution.bound // ec_weight
        if solution.status in ("feasible", "unknown") and problem.context is not None:
            # stopped by the time limit: the quick bound may know more than the search did
            quick = lower_bound_half_ects(problem.context, problem.unmet)
            bound = quick if bound is None else max(bound, quick)
        return Solution(solution.status, solution.chosen, bound)

    key = (
        *_problem_key(problem, cap, exclude),
        None if constrain is None else constrain.key,
        earliest,
    )
    solved = problem.catalogue.recall(memo.SOLVES, key)
    if solved is not None:
        return solved
    solution = solve()
    if solution.status in ("optimal", "infeasible"):  # only proven answers are reused
        solution = problem.catalogue.remember(memo.SOLVES, key, solution)
    return solution


def _problem_key(problem: Problem, cap: float | None, exclude: Sequence[frozenset[str]]):
    _, areas = named(problem.unmet)
    return (
        "solve",
        tuple(problem.candidates),
        tuple(tuple(tuple(g) for g in problem.groups[c]) for c in problem.candidates),
        tuple(sorted(set(problem.units.values()))),
        tuple(str(item) for item in problem.unmet),
        tuple((area, problem.attained.ects(area)) for area in sorted(areas)),
        held_members(problem.unmet, problem.attained),
        cap,
        tuple(sorted(tuple(sorted(p)) for p in exclude)),
    )


def held_members(items: Iterable[Requirement], att: Attainment) -> tuple[str, ...]:
    """The items inside ``any_of`` and ``at_least`` items that already hold (at any depth): an
    unmet ``at_least`` needs fewer of the rest the more of its items hold, so two problems that
    differ only there differ in what they need.

    >>> from articulation.curriculum.model import AtLeast
    >>> item = AtLeast(at_least=2, of=[{"outcome": "a", "level": 2}, {"outcome": "b", "level": 2}])
    >>> held_members([item], Attainment(levels={"a": 3}))
    ('a@understand',)
    """
    found: list[str] = []
    stack = [m for item in items if isinstance(item, AnyOf | AtLeast) for m in item.members]
    while stack:
        member = stack.pop()
        if holds(member, att):
            found.append(str(member))
        elif isinstance(member, AnyOf | AtLeast):
            stack.extend(member.members)
    return tuple(sorted(found))


def order_courses(problem: Problem, chosen: Sequence[str]) -> list[str]:
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
