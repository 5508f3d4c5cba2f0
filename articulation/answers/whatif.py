"""Change impact: which scan cells a catalogue change can move, and what-if edits.

A cell's answer depends only on what it reads (:mod:`articulation.answers.scan`): its two
programmes,
the bachelor's courses (the gap, the passed prerequisites, the minor semester), the route's
courses, the minors it tries, and — per candidate pool its route draws on (the electives, the
pre-master) — the pool's courses that can matter for its unmet requirements: those that help one,
and those that can meet a prerequisite of one that can matter, transitively. The tie-break
between equal programmes uses positions within the pruned pool (:mod:`articulation.solving.cover`),
so no other course can change the answer. :func:`affected` finds, per change, the cells that may
read it (a superset: never a cell that could change is missed); a course whose EC alone changed
reaches a cell through its pools only when a stage of the cell's route read its EC (a candidate
of a solved model, a helper the bound reads, an area total that crosses a threshold, a place in
the study window). The scan records that per cell as it computes it
(:class:`~articulation.solving.bridging.EctsReads`), so an EC change is checked against the
record without building the cell's pools again, and more finely: a stage settled on a bound is
reached only when the change moves that bound, and a stage whose every model was infeasible
not by more EC for a candidate that counts toward none of its areas (unless its bound crosses
the cap or the ceiling). A cell without a record of the old snapshot (from elsewhere, or
carried over by an earlier what-if) has its pools rebuilt. :func:`diff`
recomputes only the affected cells and compares, starting the edited catalogue with what the
old one derived that the change cannot touch (:func:`carry_over`), and keeping a recomputed
cell's provenance grade when the change cannot move it (:func:`_grades_hold`); :func:`what_if`
does so for proposed edits applied to a copy of the catalogue.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from articulation.answers.change_reasons import NEW_PAIR, asked, cause_message, change_reasons
from articulation.answers.scan import Cell, assess, pairs, scan
from articulation.curriculum.catalogue import Catalogue, Programme
from articulation.curriculum.credits import half_floor
from articulation.curriculum.crosscheck import check_parts
from articulation.curriculum.edits import ACTIONS, EditAction, EditEntity, edit_action
from articulation.curriculum.model import (
    AreaRequirement,
    Bachelor,
    Course,
    Master,
    Minor,
    OutcomeAt,
    Requirement,
)
from articulation.curriculum.patch import PatchError, patched_course, patched_programme
from articulation.curriculum.yamlfile import split_path
from articulation.messages.message import Message
from articulation.solving.gap import attainment, gap, named
from articulation.solving.planning.options import offered_in
from articulation.solving.planning.windows import Window, study_window
from articulation.solving.pool import (
    Candidates,
    PoolContext,
    elective_candidates,
    elective_institutions,
    half_ects,
    lower_bound_half_ects,
    pool_context,
    premaster_candidates,
    prune,
)
from articulation.solving.route import window_candidates
from articulation.support import deadline, memo
from articulation.support.suggest import unknown

#: Statuses whose route never reached a stage: electives and the pre-master (which a graduate's
#: route reaches past direct), the minor.
_BEFORE_ELECTIVES = ("direct",)
_BEFORE_MINOR = ("direct", "electives")


@dataclass(frozen=True)
class Change:
    """One change of the catalogue: a course, programme, outcome or calendar added, changed or
    removed."""

    kind: str  # course | programme | outcome | calendar
    code: str
    action: str  # added | changed | removed

    def __str__(self) -> str:
        return f"{self.kind} {self.code} {self.action}"


@dataclass(frozen=True)
class CellChange:
    """A cell whose status, EC, route, track or plan finish changed (a student's or a
    graduate's), the changes it reads, and why it changed in messages
    (:func:`~articulation.answers.change_reasons.change_reasons`)."""

    bachelor: str
    master: str
    before: Cell | None
    after: Cell | None
    causes: tuple[str, ...]
    reasons: tuple[Message, ...] = ()

    @property
    def kind(self) -> str:
        """``premaster → electives``: the status before and after (``none``: no such cell)."""
        return f"{_status(self.before)} → {_status(self.after)}"

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        """The change; ``reasons`` as messages with their text in ``lang``."""
        return {
            "bachelor": self.bachelor,
            "master": self.master,
            "change": self.kind,
            "before": _summary(self.before),
            "after": _summary(self.after),
            "causes": list(self.causes),
            "reasons": [m.to_json(lang) for m in self.reasons],
        }


def _status(cell: Cell | None) -> str:
    return "none" if cell is None else cell.status


def _summary(cell: Cell | None) -> dict[str, Any] | None:
    """A cell's route in short, with its graduate's (``graduate``: null for the graduate's)."""
    if cell is None:
        return None
    return {
        "status": cell.status,
        "total_ects": cell.total_ects,
        "courses": list(cell.codes),
        "track": cell.track,
        "finish": cell.plan.finish_text if cell.plan else None,
        "graduate": _summary(cell.graduate),
    }


def _outcome(cell: Cell | None) -> tuple | None:
    """What a change of a cell is judged by: status, EC, route, track, plan finish, how it is
    admitted (by assessment; its conditions), and the same of its graduate's route."""
    if cell is None:
        return None
    finish = cell.plan.finish_text if cell.plan else None
    conditions = tuple(c.id for c in cell.conditions)
    admitted = (cell.admission, conditions)
    outcome = (cell.status, cell.total_ects, cell.codes, cell.track, finish, *admitted)
    return (*outcome, _outcome(cell.graduate))


@dataclass(frozen=True)
class Diff:
    """The cells that changed, counts per kind of change, and how much was recomputed."""

    changed: tuple[CellChange, ...]
    changes: tuple[Change, ...]
    recomputed: int
    cells: int
    before: tuple[Cell, ...] = field(default=(), repr=False)
    after: tuple[Cell, ...] = field(default=(), repr=False)

    @property
    def counts(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for change in self.changed:
            found[change.kind] = found.get(change.kind, 0) + 1
        return dict(sorted(found.items(), key=lambda kv: (-kv[1], kv[0])))

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        return {
            "changed": [c.to_json(lang) for c in self.changed],
            "counts": self.counts,
            "changes": [str(c) for c in self.changes],
            "recomputed": self.recomputed,
            "cells": self.cells,
        }


# --- what changed between two catalogues ------------------------------------------------------


def changes_between(
    old: Catalogue, new: Catalogue, codes: Iterable[str] | None = None
) -> list[Change]:
    """The changed courses and programmes (of ``codes``, default all), outcomes and calendars."""
    found: list[Change] = []

    def compare(kind: str, before: dict, after: dict, keys: Iterable[str]) -> None:
        for key in sorted(set(keys)):
            a, b = before.get(key), after.get(key)
            if a is None and b is not None:
                found.append(Change(kind, key, "added"))
            elif a is not None and b is None:
                found.append(Change(kind, key, "removed"))
            elif a is not None and a != b:
                found.append(Change(kind, key, "changed"))

    def located(cat: Catalogue) -> dict[str, tuple[str, Course]]:
        return {c: (cat.institution_of[c], course) for c, course in cat.courses.items()}

    if codes is None:
        compare("outcome", old.outcomes, new.outcomes, [*old.outcomes, *new.outcomes])
        compare("course", located(old), located(new), [*old.courses, *new.courses])
        compare("programme", old.programmes, new.programmes, [*old.programmes, *new.programmes])
        institutions = [*old.calendars, *new.calendars]
        compare("calendar", old.calendars, new.calendars, institutions)
        return found
    wanted = set(codes)
    course_codes = [c for c in wanted if c in old.courses or c in new.courses]
    before = {c: (old.institution_of[c], old.courses[c]) for c in course_codes if c in old.courses}
    after = {c: (new.institution_of[c], new.courses[c]) for c in course_codes if c in new.courses}
    compare("course", before, after, course_codes)
    compare("programme", old.programmes, new.programmes, wanted - set(course_codes))
    return found


# --- which cells a change can reach -----------------------------------------------------------


class _Side:
    """One catalogue (before or after) as the impact analysis reads it."""

    def __init__(self, catalogue: Catalogue):
        self.cat = catalogue
        by_code: dict[str, set[str]] = {}
        by_outcome: dict[str, list[tuple[str, int]]] = {}
        for code, course in catalogue.courses.items():
            for group in course.prerequisites:
                for m in group:
                    if isinstance(m, OutcomeAt):
                        by_outcome.setdefault(m.outcome, []).append((code, m.level))
                    else:
                        by_code.setdefault(m, set()).add(code)
        self.by_code, self.by_outcome = by_code, by_outcome
        self._open: dict[str, list[Minor]] = {}  # the minors open to an institution's students
        self.minor_courses: dict[str, set[str]] = {}
        for minor in catalogue.minors:
            for c in minor.courses:
                self.minor_courses.setdefault(c, set()).add(minor.code)

    def supports(self, code: str) -> set[str]:
        """The courses one of whose prerequisite groups ``code`` can meet."""
        course = self.cat.courses.get(code)
        if course is None:
            return set()
        found = set(self.by_code.get(code, ()))
        for outcome, level in course.teaches.items():
            found.update(x for x, need in self.by_outcome.get(outcome, ()) if level >= need)
        found.discard(code)
        return found

    def reads(self, code: str, in_pool: Callable[[str], bool]) -> tuple[set[str], set[str]]:
        """The outcomes taught and areas credited by ``code`` and every pool course it can
        help into (through prerequisites, or as a sibling component of one module,
        transitively): what an unmet requirement must name for ``code`` to matter to a gap
        drawing on that pool."""
        outcomes: set[str] = set()
        areas: set[str] = set()
        seen, todo = {code}, [code]
        while todo:
            c = todo.pop()
            course = self.cat.courses.get(c)
            if course is None:
                continue
            outcomes.update(course.teaches)
            areas.update(self.cat.course_areas.get(c, {}))
            # and, in an elective pool, the module it is chosen with (its sibling components)
            for x in self.supports(c) | set(self.cat.siblings(c)):
                if x not in seen and in_pool(x):
                    seen.add(x)
                    todo.append(x)
        return outcomes, areas

    def elective_pool(self, bachelor: Bachelor) -> Callable[[str], bool]:
        institutions = set(elective_institutions(self.cat, bachelor))
        return lambda c: (
            c in self.cat.bachelor_level and self.cat.institution_of.get(c) in institutions
        )

    def premaster_pool(self, master: Master) -> Callable[[str], bool]:
        listed = master.premaster.courses
        university = set(master.premaster.university_courses or ())
        if listed is not None:
            members = set(listed) | university
            return lambda c: c in members
        institutions = set(master.premaster.catalogue)
        courses = self.cat.courses
        return lambda c: (
            c in university
            or (c in courses and courses[c].bridging and self.cat.institution_of[c] in institutions)
        )

    def pool(self, kind: str, code: str) -> Callable[[str], bool] | None:
        """The ``electives`` pool of bachelor ``code`` or the ``premaster`` pool of master
        ``code``; None when this catalogue has no such programme."""
        if code not in self.cat.programmes:
            return None
        if kind == "electives":
            return self.elective_pool(self.cat.bachelor(code))
        return self.premaster_pool(self.cat.master(code))

    def open_minors(self, institution: str) -> list[Minor]:
        found = self._open.get(institution)
        if found is None:
            found = [m for m in self.cat.minors if not m.open_to or institution in m.open_to]
            self._open[institution] = found
        return found


def affected(
    old: Catalogue, new: Catalogue, before: Sequence[Cell], changes: Sequence[Change]
) -> dict[tuple[str, str], set[str]]:
    """Per (bachelor, master) pair of the new catalogue that a change may reach: the changes.

    A pair is affected by a changed programme that is one of its two, or a minor its route
    tried (its status is later than electives; open to its bachelor); by a changed course the
    bachelor takes (any track), on its route or its graduate's, in a minor it tried, or in one of
    its pools (the electives and the pre-master, which a graduate's route reads, when its route
    got past direct) whose outcomes
    and areas — its own, and those of every pool course it helps into — meet an unmet
    requirement of the pair; by a course that entered or left the courses a bachelor student
    can take (a programme listing it changed) likewise; by a changed outcome the master names,
    or one a changed course teaches; and by any change of a calendar (every pair). Pairs of a
    new programme are always affected.
    """
    olds, news = _Side(old), _Side(new)
    by_pair = {(c.bachelor, c.master): c for c in before}
    result: dict[tuple[str, str], set[str]] = {}
    new_pairs = pairs(new)

    def mark(pair: tuple[str, str], cause: Change | str) -> None:
        result.setdefault(pair, set()).add(str(cause))

    if any(c.kind == "calendar" for c in changes):
        for pair in new_pairs:
            for c in changes:
                if c.kind == "calendar":
                    mark(pair, c)
        return result
    # courses whose data (or whose place among bachelor-level courses) changed, with the cause
    courses: dict[str, set[str]] = {}
    level_flips = old.bachelor_level ^ new.bachelor_level
    programmes = [c for c in changes if c.kind == "programme"]
    for change in changes:
        if change.kind == "course":
            courses.setdefault(change.code, set()).add(str(change))
        elif change.kind == "outcome":
            for cat in (old, new):
                for code, _ in cat.teachers.get(change.code, ()):
                    courses.setdefault(code, set()).add(str(change))
    for code in level_flips:
        for change in programmes:
            p_old, p_new = old.programmes.get(change.code), new.programmes.get(change.code)
            if any(code in getattr(p, "courses", ()) for p in (p_old, p_new) if p is not None) or (
                any(
                    code in t.courses
                    for p in (p_old, p_new)
                    if isinstance(p, Bachelor)
                    for t in p.tracks
                )
            ):
                courses.setdefault(code, set()).add(str(change))
        courses.setdefault(code, set())
    ects_only = {
        code
        for code, causes in courses.items()
        if causes == {str(Change("course", code, "changed"))} and _ects_only(old, new, code)
    }
    changed_outcomes = {c.code: str(c) for c in changes if c.kind == "outcome"}
    changed_programmes = {c.code: str(c) for c in programmes}
    reads_cache: dict[tuple[str, str, Any], tuple[set[str], set[str]]] = {}

    def reads(code: str, pool_key: Any, pools: tuple) -> tuple[set[str], set[str]]:
        key = (code, repr(pool_key), None)
        if key not in reads_cache:
            outcomes: set[str] = set()
            areas: set[str] = set()
            for side, in_pool in zip((olds, news), pools, strict=True):
                if in_pool is not None and in_pool(code):
                    o, a = side.reads(code, in_pool)
                    outcomes |= o
                    areas |= a
            reads_cache[key] = (outcomes, areas)
        return reads_cache[key]

    pool_cache: dict[Any, tuple] = {}
    windows: dict[tuple[str, str | None], tuple[Window, frozenset[str]] | None] = {}

    def area_delta(area: str, helpers: frozenset[str]) -> float:
        """The EC the changes add to ``helpers`` in ``area``."""
        return sum(
            new.course_areas[c].get(area, 0.0) - old.course_areas[c].get(area, 0.0)
            for c in ects_only & helpers
        )

    def stage(kind: str, code: str) -> tuple[tuple[str, str], tuple]:
        """The pool ``kind`` of programme ``code`` in either catalogue, with its key."""
        key = (kind, code)
        if key not in pool_cache:
            pool_cache[key] = tuple(side.pool(kind, code) for side in (olds, news))
        return key, pool_cache[key]

    for b, m in new_pairs:
        deadline.check()
        cell = by_pair.get((b, m))
        if cell is None or b not in old.programmes or m not in old.programmes:
            mark((b, m), changed_programmes.get(b) or changed_programmes.get(m) or NEW_PAIR)
            continue
        for code in (b, m):
            if code in changed_programmes:
                mark((b, m), changed_programmes[code])
        bachelor, master = old.bachelor(b), old.master(m)
        named_outcomes, _ = named(master.requires)
        for o in named_outcomes & changed_outcomes.keys():
            mark((b, m), changed_outcomes[o])
        if not courses and not programmes:
            continue
        taken_all = {c for t in (None, *bachelor.track_names) for c in bachelor.courses_of(t)}
        tracks = (
            [(t.track, t.status, t.codes) for t in cell.tracks]
            if cell.tracks
            else [(cell.track, cell.status, cell.codes)]
        )
        statuses = {s for _, s, _ in tracks}
        route_codes = {c for _, _, codes in tracks for c in codes}
        if cell.graduate is not None:  # a graduate's route (pre-master) is read too
            route_codes |= {c for t in cell.graduate.tracks for c in t.codes}
            route_codes |= set(cell.graduate.codes)
        past_minor = bool(statuses - set(_BEFORE_MINOR))
        minors = []
        if past_minor:
            minors = olds.open_minors(bachelor.institution) + news.open_minors(bachelor.institution)
            for minor in minors:
                if minor.code in changed_programmes:
                    mark((b, m), changed_programmes[minor.code])
        minor_courses = {c for minor in minors for c in minor.courses}
        stages_of = []  # per track past direct: what its unmet requirements name, its pools
        for track, status, _ in tracks:
            if status in _BEFORE_ELECTIVES:
                continue
            needs = named(gap(master, attainment(old, bachelor.courses_of(track))).unmet)
            stages = []
            if bachelor.electives > 0:
                stages.append(stage("electives", b))
            stages.append(stage("premaster", m))  # a graduate's route past direct reads it
            stages_of.append((needs, stages))
        past_direct = [track for track, status, _ in tracks if status not in _BEFORE_ELECTIVES]
        stages_read: dict[str | None, list[_Stage]] = {}  # per track, when first asked
        recorded = cell.ects_reads  # what the routes read of EC, when the old scan recorded it
        if recorded is not None and recorded.token != old.token:
            recorded = None
        for code, causes in courses.items():
            hit = code in taken_all or code in route_codes or code in minor_courses
            direct_hit = hit
            if not hit:
                hit = any(
                    o & needs_o or a & needs_a
                    for (needs_o, needs_a), stages in stages_of
                    for pool_key, pools in stages
                    for o, a in [reads(code, pool_key, pools)]
                )
            if hit and code in ects_only and not direct_hit:
                if recorded is not None:
                    hit = (
                        code in recorded.read
                        or recorded.crosses(code, area_delta)
                        or recorded.moves_bound(code, half_ects(new))
                        or recorded.reopens(
                            code, half_ects(old), half_ects(new), old.course_areas[code]
                        )
                        or any(
                            _leaves_window(old, new, code, bachelor, track, windows)
                            for track in past_direct
                        )
                    )
                else:
                    hit = any(
                        _reads_ects(old, new, code, stage)
                        for track in past_direct
                        for stage in _stages(new, bachelor, master, track, stages_read)
                    )
            if hit:
                for cause in causes or {f"course {code} changed"}:
                    mark((b, m), cause)
    return result


def _ects_only(old: Catalogue, new: Catalogue, code: str) -> bool:
    """Whether a course changed only in its EC (and their split over areas), in the same
    institution and areas: then only an answer that read its EC can change."""
    a, b = old.courses.get(code), new.courses.get(code)
    if a is None or b is None or old.institution_of[code] != new.institution_of[code]:
        return False
    same = a.model_copy(update={"ects": b.ects, "areas": b.areas}) == b
    return same and old.course_areas[code].keys() == new.course_areas[code].keys()


@dataclass(frozen=True)
class _Stage:
    """One bridging stage a cell's route ran (the electives or the pre-master) as the scan
    runs it: the shared pool context, the unmet requirements, the cap and the ceiling."""

    context: PoolContext
    unmet: tuple[Requirement, ...]
    limit: float
    over: float | None
    window: Window | None = None  # the study window the electives pool is drawn from
    pool: frozenset[str] = frozenset()  # the electives pool before the window (whole units)


def _stages(
    catalogue: Catalogue,
    bachelor: Bachelor,
    master: Master,
    track: str | None,
    cache: dict[str | None, list[_Stage]],
) -> list[_Stage]:
    """The bridging stages of a pair's track past direct, with the scan's pool contexts
    (:func:`articulation.solving.route.decide_both`: electives in the study window, when the
    bachelor has an elective space, and the pre-master within its cap, or its ceiling);
    remembered per track in ``cache``."""
    if track in cache:
        return cache[track]
    taken = frozenset(bachelor.courses_of(track))
    unmet = gap(master, attainment(catalogue, taken)).unmet
    found: list[_Stage] = []
    pools: list[tuple[Candidates, float, float | None, Window | None, frozenset[str]]] = []
    if bachelor.electives > 0:
        window = study_window(catalogue, bachelor)
        electives = frozenset(elective_candidates(catalogue, bachelor, track).codes)
        in_window = window_candidates(catalogue, bachelor, track)
        pools.append((in_window, bachelor.electives, None, window, electives))
    limit, ceiling = master.premaster.max_ects, master.premaster.ceiling
    over = ceiling if ceiling is not None and ceiling > limit else None
    pools.append((premaster_candidates(catalogue, master, taken), limit, over, None, frozenset()))
    for candidates, cap, beyond, window, pool in pools:
        context = pool_context(
            catalogue,
            candidates.codes,
            taken,
            key=candidates.key,
            whole_units=candidates.whole_units,
        )
        found.append(_Stage(context, unmet, cap, beyond, window, pool))
    cache[track] = found
    return found


def _leaves_window(
    old: Catalogue,
    new: Catalogue,
    code: str,
    bachelor: Bachelor,
    track: str | None,
    cache: dict[tuple[str, str | None], tuple[Window, frozenset[str]] | None],
) -> bool:
    """Whether ``code``, in the elective pool of the bachelor's track, can be placed in its study
    window in one catalogue and not in the other (its EC decide that: :func:`_reads_ects`)."""
    key = (bachelor.code, track)
    if key not in cache:
        cache[key] = None
        if bachelor.electives > 0:
            pool = frozenset(elective_candidates(new, bachelor, track).codes)
            cache[key] = (study_window(new, bachelor), pool)
    found = cache[key]
    if found is None or code not in found[1]:
        return False
    window = found[0]
    return offered_in(old, code, window) != offered_in(new, code, window)


def _reads_ects(old: Catalogue, new: Catalogue, code: str, stage: _Stage) -> bool:
    """Whether a stage's answer can read the EC of ``code`` (changed in nothing else, so the
    pool context is the same in both catalogues): it does when the course is a candidate of the
    pruned problem that is solved, or helps an item whose helpers the bound reads, or moves an
    area total that decides whether a requirement can be met across its threshold. A stage
    settled before pruning (an unmeetable requirement, or the bound above the cap and the
    ceiling; :func:`articulation.solving.bridging.bridge_gap`) reads none of these. The EC
    also decide whether the course can be placed in the study window at all (the electives
    pool): a change of that reaches the stage."""
    context, unmet = stage.context, stage.unmet
    if (
        stage.window is not None
        and code in stage.pool
        and offered_in(old, code, stage.window) != offered_in(new, code, stage.window)
    ):
        return True  # whether it can be placed in the study window on its own reads its EC
    if code not in context.reachable:
        return False
    helped = [item for item in unmet if code in context.helpers(item)]
    if not helped and code not in prune(context, unmet).candidates:
        return False
    credits = ChainMap({code: old.course_areas[code]}, new.course_areas)
    impossible = [item for item in unmet if not context.meetable(item)]
    if impossible != [item for item in unmet if not context.meetable(item, credits)]:
        return True
    if impossible:
        return False
    if any(type(item) is not AreaRequirement for item in helped):
        return True  # the bound reads the EC of every helper of such an item
    bound = lower_bound_half_ects(context, unmet)
    if bound <= half_floor(stage.limit):
        return True
    return stage.over is not None and bound <= half_floor(stage.over)


def carry_over(old: Catalogue, new: Catalogue, changes: Sequence[Change]) -> None:
    """Give the edited catalogue what the old one derived that the changes cannot touch, so
    the recomputed cells do not derive it again: where each course can be placed
    (:data:`~articulation.support.memo.OFFERED`, :data:`~articulation.support.memo.OPTIONS`:
    they read only the course and the calendars) for every course not changed, unless a
    calendar changed; and, when only courses' EC changed, the catalogue-wide support indexes
    and the courses per institution (they read prerequisites, teaches and institutions), the
    bachelors' elective pools (and their parts in the study window that no changed course
    enters or leaves), the pre-master pools' contexts of passed courses not changed, and the
    proven optima without timing whose candidates are not changed (their model reads only the
    candidates)."""
    if any(c.kind == "calendar" for c in changes):
        return
    changed = {c.code for c in changes if c.kind == "course"}
    for space in (memo.OFFERED, memo.OPTIONS):
        for key, value in list(old.memo.get(space.name, {}).items()):
            if key[0] not in changed:
                new.remember(space, key, value)
    if not all(
        c.kind == "course" and c.action == "changed" and _ects_only(old, new, c.code)
        for c in changes
    ):
        return
    for name in ("support", "circular"):
        index = old.recall(memo.INDEXES, name)
        if index is not None:
            new.remember(memo.INDEXES, name, index)
    for key, value in list(old.memo.get(memo.ELIGIBLE.name, {}).items()):
        new.remember(memo.ELIGIBLE, key, value)
    # a bachelor's elective pool reads no EC; the part of it in the study window reads whether
    # each course can be placed there, which a changed course's EC may move
    pools = old.memo.get(memo.ELECTIVE_POOLS.name, {})
    for key, value in list(pools.items()):
        if len(key) == 3:  # (bachelor, track, "window")
            whole = pools.get(key[:2])
            if whole is None or key[0] not in new.programmes:
                continue
            moved = changed.intersection(whole.codes)
            if moved:
                window = study_window(new, new.bachelor(key[0]))
                if any(offered_in(old, c, window) != offered_in(new, c, window) for c in moved):
                    continue
        new.remember(memo.ELECTIVE_POOLS, key, value)
    # a pre-master pool's context reads the passed courses' attainment, prerequisites and
    # teaches, never EC: the same in the edited catalogue unless a changed course was passed
    for key, context in list(old.memo.get(memo.POOL_CONTEXTS.name, {}).items()):
        done, pool_key, _ = key
        kind = pool_key[:1] if isinstance(pool_key, tuple) else ()
        if kind in (("premaster",), ("premaster list",)) and changed.isdisjoint(done):
            helpers = dict(context._helpers)  # the same helpers: they do not read EC
            new.remember(memo.POOL_CONTEXTS, key, replace(context, catalogue=new, _helpers=helpers))
    # a proven optimum without timing whose candidates are unchanged reads nothing changed
    for key, solution in list(old.memo.get(memo.SOLVES.name, {}).items()):
        if key[-2] is None and changed.isdisjoint(key[1]):
            new.remember(memo.SOLVES, key, solution)


# --- diff and what-if -------------------------------------------------------------------------


def _grades_hold(old: Catalogue, new: Catalogue, changes: Sequence[Change]) -> set[str] | None:
    """When every change is a course's EC alone (:func:`_ects_only`), the changed courses: a
    provenance grade (:mod:`articulation.answers.grade`) then reads none of them unless the
    bachelor passed one (the gap's attained EC), so a recomputed cell of a pair that passed none
    keeps its old grade for a route of the same status, courses and minor. Otherwise None."""
    if not changes or not all(
        c.kind == "course" and c.action == "changed" and _ects_only(old, new, c.code)
        for c in changes
    ):
        return None
    return {c.code for c in changes}


def _taken_any_track(bachelor: Bachelor) -> set[str]:
    """The courses a bachelor's students pass, on any of its tracks."""
    return {c for t in (None, *bachelor.track_names) for c in bachelor.courses_of(t)}


def base_scan(catalogue: Catalogue) -> tuple[Cell, ...]:
    """The full scan of a catalogue snapshot, computed once per snapshot (only when every cell
    is proven: a scan cut short by a deadline is not kept)."""
    key = ("scan", deadline.limit())
    found = catalogue.recall(memo.SCANS, key)
    if found is not None:
        return found
    cells = tuple(scan(catalogue))
    if all(c.optimal and c.status != "unknown" for c in cells):
        catalogue.remember(memo.SCANS, key, cells)
    return cells


def diff(
    old: Catalogue,
    new: Catalogue,
    *,
    before: Sequence[Cell] | None = None,
    changes: Sequence[Change] | None = None,
) -> Diff:
    """The cells of ``new`` whose status, EC, route, track or plan finish differ from ``old``'s,
    each with the changes it reads; only the affected cells are computed again."""
    if before is None:
        before = base_scan(old)
    if changes is None:
        changes = changes_between(old, new)
    carry_over(old, new, changes)
    reach = affected(old, new, before, changes)
    old_cells = {(c.bachelor, c.master): c for c in before}
    after: list[Cell] = []
    changed: list[CellChange] = []
    said: dict[str, Message] = {}

    def told(causes: Iterable[str]) -> list[Message]:
        """The causes as messages (each said once: a changed entity names its fields)."""
        for cause in causes:
            if cause not in said:
                said[cause] = cause_message(cause, old, new)
        return [said[cause] for cause in causes]

    graded = _grades_hold(old, new, changes)
    for b, m in pairs(new):
        deadline.check()  # within the what-if's deadline, between its cells
        causes = reach.get((b, m))
        if causes is None:
            cell = old_cells[(b, m)]
        else:
            bachelor = new.bachelor(b)
            previous = old_cells.get((b, m)) if graded is not None else None
            if previous is not None and not graded.isdisjoint(_taken_any_track(bachelor)):
                previous = None
            cell = assess(new, bachelor, new.master(m), previous=previous)
        after.append(cell)
        previous = old_cells.get((b, m))
        if _outcome(previous) != _outcome(cell):
            found = tuple(sorted(causes or ()))
            asks = (asked(old, m), asked(new, m))
            why = change_reasons(previous, cell, told(found), asks)
            changed.append(CellChange(b, m, previous, cell, found, why))
    new_keys = {(c.bachelor, c.master) for c in after}
    for key, cell in sorted(old_cells.items()):
        if key not in new_keys:
            found = tuple(sorted(str(c) for c in changes if c.code in key))
            why = change_reasons(cell, None, told(found))
            changed.append(CellChange(*key, cell, None, found, why))
    changed.sort(key=lambda c: (c.bachelor, c.master))
    return Diff(
        changed=tuple(changed),
        changes=tuple(changes),
        recomputed=len(reach),
        cells=len(after),
        before=tuple(before),
        after=tuple(after),
    )


@dataclass(frozen=True)
class Edit:
    """A proposed catalogue edit: a course (with its institution) or a programme to create,
    update or delete (for a delete only ``code`` counts). ``action`` is an
    :class:`~articulation.curriculum.edits.EditAction` or a word for one (``add``, ``change``,
    ``remove`` are synonyms).

    The new version is ``item`` (the whole course or programme), or ``patch``: a JSON Merge
    Patch (RFC 7396, :mod:`articulation.curriculum.patch`) of the document as the earlier edits
    left it — the fields to change, ``None`` to remove one; for a create, the whole document."""

    action: EditAction
    entity: EditEntity
    code: str
    item: Course | Programme | None = None
    institution: str | None = None
    patch: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "action", edit_action(self.action))


class EditError(ValueError):
    """Proposed edits that cannot be applied: per problem the edit's index, the field's path
    within it and the message."""

    def __init__(self, problems: Sequence[tuple[int, list[str | int], str]]):
        self.problems = list(problems)
        super().__init__(
            "; ".join(
                f"edit {i}: " + (f"{'.'.join(map(str, path))}: " if path else "") + msg
                for i, path, msg in self.problems
            )
        )


def apply_edits(catalogue: Catalogue, edits: Sequence[Edit]) -> Catalogue:
    """A copy of the catalogue with the edits applied, validated as the API validates an edit
    (:func:`articulation.curriculum.crosscheck.check_parts`); :class:`EditError` names each
    problem's edit and field, and nothing is applied."""
    outcomes = list(catalogue.outcomes.values())
    courses = {c: (catalogue.institution_of[c], course) for c, course in catalogue.courses.items()}
    programmes: dict[str, Programme] = dict(catalogue.programmes)
    problems: list[tuple[int, list[str | int], str]] = []
    owner: dict[str, int] = {}
    for i, edit in enumerate(edits):
        store: dict = courses if edit.entity == "course" else programmes
        exists = edit.code in store
        spec = ACTIONS[edit.action]
        if edit.item is not None and edit.item.code != edit.code:
            problems.append((i, ["code"], f"must equal the edit's code ({edit.code!r})"))
            continue
        if not spec.existing and exists:
            problems.append((i, ["code"], f"{edit.entity} {edit.code!r} exists already"))
            continue
        if spec.existing and not exists:
            problems.append((i, ["code"], unknown(edit.entity, edit.code, store)))
            continue
        if not spec.document:
            del store[edit.code]
        elif edit.patch is not None:
            current = store.get(edit.code) if spec.existing else None
            try:
                if edit.entity == "course":
                    store[edit.code] = patched_course(current, edit.patch, code=edit.code)
                else:
                    store[edit.code] = patched_programme(current, edit.patch, code=edit.code)
            except PatchError as exc:
                problems.extend((i, path, msg) for path, msg in exc.problems)
                continue
        elif edit.item is None:
            problems.append((i, [edit.entity], f"the {edit.entity} to {edit.action} is missing"))
            continue
        elif edit.entity == "course":
            store[edit.code] = (edit.institution or courses.get(edit.code, ("",))[0], edit.item)
        else:
            store[edit.code] = edit.item
        owner[f"{edit.entity} {edit.code}"] = i
    if not problems:
        last = len(edits) - 1
        for problem in check_parts(
            outcomes, list(courses.values()), list(programmes.values()), catalogue.calendars
        ):
            index = owner.get(problem.file)
            if index is None:
                text = f"{problem.file}: {problem.path}: " if problem.path else f"{problem.file}: "
                problems.append((last, [], f"would make {text}{problem.message}"))
            else:
                problems.append((index, split_path(problem.path), problem.message))
    if problems:
        raise EditError(problems)
    return Catalogue.build(
        outcomes, list(courses.values()), list(programmes.values()), catalogue.calendars
    )


def what_if(
    catalogue: Catalogue,
    edits: Sequence[Edit],
    *,
    before: Sequence[Cell] | None = None,
) -> Diff:
    """The diff of proposed edits against the catalogue: applied to a copy, never stored, and
    only the cells an edit can reach computed again."""
    new = apply_edits(catalogue, edits)
    changes = changes_between(catalogue, new, {e.code for e in edits})
    return diff(catalogue, new, before=before, changes=changes)
