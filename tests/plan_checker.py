"""An independent checker and a brute-force planner, written from the planning semantics only.

Neither uses :mod:`articulation.solving.planning`: they read the courses, their ``periods``
strings and the calendars of the catalogue, and check (or search) plans directly.

- A course starts in a period it is offered in; ``A-B`` runs from A through B; no periods means
  any single period.
- Each prerequisite group holds by a passed course (a code, or a course teaching the outcome at
  the level or higher), or by another course of the plan that ends no later than this one starts.
- At every moment, the running courses' EC per teaching week add up to at most ``load / 10``.
- The plan starts no earlier than the start week, and stays in the window when there is one.
- The best plan finishes first (the end week of its last course), then uses the fewest periods.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from articulation.curriculum.catalogue import Catalogue

YEAR = 52


@dataclass(frozen=True)
class Spot:
    """A course in an offering of one year."""

    code: str
    institution: str
    year: int
    names: tuple[str, ...]  # the periods it runs in
    start: int
    end: int
    weeks: int  # teaching weeks

    @property
    def slots(self) -> set[tuple[int, str, str]]:
        return {(self.year, self.institution, n) for n in self.names}


def course_spans(catalogue: Catalogue, code: str) -> list[tuple[str, ...]]:
    """The period names each offering of a course runs in."""
    inst = catalogue.institution_of[code]
    names = [p.name for p in catalogue.calendar(inst).periods]
    texts = catalogue.courses[code].periods
    if not texts:
        return [(n,) for n in names]
    spans = set()
    for text in texts:
        first, _, last = text.partition("-")
        last = last or first
        spans.add(tuple(names[names.index(first) : names.index(last) + 1]))
    return sorted(spans, key=lambda s: names.index(s[0]))


def spot(catalogue: Catalogue, code: str, year: int, names: Sequence[str]) -> Spot:
    inst = catalogue.institution_of[code]
    periods = {p.name: p for p in catalogue.calendar(inst).periods}
    base = (year - 1) * YEAR
    return Spot(
        code,
        inst,
        year,
        tuple(names),
        base + periods[names[0]].start_week,
        base + periods[names[-1]].end_week,
        sum(periods[n].weeks for n in names),
    )


def in_window(catalogue: Catalogue, here: Spot, window: set[tuple[int, str, str]]) -> bool:
    """Inside the window: its own periods when the window names its institution, else within
    the weeks from the window's first period to its last."""
    if any(inst == here.institution for _, inst, _ in window):
        return here.slots <= window
    weeks = []
    for year, inst, name in window:
        period = next(p for p in catalogue.calendar(inst).periods if p.name == name)
        weeks += [(year - 1) * YEAR + period.start_week, (year - 1) * YEAR + period.end_week]
    return min(weeks) <= here.start and here.end <= max(weeks)


def _taught(catalogue: Catalogue, codes: Iterable[str]) -> dict[str, int]:
    levels: dict[str, int] = {}
    for code in codes:
        for outcome, level in catalogue.courses[code].teaches.items():
            levels[outcome] = max(levels.get(outcome, 0), level)
    return levels


def order_ok(catalogue: Catalogue, spots: dict[str, Spot], taken: Sequence[str]) -> list[str]:
    problems = []
    passed = _taught(catalogue, [t for t in taken if t in catalogue.courses])
    for code, here in spots.items():
        for group in catalogue.courses[code].prerequisites:
            ok = False
            for member in group:
                if isinstance(member, str):
                    ok |= member in taken
                    other = spots.get(member)
                    ok |= member != code and other is not None and other.end <= here.start
                else:
                    ok |= passed.get(member.outcome, 0) >= member.level
                    ok |= any(
                        d != code
                        and s.end <= here.start
                        and catalogue.courses[d].teaches.get(member.outcome, 0) >= member.level
                        for d, s in spots.items()
                    )
            if not ok:
                problems.append(f"{code}: prerequisite group {group} not met before it starts")
    return problems


def load_ok(catalogue: Catalogue, spots: Iterable[Spot], load: float) -> list[str]:
    spots = list(spots)
    cap = Fraction(load).limit_denominator(1000) / 10
    points = sorted({s.start for s in spots} | {s.end for s in spots})
    problems = []
    for a, b in itertools.pairwise(points):
        rate = sum(
            (
                Fraction(catalogue.courses[s.code].ects).limit_denominator(2) / s.weeks
                for s in spots
                if s.start <= a and b <= s.end
            ),
            Fraction(0),
        )
        if rate > cap:
            problems.append(f"weeks {a}-{b}: {float(rate) * 10:g} EC per 10 weeks > {load:g}")
    return problems


def check_plan(
    catalogue: Catalogue,
    plan,
    codes: Sequence[str],
    taken: Sequence[str],
    *,
    start_week: int,
    load: float,
    window: set[tuple[int, str, str]] | None = None,
    limit_weeks: int | None = None,
) -> list[str]:
    """Every way the plan breaks the semantics (empty: it is valid)."""
    problems: list[str] = []
    if not plan.placed:
        return ["not placed"]
    spots: dict[str, Spot] = {}
    for p in plan.placements:
        if p.code in spots:
            problems.append(f"{p.code} placed twice")
        names = tuple(p.runs.split("-"))
        if len(names) == 2:
            cal = [x.name for x in catalogue.calendar(p.institution).periods]
            names = tuple(cal[cal.index(names[0]) : cal.index(names[1]) + 1])
        if names not in course_spans(catalogue, p.code):
            problems.append(f"{p.code} runs in {p.runs}, not an offering of it")
            continue
        s = spot(catalogue, p.code, p.year, names)
        if (s.start, s.end) != (p.start_week, p.end_week):
            problems.append(f"{p.code}: weeks {p.start_week}-{p.end_week} != {s.start}-{s.end}")
        if p.institution != catalogue.institution_of[p.code]:
            problems.append(f"{p.code} placed at {p.institution}")
        if s.start < start_week:
            problems.append(f"{p.code} starts in week {s.start}, before the start {start_week}")
        if window is not None and not in_window(catalogue, s, window):
            problems.append(f"{p.code} runs outside the window: {sorted(s.slots)}")
        spots[p.code] = s
    if set(spots) != set(codes):
        problems.append(f"placed {sorted(spots)}, asked {sorted(codes)}")
        return problems
    problems += order_ok(catalogue, spots, taken)
    problems += load_ok(catalogue, spots.values(), load)
    finish = max(s.end for s in spots.values())
    used = set().union(*(s.slots for s in spots.values()))
    if plan.finish_week != finish:
        problems.append(f"finish {plan.finish_week} != {finish}")
    if plan.periods_used != len(used):
        problems.append(f"periods used {plan.periods_used} != {len(used)}")
    rows = {(r.year, r.institution, r.period): {c.code for c in r.courses} for r in plan.periods}
    expected = {slot: {s.code for s in spots.values() if slot in s.slots} for slot in used}
    if rows != expected:
        problems.append(f"period rows {rows} != {expected}")
    for r in plan.periods:
        if sum(c.share for c in r.courses) > r.capacity + 0.05:
            problems.append(f"{r.label}: {r.ects} EC > capacity {r.capacity}")
    if limit_weeks is not None and plan.fits:
        # from the first period of the courses' calendars at or after the start
        first = min(
            (y - 1) * YEAR + p.start_week
            for inst in {catalogue.institution_of[c] for c in codes}
            for y in range(1, 6)
            for p in catalogue.calendar(inst).periods
            if (y - 1) * YEAR + p.start_week >= start_week
        )
        if finish - first > limit_weeks:
            problems.append(f"says it fits, but runs {finish - first} weeks > {limit_weeks}")
    return problems


def brute_force(
    catalogue: Catalogue,
    codes: Sequence[str],
    taken: Sequence[str],
    *,
    start_week: int,
    load: float,
    years: Sequence[int],
    window: set[tuple[int, str, str]] | None = None,
) -> tuple[int, int] | None:
    """The best (finish, periods used) over every placement of every course in ``years``, or
    None when no plan exists there. Exhaustive, pruned only by finish and load."""
    choices: list[list[Spot]] = []
    for code in codes:
        here = [
            spot(catalogue, code, y, names)
            for y in years
            for names in course_spans(catalogue, code)
        ]
        here = [
            s
            for s in here
            if s.start >= start_week
            and (window is None or in_window(catalogue, s, window))
            and not load_ok(catalogue, [s], load)
        ]
        if not here:
            return None
        choices.append(sorted(here, key=lambda s: (s.end, s.start)))
    best: list[tuple[int, int] | None] = [None]

    def walk(k: int, chosen: list[Spot], finish: int) -> None:
        if best[0] is not None and finish > best[0][0]:
            return
        if k == len(codes):
            spots = {s.code: s for s in chosen}
            if order_ok(catalogue, spots, taken):
                return
            value = (finish, len(set().union(*(s.slots for s in chosen))))
            if best[0] is None or value < best[0]:
                best[0] = value
            return
        for s in choices[k]:
            if load_ok(catalogue, [*chosen, s], load):
                continue
            walk(k + 1, [*chosen, s], max(finish, s.end))

    walk(0, [], 0)
    return best[0]
