"""The route decision: how passed courses reach a master, in one order of preference.

The first route that closes the gap wins:

- ``direct``: no gap (admission by the ``requirements``), or the master admits the bachelor by
  ``policy`` (``direct_admission``); either after the admission committee's individual
  ``assessment`` when the master lists the bachelor for one (``admission``: a flag on direct,
  not a status);
- ``electives``: bachelor-level courses (bridging courses, and courses of any bachelor or minor)
  from the catalogues open to the bachelor (``elective_catalogue``) that fit in its elective
  space close the gap — the student can prepare inside the bachelor; whole units only: a
  component of a module (``part_of``) comes with all its siblings the student has not passed;
- ``minor``: an existing minor open to the bachelor's institution, within its elective space and
  with its entry requirements met, closes the gap (the one with the fewest EC, then by code); or
  the master's policy (``transfer_minors``) names a transfer minor for the bachelor's students;
- ``premaster``: the optimal bridging programme within the master's cap, or the fixed package
  a source prescribes for the bachelor (``premaster.fixed``), with the optimum as a note;
- ``over_cap``: a programme exists, but the smallest exceeds the master's cap (not the largest
  pre-master the university allows, ``premaster.ceiling``): it is shown, proven minimal;
- ``infeasible``: none of these; the reason names exactly what no eligible course can meet, or
  the proven bound when every programme exceeds the ceiling.

A bachelor's scan cell (:mod:`articulation.answers.scan`) answers for two populations
(:func:`decide_both`): its students still studying take every route; its graduates, like a
graduate's transcript (:mod:`articulation.answers.eligibility`), only the direct and pre-master
routes. Every route says why each earlier one did not apply (``why_not``), and carries the
master's admission conditions that no curriculum shows and the bachelor's admission does not
guarantee (``conditions``; all of them when the bachelor is not known).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.credits import half
from articulation.curriculum.model import Bachelor, Condition, FixedPackage, Master, Minor
from articulation.messages.message import Message
from articulation.messages.status import PLANNED, WITH_ALTERNATIVES, rank
from articulation.solving.bridging import (
    Bridging,
    ChosenCourse,
    alternatives,
    bridge_gap,
    cap_said,
)
from articulation.solving.cover import Constrain
from articulation.solving.gap import Attainment, Gap, attainment, gap, holds
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
#: cover model, only in placements that end before ``before`` when given; returns the finish
#: (None when ``finish`` is false).
Timing = Callable[..., Finish | None]


@dataclass(frozen=True)
class FixedAnswer:
    """A fixed pre-master package as a route's programme: the package's ``name``, whether its
    source allows ``tailoring``, the requirements of our encoding it ``leaves`` unmet, and the
    smallest programme the engine finds (``tailored``: shown as a note)."""

    name: str
    tailoring: bool
    leaves: tuple[str, ...] = ()
    tailored: Bridging | None = None
    source: str | None = None

    def to_json(self) -> dict[str, Any]:
        tailored = self.tailored
        return {
            "name": self.name,
            "tailoring": self.tailoring,
            "leaves_unmet": list(self.leaves),
            "tailored": None
            if tailored is None
            else {
                "status": tailored.status,
                "total_ects": tailored.total_ects,
                "courses": list(tailored.codes),
            },
            "source": self.source,
        }


@dataclass(frozen=True)
class Route:
    """How the gap closes: the status, its reason, the courses and the proof. ``cap_status``
    says whether the master's pre-master cap is sourced or assumed; ``package`` is the fixed
    pre-master package the route is, if any."""

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
    cap_status: str = "assumed"  # the master's pre-master cap: sourced | assumed
    package: FixedAnswer | None = None  # the fixed pre-master package the route is
    # direct: admitted by the "requirements" (no gap), by "policy", or after an "assessment"
    admission: str | None = None
    # the master's admission conditions the bachelor's admission does not guarantee
    conditions: tuple[Condition, ...] = ()

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.courses)


def direct(master: Master, the_gap: Gap, bachelor: str | None) -> Route | None:
    """The direct route, when it applies: no gap, or the bachelor is admitted by policy; by
    assessment when the master admits the bachelor only after its committee's assessment."""
    if the_gap.closed:
        route = Route("direct", Message("route.no_gap"), admission="requirements")
    elif bachelor is not None and bachelor in master.direct_admission:
        route = Route("direct", Message("route.by_policy"), admission="policy")
    else:
        return None
    assessment = master.assessment_of(bachelor)
    if assessment is None:
        return route
    source = assessment.provenance.source if assessment.provenance else None
    reason = Message.of(
        "route.by_assessment",
        reason=route.reason,
        source=source or Message("admission.no_source"),
    )
    return replace(route, admission="assessment", reason=reason)


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
    """The first route from the passed courses ``taken`` into ``master`` that closes the gap
    (:func:`first_route`), with the status of the master's pre-master cap (sourced or assumed)
    and the master's admission conditions that ``bachelor`` (None: a student whose bachelor is
    not known) does not guarantee."""
    found = first_route(
        catalogue,
        master,
        taken,
        the_gap,
        bachelor=bachelor,
        track=track,
        studying=studying,
        premaster=premaster,
    )
    return _with_master(found, master, bachelor)


def _with_master(route: Route, master: Master, bachelor: Bachelor | None) -> Route:
    """``route`` with the status of the master's pre-master cap and the master's admission
    conditions that ``bachelor`` does not guarantee."""
    return replace(
        route,
        cap_status=master.premaster.cap_status,
        conditions=master.open_conditions(bachelor),
    )


def first_route(
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
    within the cap can is ``late``, proven.

    When the master prescribes a fixed pre-master package for the bachelor
    (``premaster.fixed``), the pre-master route is that package (:func:`fixed_route`).
    """
    found = direct(master, the_gap, bachelor.code if bachelor else None)
    if found is not None:
        return found
    why_not = [Message.of("why_not.direct", count=len(the_gap.unmet))]
    early = None
    if studying and bachelor is not None:
        early = _while_studying(catalogue, master, taken, the_gap, bachelor, track, why_not)
        if early is not None and early.status != "late":
            return early
    if premaster is None:
        premaster = premaster_route(catalogue, master, taken, the_gap, shared=studying)
    after = _after_graduating(catalogue, master, taken, the_gap, bachelor, premaster, why_not)
    return _preferred(early, after)


@dataclass(frozen=True)
class Routes:
    """A pair's route for each population: a ``student`` still in the bachelor (every route)
    and a ``graduate`` (direct or a pre-master only)."""

    student: Route
    graduate: Route


def decide_both(
    catalogue: Catalogue,
    master: Master,
    taken: frozenset[str],
    the_gap: Gap,
    *,
    bachelor: Bachelor,
    track: str | None = None,
) -> Routes:
    """The route of :func:`decide` for a student of ``bachelor`` (of ``track``) who has passed
    ``taken`` and for a graduate of it, solving the pre-master once.

    Direct admission is the same for both. Past it, when the student's route is not electives,
    a minor (or a policy minor that is late, before a later route) or unsettled there, it is the
    graduate's (the same pre-master, over the cap or
    infeasible); only its ``why_not`` also says why electives and a minor did not apply.
    """
    found = direct(master, the_gap, bachelor.code)
    if found is not None:
        found = _with_master(found, master, bachelor)
        return Routes(found, found)
    why_not = [Message.of("why_not.direct", count=len(the_gap.unmet))]
    studying = list(why_not)
    early = _while_studying(catalogue, master, taken, the_gap, bachelor, track, studying)
    premaster = premaster_route(catalogue, master, taken, the_gap, shared=True)
    graduate = _after_graduating(catalogue, master, taken, the_gap, bachelor, premaster, why_not)
    student = _preferred(early, replace(graduate, why_not=tuple(studying)))
    return Routes(_with_master(student, master, bachelor), _with_master(graduate, master, bachelor))


def _while_studying(
    catalogue: Catalogue,
    master: Master,
    taken: frozenset[str],
    the_gap: Gap,
    bachelor: Bachelor,
    track: str | None,
    why_not: list[Message],
) -> Route | None:
    """The electives or minor route of a student still in the bachelor (or ``unknown`` when
    the electives solve was not settled); None when neither applies, with why appended to
    ``why_not``."""
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
    by_policy = None
    policy = transfer_minor(catalogue, master, bachelor)
    if policy is not None:
        by_policy = _minor_by_policy(catalogue, bachelor, taken, the_gap, policy, why_not)
        if by_policy.status == "minor":
            return by_policy
        why_not.append(Message.of("why_not.policy_minor_late", reason=by_policy.reason))
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
    return by_policy


def _preferred(early: Route | None, after: Route) -> Route:
    """The student's route: ``early`` (electives, a minor, or a policy minor that is ``late``)
    unless it is late and the route after graduating (``after``) comes first in the order of
    preference (a pre-master in time)."""
    if early is None or (early.status == "late" and rank(after.status) < rank("late")):
        return after
    return early


def _after_graduating(
    catalogue: Catalogue,
    master: Master,
    taken: frozenset[str],
    the_gap: Gap,
    bachelor: Bachelor | None,
    premaster: Bridging,
    why_not: Sequence[Message],
) -> Route:
    """The pre-master route (``premaster``, the smallest programme), planned within a year:
    pre-master, late, over the cap, infeasible or unknown; or the fixed package a source
    prescribes for the bachelor (:func:`fixed_route`)."""
    package = master.premaster.package_for(bachelor.code if bachelor else None)
    if package is not None:
        return fixed_route(catalogue, master, taken, the_gap, package, bachelor, why_not, premaster)
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
    reason = Message.of("route.late", cap=cap_said(master), note=note)
    return replace(late, reason=reason, over_cap_by=None)


def fixed_route(
    catalogue: Catalogue,
    master: Master,
    taken: frozenset[str],
    the_gap: Gap,
    package: FixedPackage,
    bachelor: Bachelor | None,
    why_not: Sequence[Message],
    tailored: Bridging,
) -> Route:
    """The fixed pre-master ``package`` a source prescribes, as the pre-master route: its
    courses not yet passed, planned like any pre-master (within a year).

    Its status is ``premaster`` within the cap and planned in a year, ``late`` when it cannot
    be finished in a year, ``over_cap`` above the cap. The reason says what of our encoding it
    leaves unmet, if anything, and the smallest programme the engine finds (``tailored``): an
    alternative where the source allows tailoring, else only for comparison. ``optimal`` stays
    true: the answer is settled, there is nothing to minimise.
    """
    codes = [c for c in package.courses if c not in taken]
    pool = set(codes)
    after = gap(master, attainment(catalogue, taken | pool))
    covers: dict[str, list[str]] = {c: [] for c in codes}
    for item in the_gap.unmet:
        for c in sorted(helps(catalogue, item, pool)):
            covers[c].append(str(item))
    needed_for: dict[str, list[str]] = {c: [] for c in codes}
    for c in codes:
        for group in catalogue.courses[c].prerequisites:
            for member in group:
                if isinstance(member, str) and member in pool and c not in needed_for[member]:
                    needed_for[member].append(c)
    courses = tuple(ChosenCourse.of(catalogue, c, covers[c], sorted(needed_for[c])) for c in codes)
    total = float(sum(c.ects for c in courses))
    cap = master.premaster.max_ects
    plan = scheduling(catalogue, bachelor, "premaster", taken).place(codes)
    leaves = tuple(str(item) for item in after.unmet)
    source = package.provenance.source if package.provenance else None
    answer = FixedAnswer(package.name, package.tailoring, leaves, tailored, source)
    reason = Message.of("route.fixed", name=package.name, ects=total, courses=len(courses))
    if total > cap:
        status = "over_cap"
    elif not plan.plan.fits:
        status = "late"
        reason = Message.of("route.with_note", reason=reason, note=plan.plan.reason)
    else:
        status = "premaster"
    if leaves:
        note = Message.of("fixed.leaves_unmet", requirements=leaves)
        reason = Message.of("route.with_note", reason=reason, note=note)
    reason = Message.of("route.with_note", reason=reason, note=_tailored_note(answer))
    return Route(
        status,
        reason,
        why_not=tuple(why_not),
        courses=courses,
        total_ects=total,
        cap=cap,
        over_cap_by=total - cap if status == "over_cap" else None,
        plan=plan,
        package=answer,
    )


def _tailored_note(answer: FixedAnswer) -> Message:
    """What the smallest programme would be, next to a fixed package."""
    tailored = answer.tailored
    if tailored is None or tailored.status not in ("premaster", "over_cap"):
        return Message("fixed.no_tailored")
    found = {"ects": tailored.total_ects, "codes": " + ".join(tailored.codes)}
    if answer.tailoring:
        return Message.of("fixed.tailored", **found)
    return Message.of("fixed.not_tailored", **found)


#: The reasons of a ``minor`` route that a master's policy names (``transfer_minors``).
MINOR_BY_POLICY = ("route.minor_by_policy", "route.minor_by_policy_beyond")


def transfer_minor(catalogue: Catalogue, master: Master, bachelor: Bachelor) -> Minor | None:
    """The transfer minor through which the master's policy (``transfer_minors``) admits the
    bachelor's students, if it names one."""
    for policy in master.transfer_minors:
        if bachelor.code in policy.bachelors:
            return catalogue.minor(policy.minor)
    return None


def _minor_by_policy(
    catalogue: Catalogue,
    bachelor: Bachelor,
    taken: frozenset[str],
    the_gap: Gap,
    minor: Minor,
    why_not: Sequence[Message],
) -> Route:
    """The ``minor`` route that a master's policy names for the bachelor's students, gap or
    not; ``late`` when its courses cannot be planned in the minor semester, and the answer says
    in which periods they run and why they do not fit."""
    courses = _minor_courses(catalogue, taken, minor, the_gap)
    codes = [c.code for c in courses]
    plan = plan_route(catalogue, bachelor, "minor", codes, taken=taken)
    reason = Message.of("route.minor_by_policy", code=minor.code, name=minor.name, ects=minor.ects)
    if not plan.plan.fits:
        periods = sorted({p for c in codes for p in catalogue.courses[c].periods})
        reason = Message.of(
            "route.minor_by_policy_beyond", policy=reason, periods=periods, why=plan.plan.reason
        )
    return Route(
        "minor" if plan.plan.fits else "late",
        reason,
        why_not=tuple(why_not),
        courses=courses,
        total_ects=minor.ects,
        cap=bachelor.electives,
        minor=minor.code,
        plan=plan,
    )


@dataclass(frozen=True)
class Scheduling:
    """How a route's programme is placed in time: ``place`` plans given courses; ``timing`` adds
    to a cover model the constraints that the chosen courses can be planned in time (a
    pre-master within a year; electives in the bachelor's ``window``)."""

    place: Callable[[Sequence[str]], RoutePlan]
    timing: Timing
    window: Window | None

    def in_time(self, before: int | None = None, least: int | None = None) -> Constrain:
        """The constraint that a cover model's programme can be planned in time (and, with
        ``before``, finish before that week, the finish then ranked after EC: the model gives
        it only then); ``least``: a proven least half EC of such a programme (the optimum
        without the timing). Its memo key: the window (none: within a year), ``before`` and
        ``least``."""

        def add(model: Any, x: dict[str, Any]) -> Finish | None:
            return self.timing(model, x, before=before, finish=before is not None)

        return Constrain(("timing", self.window, before, least), add, least)


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

        def in_window(
            model: Any, x: dict[str, Any], before: int | None = None, finish: bool = True
        ) -> Finish | None:
            return add_window_timing(
                model, catalogue, x, taken, window, before=before, finish=finish
            )

        return Scheduling(place, in_window, window)

    def in_a_year(
        model: Any, x: dict[str, Any], before: int | None = None, finish: bool = True
    ) -> Finish | None:
        return add_year_timing(model, catalogue, x, taken, before=before, finish=finish)

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

    # no programme that can be planned in time is smaller than the proven optimum without it
    least = sum(half(c.ects) for c in first.courses) if first.optimal else None

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
            constrain=timed.in_time(before, least if before is None else None),
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
