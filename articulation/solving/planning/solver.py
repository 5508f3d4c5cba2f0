"""The planner: a set of courses placed in the periods of the academic years, finishing first.

For a student who has passed ``taken``, :func:`plan_courses` places every course of a programme
(a pre-master, the electives of a bachelor, a minor) in a period of one of the years from a
relative start (September or February of year 1; never today's date):

- each course starts in a period it is offered in (its ``periods``; a span ``Q1-Q2`` runs across
  both, its EC spread over them pro rata by teaching weeks; a course without periods may go in
  any period, and the plan says so);
- every prerequisite group of each course is met by a passed course or by a course of the plan
  that ends no later than this one starts (an ``outcome@level`` member by a course teaching the
  outcome at that level or higher);
- the load is at most ``load`` EC per 10 teaching weeks at every moment (15 EC per UT quartile,
  12 EC per 8-week VU period, 6 EC per 4-week one): the EC of the courses running in a period,
  counted pro rata by weeks, stay within ``load × weeks / 10``;
- with a ``window`` (a minor's semester), only its periods may be used.

Among those plans: the earliest finish (the end week of the last course), then the fewest
periods used (a period counts when some course runs in it); CP-SAT proves it, with one worker and
a fixed seed, so the same input gives the same plan. A greedy plan (each course, once its
prerequisites are placed, in its earliest period with room) bounds the horizon and seeds the
solver; when it already meets the lower bounds (the earliest end of every prerequisite chain, and
the fewest periods whose room holds the EC) no model is built.

>>> from articulation.curriculum.model import Course
>>> from articulation.curriculum.catalogue import Catalogue
>>> a = Course(code="UT-A", title="A", ects=10, periods=["Q1", "Q3"], teaches={"x": 3})
>>> b = Course(code="UT-B", title="B", ects=10, periods=["Q2", "Q3"], prerequisites=[["x@apply"]])
>>> c = Course(code="UT-C", title="C", ects=10, periods=["Q1"])
>>> cat = Catalogue.build([], [("UT", a), ("UT", b), ("UT", c)], [])
>>> plan = plan_courses(cat, ["UT-A", "UT-B", "UT-C"], within_years=1)
>>> [(p.label, [c.code for c in p.courses]) for p in plan.periods]
[('year 1, Q1', ['UT-A']), ('year 1, Q2', ['UT-B']), ('year 2, Q1', ['UT-C'])]
>>> plan.fits, plan.reason.text()
(False, 'the smallest programme needs 5 quartiles: it finishes at the end of year 2, Q1, later than 1 year(s) after its start')
"""  # noqa: E501

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from fractions import Fraction

from articulation.curriculum.calendar import SEPTEMBER, Start
from articulation.curriculum.catalogue import Catalogue, UnknownCode
from articulation.curriculum.credits import half
from articulation.curriculum.model import YEAR_WEEKS
from articulation.messages.message import Message
from articulation.solving.cover import SEED, model_class
from articulation.solving.planning.options import (
    DEFAULT_LOAD,
    Instance,
    Option,
    build_instance,
    first_start,
    options_of,
)
from articulation.solving.planning.results import Plan, objective, result
from articulation.solving.planning.timing import add_finish, add_timing
from articulation.solving.planning.windows import Window
from articulation.support import deadline, memo


def plan_courses(
    catalogue: Catalogue,
    codes: Iterable[str],
    taken: Iterable[str] = (),
    *,
    start: Start = SEPTEMBER,
    load: float = DEFAULT_LOAD,
    within_years: float | None = None,
    window: Window | None = None,
    prove: bool = True,
) -> Plan:
    """Place ``codes`` in periods from ``start`` for a student who passed ``taken``.

    Parameters: ``load`` — EC per 10 teaching weeks (> 0); ``within_years`` — the plan must
    finish within this many years of its first possible period (``fits`` says whether it does;
    one year for a pre-master); ``window`` — only these periods may be used (a minor's semester);
    ``prove`` — without it, the greedy plan is kept when there is one (``optimal`` then says
    whether it meets the lower bounds), for plans that only inform.

    Returns a :class:`Plan`: per period the courses and the load, the finish; or, when no
    placement exists, ``placed=False`` and the reason. Raises :class:`UnknownCode` for an
    unknown course and ``ValueError`` for a load that is not positive.
    """
    if not load > 0:
        raise ValueError(f"the load must be more than 0 EC, got {load:g}")
    chosen = tuple(sorted(set(codes)))
    for code in chosen:
        if code not in catalogue.courses:
            raise UnknownCode("course", code, catalogue.courses)
    instance = build_instance(catalogue, chosen, frozenset(taken), start, load, window)
    limit = None if within_years is None else round(within_years * YEAR_WEEKS)
    key = (
        "plan",
        chosen,
        tuple(tuple(tuple(g) for g in instance.groups[c]) for c in chosen),
        start,
        load,
        limit,
        window,
        prove,
    )
    found = catalogue.recall(memo.PLANS, key)
    if found is None:
        cut = deadline.stopped()
        found = _plan(instance, load, limit, prove)
        if deadline.stopped() == cut:  # a plan a request's deadline cut short is not kept
            found = catalogue.remember(memo.PLANS, key, found)
    return found


def _plan(instance: Instance, load: float, limit: int | None, prove: bool = True) -> Plan:
    codes = instance.codes
    empty = {"codes": codes, "start": instance.start, "load": load, "limit_weeks": limit}
    if not codes:
        return Plan(**empty, placed=True, fits=True, reason=Message("plan.nothing"))
    problem = _precheck(instance)
    if problem:
        return Plan(**empty, placed=False, fits=False, reason=problem)
    if instance.window is not None:
        years = sorted({year for year, _, _ in instance.window.slots})
    else:
        years = list(range(instance.start.year, instance.start.year + len(codes) + 1))
    options = {c: options_of(instance, c, years) for c in codes}
    greedy = _greedy(instance, options)
    if greedy is None and instance.window is None:  # pragma: no cover - a fresh year always fits
        return Plan(**empty, placed=False, fits=False, reason=Message("plan.no_placement"))
    if greedy is not None:
        last_year = max(o.year for o in greedy.values())
        options = {c: [o for o in options[c] if o.year <= last_year] for c in codes}
    chosen, optimal = greedy, True
    if greedy is not None and not prove:
        optimal = objective(greedy) <= _lower_bound(instance, options)
    elif greedy is None or objective(greedy) > _lower_bound(instance, options):
        chosen, optimal = None, False
        if limit is not None:  # a plan within the limit beats any other: look there first
            end = first_start(instance) + limit
            inside = {c: [o for o in options[c] if o.end <= end] for c in codes}
            if all(inside.values()):
                hint = greedy if greedy and objective(greedy)[0] <= end else None
                chosen, optimal = _solve(instance, inside, hint)
        if chosen is None:
            chosen, optimal = _solve(instance, options, greedy)
    if chosen is None:
        where = instance.window.label() if instance.window else Message("plan.years_planned")
        reason = Message.of("plan.no_room", where=where, load=load)
        if not optimal:  # not proven: the time limit (or a request's deadline) stopped it
            reason = Message.of("plan.not_found", where=where)
        if instance.window is not None or optimal:
            return Plan(**empty, placed=False, fits=False, reason=reason)
        chosen, optimal = greedy, False  # pragma: no cover - timed out: keep the greedy plan
    return result(instance, chosen, load, limit, optimal)


def _precheck(instance: Instance) -> Message | None:
    """Why no plan can exist, when that is plain without searching."""
    catalogue, window = instance.catalogue, instance.window
    for code in instance.codes:
        for group, members in zip(instance.groups[code], instance.written[code], strict=True):
            if not group:
                return Message.of("plan.missing_prerequisite", code=code, members=members)
    if window is None:
        years = [instance.start.year, instance.start.year + 1]
    else:
        years = sorted({year for year, _, _ in window.slots})
    for code in instance.codes:
        if options_of(instance, code, years):
            continue
        course = catalogue.courses[code]
        calendar = instance.calendars[instance.institution[code]]
        where = ", ".join(o.names(calendar) for o in instance.offers[code])
        if window is not None:
            anywhere = Instance(**{**vars(instance), "window": None, "start": Start(1, 0)})
            if options_of(anywhere, code, [1]):
                return Message.of(
                    "plan.not_in_window", code=code, window=window.label(), where=where
                )
        most = max(float(instance.cap) * o.weeks(calendar) / 2 for o in instance.offers[code])
        return Message.of("plan.over_load", code=code, ects=course.ects, where=where, most=most)
    if _order(instance) is None:
        return Message("plan.circle")
    return None


def _order(instance: Instance) -> list[str] | None:
    """An order in which every open group is met by an earlier course, or None."""
    placed: set[str] = set()
    order: list[str] = []
    left = list(instance.codes)
    while left:
        ready = [c for c in left if all(any(s in placed for s in g) for g in instance.groups[c])]
        if not ready:
            return None
        for c in ready:
            placed.add(c)
            order.append(c)
            left.remove(c)
    return order


def _segments_fit(placed: Sequence[Option], option: Option, cap: Fraction) -> bool:
    """Whether ``option`` fits next to ``placed`` at every moment it runs."""
    overlapping = [o for o in placed if o.start < option.end and option.start < o.end]
    if not overlapping:
        return True
    points = sorted(
        {option.start, option.end}
        | {o.start for o in overlapping if option.start < o.start < option.end}
        | {o.end for o in overlapping if option.start < o.end < option.end}
    )
    for a, b in itertools.pairwise(points):
        total = option.rate + sum(o.rate for o in overlapping if o.start <= a and b <= o.end)
        if total > cap:
            return False
    return True


def _greedy(instance: Instance, options: dict[str, list[Option]]) -> dict[str, Option] | None:
    """Each course, once its prerequisites are placed, in its earliest placement with room; the
    course whose placement ends first goes next."""
    placed: dict[str, Option] = {}
    left = set(instance.codes)
    while left:
        best: Option | None = None
        for code in sorted(left):
            groups = instance.groups[code]
            if not all(any(s in placed for s in g) for g in groups):
                continue
            ready = max((min(placed[s].end for s in g if s in placed) for g in groups), default=0)
            for option in options[code]:
                if option.start >= ready and _segments_fit(
                    list(placed.values()), option, instance.cap
                ):
                    if best is None or (option.end, option.start) < (best.end, best.start):
                        best = option
                    break
        if best is None:
            return None
        placed[best.code] = best
        left.discard(best.code)
    return placed


def _lower_bound(instance: Instance, options: dict[str, list[Option]]) -> tuple[int, int]:
    """No plan finishes before the earliest end of each course's prerequisite chain, nor uses
    fewer periods than it takes to hold the EC of each institution's courses, or than its
    longest chain of courses that must follow one another."""
    earliest = {c: math.inf for c in instance.codes}
    for _ in range(len(instance.codes) + 1):
        changed = False
        for code in instance.codes:
            ready = max(
                (min((earliest[s] for s in g), default=math.inf) for g in instance.groups[code]),
                default=0,
            )
            end = min((o.end for o in options[code] if o.start >= ready), default=math.inf)
            if end < earliest[code]:
                earliest[code], changed = end, True
        if not changed:
            break
    finish = max(earliest.values())
    if finish == math.inf:
        return (2**31, 2**31)
    finish = max(finish, _room_finish(instance, options))
    used = 0
    for inst in sorted(set(instance.institution.values())):
        calendar = instance.calendars[inst]
        mine = [c for c in instance.codes if instance.institution[c] == inst]
        need = sum(half(instance.catalogue.courses[c].ects) for c in mine)
        rooms = sorted(
            {
                slot: instance.cap * calendar.period(slot[2]).weeks
                for c in mine
                for o in options[c]
                if o.end <= finish
                for slot in o.slots
            }.values(),
            reverse=True,
        )
        count, room = 0, Fraction(0)
        for size in rooms:
            if room >= need:
                break
            room += size
            count += 1
        longest = max(min(o.offering.last - o.offering.first + 1 for o in options[c]) for c in mine)
        used += max(count, min(longest, len(rooms)))
    return int(finish), max(used, _chain(instance))


def _room_finish(instance: Instance, options: dict[str, list[Option]]) -> int:
    """No plan finishes before the periods its courses can run in have held their EC: per
    institution, the end of the first period by which the load's room reaches its EC."""
    bound = 0
    for inst in sorted(set(instance.institution.values())):
        calendar = instance.calendars[inst]
        mine = [c for c in instance.codes if instance.institution[c] == inst]
        need = sum(half(instance.catalogue.courses[c].ects) for c in mine)
        ends: dict[tuple[int, str, str], int] = {}
        for c in mine:
            for o in options[c]:
                for slot in o.slots:
                    period = calendar.period(slot[2])
                    ends[slot] = (slot[0] - 1) * YEAR_WEEKS + period.end_week
        room = Fraction(0)
        for slot, end in sorted(ends.items(), key=lambda pair: (pair[1], pair[0])):
            room += instance.cap * calendar.period(slot[2]).weeks
            if room >= need:
                bound = max(bound, end)
                break
    return bound


def _chain(instance: Instance) -> int:
    """The most courses of the plan that must follow one another: each waits for a supporter
    of every open prerequisite group to end, so no two of them share a period."""
    depth: dict[str, int] = {}
    for _ in range(len(instance.codes) + 1):
        changed = False
        for code in instance.codes:
            below = [
                min((depth.get(s, 0) for s in group), default=0) for group in instance.groups[code]
            ]
            value = 1 + max(below, default=0)
            if value != depth.get(code):
                depth[code], changed = value, True
        if not changed:
            break
    return max(depth.values(), default=0)


def _solve(
    instance: Instance,
    options: dict[str, list[Option]],
    hint: dict[str, Option] | None,
) -> tuple[dict[str, Option] | None, bool]:
    """The lexicographically best plan (finish, then periods used) by
    CP-SAT; None when there is none. Returns the plan and whether it is proven optimal."""
    from ortools.sat.python import cp_model

    model = model_class()()
    every = [o for c in instance.codes for o in options[c]]
    y = add_timing(model, instance, options, dict.fromkeys(instance.codes, True))
    finish, _ = add_finish(model, instance, options, y)
    slots = sorted({s for o in every for s in o.slots})
    used = {s: model.new_bool_var(f"used {s}") for s in slots}
    for o in every:
        for s in o.slots:
            model.add_implication(y[id(o)], used[s])
    model.minimize((len(slots) + 1) * finish + sum(used.values()))
    if hint is not None:
        for o in every:
            model.add_hint(y[id(o)], hint.get(o.code) is o)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = SEED
    solver.parameters.linearization_level = 2
    status = deadline.run(solver, model)  # None: the deadline has passed
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, status == cp_model.INFEASIBLE
    chosen = {o.code: o for o in every if solver.boolean_value(y[id(o)])}
    return chosen, status == cp_model.OPTIMAL
