"""The provenance grade of an answer: which of its three parts rests on sourced data.

An answer (a scan cell, a transcript's result for one master) reads three parts of the data:

- **R**, the master's requirements (its list, its cap, its admission policy): sourced when the
  master's provenance is; a cell admitted directly by policy is graded on the policy, which is
  the master's;
- **B**, the bachelor's side of the gap: illustrative only when removing the passed courses that
  are illustrative changes what the answer reads of them — the gap (the unmet requirements and
  what is attained of each), the prerequisites of the route's courses that passed courses meet,
  and the entry of the route's minor; for a cell without a route (infeasible, unknown), the part
  of the pool that can matter. Not applicable when the master admits the bachelor by policy;
- **P**, the route's courses: sourced when every course of the route is (with the minor and, for
  a route inside the bachelor, its elective space: the bachelor programme); for an over-cap,
  infeasible or unknown answer, the pool it searched (the pool's courses that can matter for the
  gap). Not applicable for a direct answer.

Written compactly as three letters, a capital when sourced, a small letter when illustrative,
``–`` when not applicable (``RbP``, ``Rb–``). The ``illustrative`` list of an answer still names
every illustrative code it reads; the grade says which part each rests on.

>>> Grade("sourced", "illustrative", None).code
'Rb–'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.model import Bachelor, Master, OutcomeAt
from articulation.messages.message import Message
from articulation.solving.gap import Attainment, attainment, describe, gap, holds, named
from articulation.solving.pool import Problem, pool_context, premaster_candidates, prune
from articulation.solving.route import Route, window_candidates

SOURCED, ILLUSTRATIVE = "sourced", "illustrative"
#: The parts in the order of the compact code, with their letters.
PARTS = (("requirements", "R"), ("bachelor", "B"), ("route", "P"))
NOT_APPLICABLE = "–"
#: Statuses whose route part is the pool they searched, not a route's courses.
POOL_GRADED = ("over_cap", "infeasible", "unknown")


@dataclass(frozen=True)
class Grade:
    """Per part, ``sourced`` or ``illustrative`` (None: the part does not apply)."""

    requirements: str | None
    bachelor: str | None
    route: str | None

    @property
    def code(self) -> str:
        """``R``/``r``, ``B``/``b``, ``P``/``p``: capital when sourced, small when illustrative,
        ``–`` when not applicable."""
        letters = []
        for name, letter in PARTS:
            value = getattr(self, name)
            if value is None:
                letters.append(NOT_APPLICABLE)
            else:
                letters.append(letter if value == SOURCED else letter.lower())
        return "".join(letters)

    def message(self) -> Message:
        """The grade and each part in words."""

        def word(value: str | None) -> Message:
            return Message(f"grade.{value}" if value else "grade.not_applicable")

        return Message.of(
            "grade.parts",
            grade=self.code,
            requirements=word(self.requirements),
            bachelor=word(self.bachelor),
            route=word(self.route),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "requirements": self.requirements,
            "bachelor": self.bachelor,
            "route": self.route,
            "grade": self.code,
        }


def grade_counts(grades: Iterable[Grade | None]) -> dict[str, int]:
    """Answers per compact grade, most first, then by code (no grade: ``?``)."""
    found: dict[str, int] = {}
    for g in grades:
        key = g.code if g is not None else "?"
        found[key] = found.get(key, 0) + 1
    return dict(sorted(found.items(), key=lambda kv: (-kv[1], kv[0])))


def _word(illustrative: bool) -> str:
    return ILLUSTRATIVE if illustrative else SOURCED


def grade(
    catalogue: Catalogue,
    master: Master,
    taken: Iterable[str],
    route: Route,
    *,
    bachelor: Bachelor | None = None,
    track: str | None = None,
    studying: bool = True,
    invented: frozenset[str] | None = None,
) -> Grade:
    """The provenance grade of ``route`` from the passed courses ``taken`` into ``master``;
    ``bachelor`` (and ``track``) when the answer is a bachelor's (its policy and, for a student
    still ``studying``, its elective space). The route's status says which parts apply (see
    the module). ``invented``: the illustrative ones of ``taken``, when the caller has them
    (one request grades every master against the same passed courses)."""
    done = frozenset(taken)
    requirements = _word(bool(catalogue.illustrative([master.code])))
    by_policy = (
        route.status == "direct"
        and bachelor is not None
        and bachelor.code in master.direct_admission
        and not gap(master, attainment(catalogue, done)).closed
    )
    if by_policy:
        return Grade(requirements, None, None)
    pool, searched = None, None
    if route.status in POOL_GRADED:
        pool, searched = _searched(
            catalogue, master, done, route, bachelor if studying else None, track
        )
    if invented is None:
        invented = frozenset(catalogue.illustrative(done))
    side = _bachelor_side(catalogue, master, done, invented, route, pool, searched)
    if route.status == "direct":
        return Grade(requirements, side, None)
    if route.status in POOL_GRADED:
        read: list[str] = [*route.codes, *(pool or ())]
    else:
        read = list(route.codes)
        if route.minor:
            read.append(route.minor)
        if route.status in ("electives", "minor") and bachelor is not None:
            read.append(bachelor.code)  # the elective space the route fits in
    return Grade(requirements, side, _word(bool(catalogue.illustrative(read))))


def _searched(
    catalogue: Catalogue,
    master: Master,
    taken: frozenset[str],
    route: Route,
    bachelor: Bachelor | None,
    track: str | None,
) -> tuple[tuple[str, ...], Problem | None]:
    """The courses of the pool a route without a programme searched that can matter for the
    gap (those that help an unmet requirement and, transitively, those that can meet an open
    prerequisite of one): the pre-master's pool, and the elective pool when the elective route
    itself was not settled. With them, the pre-master pool's pruned problem when that pool is
    all that was searched (None otherwise)."""
    the_gap = gap(master, attainment(catalogue, taken))
    # the pre-master pool's whole context, as the route's solve remembered it: what can matter
    # for the gap is the same in it as in the part of the pool the gap reaches
    premaster = premaster_candidates(catalogue, master, taken)
    context = pool_context(catalogue, premaster.codes, taken, key=premaster.key)
    problem = prune(context, the_gap.unmet)
    if route.status == "unknown" and bachelor is not None and bachelor.electives > 0:
        codes = window_candidates(catalogue, bachelor, track).codes
        context = pool_context(catalogue, codes, taken, focus=the_gap.unmet)
        more = prune(context, the_gap.unmet).candidates
        return tuple(sorted({*problem.candidates, *more})), None
    return tuple(problem.candidates), problem


def _gap_changes(master: Master, full: Attainment, without: Attainment) -> bool:
    """Whether the gap as the answer reads it (each unmet requirement with what is attained of
    it) differs between ``full`` and ``without``, which attains no more than ``full``. Only an
    item that names an outcome or an area whose attainment differs can read differently: only
    those are compared."""
    outcomes = {o for o, level in full.levels.items() if without.level(o) != level}
    areas = {a for a, ects in full.area_ects.items() if without.ects(a) != ects}
    if not outcomes and not areas:
        return False
    for item in master.requires:
        names, in_areas = named((item,))
        if outcomes.isdisjoint(names) and areas.isdisjoint(in_areas):
            continue
        met = holds(item, full)
        if met != holds(item, without):
            return True
        if not met and describe(item, full).text() != describe(item, without).text():
            return True
    return False


def _met(group: list, taken: frozenset[str], att: Attainment) -> bool:
    return any(
        holds(m, att) if isinstance(m, OutcomeAt) else m in taken  # a course code
        for m in group
    )


def _bachelor_side(
    catalogue: Catalogue,
    master: Master,
    taken: frozenset[str],
    invented: frozenset[str],
    route: Route,
    pool: tuple[str, ...] | None,
    searched: Problem | None = None,
) -> str:
    """Whether the answer's reading of the passed courses changes without their illustrative
    ones ``invented`` (see the module). ``searched``: the pruned problem ``pool`` came from,
    when it is the pre-master pool's alone (its part that can matter is that problem again)."""
    if not invented:
        return SOURCED
    kept = taken - invented
    full, without = attainment(catalogue, taken), attainment(catalogue, kept)
    if _gap_changes(master, full, without):
        return ILLUSTRATIVE
    for code in route.codes:
        course = catalogue.courses.get(code)
        for group in course.prerequisites if course else ():
            if _met(group, taken, full) != _met(group, kept, without):
                return ILLUSTRATIVE
    if route.minor:
        minor = catalogue.minor(route.minor)
        if any(holds(item, full) != holds(item, without) for item in minor.entry):
            return ILLUSTRATIVE
    if pool is not None:
        unmet = gap(master, full).unmet
        # pruning the pool's part that can matter gives that part again, with the same support
        with_all = searched
        if with_all is None:
            with_all = prune(pool_context(catalogue, pool, taken, focus=unmet), unmet)
        with_kept = prune(pool_context(catalogue, pool, kept, focus=unmet), unmet)
        if (with_all.candidates, with_all.groups) != (with_kept.candidates, with_kept.groups):
            return ILLUSTRATIVE
    return SOURCED
