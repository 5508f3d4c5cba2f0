"""The plan of a route: a bachelor's electives or minor in its study window; a pre-master, or a
programme over the cap, in the year after graduation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from articulation.curriculum.calendar import FEBRUARY, Start, parse_offering, start_month
from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.model import Bachelor
from articulation.messages.status import STATUS
from articulation.solving.planning.options import DEFAULT_LOAD
from articulation.solving.planning.results import Plan
from articulation.solving.planning.solver import plan_courses
from articulation.solving.planning.windows import Window, study_window

#: The routes a plan is made for, and where: inside the bachelor (year 3, first semester) or
#: after it (a pre-master from year 1, finished within a year).


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
    if not STATUS[status].planned:
        raise ValueError(f"the {status} route has no courses to plan")
    if not load > 0:
        raise ValueError(f"the load must be more than 0 EC, got {load:g}")
    inside = STATUS[status].window
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
    )
    # a programme over the cap only informs: its greedy plan is enough (deterministic, fast)
    plan = plan_courses(catalogue, codes, passed, prove=status != "over_cap", **options)
    if not inside and not plan.fits and start is None:  # a pre-master may start in February
        february = plan_courses(
            catalogue,
            codes,
            passed,
            prove=status != "over_cap",
            **{**options, "start": FEBRUARY},
        )
        if february.fits:
            plan = february
    return RoutePlan(status, plan, names, anchor, start)
