"""The route decision: how passed courses reach a master, in one order of preference.

The first route that closes the gap wins:

- ``direct``: no gap, or the master admits the bachelor by policy (``direct_admission``);
- ``electives``: bachelor-level courses (bridging courses, and courses of any bachelor or minor)
  from the catalogues open to the bachelor (``elective_catalogue``) that fit in its elective
  space close the gap — the student can prepare inside the bachelor; whole units only: a
  component of a module (``part_of``) comes with all its siblings the student has not passed;
- ``minor``: an existing minor open to the bachelor's institution, within its elective space and
  with its entry requirements met, closes the gap (the one with the fewest EC, then by code);
- ``premaster``: the optimal bridging programme within the master's cap;
- ``over_cap``: a programme exists, but the smallest exceeds the master's cap (not the largest
  pre-master the university allows, ``premaster.ceiling``): it is shown, proven minimal;
- ``infeasible``: none of these; the reason names exactly what no eligible course can meet, or
  the proven bound when every programme exceeds the ceiling.

A bachelor's scan cell (:mod:`articulation.answers.scan`) takes every route: its students are still
studying. A graduate's transcript (:mod:`articulation.answers.eligibility`) has only the direct and
pre-master routes. Every route says why each earlier one did not apply (``why_not``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.model import Bachelor, Master, Minor
from articulation.messages.message import Message
from articulation.messages.status import PLANNED, WITH_ALTERNATIVES
from articulation.solving.bridging import Bridging, ChosenCourse, alternatives, bridge_gap
from articulation.solving.cover import Constrain
from articulation.solving.gap import Attainment, Gap, attainment, holds
from articulation.solving.planning.options import offered_in
from articulation.solving.planning.route_plan import RoutePlan, plan_route
from articulation.solving.planning.timing import (
    Finish,
    add_window_timing,
    add_year_timing,
    finish_bound,
)
from articulation.solving.planning.windows import Window, study_window
from articulation.solving.pool import (
    Candidates,
    elective_candidates,
    helps,
    pool_context,
    premaster_candidates,
)
from articulation.support import memo

#: Constraints that the chosen courses (a Boolean per candidate) can be planned in time, on a
#: cover model, only in placements that end before ``before`` when given; returns the finish.
Timing = Callable[..., Finish]


@dataclass(frozen=True)
class Route:
    """How the gap closes: the status, its reason, the courses and the proof."""

    status: str
    reason: Message
    why_not: tuple[Message, ...] = ()
    courses: tuple[ChosenCourse, ...] = ()
    total_ects: float = 0.0
    optimal: bool = True
    unmet: tuple[str, ...] = ()
    cap: float = 0.0
    bound_ects: float | None = None
    minor: str | None = None
    over_cap_by: float | None = None  # over_cap: by how many EC the programme exceeds the cap
    plan: RoutePlan | None = None  # when each course is taken

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.courses)


def direct(master: Master, the_gap: Gap, bachelor: str | None) -> Route | None:
    """The direct route, when it applies: no gap, or the bachelor is admitted by policy."""
    if the_gap.closed:
        return Route("direct", Message("route.no_gap"))
    if bachelor is not None and bachelor in master.direct_admission:
        return Route("direct", Message("route.by_policy"))
    return None


def decide(
    catalogue: Catalogue,
    master: Master,
    taken: frozenset[str],
    the_gap: Gap,
    *,
    bachelor: Bachelor | None = None,
    track: str | None = None,
    studying: bool = True,
    premaster: Bridging | None = None,
) -> Route:
    """The first route from the passed courses ``taken`` into ``master`` that closes the gap,
    with its plan (when each course is taken).

    With a ``bachelor`` (and ``track``) whose students are ``studying``, the electives and minor
    routes are tried before the pre-master; otherwise only direct and pre-master apply (a
    graduate). ``taken`` is what the student has passed. ``premaster`` is the bridging
    programme when the caller has it already.

    Electives must fit the bachelor's minor semester (its study window) and a pre-master must
    be finished within a year: when the smallest programme cannot be planned so, one model
    finds the smallest that can (:func:`_in_time`); among the programmes of that EC that can,
    the one that finishes first wins, then courses and the tie-break. A pre-master when none
    within the cap can is ``over_cap``, proven.
    """
    found = direct(master, the_gap, bachelor.code if bachelor else None)
    if found is not None:
        return found
    why_not = [Message.of("why_not.direct", count=len(the_gap.unmet))]
    if studying and bachelor is not None:
        if bachelor.electives > 0:
            candidates = window_candidates(catalogue, bachelor, track)
            route = bridge_gap(
                catalogue,
                master,
                taken,
                the_gap,
                cap=bachelor.electives,
                candidates=candidates,
                shared=True,
            )
            if route.status == "premaster":
                route, plan, note = _in_time(
                    catalogue,
                    master,
                    taken,
                    the_gap,
                    route,
                    scheduling(catalogue, bachelor, "electives", taken),
                    cap=bachelor.electives,
                    candidates=candidates,
                )
                if plan.plan.fits:
                    return from_bridging("electives", route, why_not, plan, note)
                why_not.append(Message.of("why_not.electives_late", note=note))
            elif route.status == "unknown":  # the elective route is not settled: neither is any
                return from_bridging("unknown", route, why_not)
            else:
                why_not.append(Message.of("why_not.electives", reason=route.reason))
        else:
            why_not.append(Message("why_not.no_electives"))
        closing, notes = minor_options(catalogue, bachelor, the_gap, track)
        late: list[Message] = []
        for minor in closing:  # the smallest whose courses can be planned in the minor semester
            courses = _minor_courses(catalogue, taken, minor, the_gap)
            codes = [c.code for c in courses]
            plan = plan_route(catalogue, bachelor, "minor", codes, taken=taken)
            if not plan.plan.fits:
                late.append(Message.of("minor.late", code=minor.code, why=plan.plan.reason))
                continue
            return Route(
                "minor",
                Message.of("route.minor_closes", code=minor.code, name=minor.name, ects=minor.ects),
                why_not=tuple(why_not),
                courses=courses,
                total_ects=minor.ects,
                cap=bachelor.electives,
                minor=minor.code,
                plan=plan,
            )
        why_not.append(Message.of("why_not.minor", notes=[*late, *notes]))
    if premaster is None:
        premaster = premaster_route(catalogue, master, taken, the_gap, shared=studying)
    if premaster.status not in PLANNED:
        return from_bridging(premaster.status, premaster, why_not)

    timed = scheduling(catalogue, bachelor, premaster.status, taken)
    if premaster.status == "over_cap":
        return from_bridging("over_cap", premaster, why_not, timed.place(premaster.codes))
    chosen, plan, note = _in_time(
        catalogue,
        master,
        taken,
        the_gap,
        premaster,
        timed,
        cap=None,
        candidates=None,
    )
    if plan.plan.fits:
        return from_bridging("premaster", chosen, why_not, plan, note)
    # late only when it is proven that none within the cap fits; else not settled: unknown
    status = "unknown" if note is not None and note.id == "in_time.late_unproven" else "late"
    late = from_bridging(status, chosen, why_not, plan)
    return replace(late, reason=Message.of("route.late", note=note), over_cap_by=None)


@dataclass(frozen=True)
class Scheduling:
    """How a route's programme is placed in time: ``place`` plans given courses; ``timing`` adds
    to a cover model the constraints that the chosen courses can be planned in time (a
    pre-master within a year; electives in the bachelor's ``window``)."""

    place: Callable[[Sequence[str]], RoutePlan]
    timing: Timing
    window: Window | None

    def in_time(self, before: int | None = None) -> Constrain:
        """The constraint that a cover model's programme can be planned in time (and, with
        ``before``, finish before that week). Its memo key: the window (none: within a year)
        and ``before``."""

        def add(model: Any, x: dict[str, Any]) -> Finish:
            return self.timing(model, x, before=before)

        return Constrain(("timing", self.window, before), add)


def scheduling(
    catalogue: Catalogue,
    bachelor: Bachelor | None,
    status: str,
    taken: frozenset[str],
) -> Scheduling:
    """How a route of ``status`` (electives, or a pre-master after graduating) is placed."""

    def place(codes: Sequence[str]) -> RoutePlan:
        return plan_route(catalogue, bachelor, status, codes, taken=taken)

    if status == "electives" and bachelor is not None:
        window = study_window(catalogue, bachelor)

        def in_window(model: Any, x: dict[str, Any], before: int | None = None) -> Finish:
            return add_window_timing(model, catalogue, x, taken, window, before=before)

        return Scheduling(place, in_window, window)

    def in_a_year(model: Any, x: dict[str, Any], before: int | None = None) -> Finish:
        return add_year_timing(model, catalogue, x, taken, before=before)

    return Scheduling(place, in_a_year, None)


def _in_time(
    catalogue: Catalogue,
    master: Master,
    taken: frozenset[str],
    the_gap: Gap,
    first: Bridging,
    timed: Scheduling,
    *,
    cap: float | None,
    candidates: Candidates | None,
) -> tuple[Bridging, RoutePlan, Message | None]:
    """The programme whose plan fits, smallest by EC, then by its finish, then courses and the
    tie-break; its plan; and a note when it is not the smallest one (``first``). ``first`` with
    its plan and why, when none fits.

    When the plan of ``first`` does not fit, one model chooses the programme and its placements
    together (``timing``): the smallest programme (EC, then courses, then the tie-break) that
    can be planned in time, proven; or the proof that none within the cap can. Among those of
    its EC, the one that finishes first wins (:func:`_first_to_finish`).
    """

    def solve(limit: float | None, before: int | None = None) -> Bridging:
        """The smallest programme within ``limit`` EC that can be planned in time; with
        ``before``, by EC, then the finish, among those that finish before that week."""
        return bridge_gap(
            catalogue,
            master,
            taken,
            the_gap,
            cap=limit,
            candidates=candidates,
            shared=True,
            constrain=timed.in_time(before),
            earliest=before is not None,
        )

    def bound(ects: float, enough: int) -> int:
        pool = candidates or premaster_candidates(catalogue, master, taken)
        context = pool_context(
            catalogue, pool.codes, taken, key=pool.key, whole_units=pool.whole_units
        )
        return finish_bound(
            catalogue, context, the_gap.unmet, ects, window=timed.window, enough=enough
        )

    place = timed.place
    plan = place(first.codes)
    if plan.plan.fits:
        return _first_to_finish(first, plan, place, solve, bound)
    found = solve(cap)
    if found.status == "premaster":
        other = place(found.codes)
        if other.plan.fits:
            chosen, chosen_plan, earlier = _first_to_finish(found, other, place, solve, bound)
            note = Message.of(
                "in_time.smaller_late",
                first=first.total_ects,
                why=plan.plan.reason,
                chosen=chosen.total_ects,
            )
            if earlier is not None:
                note = Message.of("in_time.both", first=note, second=earlier)
            return chosen, chosen_plan, note
    proven = "in_time.late_proven" if found.status == "infeasible" else "in_time.late_unproven"
    return first, plan, Message.of(proven, why=plan.plan.reason)


def _first_to_finish(
    smallest: Bridging,
    plan: RoutePlan,
    place: Callable[[Sequence[str]], RoutePlan],
    solve: Callable[[float, int], Bridging],
    bound: Callable[[float, int], int],
) -> tuple[Bridging, RoutePlan, Message | None]:
    """Of the programmes of the EC of ``smallest`` (the smallest whose plan fits, ``plan``) that
    can be planned in time, the one that finishes first, then by courses and the tie-break; a
    note when it is not ``smallest``.

    ``smallest`` is kept without a model when its plan finishes by the ``bound`` no programme of
    its EC can beat (:func:`articulation.solving.planning.timing.finish_bound`: many do);
    otherwise one model of that EC with the placements (``solve``) finds the earliest finish
    before it, or proves that there is none.
    """
    finish = plan.plan.finish_week
    if finish is None or finish <= bound(smallest.total_ects, finish):
        return smallest, plan, None
    found = solve(smallest.total_ects, finish)
    if found.status == "unknown":
        return smallest, plan, Message("in_time.unsettled")
    if found.status != "premaster" or found.codes == smallest.codes:
        return smallest, plan, None
    other = place(found.codes)
    earlier = other.plan.finish_week
    if not other.plan.fits or earlier is None or earlier >= finish:
        return smallest, plan, None
    note = Message.of(
        "in_time.earlier",
        finish=other.plan.finish_message,
        codes=" + ".join(smallest.codes),
        other=plan.plan.finish_message,
    )
    return replace(found, cap=smallest.cap), other, note


def window_candidates(catalogue: Catalogue, bachelor: Bachelor, track: str | None) -> Candidates:
    """The elective courses that can be taken in the bachelor's study window."""

    def build() -> Candidates:
        window = study_window(catalogue, bachelor)
        pool = elective_candidates(catalogue, bachelor, track)
        codes = tuple(c for c in pool.codes if offered_in(catalogue, c, window))
        name = Message.of("pool.in_window", pool=pool.name, window=window.label())
        return Candidates(codes, name, (*pool.key, "window"), whole_units=pool.whole_units)

    return catalogue.remembered(memo.ELECTIVE_POOLS, (bachelor.code, track, "window"), build)


def premaster_route(
    catalogue: Catalogue,
    master: Master,
    taken: frozenset[str],
    the_gap: Gap,
    *,
    shared: bool = False,
) -> Bridging:
    """The pre-master route: the smallest programme within the master's cap, else (over the
    cap) the smallest within the largest pre-master the university allows."""
    return bridge_gap(
        catalogue,
        master,
        taken,
        the_gap,
        ceiling=master.premaster.ceiling,
        shared=shared,
    )


def from_bridging(
    status: str,
    route: Bridging,
    why_not: Sequence[Message],
    plan: RoutePlan | None = None,
    note: Message | None = None,
) -> Route:
    """A bridging programme as the route ``status`` (electives or pre-master), with its plan;
    the fields the two share are copied."""
    shared = {f.name for f in fields(Route)} & {f.name for f in fields(Bridging)}
    return Route(
        **{name: getattr(route, name) for name in shared - {"status", "reason"}},
        status=status,
        reason=route.reason
        if note is None
        else Message.of("route.with_note", reason=route.reason, note=note),
        why_not=tuple(why_not),
        plan=plan,
        over_cap_by=route.over_cap_by,
    )


def _after_minor(
    catalogue: Catalogue, bachelor: Bachelor, track: str | None, minor: Minor
) -> Attainment:
    return catalogue.remembered(
        memo.AFTER_MINOR,
        (bachelor.code, track, minor.code),
        lambda: attainment(catalogue, set(bachelor.courses_of(track)) | set(minor.courses)),
    )


def minor_options(
    catalogue: Catalogue, bachelor: Bachelor, the_gap: Gap, track: str | None = None
) -> tuple[list[Minor], list[Message]]:
    """The existing minors that close the gap, smallest first (then by code), and why the
    others do not (the three nearest)."""
    notes: list[Message] = []
    closing: list[Minor] = []
    partial: list[tuple[int, float, str, Message]] = []
    for minor in catalogue.minors:
        if minor.open_to and bachelor.institution not in minor.open_to:
            continue
        if minor.ects > bachelor.electives:
            note = Message.of("minor.does_not_fit", code=minor.code, ects=minor.ects)
            partial.append((10**6, minor.ects, minor.code, note))
            continue
        if not all(holds(item, the_gap.attained) for item in minor.entry):
            note = Message.of("minor.entry_unmet", code=minor.code)
            partial.append((10**6, minor.ects, minor.code, note))
            continue
        after = _after_minor(catalogue, bachelor, track, minor)
        left = [item for item in the_gap.unmet if not holds(item, after)]  # the rest stay met
        if not left:
            closing.append(minor)
        else:
            note = Message.of("minor.leaves_unmet", code=minor.code, count=len(left))
            partial.append((len(left), minor.ects, minor.code, note))
    if closing:
        return sorted(closing, key=lambda m: (m.ects, m.code)), []
    if not partial:
        notes.append(Message.of("minor.none_open", institution=bachelor.institution))
    else:
        notes.extend(note for *_, note in sorted(partial, key=lambda p: p[:3])[:3])
    return [], notes


def _minor_courses(
    catalogue: Catalogue, taken: frozenset[str], minor: Minor, the_gap: Gap
) -> tuple[ChosenCourse, ...]:
    pool = set(minor.courses) - taken
    covers: dict[str, list[str]] = {c: [] for c in pool}
    for item in the_gap.unmet:
        for c in helps(catalogue, item, pool):
            covers[c].append(str(item))
    return tuple(ChosenCourse.of(catalogue, c, covers[c], ()) for c in minor.courses if c in pool)


def route_alternatives(
    catalogue: Catalogue,
    bachelor: Bachelor,
    master: Master,
    status: str,
    k: int,
    *,
    chosen: Sequence[str] = (),
    track: str | None = None,
) -> tuple[Bridging, ...]:
    """Up to ``k`` next-best distinct programmes of a bachelor's route ``status`` into a master
    that can be planned in time (electives in the study window, a pre-master within a year),
    smallest first, other than the route's own (``chosen``: the smallest one, unless it could
    not be planned in time or an equally large one finishes earlier).

    Only the electives route (elective pool, capped by the elective space) and the pre-master
    route (bridging courses, capped by the master's pre-master cap) have alternatives. The
    smallest programmes are found without the timing first; only when one of them cannot be
    planned in time are they found again with it (one model per programme, as the route's).
    """
    if status not in WITH_ALTERNATIVES or k <= 0:
        return ()
    candidates, cap = None, None
    if status == "electives":
        candidates, cap = window_candidates(catalogue, bachelor, track), bachelor.electives
    taken = frozenset(bachelor.courses_of(track))
    timed = scheduling(catalogue, bachelor, status, taken)

    def next_best(constrain: Constrain | None) -> list[Bridging]:
        found = alternatives(
            catalogue,
            master,
            taken,
            k + 1,
            cap=cap,
            candidates=candidates,
            shared=True,
            constrain=constrain,
        )
        own = set(chosen) if chosen else set(found[0].codes) if found else set()
        return [o for o in found if o.status == "premaster" and set(o.codes) != own][:k]

    others = next_best(None)
    if all(timed.place(o.codes).plan.fits for o in others):
        return tuple(others)
    return tuple(next_best(timed.in_time()))
