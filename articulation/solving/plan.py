"""Planning: a set of courses placed in the periods of the academic years, finishing first.

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
>>> plan.fits, plan.reason
(False, 'the smallest programme needs 5 quartiles: it finishes at the end of year 2, Q1, later than 1 year(s) after its start')
"""  # noqa: E501

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from articulation.curriculum.calendar import (
    FEBRUARY,
    SEPTEMBER,
    Calendar,
    Offering,
    Start,
    month_text,
    offerings,
    parse_offering,
    semester_periods,
    start_month,
)
from articulation.curriculum.catalogue import Catalogue, UnknownCode
from articulation.curriculum.credits import half
from articulation.curriculum.model import YEAR_WEEKS, AnyOf, Bachelor, OutcomeAt, Requirement
from articulation.solving.cover import SEED, model_class
from articulation.solving.gap import attainment
from articulation.solving.pool import PoolContext
from articulation.support import deadline, memo
from articulation.support.jsonable import fields_json

#: Full-time study: EC per 10 teaching weeks (15 EC per UT quartile).
DEFAULT_LOAD = 15.0
LOAD_WEEKS = 10
DEFAULT_TIME_LIMIT = 10.0

Slot = tuple[int, str, str]  # (year, institution, period name)


@dataclass(frozen=True)
class Window:
    """The periods a plan may use: (year, institution, period name). A course of an institution
    the window does not name may use its own periods that lie within the window's weeks."""

    slots: frozenset[Slot]

    def label(self) -> str:
        by_year: dict[tuple[int, str], list[str]] = {}
        for year, inst, name in sorted(self.slots):
            by_year.setdefault((year, inst), []).append(name)
        return "; ".join(
            f"{inst} {', '.join(names)} of year {year}" for (year, inst), names in by_year.items()
        )


def minor_window(catalogue: Catalogue, institution: str, year: int = 3) -> Window:
    """The first semester of ``year`` at ``institution``: where a bachelor's minor (or its
    electives) goes — UT Q1+Q2, VU P1–P3 of year 3."""
    names = semester_periods(catalogue.calendar(institution), 1)
    return Window(frozenset((year, institution, name) for name in names))


def study_window(catalogue: Catalogue, bachelor: Bachelor) -> Window:
    """When the bachelor's elective space (its minor) is taken: its ``minor_window``, else the
    first semester of year 3 in the calendar of the institution that teaches most of its
    mandatory courses (UT Q1+Q2 for the joint bachelors taught in UT modules, VU P1–P3 for VU's).
    """
    spec = bachelor.minor_window
    if spec is None:
        counts = Counter(
            catalogue.institution_of.get(c, bachelor.institution) for c in bachelor.courses
        )
        top = max(counts.values(), default=0)
        inst = min(i for i, n in counts.items() if n == top) if counts else bachelor.institution
        return minor_window(catalogue, inst)
    calendar = catalogue.calendar(spec.institution)
    chosen: set[int] = set()
    for text in spec.periods:
        offering = parse_offering(calendar, text)
        chosen.update(range(offering.first, offering.last + 1))
    names = (calendar.periods[i].name for i in sorted(chosen))
    return Window(frozenset((spec.year, spec.institution, name) for name in names))


def offered_in(catalogue: Catalogue, code: str, window: Window, load: float = DEFAULT_LOAD) -> bool:
    """Whether a course can be placed in ``window`` at all: offered in one of its periods (or
    its institution's periods within the window's weeks), and within the load on its own."""

    def build() -> bool:
        years = sorted({year for year, _, _ in window.slots})
        first = Start(years[0], 0) if years else SEPTEMBER
        instance = _instance(catalogue, (code,), frozenset(), first, load, window)
        return bool(_options(instance, code, years))

    return catalogue.remembered(memo.OFFERED, (code, window, load), build)


# --- results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedCourse:
    """A course running in a period: its EC there (pro rata by weeks) and the offering."""

    code: str
    title: str
    ects: float
    share: float  # EC of it in this period
    runs: str  # the periods it runs in, e.g. "Q1-Q2"
    any_period: bool  # the catalogue gives no periods: placed where it fits

    def to_json(self) -> dict[str, Any]:
        return fields_json(self, share="ects_in_period")


@dataclass(frozen=True)
class PlanPeriod:
    """One period of the plan on the timeline (weeks since September of year 1)."""

    year: int
    institution: str
    period: str
    start_week: int
    end_week: int
    courses: tuple[PlannedCourse, ...]
    ects: float  # the load in the period
    capacity: float  # the most the load allows in it

    @property
    def label(self) -> str:
        return f"year {self.year}, {self.period}"

    def to_json(self, anchor: Any = None) -> dict[str, Any]:
        data = {
            "year": self.year,
            "institution": self.institution,
            "period": self.period,
            "start_week": self.start_week,
            "end_week": self.end_week,
            "ects": self.ects,
            "capacity": self.capacity,
            "courses": [c.to_json() for c in self.courses],
        }
        if anchor is not None:
            data["months"] = (
                f"{month_text(anchor, self.start_week + 1)} – {month_text(anchor, self.end_week)}"
            )
        return data


@dataclass(frozen=True)
class Placement:
    """Where one course of the plan runs."""

    code: str
    year: int
    institution: str
    runs: str
    start_week: int
    end_week: int


def end_of(year: int, period: str) -> str:
    """A relative finish in words.

    >>> end_of(1, "Q4")
    'end of year 1, Q4'
    """
    return f"end of year {year}, {period}"


@dataclass(frozen=True)
class Plan:
    """The courses placed in periods, or why they cannot be.

    ``placed`` is false when no plan exists at all (``reason`` says why); ``fits`` whether the
    plan finishes within the limit (``limit_weeks`` from its first possible period) or window.
    """

    codes: tuple[str, ...]
    start: Start
    load: float
    placed: bool
    fits: bool
    reason: str
    periods: tuple[PlanPeriod, ...] = ()
    placements: tuple[Placement, ...] = ()
    finish_week: int | None = None
    finish_at: tuple[int, str] | None = None  # (year, period) the plan ends in: (1, "Q4")
    periods_used: int = 0
    periods_needed: int = 0  # periods from the first possible one through the finish
    limit_weeks: int | None = None
    optimal: bool = True
    notes: tuple[str, ...] = ()

    @property
    def finish(self) -> str | None:
        """The finish in words, relative: ``end of year 1, Q4``."""
        return None if self.finish_at is None else end_of(*self.finish_at)

    def finished_by(self, anchor: Any) -> str | None:
        """The month the plan finishes in, for a timeline whose week 0 is ``anchor`` (a date)."""
        return None if self.finish_week is None else month_text(anchor, self.finish_week)

    def to_json(self, anchor: Any = None) -> dict[str, Any]:
        """The plan as JSON; with ``anchor`` (the date of week 0) also calendar months."""
        data: dict[str, Any] = {
            "placed": self.placed,
            "fits": self.fits,
            "reason": self.reason,
            "start": {"year": self.start.year, "week": self.start.week},
            "load": self.load,
            "finish_week": self.finish_week,
            "finish": self.finish,
            "finish_at": None
            if self.finish_at is None
            else {"year": self.finish_at[0], "period": self.finish_at[1]},
            "periods_used": self.periods_used,
            "periods_needed": self.periods_needed,
            "limit_weeks": self.limit_weeks,
            "optimal": self.optimal,
            "notes": list(self.notes),
            "periods": [p.to_json(anchor) for p in self.periods],
        }
        if anchor is not None:
            data["finished_by"] = self.finished_by(anchor)
        return data


# --- the instance -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Option:
    """One way to place a course: an offering in a year."""

    code: str
    institution: str
    year: int
    offering: Offering
    start: int  # absolute weeks
    end: int
    rate: Fraction  # half EC per teaching week
    slots: tuple[Slot, ...]


@dataclass
class _Instance:
    catalogue: Catalogue
    codes: tuple[str, ...]
    groups: dict[str, list[list[str]]]  # open groups: supporters among the plan's courses
    written: dict[str, list[list[str]]]  # the open groups as written
    offers: dict[str, tuple[Offering, ...]]
    calendars: dict[str, Calendar]
    institution: dict[str, str]
    cap: Fraction  # half EC per week
    start: Start
    window: Window | None


def plan_courses(
    catalogue: Catalogue,
    codes: Iterable[str],
    taken: Iterable[str] = (),
    *,
    start: Start = SEPTEMBER,
    load: float = DEFAULT_LOAD,
    within_years: float | None = None,
    window: Window | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
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
    instance = _instance(catalogue, chosen, frozenset(taken), start, load, window)
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
        found = _plan(instance, load, limit, time_limit, prove)
        if deadline.stopped() == cut:  # a plan a request's deadline cut short is not kept
            found = catalogue.remember(memo.PLANS, key, found)
    return found


def _instance(
    catalogue: Catalogue,
    codes: tuple[str, ...],
    taken: frozenset[str],
    start: Start,
    load: float,
    window: Window | None,
) -> _Instance:
    attained = attainment(catalogue, taken)
    in_plan = set(codes)
    groups: dict[str, list[list[str]]] = {}
    written: dict[str, list[list[str]]] = {}
    offers: dict[str, tuple[Offering, ...]] = {}
    calendars: dict[str, Calendar] = {}
    institution: dict[str, str] = {}
    for code in codes:
        course = catalogue.courses[code]
        inst = catalogue.institution_of[code]
        institution[code] = inst
        calendars.setdefault(inst, catalogue.calendar(inst))
        offers[code] = offerings(calendars[inst], course.periods)
        open_groups, as_written = [], []
        for group in course.prerequisites:
            if any(_met_by_taken(member, taken, attained) for member in group):
                continue
            supporters: set[str] = set()
            for member in group:
                if isinstance(member, OutcomeAt):
                    supporters.update(
                        d
                        for d, level in catalogue.teachers.get(member.outcome, ())
                        if level >= member.level and d in in_plan
                    )
                elif member in in_plan:
                    supporters.add(member)
            supporters.discard(code)
            open_groups.append(sorted(supporters))
            as_written.append([str(member) for member in group])
        groups[code] = open_groups
        written[code] = as_written
    cap = Fraction(load).limit_denominator(1000) * 2 / LOAD_WEEKS
    return _Instance(
        catalogue, codes, groups, written, offers, calendars, institution, cap, start, window
    )


def _met_by_taken(member: str | OutcomeAt, taken: frozenset[str], attained: Any) -> bool:
    if isinstance(member, OutcomeAt):
        return attained.level(member.outcome) >= member.level
    return member in taken


def _options(instance: _Instance, code: str, years: Sequence[int]) -> list[_Option]:
    """The placements of a course in ``years`` that start no earlier than the start, lie in the
    window, and fit the load on their own (remembered: they read only the course, the calendars,
    the start, the load and the window)."""
    key = (code, instance.start, instance.cap, instance.window, tuple(years))
    return instance.catalogue.remembered(
        memo.OPTIONS, key, lambda: _course_options(instance, code, years)
    )


def _course_options(instance: _Instance, code: str, years: Sequence[int]) -> list[_Option]:
    inst = instance.institution[code]
    calendar = instance.calendars[inst]
    ects = half(instance.catalogue.courses[code].ects)
    window = instance.window
    span = None
    if window is not None and not any(i == inst for _, i, _ in window.slots):
        span = _window_weeks(instance, window)
    found = []
    for year in years:
        base = (year - 1) * YEAR_WEEKS
        for offering in instance.offers[code]:
            periods = calendar.periods[offering.first : offering.last + 1]
            start, end = base + periods[0].start_week, base + periods[-1].end_week
            if start < instance.start.absolute_week:
                continue
            slots = tuple((year, inst, p.name) for p in periods)
            if window is not None:
                if span is None and not all(s in window.slots for s in slots):
                    continue
                if span is not None and not (span[0] <= start and end <= span[1]):
                    continue
            rate = Fraction(ects, offering.weeks(calendar))
            if rate > instance.cap:
                continue
            found.append(_Option(code, inst, year, offering, start, end, rate, slots))
    return found


def _window_weeks(instance: _Instance, window: Window) -> tuple[int, int]:
    starts, ends = [], []
    for year, inst, name in window.slots:
        period = instance.catalogue.calendar(inst).period(name)
        if period is not None:
            base = (year - 1) * YEAR_WEEKS
            starts.append(base + period.start_week)
            ends.append(base + period.end_week)
    return (min(starts), max(ends)) if starts else (0, 0)


# --- solving ------------------------------------------------------------------------------------


def _plan(
    instance: _Instance, load: float, limit: int | None, time_limit: float, prove: bool = True
) -> Plan:
    codes = instance.codes
    empty = {"codes": codes, "start": instance.start, "load": load, "limit_weeks": limit}
    if not codes:
        return Plan(**empty, placed=True, fits=True, reason="nothing to plan")
    problem = _precheck(instance)
    if problem:
        return Plan(**empty, placed=False, fits=False, reason=problem)
    if instance.window is not None:
        years = sorted({year for year, _, _ in instance.window.slots})
    else:
        years = list(range(instance.start.year, instance.start.year + len(codes) + 1))
    options = {c: _options(instance, c, years) for c in codes}
    greedy = _greedy(instance, options)
    if greedy is None and instance.window is None:  # pragma: no cover - a fresh year always fits
        return Plan(**empty, placed=False, fits=False, reason="no placement found")
    if greedy is not None:
        last_year = max(o.year for o in greedy.values())
        options = {c: [o for o in options[c] if o.year <= last_year] for c in codes}
    chosen, optimal = greedy, True
    if greedy is not None and not prove:
        optimal = _objective(greedy) <= _lower_bound(instance, options)
    elif greedy is None or _objective(greedy) > _lower_bound(instance, options):
        chosen, optimal = None, False
        if limit is not None:  # a plan within the limit beats any other: look there first
            end = _first_start(instance) + limit
            inside = {c: [o for o in options[c] if o.end <= end] for c in codes}
            if all(inside.values()):
                hint = greedy if greedy and _objective(greedy)[0] <= end else None
                chosen, optimal = _solve(instance, inside, hint, time_limit)
        if chosen is None:
            chosen, optimal = _solve(instance, options, greedy, time_limit)
    if chosen is None:
        where = instance.window.label() if instance.window else "the years planned"
        reason = (
            f"the courses do not fit in {where}: the load of {load:g} EC per 10 weeks, the "
            "periods they are offered in and their prerequisites leave no room"
        )
        if not optimal:  # not proven: the time limit (or a request's deadline) stopped it
            reason = f"no placement in {where} found within the time limit"
        if instance.window is not None or optimal:
            return Plan(**empty, placed=False, fits=False, reason=reason)
        chosen, optimal = greedy, False  # pragma: no cover - timed out: keep the greedy plan
    return _result(instance, chosen, load, limit, optimal)


def _time_key(option: _Option) -> tuple[int, int, str]:
    return option.start, option.end, option.code


def _precheck(instance: _Instance) -> str | None:
    """Why no plan can exist, when that is plain without searching."""
    catalogue, window = instance.catalogue, instance.window
    for code in instance.codes:
        for group, members in zip(instance.groups[code], instance.written[code], strict=True):
            if not group:
                return (
                    f"{code} needs one of {', '.join(members)}, which is neither passed nor in "
                    "the plan"
                )
    if window is None:
        years = [instance.start.year, instance.start.year + 1]
    else:
        years = sorted({year for year, _, _ in window.slots})
    for code in instance.codes:
        if _options(instance, code, years):
            continue
        course = catalogue.courses[code]
        calendar = instance.calendars[instance.institution[code]]
        where = ", ".join(o.names(calendar) for o in instance.offers[code])
        if window is not None:
            anywhere = _Instance(**{**vars(instance), "window": None, "start": Start(1, 0)})
            if _options(anywhere, code, [1]):
                return f"{code} is offered in no period of {window.label()} (it runs in {where})"
        most = max(float(instance.cap) * o.weeks(calendar) / 2 for o in instance.offers[code])
        return (
            f"{code} ({course.ects:g} EC) is more than the load allows in any period it is "
            f"offered in ({where}: at most {most:g} EC)"
        )
    if _order(instance) is None:
        return "the courses' prerequisites support each other in a circle: no order takes them"
    return None


def _order(instance: _Instance) -> list[str] | None:
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


def _segments_fit(placed: Sequence[_Option], option: _Option, cap: Fraction) -> bool:
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


def _greedy(instance: _Instance, options: dict[str, list[_Option]]) -> dict[str, _Option] | None:
    """Each course, once its prerequisites are placed, in its earliest placement with room; the
    course whose placement ends first goes next."""
    placed: dict[str, _Option] = {}
    left = set(instance.codes)
    while left:
        best: _Option | None = None
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


def _used(chosen: dict[str, _Option]) -> int:
    return len({slot for o in chosen.values() for slot in o.slots})


def _objective(chosen: dict[str, _Option]) -> tuple[int, int]:
    return max(o.end for o in chosen.values()), _used(chosen)


def _lower_bound(instance: _Instance, options: dict[str, list[_Option]]) -> tuple[int, int]:
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


def _room_finish(instance: _Instance, options: dict[str, list[_Option]]) -> int:
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


def _chain(instance: _Instance) -> int:
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


def _timing(
    model: Any,
    instance: _Instance,
    options: dict[str, list[_Option]],
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
    # the load at every moment: between consecutive boundaries of the placements
    points = sorted({o.start for o in every} | {o.end for o in every})
    scale = math.lcm(instance.cap.denominator, *(o.rate.denominator for o in every))
    cap = int(instance.cap * scale)
    for a, b in itertools.pairwise(points):
        running = [o for o in every if o.start <= a and b <= o.end]
        if sum(o.rate for o in running) <= instance.cap:
            continue
        model.add(
            cp_model.LinearExpr.weighted_sum(
                [y[id(o)] for o in running], [int(o.rate * scale) for o in running]
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
        begin, last = _window_weeks(_bare(catalogue, start, load, window), window)
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
        found = _options(instance, code, years)
        earliest[code] = min((o.end for o in found if o.start >= ready), default=math.inf)
        return earliest[code]

    items = [item for item in unmet if _outcomes_only(item)]
    for item in sorted(items, key=lambda item: len(context.helpers(item))):
        if enough is not None and bound >= enough:
            break
        bound = max(bound, min((end_of(c) for c in context.helpers(item)), default=math.inf))
    return 2**31 if bound == math.inf else int(bound)


def _outcomes_only(item: Requirement) -> bool:
    """An outcome item, or alternatives of them (area credit is helped by too many courses)."""
    return isinstance(item, OutcomeAt) or (
        isinstance(item, AnyOf) and all(_outcomes_only(alt) for alt in item.any_of)
    )


def _bare(catalogue: Catalogue, start: Start, load: float, window: Window | None) -> _Instance:
    """An instance without courses, for :func:`_options` of courses added one by one."""
    cap = Fraction(load).limit_denominator(1000) * 2 / LOAD_WEEKS
    return _Instance(catalogue, (), {}, {}, {}, {}, {}, cap, start, window)


#: The finish of a selection's placements in a model: an integer variable (the absolute week the
#: last chosen course ends; at least that) and its largest value.
Finish = tuple[Any, int]


def add_window_timing(
    model: Any,
    catalogue: Catalogue,
    chosen: dict[str, Any],
    taken: Iterable[str],
    window: Window,
    load: float = DEFAULT_LOAD,
    before: int | None = None,
) -> Finish:
    """Constrain a selection model (``chosen``: a Boolean per candidate course) so that the
    courses it chooses can be planned in ``window``: each placed in a period it is offered in,
    after its prerequisites among the chosen (or passed), within the load at every moment. The
    minor designer uses it, so a designed minor always fits its semester. With ``before``,
    only placements that end before that week. Returns the finish of the placements
    (:data:`Finish`)."""
    codes = tuple(sorted(chosen))
    years = sorted({year for year, _, _ in window.slots})
    start = Start(years[0], 0) if years else SEPTEMBER
    instance = _instance(catalogue, codes, frozenset(taken), start, load, window)
    options = {c: _before(_options(instance, c, years), before) for c in codes}
    y = _timing(model, instance, options, chosen)
    return _finish(model, instance, options, y)


def add_year_timing(
    model: Any,
    catalogue: Catalogue,
    chosen: dict[str, Any],
    taken: Iterable[str],
    load: float = DEFAULT_LOAD,
    before: int | None = None,
) -> Finish:
    """Constrain a selection model (``chosen``: a Boolean per candidate course) so that the
    courses it chooses can be planned as :func:`plan_route` plans a pre-master: from September
    of year 1, or from February, finished within one year of the first period of their
    calendars from that start; each in a period it is offered in, after its prerequisites among
    the chosen (or passed), within the load at every moment. A selection meets them exactly
    when the plan of its courses fits; the least finish the model allows a selection is the
    finish of that plan (from February only when no September start fits). With ``before``,
    only placements that end before that week. Returns the finish (:data:`Finish`)."""
    codes = tuple(sorted(chosen))
    instance = _instance(catalogue, codes, frozenset(taken), SEPTEMBER, load, None)
    # per institution: the latest end of a plan from September and from February that includes
    # one of its courses (a year after the first period of its calendar from that start)
    latest = {
        inst: tuple(_first_week([calendar], start) + YEAR_WEEKS for start in (SEPTEMBER, FEBRUARY))
        for inst, calendar in instance.calendars.items()
    }
    last = max((end for ends in latest.values() for end in ends), default=0)
    years = list(range(SEPTEMBER.year, last // YEAR_WEEKS + 2))
    options = {
        c: _before([o for o in _options(instance, c, years) if o.end <= last], before)
        for c in codes
    }
    y = _timing(model, instance, options, chosen)
    february = model.new_bool_var("from February")
    # one literal per kind of deadline: true when a course with that deadline is chosen
    kinds = sorted(set(latest.values()))
    some = {kind: model.new_bool_var(f"ends by {kind}") for kind in kinds}
    for code in codes:
        model.add_implication(chosen[code], some[latest[instance.institution[code]]])
    for code in codes:
        own = latest[instance.institution[code]]
        for option in options[code]:
            placed = y[id(option)]
            if option.start < FEBRUARY.absolute_week:
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
    return _finish(model, instance, options, y)


def _before(options: list[_Option], week: int | None) -> list[_Option]:
    """The placements that end before ``week`` (all without one)."""
    return options if week is None else [o for o in options if o.end < week]


def _finish(
    model: Any, instance: _Instance, options: dict[str, list[_Option]], y: dict[int, Any]
) -> Finish:
    """A variable no smaller than the end week of every placed course (see :func:`_timing`)."""
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


def _solve(
    instance: _Instance,
    options: dict[str, list[_Option]],
    hint: dict[str, _Option] | None,
    time_limit: float,
) -> tuple[dict[str, _Option] | None, bool]:
    """The lexicographically best plan (finish, then periods used) by
    CP-SAT; None when there is none. Returns the plan and whether it is proven optimal."""
    from ortools.sat.python import cp_model

    model = model_class()()
    every = [o for c in instance.codes for o in options[c]]
    y = _timing(model, instance, options, dict.fromkeys(instance.codes, True))
    finish, _ = _finish(model, instance, options, y)
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
    status = deadline.run(solver, model, time_limit)  # None: the deadline has passed
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, status == cp_model.INFEASIBLE
    chosen = {o.code: o for o in every if solver.boolean_value(y[id(o)])}
    return chosen, status == cp_model.OPTIMAL


# --- reading the plan back ----------------------------------------------------------------------


def _result(
    instance: _Instance, chosen: dict[str, _Option], load: float, limit: int | None, optimal: bool
) -> Plan:
    catalogue = instance.catalogue
    finish_week, used = _objective(chosen)
    last = max(chosen.values(), key=lambda o: (o.end, o.code))
    calendar = instance.calendars[last.institution]
    finish_at = (last.year, calendar.periods[last.offering.last].name)
    finish = end_of(*finish_at)
    first_start = _first_start(instance)
    needed = sum(
        1
        for year in range(instance.start.year, last.year + 1)
        for p in calendar.periods
        if first_start <= (year - 1) * YEAR_WEEKS + p.start_week
        and (year - 1) * YEAR_WEEKS + p.end_week <= finish_week
    )
    any_period = {c for c in instance.codes if not catalogue.courses[c].periods}
    rows: dict[Slot, list[PlannedCourse]] = {}
    for option in sorted(chosen.values(), key=_time_key):
        course = catalogue.courses[option.code]
        cal = instance.calendars[option.institution]
        weeks = option.offering.weeks(cal)
        for slot in option.slots:
            share = course.ects * cal.period(slot[2]).weeks / weeks
            rows.setdefault(slot, []).append(
                PlannedCourse(
                    option.code,
                    course.title,
                    course.ects,
                    round(share, 2),
                    option.offering.names(cal),
                    option.code in any_period,
                )
            )
    periods = []
    for slot, courses in rows.items():
        year, inst, name = slot
        period = instance.calendars[inst].period(name)
        base = (year - 1) * YEAR_WEEKS
        periods.append(
            PlanPeriod(
                year,
                inst,
                name,
                base + period.start_week,
                base + period.end_week,
                tuple(courses),
                round(sum(c.share for c in courses), 2),
                round(load * period.weeks / LOAD_WEEKS, 2),
            )
        )
    periods.sort(key=lambda p: (p.start_week, p.end_week, p.institution))
    fits = limit is None or finish_week - first_start <= limit
    word = _period_word(calendar, needed)
    ects = sum(catalogue.courses[c].ects for c in instance.codes)
    summary = f"{len(chosen)} course(s), {ects:g} EC in {used} period(s), finished at the {finish}"
    if fits:
        reason = summary
    else:
        reason = (
            f"the smallest programme needs {needed} {word}: it finishes at the {finish}, later "
            f"than {limit / YEAR_WEEKS:g} year(s) after its start"
        )
    notes = tuple(
        f"{c} has no periods in the catalogue: placed where it fits" for c in sorted(any_period)
    )
    return Plan(
        codes=instance.codes,
        start=instance.start,
        load=load,
        placed=True,
        fits=fits,
        reason=reason,
        periods=tuple(periods),
        placements=tuple(
            Placement(
                o.code,
                o.year,
                o.institution,
                o.offering.names(instance.calendars[o.institution]),
                o.start,
                o.end,
            )
            for o in sorted(chosen.values(), key=_time_key)
        ),
        finish_week=finish_week,
        finish_at=finish_at,
        periods_used=used,
        periods_needed=needed,
        limit_weeks=limit,
        optimal=optimal,
        notes=notes,
    )


def _first_start(instance: _Instance) -> int:
    """The absolute week the plan's first possible period starts: the first period of its
    institutions' calendars from the start (in the window, when there is one)."""
    if instance.window is not None:
        return _window_weeks(instance, instance.window)[0]
    return _first_week(instance.calendars.values(), instance.start)


def _first_week(calendars: Iterable[Calendar], start: Start) -> int:
    """The absolute week of the first period of ``calendars`` that starts at or after ``start``."""
    begin, year = start.absolute_week, start.year
    return min(
        (y - 1) * YEAR_WEEKS + p.start_week
        for calendar in calendars
        for y in (year, year + 1)
        for p in calendar.periods
        if (y - 1) * YEAR_WEEKS + p.start_week >= begin
    )


def _period_word(calendar: Calendar, n: int) -> str:
    word = "quartile" if all(p.name.startswith("Q") for p in calendar.periods) else "period"
    return word if n == 1 else word + "s"


# --- the plan of a route ------------------------------------------------------------------------

#: The routes a plan is made for, and where: inside the bachelor (year 3, first semester) or
#: after it (a pre-master from year 1, finished within a year).
WINDOW_ROUTES = ("electives", "minor")
PLANNED_ROUTES = (*WINDOW_ROUTES, "premaster", "over_cap")


@dataclass(frozen=True)
class RoutePlan:
    """The plan of a route's courses, with the calendar month of week 0 when a month was given."""

    status: str
    plan: Plan
    window: tuple[str, ...] = ()  # the bachelor's periods the route must fit in
    anchor: dt.date | None = None
    start_month: str | None = None

    @property
    def finish_text(self) -> str:
        """``finished by June 2028`` with a start month, else ``end of year 1, Q4``."""
        if self.anchor is not None and self.plan.finish_week is not None:
            return f"finished by {self.plan.finished_by(self.anchor)}"
        return self.plan.finish or "—"

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "start_month": self.start_month,
            "window": list(self.window) or None,
            **self.plan.to_json(self.anchor),
            "finish_text": self.finish_text,
        }


def plan_route(
    catalogue: Catalogue,
    bachelor: Bachelor | None,
    status: str,
    codes: Sequence[str],
    *,
    taken: Iterable[str] | None = None,
    start: str | None = None,
    load: float = DEFAULT_LOAD,
    window: Sequence[str] | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> RoutePlan:
    """Plan a bachelor's route ``status`` with its ``codes``, for a student who passed ``taken``
    (default: the bachelor's mandatory courses).

    The ``electives`` and ``minor`` routes go in the bachelor's :func:`study_window` (or the
    ``window`` of period names or spans of that calendar, when given); a ``premaster`` or
    ``over_cap`` programme starts in September of year 1 after graduation (or February, when
    only that fits) and must finish within one year. ``start`` (``YYYY-MM``) is the month the
    plan starts — for the window routes, a month of the window's year — and gives calendar
    months. Raises ``ValueError`` for a start that is not a month, a period name the calendar
    does not know, a load that is not positive, or a route without a plan.
    """
    if status not in PLANNED_ROUTES:
        raise ValueError(f"the {status} route has no courses to plan")
    if not load > 0:
        raise ValueError(f"the load must be more than 0 EC, got {load:g}")
    inside = status in WINDOW_ROUTES
    if bachelor is None and (inside or taken is None):
        raise ValueError(f"the {status} route is planned for a bachelor's students")
    passed = bachelor.courses if taken is None and bachelor else (taken or ())
    if not inside and window:
        raise ValueError("a window applies to the electives and minor routes only")
    slots: Window | None = None
    names: tuple[str, ...] = ()
    year = 1
    if inside and bachelor is not None:
        slots = study_window(catalogue, bachelor)
        year = min(y for y, _, _ in slots.slots)
        if window:
            inst = min(i for _, i, _ in slots.slots)
            calendar = catalogue.calendar(inst)
            chosen: set[int] = set()
            for text in window:
                offering = parse_offering(calendar, text)
                chosen.update(range(offering.first, offering.last + 1))
            slots = Window(
                frozenset((year, inst, calendar.periods[i].name) for i in sorted(chosen))
            )
        names = tuple(name for _, _, name in sorted(slots.slots))
    begin, anchor = (Start(year, 0), None) if start is None else start_month(start, year)
    options = dict(
        start=begin,
        load=load,
        within_years=None if inside else 1,
        window=slots,
        time_limit=time_limit,
    )
    # a programme over the cap only informs: its greedy plan is enough (deterministic, fast)
    plan = plan_courses(catalogue, codes, passed, prove=status != "over_cap", **options)
    if not inside and not plan.fits and start is None:  # a pre-master may start in February
        february = plan_courses(
            catalogue, codes, passed, prove=status != "over_cap", **{**options, "start": FEBRUARY}
        )
        if february.fits:
            plan = february
    return RoutePlan(status, plan, names, anchor, start)
