"""The candidate pool of a bridging problem: what can be reached, what can matter, and a bound.

For the passed courses and a pool of candidate courses, a :class:`PoolContext` knows which
prerequisite groups are still open, which candidates can meet them, and which candidates can be
put in a valid order at all (a worklist). :func:`prune` keeps only the candidates that can matter
for a gap (a walk back from the unmet requirements through the open groups) and gives the
:class:`Problem` the cover model is built from. :func:`lower_bound_half_ects` settles most
over-cap gaps without a model.

Whole units: in an elective pool (``Candidates.whole_units``) a component of a module
(``part_of``) is not electable alone. Choosing it means choosing every sibling component the
student has not passed: :func:`electable_units` keeps a component only when all of those are in
the pool (a component of a module the catalogue holds as a course never: the module course is
the unit), reachability drops a component whose siblings cannot all be reached (until none is
left), :func:`prune` keeps siblings together, and the cover model chooses them together
(:meth:`articulation.solving.cover.CoverModel.add_units`). Constraining the choice keeps every
course, its outcomes and prerequisites as the catalogue gives them, and the answer names the
real courses; a pre-master pool may use a component alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.credits import half, half_ceil, reaches
from articulation.curriculum.model import (
    AnyOf,
    AreaRequirement,
    AtLeast,
    Bachelor,
    Master,
    OutcomeAt,
    Requirement,
)
from articulation.messages.message import Message
from articulation.solving.gap import Attainment, attainment, holds
from articulation.support import memo


@dataclass
class Problem:
    """The pruned instance: candidates, their unmet prerequisite groups and supporters."""

    catalogue: Catalogue
    taken: frozenset[str]
    attained: Attainment
    unmet: tuple[Requirement, ...]
    candidates: list[str] = field(default_factory=list)
    # per candidate: one list of supporting candidates per prerequisite group not met by `taken`
    groups: dict[str, list[list[str]]] = field(default_factory=dict)
    context: PoolContext | None = None
    # per component of a module among the candidates: the unit it is chosen with (whole units)
    units: dict[str, tuple[str, ...]] = field(default_factory=dict)

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
        memo.ELIGIBLE,
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
    if isinstance(item, OutcomeAt):
        return {
            c
            for c, level in catalogue.teachers.get(item.outcome, ())
            if level >= item.level and c in pool
        }
    if isinstance(item, AreaRequirement):
        in_area = catalogue.by_area.get(item.area, frozenset())
        return set(in_area & pool) if len(in_area) < len(pool) else set(pool & in_area)
    return set().union(*(helps(catalogue, alt, pool) for alt in item.members))


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
    # open groups of reachable courses, supporters in the pool
    groups: dict[str, tuple[tuple[str, ...], ...]]
    # per reachable component of a module: the components chosen together (whole units only)
    units: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _helpers: dict[str, frozenset[str]] = field(default_factory=dict, compare=False, repr=False)

    def meetable(
        self, item: Requirement, credits: Mapping[str, Mapping[str, float]] | None = None
    ) -> bool:
        """Whether taking every reachable course would meet ``item``; ``credits`` replaces the
        catalogue's EC per area of each course (to ask what a change of a course's EC does)."""
        if holds(item, self.attained):
            return True
        if type(item) is AreaRequirement:
            credits = self.catalogue.course_areas if credits is None else credits
            ects = sum(credits[c][item.area] for c in self.helpers(item))
            return reaches(self.attained.ects(item.area) + ects, item.min_ects)
        if type(item) is AnyOf:
            return any(self.meetable(alt, credits) for alt in item.any_of)
        if type(item) is AtLeast:
            # every member meetable at once: taking every reachable course meets them all
            return sum(1 for alt in item.of if self.meetable(alt, credits)) >= item.at_least
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

    return catalogue.remembered(memo.INDEXES, "support", build)


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

    return catalogue.remembered(memo.INDEXES, "circular", build)


def pool_context(
    catalogue: Catalogue,
    pool: Iterable[str],
    taken: Iterable[str],
    key: Any = None,
    focus: Sequence[Requirement] | None = None,
    *,
    whole_units: bool = False,
) -> PoolContext:
    """Build (or fetch from the catalogue's memo) the :class:`PoolContext` of a pool.

    ``key`` names the pool for the memo (default: the pool itself). With ``focus``, only the part
    of the pool that can matter for those requirements is examined (not remembered): the
    courses that help them and, transitively, whatever can meet their open prerequisite groups.
    That is what one query needs; a whole scan row shares the full context instead. With
    ``whole_units``, a module's components are chosen only together (:func:`electable_units`).

    Forward reachability is a worklist over open groups: a course is reached once each of its
    open groups has a reached supporter; linear in the size of the prerequisite structure.
    """
    done = frozenset(taken)
    if focus is not None:
        return _pool_context(catalogue, frozenset(pool) - done, done, focus, whole_units)
    if not isinstance(pool, list | tuple | Set):
        pool = list(pool)
    return catalogue.remembered(
        memo.POOL_CONTEXTS,
        (done, key if key is not None else frozenset(pool), whole_units),
        lambda: _pool_context(catalogue, frozenset(pool) - done, done, None, whole_units),
    )


def electable_units(
    catalogue: Catalogue, candidates: Set[str], done: Set[str]
) -> tuple[frozenset[str], dict[str, tuple[str, ...]]]:
    """The candidates that can be chosen as whole units, and per component its unit.

    A component of a module is electable only with every sibling not passed (``done``): it
    stays only when all of those are candidates, and its unit is those siblings. A component of
    a module that the catalogue holds as a course is never electable: the module course is.

    >>> from articulation.curriculum.loader import load_curricula
    >>> cat = load_curricula("curricula")
    >>> kept, units = electable_units(cat, {"UT-920200007", "UT-920200008"}, set())
    >>> sorted(kept), units
    ([], {})
    """
    kept: set[str] = set()
    units: dict[str, tuple[str, ...]] = {}
    for code in candidates:
        course = catalogue.courses.get(code)
        if course is None or course.part_of is None:
            kept.add(code)
            continue
        if course.part_of in catalogue.courses:
            continue
        unit = tuple(c for c in catalogue.modules[course.part_of] if c not in done)
        if all(c in candidates for c in unit):
            kept.add(code)
            units[code] = unit
    return frozenset(kept), units


def _pool_context(
    catalogue: Catalogue,
    candidates: frozenset[str],
    done: frozenset[str],
    focus: Sequence[Requirement] | None = None,
    whole_units: bool = False,
) -> PoolContext:
    att = attainment(catalogue, done)
    levels = att.levels
    index = _support_index(catalogue)
    units: dict[str, tuple[str, ...]] = {}
    if whole_units:
        candidates, units = electable_units(catalogue, candidates, done)

    def met(group: tuple) -> bool:
        for m in group:  # a course code, or an outcome at a level
            if m in done if type(m) is str else levels.get(m.outcome, 0) >= m.level:
                return True
        return False

    if focus is not None:  # backward closure from the requirements through open groups
        closure: set[str] = set()
        frontier = set().union(*(helps(catalogue, item, candidates) for item in focus))
        while frontier:
            code = frontier.pop()
            closure.add(code)
            frontier.update(s for s in units.get(code, ()) if s not in closure)
            for group, everyone in index.get(code, ()):
                if not met(group):
                    frontier.update(s for s in everyone if s in candidates and s not in closure)
        candidates = frozenset(closure)
    # tuples, not lists: a tuple of codes is left alone by the cyclic garbage collector, and a
    # scan row's contexts hold many of them
    open_groups: dict[str, tuple[tuple[str, ...], ...]] = {}
    for code in sorted(candidates):
        open_groups[code] = tuple(
            [
                tuple([s for s in everyone if s in candidates])
                for group, everyone in index.get(code, ())
                if not met(group)
            ]
        )
    reached = _reach(candidates, open_groups)
    while units:  # drop components whose siblings cannot all be reached, until none is left
        whole = {c for c in reached if all(s in reached for s in units.get(c, ()))}
        if whole == reached:
            break
        reached = _reach(whole, open_groups)
    reachable = frozenset(reached)
    return PoolContext(
        catalogue=catalogue,
        taken=done,
        attained=att,
        pool=candidates,
        reachable=reachable,
        groups={c: open_groups[c] for c in reachable},
        units={c: unit for c, unit in units.items() if c in reachable},
    )


def _reach(candidates: Set[str], open_groups: Mapping[str, Sequence[Sequence[str]]]) -> set[str]:
    """The candidates that can be put in a valid order: a worklist over the open groups, a
    course reached once each of its groups has a reached supporter among ``candidates``."""
    waiting: dict[str, int] = {}  # per course with open groups: how many are still open
    owner: list[str] = []  # per open group (numbered): its course
    supports: dict[str, list[int]] = {}  # per supporter: the groups it can meet
    queue: list[str] = []
    for code in candidates:
        groups = open_groups[code]
        if not groups:
            queue.append(code)
            continue
        waiting[code] = len(groups)
        for support in groups:
            number = len(owner)
            owner.append(code)
            for s in support:
                if s in candidates:
                    supports.setdefault(s, []).append(number)
    met = bytearray(len(owner))
    reached: set[str] = set()
    while queue:
        code = queue.pop()
        if code in reached:
            continue
        reached.add(code)
        for number in supports.get(code, ()):
            if not met[number]:
                met[number] = 1
                target = owner[number]
                waiting[target] -= 1
                if waiting[target] == 0:
                    queue.append(target)
    return reached


def prune(context: PoolContext, unmet: Sequence[Requirement]) -> Problem:
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
            nxt.update(s for s in context.units.get(code, ()) if s not in relevant)
            for group in context.groups[code]:
                nxt.update(s for s in group if s in reachable and s not in relevant)
        frontier = sorted(nxt)
    candidates = sorted(relevant)
    return Problem(
        catalogue=catalogue,
        taken=context.taken,
        attained=context.attained,
        unmet=tuple(unmet),
        candidates=candidates,
        groups={
            c: [[s for s in g if s in relevant] for g in context.groups[c]] for c in candidates
        },
        context=context,
        units={c: context.units[c] for c in candidates if c in context.units},
    )


def lower_bound_half_ects(context: PoolContext, unmet: Sequence[Requirement]) -> int:
    """A quick lower bound on the EC (in half EC) of any programme that meets ``unmet``.

    Items whose helper sets are pairwise disjoint each need a course of their own; each EC of
    a course counts toward one area (a course's area credits add up to its EC), so the area
    deficits add up. The larger of the two sums is a
    valid bound (prerequisites only add to it). It needs no pruning, so it runs first.
    """
    items, deficit = bound_parts(context, unmet)
    return disjoint_bound(half_ects(context.catalogue), items, deficit)


#: What :func:`lower_bound_half_ects` reads: per unmet item not over an area that some course
#: helps, its text and its helpers; and the area deficits summed (in half EC).
BoundParts = tuple[tuple[tuple[str, frozenset[str]], ...], int]


def bound_parts(context: PoolContext, unmet: Sequence[Requirement]) -> BoundParts:
    """The parts of the pool and the gap that :func:`lower_bound_half_ects` reads (besides the
    courses' EC)."""
    items = []
    for item in unmet:
        if type(item) is not AreaRequirement:
            helpers = context.helpers(item)
            if helpers:
                items.append((str(item), helpers))
    deficit: dict[str, int] = {}
    for item in unmet:
        if type(item) is AreaRequirement:
            need = half_ceil(item.min_ects - context.attained.ects(item.area))
            deficit[item.area] = max(deficit.get(item.area, 0), need)
    return tuple(items), sum(deficit.values())


def disjoint_bound(
    half: Mapping[str, int], items: Iterable[tuple[str, frozenset[str]]], deficit: int
) -> int:
    """:func:`lower_bound_half_ects` from its parts (:func:`bound_parts`) and the courses' half
    EC: items taken cheapest helper first (then by text) while their helpers are disjoint."""
    costed = [(-min(half[c] for c in helpers), text, helpers) for text, helpers in items]
    used: set[str] = set()
    disjoint = 0
    for negative_cost, _, helpers in sorted(costed, key=lambda entry: entry[:2]):
        if used.isdisjoint(helpers):
            used.update(helpers)
            disjoint -= negative_cost
    return max(disjoint, deficit)


def half_area_credits(catalogue: Catalogue) -> dict[str, dict[str, int]]:
    """Per credit area, the half EC each course counts toward it."""

    def build() -> dict[str, dict[str, int]]:
        found: dict[str, dict[str, int]] = {}
        for code, credits in catalogue.course_areas.items():
            for area, ects in credits.items():
                found.setdefault(area, {})[code] = half(ects)
        return found

    return catalogue.remembered(memo.INDEXES, "half areas", build)


def half_ects(catalogue: Catalogue) -> dict[str, int]:
    """Every course's EC in half-EC units (CP-SAT needs integers; 7.5 EC courses exist)."""
    return catalogue.remembered(
        memo.INDEXES,
        "half",
        lambda: {c: half(course.ects) for c, course in catalogue.courses.items()},
    )


def elective_institutions(catalogue: Catalogue, bachelor: Bachelor) -> list[str]:
    """Institutions whose courses may fill the bachelor's elective space."""
    if bachelor.elective_catalogue is not None:
        return sorted(bachelor.elective_catalogue)
    own = {bachelor.institution}
    own |= {catalogue.institution_of[c] for c in bachelor.courses if c in catalogue.institution_of}
    return sorted(own)


@dataclass(frozen=True)
class Candidates:
    """The courses a route may choose from, their name in reasons, and their key in the memo."""

    codes: tuple[str, ...]
    name: Message
    key: Any
    # whether a module's components are chosen only together (an elective pool; a pre-master
    # may use a component alone)
    whole_units: bool = False


def premaster_candidates(catalogue: Catalogue, master: Master, taken: Set[str]) -> Candidates:
    """The pre-master's candidates not passed: the courses of the master's own pre-master list
    (``premaster.courses``) when it has one, else the bridging courses of ``premaster.catalogue``;
    and the master's pool for university bachelors (``premaster.university_courses``): every
    bachelor the engine answers for is a university bachelor.
    """
    premaster, done = master.premaster, set(taken)
    university = set(premaster.university_courses or ())
    if premaster.courses is not None:
        name = "pool.premaster_university" if university else "pool.premaster_list"
        return Candidates(
            tuple(sorted((set(premaster.courses) | university) - done)),
            Message.of(name, master=master.code),
            ("premaster list", master.code),
        )
    institutions = premaster.catalogue
    codes = eligible_courses(catalogue, institutions, done)
    name = "pool.bridging_university" if university else "pool.bridging"
    key: tuple = ("premaster", tuple(sorted(institutions)))
    if university:
        codes, key = sorted(set(codes) | (university - done)), (*key, master.code)
    return Candidates(
        tuple(codes), Message.of(name, institutions=", ".join(institutions) or "—"), key
    )


def elective_candidates(
    catalogue: Catalogue, bachelor: Bachelor, track: str | None = None
) -> Candidates:
    """The courses that may fill the elective space of a student of the bachelor (and track):
    bachelor-level courses of :func:`elective_institutions` not passed, chosen as whole units
    (a module's components only together)."""

    def build() -> Candidates:
        institutions = elective_institutions(catalogue, bachelor)
        passed = set(bachelor.courses_of(track))
        pool = eligible_courses(catalogue, institutions, passed, bridging_only=False)
        return Candidates(
            tuple(c for c in pool if c in catalogue.bachelor_level),
            Message.of("pool.electives", institutions=", ".join(institutions)),
            ("electives", bachelor.code, track),
            whole_units=True,
        )

    return catalogue.remembered(memo.ELECTIVE_POOLS, (bachelor.code, track), build)
