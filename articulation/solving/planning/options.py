"""The instance of a planning problem and the placement options of its courses: the offerings
of a course in the years planned that start no earlier than the start, lie in the window and fit
the load on their own; whether a course can go in a window at all."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from articulation.curriculum.calendar import SEPTEMBER, Calendar, Offering, Start, offerings
from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.credits import half
from articulation.curriculum.model import YEAR_WEEKS, OutcomeAt
from articulation.solving.gap import attainment
from articulation.solving.planning.windows import Slot, Window
from articulation.support import memo

#: Full-time study: EC per 10 teaching weeks (15 EC per UT quartile).
DEFAULT_LOAD = 15.0
LOAD_WEEKS = 10


@dataclass(frozen=True)
class Option:
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
class Instance:
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


def build_instance(
    catalogue: Catalogue,
    codes: tuple[str, ...],
    taken: frozenset[str],
    start: Start,
    load: float,
    window: Window | None,
) -> Instance:
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
    return Instance(
        catalogue, codes, groups, written, offers, calendars, institution, cap, start, window
    )


def _met_by_taken(member: str | OutcomeAt, taken: frozenset[str], attained: Any) -> bool:
    if isinstance(member, OutcomeAt):
        return attained.level(member.outcome) >= member.level
    return member in taken


def options_of(instance: Instance, code: str, years: Sequence[int]) -> list[Option]:
    """The placements of a course in ``years`` that start no earlier than the start, lie in the
    window, and fit the load on their own (remembered: they read only the course, the calendars,
    the start, the load and the window)."""
    key = (code, instance.start, instance.cap, instance.window, tuple(years))
    return instance.catalogue.remembered(
        memo.OPTIONS, key, lambda: _course_options(instance, code, years)
    )


def _course_options(instance: Instance, code: str, years: Sequence[int]) -> list[Option]:
    inst = instance.institution[code]
    calendar = instance.calendars[inst]
    ects = half(instance.catalogue.courses[code].ects)
    window = instance.window
    span = None
    if window is not None and not any(i == inst for _, i, _ in window.slots):
        span = window_weeks(instance, window)
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
            found.append(Option(code, inst, year, offering, start, end, rate, slots))
    return found


def window_weeks(instance: Instance, window: Window) -> tuple[int, int]:
    starts, ends = [], []
    for year, inst, name in window.slots:
        period = instance.catalogue.calendar(inst).period(name)
        if period is not None:
            base = (year - 1) * YEAR_WEEKS
            starts.append(base + period.start_week)
            ends.append(base + period.end_week)
    return (min(starts), max(ends)) if starts else (0, 0)


def first_start(instance: Instance) -> int:
    """The absolute week the plan's first possible period starts: the first period of its
    institutions' calendars from the start (in the window, when there is one)."""
    if instance.window is not None:
        return window_weeks(instance, instance.window)[0]
    return first_week(instance.calendars.values(), instance.start)


def first_week(calendars: Iterable[Calendar], start: Start) -> int:
    """The absolute week of the first period of ``calendars`` that starts at or after ``start``."""
    begin, year = start.absolute_week, start.year
    return min(
        (y - 1) * YEAR_WEEKS + p.start_week
        for calendar in calendars
        for y in (year, year + 1)
        for p in calendar.periods
        if (y - 1) * YEAR_WEEKS + p.start_week >= begin
    )


def offered_in(catalogue: Catalogue, code: str, window: Window, load: float = DEFAULT_LOAD) -> bool:
    """Whether a course can be placed in ``window`` at all: offered in one of its periods (or
    its institution's periods within the window's weeks), and within the load on its own."""

    def build() -> bool:
        years = sorted({year for year, _, _ in window.slots})
        first = Start(years[0], 0) if years else SEPTEMBER
        instance = build_instance(catalogue, (code,), frozenset(), first, load, window)
        return bool(options_of(instance, code, years))

    return catalogue.remembered(memo.OFFERED, (code, window, load), build)
