"""An independent brute-force oracle for the bridging problem, written from the semantics only.

It shares no code with the engine beyond the pydantic input models: attainment, default areas,
requirement checks and the ordering condition are all re-implemented here, as plainly as possible.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import combinations

from articulation.curriculum.model import (
    AnyOf,
    AreaRequirement,
    AtLeast,
    Course,
    Master,
    Outcome,
    OutcomeAt,
)


@dataclass(frozen=True)
class Instance:
    outcomes: list[Outcome]
    courses: list[tuple[str, Course]]  # (institution, course)
    masters: list[Master]
    taken: frozenset[str]

    @property
    def master(self) -> Master:
        return self.masters[0]


def course_credits(course: Course, outcomes: dict[str, Outcome]) -> dict[str, float]:
    """EC per credit area: the course's split, its one area, or the most frequent area taught."""
    if course.areas:
        return dict(course.areas)
    if course.area:
        return {course.area: course.ects}
    counts = Counter(outcomes[o].area for o in course.teaches)
    if not counts:
        return {}
    best = max(counts.values())
    return {sorted(a for a, n in counts.items() if n == best)[0]: course.ects}


def attained(courses: list[Course], outcomes: dict[str, Outcome]):
    levels: dict[str, int] = {}
    ects: dict[str, float] = {}
    for course in courses:
        for o, lvl in course.teaches.items():
            levels[o] = max(levels.get(o, 0), lvl)
        for area, credit in course_credits(course, outcomes).items():
            ects[area] = ects.get(area, 0) + credit
    return levels, ects


def satisfied(item, levels, ects) -> bool:
    if isinstance(item, OutcomeAt):
        return levels.get(item.outcome, 0) >= item.level
    if isinstance(item, AreaRequirement):
        return ects.get(item.area, 0) >= item.min_ects
    if isinstance(item, AtLeast):
        return sum(1 for alt in item.of if satisfied(alt, levels, ects)) >= item.at_least
    assert isinstance(item, AnyOf)
    return any(satisfied(alt, levels, ects) for alt in item.any_of)


def orderable(chosen: list[Course], taken: list[Course], outcomes) -> bool:
    """Greedy: repeatedly take any course whose every group is met so far. Support only grows,
    so if any valid order exists this finds one."""
    done = list(taken)
    done_codes = {c.code for c in done}
    left = list(chosen)
    while left:
        levels, _ = attained(done, outcomes)
        for course in left:
            ok = all(
                any(
                    (levels.get(m.outcome, 0) >= m.level)
                    if isinstance(m, OutcomeAt)
                    else (m in done_codes and m != course.code)
                    for m in group
                )
                for group in course.prerequisites
            )
            if ok:
                done.append(course)
                done_codes.add(course.code)
                left.remove(course)
                break
        else:
            return False
    return True


@dataclass(frozen=True)
class Best:
    status: str  # direct | premaster | infeasible
    ects: float = 0.0
    count: int = 0
    rank_sum: int = 0


def premaster_pool(instance: Instance) -> list[str]:
    """The pre-master's candidates: the master's own course list, else the bridging courses of
    its catalogue's institutions; never a passed course."""
    listed = instance.master.premaster.courses
    if listed is not None:
        return sorted(set(listed) - set(instance.taken))
    return sorted(
        c.code
        for inst, c in instance.courses
        if c.bridging
        and inst in instance.master.premaster.catalogue
        and c.code not in instance.taken
    )


def pool_rank(instance: Instance) -> dict[str, int]:
    """The tie-break's positions: each course's position in the code order of the pool's
    courses that can matter — those that can be taken in some order and either help an unmet
    requirement or can meet a prerequisite (not met by the passed courses) of one that can
    matter. Courses that cannot matter come after them."""
    outcomes = {o.id: o for o in instance.outcomes}
    by_code = {c.code: c for _, c in instance.courses}
    done = [by_code[c] for c in sorted(instance.taken)]
    levels, ects = attained(done, outcomes)
    reachable: list[Course] = []
    grown = True
    while grown:
        grown = False
        for code in premaster_pool(instance):
            course = by_code[code]
            if course not in reachable and orderable([course], done + reachable, outcomes):
                reachable.append(course)
                grown = True

    def helps(course: Course, item) -> bool:
        if isinstance(item, OutcomeAt):
            return course.teaches.get(item.outcome, 0) >= item.level
        if isinstance(item, AreaRequirement):
            return course_credits(course, outcomes).get(item.area, 0) > 0
        if isinstance(item, AtLeast):
            return any(helps(course, alt) for alt in item.of)
        return any(helps(course, alt) for alt in item.any_of)

    def meets(course: Course, member) -> bool:
        if isinstance(member, OutcomeAt):
            return course.teaches.get(member.outcome, 0) >= member.level
        return course.code == member

    def met(member) -> bool:
        if isinstance(member, OutcomeAt):
            return levels.get(member.outcome, 0) >= member.level
        return member in instance.taken

    unmet = [i for i in instance.master.requires if not satisfied(i, levels, ects)]
    matter = {c.code for c in reachable if any(helps(c, i) for i in unmet)}
    grown = True
    while grown:
        grown = False
        for c in reachable:
            if c.code in matter:
                continue
            if any(
                not any(met(m) for m in group) and any(meets(c, m) for m in group)
                for code in matter
                for group in by_code[code].prerequisites
                if c.code != code
            ):
                matter.add(c.code)
                grown = True
    order = sorted(matter) + sorted(set(by_code) - matter)
    return {code: i for i, code in enumerate(order)}


def solve(instance: Instance, cap: float | None = None) -> Best:
    """The smallest programme within ``cap`` (default: the master's pre-master cap), ties
    broken by :func:`pool_rank`."""
    outcomes = {o.id: o for o in instance.outcomes}
    by_code = {c.code: c for _, c in instance.courses}
    rank = pool_rank(instance)
    taken = [by_code[c] for c in sorted(instance.taken)]
    levels, ects = attained(taken, outcomes)
    if all(satisfied(item, levels, ects) for item in instance.master.requires):
        return Best("direct")
    limit = instance.master.premaster.max_ects if cap is None else cap
    pool = premaster_pool(instance)
    best: tuple[float, int, int] | None = None
    for size in range(1, len(pool) + 1):
        for subset in combinations(pool, size):
            chosen = [by_code[c] for c in subset]
            total = sum(c.ects for c in chosen)
            if total > limit:
                continue
            key = (total, size, sum(rank[c] for c in subset))
            if best is not None and key >= best:
                continue
            lv, ec = attained(taken + chosen, outcomes)
            if not all(satisfied(item, lv, ec) for item in instance.master.requires):
                continue
            if not orderable(chosen, taken, outcomes):
                continue
            best = key
    if best is None:
        return Best("infeasible")
    return Best("premaster", best[0], best[1], best[2])


def feasible(instance: Instance, chosen_codes: list[str]) -> bool:
    """Whether a given programme satisfies (a), (b) and (c)."""
    outcomes = {o.id: o for o in instance.outcomes}
    by_code = {c.code: c for _, c in instance.courses}
    institution = {c.code: inst for inst, c in instance.courses}
    taken = [by_code[c] for c in sorted(instance.taken)]
    chosen = [by_code[c] for c in chosen_codes]
    if any(
        not c.bridging
        or institution[c.code] not in instance.master.premaster.catalogue
        or c.code in instance.taken
        for c in chosen
    ):
        return False
    if sum(c.ects for c in chosen) > instance.master.premaster.max_ects:
        return False
    lv, ec = attained(taken + chosen, outcomes)
    return all(satisfied(i, lv, ec) for i in instance.master.requires) and orderable(
        chosen, taken, outcomes
    )


@dataclass(frozen=True)
class BestMinor:
    opened: int
    ects: float
    count: int
    rank_sum: int


def best_minor(instance: Instance, budget: float) -> BestMinor:
    """Maximise the masters opened within the budget; then minimum EC, count, code positions."""
    outcomes = {o.id: o for o in instance.outcomes}
    by_code = {c.code: c for _, c in instance.courses}
    rank = {code: i for i, code in enumerate(sorted(by_code))}
    taken = [by_code[c] for c in sorted(instance.taken)]

    def opened(chosen: list[Course]) -> int:
        lv, ec = attained(taken + chosen, outcomes)
        return sum(all(satisfied(i, lv, ec) for i in m.requires) for m in instance.masters)

    start = opened([])
    closed = [
        m
        for m in instance.masters
        if not all(satisfied(i, *attained(taken, outcomes)) for i in m.requires)
    ]
    institutions = {inst for m in closed for inst in m.premaster.catalogue}
    # electives: bachelor-level courses (here: the bridging ones, as no other programme lists
    # courses) of the bachelor's institution (VU) and of the institutions of its courses
    institution_of = {c.code: inst for inst, c in instance.courses}
    elective_institutions = {"VU"} | {institution_of[c] for c in instance.taken}
    pool = sorted(
        c.code
        for inst, c in instance.courses
        if c.bridging
        and (inst in institutions or inst in elective_institutions)
        and c.code not in instance.taken
    )
    best = (-start, 0.0, 0, 0)
    for size in range(1, len(pool) + 1):
        for subset in combinations(pool, size):
            chosen = [by_code[c] for c in subset]
            total = sum(c.ects for c in chosen)
            if total > budget:
                continue
            n = opened(chosen)
            key = (-n, total, size, sum(rank[c] for c in subset))
            if key < best and orderable(chosen, taken, outcomes):
                best = key
    return BestMinor(-best[0], best[1], best[2], best[3])


def whole_unit_pool(instance: Instance) -> list[str]:
    """The pre-master pool with whole units: a component (``part_of``) stays only when every
    sibling not passed is in the pool too."""
    pool = premaster_pool(instance)
    siblings: dict[str, list[str]] = {}
    for _, c in instance.courses:
        if c.part_of is not None:
            siblings.setdefault(c.part_of, []).append(c.code)
    by_code = {c.code: c for _, c in instance.courses}

    def electable(code: str) -> bool:
        module = by_code[code].part_of
        if module is None:
            return True
        return all(s in pool or s in instance.taken for s in siblings[module])

    return [code for code in pool if electable(code)]


def whole_units(instance: Instance, chosen: list[str]) -> bool:
    """Whether a programme holds every not-passed sibling of each component it holds."""
    by_code = {c.code: c for _, c in instance.courses}
    picked = set(chosen)
    return all(
        other.code in picked or other.code in instance.taken
        for code in chosen
        if by_code[code].part_of is not None
        for _, other in instance.courses
        if other.part_of == by_code[code].part_of
    )


def solve_whole_units(instance: Instance) -> Best:
    """The smallest programme within the cap that holds whole units (by EC, then count)."""
    outcomes = {o.id: o for o in instance.outcomes}
    by_code = {c.code: c for _, c in instance.courses}
    taken = [by_code[c] for c in sorted(instance.taken)]
    levels, ects = attained(taken, outcomes)
    if all(satisfied(item, levels, ects) for item in instance.master.requires):
        return Best("direct")
    pool = whole_unit_pool(instance)
    best: tuple[float, int] | None = None
    for size in range(1, len(pool) + 1):
        for subset in combinations(pool, size):
            chosen = [by_code[c] for c in subset]
            key = (sum(c.ects for c in chosen), size)
            if key[0] > instance.master.premaster.max_ects or (best is not None and key >= best):
                continue
            if not whole_units(instance, list(subset)):
                continue
            lv, ec = attained(taken + chosen, outcomes)
            if not all(satisfied(item, lv, ec) for item in instance.master.requires):
                continue
            if orderable(chosen, taken, outcomes):
                best = key
    if best is None:
        return Best("infeasible")
    return Best("premaster", best[0], best[1])
