"""The smallest bridging programme (pre-master) that closes a gap, proven optimal with CP-SAT.

The problem is weighted set cover with precedence. Given the courses a student has passed and a
master's requirements, choose a set X of bridging courses such that

(a) every requirement holds with the passed courses and X together,
(b) X can be taken in some order in which every prerequisite group of each course is met by a
    passed course, an earlier course of X, or an outcome taught at the level by either, and
(c) the EC of X is at most the master's pre-master cap,

minimising total EC, then the number of courses, then (the documented tie-break) the sum of the
courses' positions in the code order of the pruned pool (the candidates that can matter for
this gap), so that among equally small programmes the one with alphabetically earlier course
codes wins, and nothing outside what the pair reads can change its answer. Same input, same
answer: one solver worker with a fixed seed.

Pruning comes first: only courses that help an unmet requirement, plus the candidates that can
meet their unmet prerequisite groups (transitively), and of those only the ones that can be
reached at all from what the student has passed, enter the model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any, Literal

from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.credits import half_floor, reaches
from articulation.curriculum.model import AnyOf, AreaRequirement, AtLeast, Master, Requirement
from articulation.messages.message import Message
from articulation.solving.cover import Constrain, order_courses, solve_cover
from articulation.solving.gap import Gap, attainment, gap, holds, named
from articulation.solving.pool import (
    Candidates,
    PoolContext,
    Problem,
    bound_parts,
    disjoint_bound,
    helps,
    lower_bound_half_ects,
    pool_context,
    premaster_candidates,
    prune,
)
from articulation.support import deadline
from articulation.support.jsonable import JsonRecord

Status = Literal["direct", "premaster", "over_cap", "infeasible", "unknown"]


@dataclass(frozen=True)
class ChosenCourse(JsonRecord):
    """A course of a bridging programme, with why it is there."""

    code: str
    title: str
    ects: float
    covers: tuple[str, ...]
    needed_for: tuple[str, ...]

    @classmethod
    def of(
        cls, catalogue: Catalogue, code: str, covers: Sequence[str], needed_for: Sequence[str]
    ) -> ChosenCourse:
        course = catalogue.courses[code]
        return cls(code, course.title, course.ects, tuple(covers), tuple(needed_for))


NOTHING_UNMET = Message("bridging.no_requirement")


@dataclass(frozen=True)
class Bridging:
    """The answer for one gap: a status, the programme and the proof status."""

    status: Status
    courses: tuple[ChosenCourse, ...] = ()
    total_ects: float = 0.0
    optimal: bool = True
    unmet: tuple[str, ...] = ()
    reason: Message = NOTHING_UNMET
    cap: float = 0.0
    bound_ects: float | None = None
    candidates: int = 0

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.courses)

    @property
    def over_cap_by(self) -> float | None:
        """For an ``over_cap`` programme, by how many EC it exceeds the cap."""
        over = self.status == "over_cap" and self.total_ects > self.cap
        return self.total_ects - self.cap if over else None

    def summary_json(self) -> dict[str, Any]:
        """The programme alone: EC, proof and courses (how alternatives are listed)."""
        return {
            "total_ects": self.total_ects,
            "optimal": self.optimal,
            "courses": [c.to_json() for c in self.courses],
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "total_ects": self.total_ects,
            "courses": [c.to_json() for c in self.courses],
            "optimal": self.optimal,
            "unmet": list(self.unmet),
            "reason": self.reason.text(),
            "cap": self.cap,
            "over_cap_by": self.over_cap_by,
            "bound_ects": self.bound_ects,
        }


def _explain(problem: Problem, chosen: Sequence[str]) -> tuple[ChosenCourse, ...]:
    """Per chosen course: the requirements it contributes to and the courses it enables."""
    catalogue = problem.catalogue
    pool = set(chosen)
    covers: dict[str, list[str]] = {c: [] for c in chosen}
    for item in problem.unmet:
        for c in sorted(helps(catalogue, item, pool)):
            covers[c].append(str(item))
    needed_for: dict[str, list[str]] = {c: [] for c in chosen}
    for c in chosen:
        for group in problem.groups[c]:
            for s in group:
                if s in pool and c not in needed_for[s]:
                    needed_for[s].append(c)
    return tuple(
        ChosenCourse.of(catalogue, c, covers[c], sorted(needed_for[c]))
        for c in order_courses(problem, chosen)
    )


#: A bound an answer was settled on (half EC), with the items and the deficit it read
#: (:func:`~articulation.solving.pool.bound_parts`).
BoundRead = tuple[int, tuple[tuple[str, frozenset[str]], ...], int]

#: A pre-master or elective stage whose every model was infeasible: its candidates, the areas its
#: requirements name, its bound with what that read, and the cap and ceiling the bound was held
#: against (half EC; None: no ceiling).
InfeasibleRead = tuple[
    frozenset[str],
    frozenset[str],
    int,
    tuple[tuple[str, frozenset[str]], ...],
    int,
    int,
    int | None,
]

#: A requirement over an area that an answer found meetable or not: the area, what taking every
#: reachable course attains of it (passed EC and the EC of the helpers), the EC it needs, and the
#: helpers whose EC were summed.
AreaRead = tuple[str, float, float, frozenset[str]]


@dataclass(frozen=True)
class EctsReads:
    """Which courses' EC an answer read, recorded while it was computed (:func:`recording_ects`)
    from the catalogue snapshot named ``token``: ``read``, the candidates of every model it
    solved; ``areas``, for an answer settled before a model, its requirements over an area (not
    held, at any depth) whose helpers' EC decided only whether they are meetable: a change of
    those reaches the answer only when it moves such a requirement across its threshold; and
    ``bounds``, the bounds answers were settled on (over the cap and the ceiling) with what they
    read (:func:`~articulation.solving.pool.bound_parts`): a change of a helper's EC reaches
    such an answer only when it moves its bound; ``infeasible``, the answers whose every model
    was infeasible, with their candidates: more EC for a candidate that counts toward no area
    they name keeps every programme as infeasible (each only grows), so such a change reaches
    the answer only when it moves its bound across the cap or the ceiling."""

    token: str
    read: frozenset[str]
    areas: frozenset[AreaRead]
    bounds: frozenset[BoundRead] = frozenset()
    infeasible: frozenset[InfeasibleRead] = frozenset()

    def reopens(
        self,
        code: str,
        before: Mapping[str, int],
        after: Mapping[str, int],
        areas: Iterable[str],
    ) -> bool:
        """Whether a change of the EC of ``code`` (half EC ``before`` and ``after``; it counts
        toward ``areas``), a candidate of an answer whose every model was infeasible, can make
        a programme of it feasible or move the bound it was held against across the cap or
        the ceiling."""
        for candidates, named_areas, bound, items, deficit, cap, ceiling in self.infeasible:
            if code not in candidates:
                continue
            if after[code] < before[code] or not named_areas.isdisjoint(areas):
                return True
            moved = disjoint_bound(after, items, deficit)
            if (moved <= cap) != (bound <= cap) or (
                ceiling is not None and (moved <= ceiling) != (bound <= ceiling)
            ):
                return True
        return False

    def moves_bound(self, code: str, half: Mapping[str, int]) -> bool:
        """Whether a bound an answer was settled on, and that reads the EC of ``code``, comes
        out otherwise with the courses' half EC ``half``."""
        return any(
            disjoint_bound(half, items, deficit) != bound
            for bound, items, deficit in self.bounds
            if any(code in helpers for _, helpers in items)
        )

    def crosses(self, code: str, delta: Callable[[str, frozenset[str]], float]) -> bool:
        """Whether a change of the EC of ``code`` (and others), which adds ``delta(area,
        helpers)`` EC to the helpers of a requirement over ``area``, moves one of ``areas``
        that ``code`` helps across its threshold."""
        return any(
            reaches(total, need) != reaches(total + delta(area, helpers), need)
            for area, total, need, helpers in self.areas
            if code in helpers
        )


_RECORDING: ContextVar[list[EctsReads] | None] = ContextVar("ects reads", default=None)


@contextmanager
def recording_ects(catalogue: Catalogue) -> Iterator[list[EctsReads]]:
    """Within the block, every :func:`bridge_gap` records which courses' EC its answer read;
    the list it yields holds them afterwards, as one :class:`EctsReads`."""
    found: list[EctsReads] = []
    result: list[EctsReads] = []
    reset = _RECORDING.set(found)
    try:
        yield result
    finally:
        _RECORDING.reset(reset)
        result.append(joined_reads(catalogue.token, found))


def joined_reads(token: str, reads: Iterable[EctsReads]) -> EctsReads:
    """What several answers read of the courses' EC, together."""
    found = list(reads)
    read = frozenset().union(*(r.read for r in found))
    areas = frozenset().union(*(r.areas for r in found))
    bounds = frozenset().union(*(r.bounds for r in found))
    infeasible = frozenset().union(*(r.infeasible for r in found))
    return EctsReads(token, read, areas, bounds, infeasible)


def _record(
    context: PoolContext,
    unmet: Sequence[Requirement],
    read: Iterable[str],
    settled: bool,
    bound: int | None = None,
) -> None:
    """Record what a :func:`bridge_gap` answer read of the courses' EC (when recording):
    ``read``; for an answer ``settled`` before a model, its requirements over an area; and the
    ``bound`` it was settled on, with what that read (see :class:`EctsReads`)."""
    found = _RECORDING.get()
    if found is None:
        return
    bounds: frozenset[BoundRead] = frozenset()
    if bound is not None:
        items, deficit = bound_parts(context, unmet)
        bounds = frozenset([(bound, items, deficit)])
    areas: set[AreaRead] = set()
    if settled:
        stack: list[Requirement] = list(unmet)
        while stack:
            item = stack.pop()
            if holds(item, context.attained):
                continue  # meetable whatever the EC of the pool
            if type(item) is AreaRequirement:
                helpers = context.helpers(item)
                credits = context.catalogue.course_areas
                ects = sum(credits[c][item.area] for c in helpers)
                total = context.attained.ects(item.area) + ects
                areas.add((item.area, total, item.min_ects, helpers))
            elif type(item) is AnyOf:
                stack.extend(item.any_of)
            elif type(item) is AtLeast:
                stack.extend(item.of)
    found.append(EctsReads("", frozenset(read), frozenset(areas), bounds))


def _record_models(
    problem: Problem,
    infeasible: bool,
    bound: int,
    limit: float,
    over: float | None,
) -> None:
    """Record what a :func:`bridge_gap` answer that solved models read of the courses' EC (when
    recording): the candidates of its problem, as read, or, when every model was
    ``infeasible``, with what keeps them so (see :class:`EctsReads`)."""
    found = _RECORDING.get()
    if found is None:
        return
    if not infeasible or problem.context is None:
        found.append(EctsReads("", frozenset(problem.candidates), frozenset()))
        return
    items, deficit = bound_parts(problem.context, problem.unmet)
    ceiling = None if over is None else half_floor(over)
    _, areas = named(problem.unmet)
    record = (
        frozenset(problem.candidates),
        frozenset(areas),
        bound,
        items,
        deficit,
        half_floor(limit),
        ceiling,
    )
    found.append(EctsReads("", frozenset(), frozenset(), infeasible=frozenset([record])))


def bridge(
    catalogue: Catalogue,
    master: Master,
    taken: Iterable[str],
    *,
    cap: float | None = None,
    exclude: Sequence[frozenset[str]] = (),
) -> Bridging:
    """The optimal bridging programme from the passed courses ``taken`` into ``master``.

    ``cap`` overrides the master's ``premaster.max_ects``; ``exclude`` lists programmes (and
    their supersets) that may not be returned, for alternatives.
    """
    done = frozenset(taken)
    att = attainment(catalogue, done)
    return bridge_gap(catalogue, master, done, gap(master, att), cap=cap, exclude=exclude)


def bridge_gap(
    catalogue: Catalogue,
    master: Master,
    taken: frozenset[str],
    the_gap: Gap,
    *,
    cap: float | None = None,
    ceiling: float | None = None,
    candidates: Candidates | None = None,
    exclude: Sequence[frozenset[str]] = (),
    shared: bool = False,
    constrain: Constrain | None = None,
    earliest: bool = False,
) -> Bridging:
    """:func:`bridge` for a gap already computed.

    ``candidates`` replaces the master's pre-master bridging courses (the scan's electives
    route, whose programme holds whole units: a module's components only together). With a
    ``ceiling`` above the cap (the largest pre-master a university allows), a gap
    that no programme closes within the cap but one within the ceiling does is ``over_cap``,
    with that programme, proven minimal. ``shared`` examines the whole pool once and remembers
    it, for callers that ask about many masters with the same passed courses (a scan row);
    otherwise only the part of the pool that can matter for this gap is examined.
    ``constrain`` adds constraints on the chosen courses to the one model (that they can be
    planned in time: :func:`articulation.solving.planning.timing.add_window_timing`,
    ``add_year_timing``), so the answer is the smallest programme that also meets them, proven;
    ``infeasible`` when none within the cap does (no ``ceiling`` then). With ``earliest``, the
    smallest is by EC, then the finish that ``constrain`` gives, then courses and the tie-break.
    """
    limit = master.premaster.max_ects if cap is None else cap
    if the_gap.closed:
        return Bridging(status="direct", cap=limit, reason=NOTHING_UNMET)
    if candidates is None:
        candidates = premaster_candidates(catalogue, master, taken)
    context = pool_context(  # shared: remembered under the pool's key; else only the gap's part
        catalogue,
        candidates.codes,
        taken,
        key=candidates.key if shared else None,
        focus=None if shared else the_gap.unmet,
        whole_units=candidates.whole_units,
    )
    impossible = [item for item in the_gap.unmet if not context.meetable(item)]
    if impossible:
        _record(context, the_gap.unmet, (), settled=True)
        texts = tuple(str(item) for item in impossible)
        return Bridging(
            status="infeasible",
            unmet=texts,
            cap=limit,
            reason=Message.of("bridging.unmeetable", pool=candidates.name, requirements=texts),
        )
    bound = lower_bound_half_ects(context, the_gap.unmet)
    over = ceiling if ceiling is not None and ceiling > limit and not exclude else None
    if constrain is not None:
        over = None
    problem = None
    plain = not exclude and constrain is None  # a model of the gap and the cap alone
    if bound <= half_floor(limit):
        problem = prune(context, the_gap.unmet)
        found = _programme(problem, "premaster", limit, exclude, constrain, earliest)
        if found.status != "infeasible" or over is None:
            _record_models(problem, plain and found.status == "infeasible", bound, limit, over)
            return found
    elif over is None:
        _record(context, the_gap.unmet, (), settled=True, bound=bound)
        return Bridging(
            status="infeasible",
            cap=limit,
            bound_ects=bound / 2,
            reason=Message.of("bridging.bound_over_cap", bound=bound / 2, cap=limit),
        )
    if bound > half_floor(over):
        if problem is None:
            _record(context, the_gap.unmet, (), settled=True, bound=bound)
        return Bridging(
            status="infeasible",
            cap=limit,
            bound_ects=bound / 2,
            reason=Message.of(
                "bridging.bound_over_ceiling", bound=bound / 2, ceiling=over, cap=limit
            ),
        )
    problem = problem or prune(context, the_gap.unmet)
    found = _programme(problem, "over_cap", over, ())
    _record_models(problem, plain and found.status == "infeasible", bound, limit, over)
    reason = _with_rule(master, _over_cap_reason(found, master, limit, over), found.status)
    return replace(found, cap=limit, reason=reason)


def _programme(
    problem: Problem,
    status: Status,
    limit: float,
    exclude: Sequence[frozenset[str]],
    constrain: Constrain | None = None,
    earliest: bool = False,
) -> Bridging:
    """The smallest programme of a pruned problem within ``limit`` EC, as ``status``."""
    solution = solve_cover(problem, limit, exclude, constrain, earliest)
    size = len(problem.candidates)
    if solution.status in ("optimal", "feasible"):
        courses = _explain(problem, solution.chosen)
        total = float(sum(c.ects for c in courses))
        optimal = solution.status == "optimal"
        reason = Message.of(
            "bridging.closes" if optimal else "bridging.closes_unproven",
            courses=len(courses),
            ects=total,
        )
        return Bridging(
            status=status,
            courses=courses,
            total_ects=total,
            optimal=optimal,
            cap=limit,
            bound_ects=(solution.bound or 0) / 2,
            candidates=size,
            reason=reason,
        )
    if solution.status == "infeasible":
        if constrain is not None:
            reason = Message.of("bridging.none_in_time", cap=limit)
        elif exclude:
            reason = Message.of("bridging.no_further", cap=limit)
        else:
            reason = Message.of("bridging.all_over_cap", cap=limit)
        return Bridging(status="infeasible", cap=limit, candidates=size, reason=reason)
    return Bridging(
        status="unknown",
        optimal=False,
        cap=limit,
        candidates=size,
        bound_ects=(solution.bound or 0) / 2,
        reason=Message.of("bridging.timed_out", seconds=deadline.limit()),
    )


def cap_said(master: Master, cap: float | None = None) -> Message:
    """A pre-master cap as the reader is told it: the master's own (``cap`` None or equal to
    it) as sourced or our assumption; any other as given by the caller."""
    premaster = master.premaster
    if cap is None or cap == premaster.max_ects:
        return Message.of(f"cap.{premaster.cap_status}", ects=premaster.max_ects)
    return Message.of("cap.given", ects=cap)


def _over_cap_reason(found: Bridging, master: Master, cap: float, ceiling: float) -> Message:
    """Why an over-cap answer is what it is."""
    if found.status == "over_cap":
        return Message.of(
            "bridging.over_cap" if found.optimal else "bridging.over_cap_unproven",
            courses=len(found.courses),
            ects=found.total_ects,
            cap=cap_said(master, cap),
            by=found.total_ects - cap,
        )
    if found.status == "infeasible":
        return Message.of("bridging.over_ceiling", ceiling=ceiling, cap=cap)
    return found.reason


def _with_rule(master: Master, reason: Message, status: str) -> Message:
    """An over-cap reason with the master's own rule on the size of its pre-master, if any."""
    rule = master.premaster.rule
    if status != "over_cap" or rule is None:
        return reason
    return Message.of(
        "bridging.over_cap_rule", reason=reason, rule=Message(f"premaster_rule.{rule.id}")
    )


def alternatives(
    catalogue: Catalogue,
    master: Master,
    taken: Iterable[str],
    k: int,
    *,
    cap: float | None = None,
    candidates: Candidates | None = None,
    shared: bool = False,
    constrain: Constrain | None = None,
) -> list[Bridging]:
    """Up to ``k`` distinct bridging programmes, best first (no-good cuts: each later programme
    is neither an earlier one nor contains one). ``cap``, ``candidates`` and ``constrain`` (e.g.
    that the programme can be planned in time) as in :func:`bridge_gap`."""
    done = frozenset(taken)
    the_gap = gap(master, attainment(catalogue, done))
    found: list[Bridging] = []
    exclude: list[frozenset[str]] = []
    while len(found) < k:
        result = bridge_gap(
            catalogue,
            master,
            done,
            the_gap,
            cap=cap,
            candidates=candidates,
            exclude=exclude,
            shared=shared,
            constrain=constrain,
        )
        if result.status != "premaster":
            if not found:
                found.append(result)
            break
        found.append(result)
        exclude.append(frozenset(result.codes))
    return found
