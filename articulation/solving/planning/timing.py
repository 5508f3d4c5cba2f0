"""Timing constraints in a CP-SAT model: each course placed in a period it is offered in, after
its prerequisites, within the load at every moment; the finish of the placements.

The planning model is built from them; a route's cover model adds them
(:func:`add_window_timing`, :func:`add_year_timing`) so that the programme it chooses can be
planned in time, and :func:`finish_bound` bounds that finish without a model.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

from articulation.curriculum.calendar import FEBRUARY, SEPTEMBER, Start, offerings
from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.credits import half
from articulation.curriculum.model import YEAR_WEEKS, AnyOf, AtLeast, OutcomeAt, Requirement
from articulation.solving.planning.options import (
    DEFAULT_LOAD,
    LOAD_WEEKS,
    Instance,
    Option,
    build_instance,
    first_week,
    options_of,
    window_weeks,
)
from articulation.solving.planning.windows import Window
from articulation.solving.pool import PoolContext

#: The finish of a selection's placements in a model: an integer variable (the absolute week the
#: last chosen course ends; at least that) and its largest value.
Finish = tuple[Any, int]


def add_timing(
    model: Any,
    instance: Instance,
    options: dict[str, list[Option]],
    present: dict[str, Any],
) -> dict[int, Any]:
    """Placements in ``model``: one per course whose ``present`` literal holds (True: always),
    prerequisites ended before the course starts, the load at every moment within the cap.
    Returns the placement literals by ``id`` of the option."""
    from ortools.sat.python import cp_model

    every = [o for c in instance.codes for o in options[c]]
    y = {id(o): model.new_bool_var(f"{o.code}@{o.year}.{o.offering.first}") for o in every}
    for code in instance.codes:
        placed = [y[id(o)] for o in options[code]]
        if present[code] is True:
            model.add_exactly_one(placed)
        else:
            model.add(sum(placed) == present[code])
    for code in instance.codes:
        for group in instance.groups[code]:
            for option in options[code]:
                support = [y[id(o)] for s in group for o in options[s] if o.end <= option.start]
                model.add_bool_or([y[id(option)].Not(), *support])
    # the load at every moment: between consecutive boundaries of the placements, in whole
    # multiples of the rates' common denominator (exact, and much cheaper than fractions)
    points = sorted({o.start for o in every} | {o.end for o in every})
    rates = [o.rate for o in every]
    scale = math.lcm(instance.cap.denominator, *(r.denominator for r in rates))
    cap = instance.cap.numerator * (scale // instance.cap.denominator)
    # per stretch between consecutive boundaries, the placements running through it (in the
    # order of ``every``): each placement is entered in the stretches it spans
    index = {week: i for i, week in enumerate(points)}
    running: list[list[tuple[int, Any]]] = [[] for _ in points]
    for o, r in zip(every, rates, strict=True):
        entry = (r.numerator * (scale // r.denominator), y[id(o)])
        for i in range(index[o.start], index[o.end]):
            running[i].append(entry)
    for stretch in running:
        if sum(rate for rate, _ in stretch) <= cap:
            continue
        model.add(
            cp_model.LinearExpr.weighted_sum(
                [lit for _, lit in stretch], [rate for rate, _ in stretch]
            )
            <= cap
        )
    return y


def finish_bound(
    catalogue: Catalogue,
    context: PoolContext,
    unmet: Sequence[Requirement],
    ects: float,
    *,
    window: Window | None = None,
    load: float = DEFAULT_LOAD,
    enough: int | None = None,
) -> int:
    """A week before which no programme of ``ects`` EC from the pool of ``context`` that meets
    ``unmet`` can be finished: a pre-master from September of year 1 (a plan from February
    finishes no earlier), or electives in ``window``. It stops once it reaches ``enough``.

    The larger of two bounds, without a model. The load holds at most ``load`` EC per 10 weeks
    at every moment, so ``ects`` EC take that long from the first period (in a pool of one
    institution, its periods' room in order of their end), and a programme finishes at the end
    of a period. Each unmet outcome item (or alternatives of outcomes) needs a course that
    helps it, which ends no earlier than the earliest end of its offerings after a chain of
    courses of the pool that meets its open prerequisite groups.
    """
    if window is not None:
        years = sorted({year for year, _, _ in window.slots})
        start = Start(years[0], 0)
        begin, last = window_weeks(_bare(catalogue, start, load, window), window)
    else:
        years, start, begin = [SEPTEMBER.year, SEPTEMBER.year + 1], SEPTEMBER, 0
        last = SEPTEMBER.year * YEAR_WEEKS * 2
    instance = _bare(catalogue, start, load, window)
    # the load: the end of the first period by which the room holds the EC
    need = half(ects)
    late = begin + need / instance.cap
    institutions = {catalogue.institution_of[c] for c in context.reachable}
    bound = math.inf
    for inst in sorted(institutions):
        room = Fraction(0)
        for end, weeks in sorted(
            ((year - 1) * YEAR_WEEKS + p.end_week, p.weeks)
            for year in years
            for p in catalogue.calendar(inst).periods
            if begin <= (year - 1) * YEAR_WEEKS + p.start_week
            and (year - 1) * YEAR_WEEKS + p.end_week <= last
        ):
            room += instance.cap * weeks
            if end >= late and (room >= need or len(institutions) > 1):
                bound = min(bound, end)
                break
    if bound == math.inf:
        return 2**31
    reachable, groups = context.reachable, context.groups
    earliest: dict[str, float] = {}
    on_chain: set[str] = set()

    def end_of(code: str) -> float:
        if code in earliest:
            return earliest[code]
        on_chain.add(code)
        ready = 0.0
        for group in groups.get(code, ()):
            if any(s in on_chain for s in group):
                continue  # a circle of support: cut, a smaller bound
            chain = (end_of(s) for s in group if s in reachable)
            ready = max(ready, min(chain, default=math.inf))
        on_chain.discard(code)
        if code not in instance.institution:
            inst = catalogue.institution_of[code]
            instance.institution[code] = inst
            instance.calendars.setdefault(inst, catalogue.calendar(inst))
            periods = catalogue.courses[code].periods
            instance.offers[code] = offerings(instance.calendars[inst], periods)
        found = options_of(instance, code, years)
        earliest[code] = min((o.end for o in found if o.start >= ready), default=math.inf)
        return earliest[code]

    items = [item for item in unmet if _outcomes_only(item)]
    for item in sorted(items, key=lambda item: len(context.helpers(item))):
        if enough is not None and bound >= enough:
            break
        bound = max(bound, min((end_of(c) for c in context.helpers(item)), default=math.inf))
    return 2**31 if bound == math.inf else int(bound)


def _outcomes_only(item: Requirement) -> bool:
    """An outcome item, or one or k of them (area credit is helped by too many courses)."""
    return isinstance(item, OutcomeAt) or (
        isinstance(item, AnyOf | AtLeast) and all(_outcomes_only(alt) for alt in item.members)
    )


def _bare(catalogue: Catalogue, start: Start, load: float, window: Window | None) -> Instance:
    """An instance without courses, for :func:`options_of` of courses added one by one."""
    cap = Fraction(load).limit_denominator(1000) * 2 / LOAD_WEEKS
    return Instance(catalogue, (), {}, {}, {}, {}, {}, cap, start, window)


def add_window_timing(
    model: Any,
    catalogue: Catalogue,
    chosen: dict[str, Any],
    taken: Iterable[str],
    window: Window,
    load: float = DEFAULT_LOAD,
    before: int | None = None,
    finish: bool = True,
) -> Finish | None:
    """Constrain a selection model (``chosen``: a Boolean per candidate course) so that the
    courses it chooses can be planned in ``window``: each placed in a period it is offered in,
    after its prerequisites among the chosen (or passed), within the load at every moment. The
    minor designer uses it, so a designed minor always fits its semester. With ``before``,
    only placements that end before that week. Returns the finish of the placements
    (:data:`Finish`); None without ``finish`` (a model that does not rank by it need not
    carry it)."""
    codes = tuple(sorted(chosen))
    years = sorted({year for year, _, _ in window.slots})
    start = Start(years[0], 0) if years else SEPTEMBER
    instance = build_instance(catalogue, codes, frozenset(taken), start, load, window)
    options = {c: _before(options_of(instance, c, years), before) for c in codes}
    y = add_timing(model, instance, options, chosen)
    return add_finish(model, instance, options, y) if finish else None


def add_year_timing(
    model: Any,
    catalogue: Catalogue,
    chosen: dict[str, Any],
    taken: Iterable[str],
    load: float = DEFAULT_LOAD,
    before: int | None = None,
    finish: bool = True,
) -> Finish | None:
    """Constrain a selection model (``chosen``: a Boolean per candidate course) so that the
    courses it chooses can be planned as
    :func:`~articulation.solving.planning.route_plan.plan_route` plans a pre-master: from
    September of year 1, or from February, finished within one year of the first period of their
    calendars from that start; each in a period it is offered in, after its prerequisites among
    the chosen (or passed), within the load at every moment. A selection meets them exactly
    when the plan of its courses fits; the least finish the model allows a selection is the
    finish of that plan (from February only when no September start fits). With ``before``,
    only placements that end before that week. Returns the finish (:data:`Finish`); None
    without ``finish``."""
    codes = tuple(sorted(chosen))
    instance = build_instance(catalogue, codes, frozenset(taken), SEPTEMBER, load, None)
    # per institution: the latest end of a plan from September and from February that includes
    # one of its courses (a year after the first period of its calendar from that start)
    latest = {
        inst: tuple(first_week([calendar], start) + YEAR_WEEKS for start in (SEPTEMBER, FEBRUARY))
        for inst, calendar in instance.calendars.items()
    }
    last = max((end for ends in latest.values() for end in ends), default=0)
    years = list(range(SEPTEMBER.year, last // YEAR_WEEKS + 2))
    options = {
        c: _before([o for o in options_of(instance, c, years) if o.end <= last], before)
        for c in codes
    }
    y = add_timing(model, instance, options, chosen)
    february = model.new_bool_var("from February")
    # one literal per kind of deadline: true when a course with that deadline is chosen
    kinds = sorted(set(latest.values()))
    some = {kind: model.new_bool_var(f"ends by {kind}") for kind in kinds}
    for code in codes:
        model.add_implication(chosen[code], some[latest[instance.institution[code]]])
    february_week = FEBRUARY.absolute_week
    for code in codes:
        own = latest[instance.institution[code]]
        for option in options[code]:
            placed = y[id(option)]
            if option.start < february_week:
                model.add_implication(placed, february.Not())
            for kind in kinds:
                late = (option.end > kind[0], option.end > kind[1])
                if not any(late):
                    continue
                clause = [placed.Not()] + ([] if kind == own else [some[kind].Not()])
                if not late[0]:
                    clause.append(february.Not())  # only a September start ends in time
                elif not late[1]:
                    clause.append(february)  # only a February start ends in time
                model.add_bool_or(clause)
    return add_finish(model, instance, options, y) if finish else None


def _before(options: list[Option], week: int | None) -> list[Option]:
    """The placements that end before ``week`` (all without one)."""
    return options if week is None else [o for o in options if o.end < week]


def add_finish(
    model: Any, instance: Instance, options: dict[str, list[Option]], y: dict[int, Any]
) -> Finish:
    """A variable no smaller than the end week of every placed course (see :func:`add_timing`)."""
    from ortools.sat.python import cp_model

    top = max((o.end for c in instance.codes for o in options[c]), default=0)
    finish = model.new_int_var(0, top, "finish")
    for code in instance.codes:
        if options[code]:
            model.add(
                finish
                >= cp_model.LinearExpr.weighted_sum(
                    [y[id(o)] for o in options[code]], [o.end for o in options[code]]
                )
            )
    return finish, top
