"""Minor design: which courses, within an EC budget, open the most masters to a bachelor?

Choose courses open to the bachelor — the bridging courses of the institutions whose pre-master
catalogues the masters name, and the courses that may fill its elective space (see
:func:`articulation.solving.pool.elective_candidates`) — not already in the bachelor, with total EC
at most the budget, prerequisites respected exactly as in bridging, to maximise the number of
masters whose gap closes; then minimise EC, then the number of courses, then the code-order
tie-break. A minor holds whole units: a module's components only together (as in the electives
route, :mod:`articulation.solving.pool`). Masters the bachelor already enters (no gap, or a
direct-admission policy) count as open. Exact and proven with the cover model
(:mod:`articulation.solving.cover`), deterministic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.credits import half_floor
from articulation.curriculum.model import Requirement
from articulation.solving.cover import CoverModel, order_courses
from articulation.solving.gap import attainment, deciding_courses, gap, holds
from articulation.solving.planning.options import offered_in
from articulation.solving.planning.results import Plan
from articulation.solving.planning.solver import plan_courses
from articulation.solving.planning.timing import add_window_timing
from articulation.solving.planning.windows import study_window
from articulation.solving.pool import (
    elective_candidates,
    eligible_courses,
    helps,
    pool_context,
    prune,
)
from articulation.support.jsonable import JsonRecord


@dataclass(frozen=True)
class MinorCourse(JsonRecord):
    code: str
    title: str
    ects: float
    masters: tuple[str, ...]  # masters that need this course (directly or as a prerequisite)
    covers: tuple[str, ...]  # requirement texts it contributes to
    needed_for: tuple[str, ...]  # chosen courses it is a prerequisite of


@dataclass(frozen=True)
class MinorDesign:
    """The designed minor and what it opens."""

    bachelor: str
    budget: float
    masters: tuple[str, ...]
    courses: tuple[MinorCourse, ...]
    opened: tuple[str, ...]  # open after the minor (including already_open)
    already_open: tuple[str, ...]
    still_closed: dict[str, tuple[str, ...]]  # master -> requirement texts still missing
    optimal: bool
    bound_opened: int | None = None
    track: str | None = None
    plan: Plan | None = None  # the timetable in the minor semester
    # what the design reads (programmes, courses chosen, the bachelor's courses that decide the
    # masters' gaps) whose data is not sourced
    illustrative: tuple[str, ...] = ()

    @property
    def total_ects(self) -> float:
        return float(sum(c.ects for c in self.courses))

    def to_json(self) -> dict[str, Any]:
        return {
            "bachelor": self.bachelor,
            "track": self.track,
            "budget": self.budget,
            "masters": list(self.masters),
            "opened": list(self.opened),
            "opened_count": len(self.opened),
            "already_open": list(self.already_open),
            "newly_opened": [m for m in self.opened if m not in self.already_open],
            "total_ects": self.total_ects,
            "courses": [c.to_json() for c in self.courses],
            "still_closed": [
                {"master": m, "missing": list(missing)} for m, missing in self.still_closed.items()
            ],
            "optimal": self.optimal,
            "bound_opened": self.bound_opened,
            "illustrative": list(self.illustrative),
            "plan": self.plan.to_json() if self.plan else None,
        }


def other_institution_masters(catalogue: Catalogue, bachelor_code: str) -> list[str]:
    """The default target set: every master of another institution than the bachelor's."""
    bachelor = catalogue.bachelor(bachelor_code)
    return [m.code for m in catalogue.masters if m.institution != bachelor.institution]


def design_minor(
    catalogue: Catalogue,
    bachelor_code: str,
    master_codes: Sequence[str] | None = None,
    *,
    budget: float = 30.0,
    track: str | None = None,
    in_window: bool = True,
) -> MinorDesign:
    """The minor of at most ``budget`` EC that opens the most of ``master_codes`` to a student
    of the bachelor (and ``track``; without one, what every track has in common).

    With ``in_window`` (the default) the minor fits the bachelor's minor semester
    (:func:`~articulation.solving.planning.windows.study_window`): the model places every chosen
    course in a period of the semester it is offered in, after its prerequisites, within the load
    at every moment (:func:`~articulation.solving.planning.timing.add_window_timing`), and the
    design comes with its timetable.

    >>> from articulation.curriculum.loader import load_curricula
    >>> cat = load_curricula("tests/fixtures/mini")
    >>> design_minor(cat, "VU-B-CREATE", budget=30).opened
    ('UT-M-CS', 'UT-M-ITECH', 'UT-M-PSTS')
    """
    bachelor = catalogue.bachelor(bachelor_code)
    asked = master_codes or other_institution_masters(catalogue, bachelor.code)
    codes = sorted({catalogue.master(code).code for code in asked})  # as the catalogue spells it
    masters = [catalogue.master(code) for code in codes]
    track = catalogue.track(bachelor, track)
    taken = frozenset(bachelor.courses_of(track))
    att = attainment(catalogue, taken)
    gaps = {m.code: gap(m, att) for m in masters}
    already = tuple(
        m.code for m in masters if gaps[m.code].closed or bachelor.code in m.direct_admission
    )
    targets = [m for m in masters if m.code not in already]
    unmet: dict[str, Requirement] = {}
    for m in targets:
        for item in gaps[m.code].unmet:
            unmet.setdefault(str(item), item)
    institutions = sorted({inst for m in targets for inst in m.premaster.catalogue})
    electives = elective_candidates(catalogue, bachelor, track).codes
    pool = sorted(set(eligible_courses(catalogue, institutions, taken)) | set(electives))
    window = study_window(catalogue, bachelor) if in_window else None
    if window is not None:  # only courses that can be taken in the minor semester
        pool = [c for c in pool if offered_in(catalogue, c, window)]
    problem = prune(pool_context(catalogue, pool, taken, whole_units=True), list(unmet.values()))
    cover = CoverModel(problem, rank=problem.catalogue.course_rank)
    model = cover.model
    opens = {}
    for m in targets:
        y = model.new_bool_var(f"open {m.code}")
        opens[m.code] = y
        for item in gaps[m.code].unmet:
            lit = cover.requirement(item)
            if lit is None:
                model.add(y == 0)
            elif lit is not True:
                model.add_implication(y, lit)
    cover.add_prerequisites()
    cover.add_units()  # a minor holds whole units
    model.add(cover.total_half_ects() <= half_floor(budget))
    if window is not None:  # the chosen courses must fit the minor semester's timetable
        add_window_timing(model, catalogue, cover.x, taken, window)
    size, _, open_weight = cover.size_objective()  # one more master outweighs any size
    model.minimize(size - open_weight * sum(opens.values()))
    solution, _solver = cover.solve()
    chosen = solution.chosen if solution.status in ("optimal", "feasible") else ()
    timetable = None
    if window is not None:  # the model placed the courses already: this is their best timetable
        timetable = plan_courses(catalogue, chosen, taken, window=window)
    after = attainment(catalogue, taken | set(chosen))
    opened_now = tuple(m.code for m in targets if gaps[m.code].closed or _closes(m.requires, after))
    opened = tuple(sorted(set(already) | set(opened_now)))
    still = {
        m.code: tuple(str(item) for item in m.requires if not holds(item, after))
        for m in targets
        if m.code not in opened
    }
    bound = None
    if solution.bound is not None:
        # the objective is size - open_weight * opened; size < open_weight
        bound = len(already) + (-solution.bound + open_weight - 1) // open_weight
    return MinorDesign(
        bachelor=bachelor.code,
        budget=budget,
        masters=tuple(codes),
        courses=_explain(problem, chosen, targets, gaps, opened_now),
        opened=opened,
        already_open=already,
        still_closed=still,
        optimal=solution.status == "optimal" and (timetable is None or timetable.fits),
        bound_opened=bound,
        track=track,
        plan=timetable,
        illustrative=catalogue.illustrative(
            [
                bachelor.code,
                *codes,
                *chosen,
                *(c for m in masters for c in deciding_courses(catalogue, m, taken)),
            ]
        ),
    )


def _closes(requires: Sequence[Requirement], after) -> bool:
    return all(holds(item, after) for item in requires)


def _explain(problem, chosen, targets, gaps, opened_now) -> tuple[MinorCourse, ...]:
    """Per course: the opened masters that need it, directly or through prerequisites."""
    catalogue = problem.catalogue
    pool = set(chosen)
    masters_of: dict[str, set[str]] = {c: set() for c in chosen}
    covers: dict[str, list[str]] = {c: [] for c in chosen}
    for m in targets:
        if m.code not in opened_now:
            continue
        for item in gaps[m.code].unmet:
            for c in helps(catalogue, item, pool):
                masters_of[c].add(m.code)
                if str(item) not in covers[c]:
                    covers[c].append(str(item))
    needed_for: dict[str, set[str]] = {c: set() for c in chosen}
    order = order_courses(problem, chosen)
    for c in reversed(order):  # a prerequisite serves the masters of what it enables
        for group in problem.groups[c]:
            for s in group:
                if s in pool:
                    needed_for[s].add(c)
                    masters_of[s] |= masters_of[c]
    return tuple(
        MinorCourse(
            code=c,
            title=catalogue.courses[c].title,
            ects=catalogue.courses[c].ects,
            masters=tuple(sorted(masters_of[c])),
            covers=tuple(covers[c]),
            needed_for=tuple(sorted(needed_for[c])),
        )
        for c in order
    )
