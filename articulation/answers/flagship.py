"""The flagship question: can a bachelor's flexible space open each of a list of masters?

The universities' plan asks that Creative Technology graduates enter 15 Twente masters
*seamlessly, by smart use of the flexible space*. Each student enters one master, so the answer
is per master and for the programme:

1. **Per master**: seamless when it is direct, or when a package of whole, electable courses (the
   bachelor's elective pool, :func:`~articulation.solving.pool.elective_candidates`) within the
   flexible space (``budget``, default the bachelor's elective EC) closes its gap and can be
   planned in the minor semester. The package is the smallest that can be so planned (EC, then
   courses, then code order), proven; when it exceeds the budget, the EC beyond it
   (``beyond_budget_ects``); when no elective course meets a requirement, those requirements.
2. **Packages to offer**: the fewest distinct packages, each within the budget and plannable in
   the minor semester, such that every seamless master (past the direct ones) is opened by one;
   then the fewest distinct courses over all packages. One CP-SAT model: a slot per possible
   package with a Boolean per course, each master assigned to a slot whose courses close its gap
   (the cover constraints of :class:`~articulation.solving.cover.CoverModel` per slot).
3. **The curve**: for flexible spaces of 0 to 90 EC, with the window (the minor semester) and
   without it (any period of the final year), how many masters are seamless and how many
   packages that takes.
4. **What stands in the way** of each master that stays closed: the requirements no elective
   course can meet, and the bachelor's core courses that would meet them if they taught those
   outcomes, as the patch ``POST /v1/whatif`` takes.

Everything runs under the deadline (:mod:`articulation.support.deadline`); an answer cut short
says ``optimal: false`` and keeps the best found. Deterministic: one worker, a fixed seed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from articulation.answers.grade import grade
from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.credits import half_floor
from articulation.curriculum.model import (
    AnyOf,
    AtLeast,
    Bachelor,
    Master,
    OutcomeAt,
    Requirement,
)
from articulation.curriculum.patch import patched_course
from articulation.messages.message import Message
from articulation.solving.cover import CoverModel, order_courses
from articulation.solving.gap import Gap, attainment, gap, holds
from articulation.solving.planning.options import DEFAULT_LOAD, LOAD_WEEKS, offered_in
from articulation.solving.planning.solver import plan_courses
from articulation.solving.planning.timing import add_window_timing
from articulation.solving.planning.windows import Window, study_window
from articulation.solving.pool import Problem, elective_candidates, pool_context, prune
from articulation.solving.route import decide, direct

#: The flexible spaces of the curve, in EC.
CURVE_BUDGETS = (0, 15, 30, 45, 60, 75, 90)
#: The largest budget a request may ask for (a bachelor's whole length).
MAX_BUDGET = 180.0


#: The default list of masters, in a curricula directory.
DEFAULT_LIST = "flagship-masters.txt"


class FlagshipInputError(ValueError):
    """A request the flagship answer cannot take (an empty list, a budget out of range); the
    message names the value and what is allowed."""


def check_budget(budget: float | None) -> None:
    """A budget is above 0 and at most :data:`MAX_BUDGET` EC."""
    if budget is not None and not 0 < budget <= MAX_BUDGET:
        raise FlagshipInputError(
            f"budget {budget:g} EC is out of range: allowed above 0 up to {MAX_BUDGET:g} EC"
        )


def parse_masters_list(text: str) -> tuple[list[str], str]:
    """The master codes of a list (one per line, ``#`` comments) and whether the list is
    ``sourced`` (a comment line ``# source: URL``) or ``illustrative``.

    >>> parse_masters_list("# source: https://example.org")[1], parse_masters_list("UT-M-X  # x")
    ('sourced', (['UT-M-X'], 'illustrative'))
    """
    codes, source = [], "illustrative"
    for line in text.splitlines():
        code, _, comment = line.partition("#")
        if comment.strip().lower().startswith("source:") and not code.strip():
            source = "sourced"
        if code.strip():
            codes.append(code.strip())
    return codes, source


@dataclass(frozen=True)
class Package:
    """A set of whole elective courses and its EC."""

    courses: tuple[str, ...]
    total_ects: float

    def to_json(self) -> dict[str, Any]:
        return {"courses": list(self.courses), "total_ects": self.total_ects}


@dataclass(frozen=True)
class Smallest:
    """A master's smallest package: ``status`` optimal | feasible (cut by the deadline) |
    infeasible (none) | unknown; ``unmet`` the requirements no course of the pool meets."""

    status: str
    package: Package | None = None
    unmet: tuple[str, ...] = ()


@dataclass
class Setting:
    """What one answer reads: the bachelor, what it has passed, the pool and its window."""

    catalogue: Catalogue
    bachelor: Bachelor
    taken: frozenset[str]
    window: Window
    pool: tuple[str, ...]
    timed: bool = True
    cache: dict[Any, Smallest] = field(default_factory=dict)


def semester_ects(catalogue: Catalogue, window: Window) -> float:
    """The EC ``window`` holds at the planning load (15 EC per 10 teaching weeks)."""
    weeks = 0
    for _, inst, name in window.slots:
        weeks += catalogue.calendar(inst).period(name).weeks
    return weeks * DEFAULT_LOAD / LOAD_WEEKS


def final_year(catalogue: Catalogue, window: Window) -> Window:
    """Every period of the year (and institutions) of ``window``: the final year."""
    slots = set()
    for year, inst, _ in window.slots:
        for period in catalogue.calendar(inst).periods:
            slots.add((year, inst, period.name))
    return Window(frozenset(slots))


def setting(
    catalogue: Catalogue, bachelor: Bachelor, *, window: bool = True, timed: bool = True
) -> Setting:
    """The elective pool that can be taken in the minor semester (``window``), or in any period
    of the final year; ``timed=False`` leaves the calendar out altogether (the course choice
    alone, as the oracle tests check it)."""
    semester = study_window(catalogue, bachelor)
    span = semester if window else final_year(catalogue, semester)
    pool = elective_candidates(catalogue, bachelor).codes
    if timed:
        pool = tuple(c for c in pool if offered_in(catalogue, c, span))
    taken = frozenset(bachelor.courses_of(None))
    return Setting(catalogue, bachelor, taken, span, tuple(pool), timed)


def _problem(s: Setting, unmet: Sequence[Requirement]) -> Problem:
    context = pool_context(s.catalogue, s.pool, s.taken, whole_units=True)
    return prune(context, list(unmet))


def smallest_package(s: Setting, master: Master, the_gap: Gap) -> Smallest:
    """The smallest package of the pool that closes ``the_gap`` and can be planned in the
    window, proven: by EC, then courses, then the code order."""
    key = master.code
    if key in s.cache:
        return s.cache[key]
    problem = _problem(s, the_gap.unmet)
    cover = CoverModel(problem, rank=s.catalogue.course_rank)
    unmet = []
    for item in the_gap.unmet:
        lit = cover.requirement(item)
        if lit is None:
            unmet.append(str(item))
        elif lit is not True:
            cover.model.add(lit == 1)
    if unmet:
        found = Smallest("infeasible", unmet=tuple(unmet))
    else:
        cover.add_prerequisites()
        cover.add_units()
        if s.timed:
            add_window_timing(cover.model, s.catalogue, cover.x, s.taken, s.window)
        objective, _, _ = cover.size_objective()
        cover.model.minimize(objective)
        solution, _ = cover.solve()
        if solution.status in ("optimal", "feasible"):
            codes = tuple(order_courses(problem, solution.chosen))
            total = float(sum(s.catalogue.courses[c].ects for c in codes))
            found = Smallest(solution.status, Package(codes, total))
        else:
            found = Smallest(solution.status)
    s.cache[key] = found
    return found


@dataclass(frozen=True)
class Offer:
    """The packages to offer: each with the masters it must open; ``optimal`` when proven."""

    packages: tuple[Package, ...]
    assigned: tuple[tuple[str, ...], ...]
    optimal: bool


def fewest_packages(
    s: Setting, gaps: dict[str, Gap], budget: float, own: dict[str, Package] | None = None
) -> Offer:
    """The fewest distinct packages, each within ``budget`` and plannable in the window, such
    that every master of ``gaps`` is opened by one; then the fewest distinct courses; then the
    fewest distinct EC, the fewest course places over the packages and the code order.

    One model: a slot per master at most, each with a Boolean per course (the pool pruned to the
    masters' unmet requirements) and the cover constraints of its own; master *i* (in code order)
    goes to one slot among the first *i* + 1; used slots come first.
    """
    codes = sorted(gaps)
    if not codes:
        return Offer((), (), True)
    unmet: dict[str, Requirement] = {}
    for code in codes:
        for item in gaps[code].unmet:
            unmet.setdefault(str(item), item)
    problem = _problem(s, list(unmet.values()))
    first = CoverModel(problem)
    model = first.model
    slots = len(codes)
    # each master's own smallest package (``own``) is a solution: as many slots as they are
    # distinct suffice, and the search starts from it
    start: list[tuple[str, ...]] = []
    if own and all(c in own for c in codes):
        for c in codes:
            if own[c].courses not in start:
                start.append(own[c].courses)
        slots = min(slots, len(start))
    covers = [first] + [CoverModel(problem, model=model) for _ in range(slots - 1)]
    used = [model.new_bool_var(f"slot {k}") for k in range(slots)]
    assign: dict[tuple[str, int], Any] = {}
    for i, code in enumerate(codes):
        options = []
        for k in range(min(i + 1, slots)):
            a = model.new_bool_var(f"{code} in {k}")
            assign[code, k] = a
            options.append(a)
            model.add_implication(a, used[k])
            for item in gaps[code].unmet:
                lit = covers[k].requirement(item)
                if lit is None:
                    model.add(a == 0)
                elif lit is not True:
                    model.add_implication(a, lit)
        model.add_exactly_one(options)
    cap = half_floor(budget)
    for k, cover in enumerate(covers):
        cover.add_prerequisites()
        cover.add_units()
        model.add(cover.total_half_ects() <= cap)
        for c in cover.codes:
            model.add_implication(cover.x[c], used[k])
        if s.timed:
            add_window_timing(model, s.catalogue, cover.x, s.taken, s.window)
    for k in range(slots - 1):
        model.add(used[k] >= used[k + 1])
    for i, code in enumerate(codes):  # slots in the order of their first master (in code order)
        for k in range(1, min(i + 1, slots)):
            earlier = [assign[c, k - 1] for c in codes[:i] if (c, k - 1) in assign]
            model.add_bool_or(earlier).only_enforce_if(assign[code, k])
    pool = problem.candidates
    distinct = {c: model.new_bool_var(f"offer {c}") for c in pool}
    for c in pool:
        for cover in covers:
            model.add_implication(cover.x[c], distinct[c])
    half = first.half
    rank = {c: i for i, c in enumerate(pool)}
    w_places = sum(rank.values()) + 1
    w_ects = w_places * (slots * len(pool) + 1)
    if len(start) == slots:
        for k, courses in enumerate(start):
            model.add_hint(used[k], True)
            for c in covers[k].codes:
                model.add_hint(covers[k].x[c], c in courses)
        for code in codes:
            for k in range(slots):
                if (code, k) in assign:
                    model.add_hint(assign[code, k], start.index(own[code].courses) == k)
    # lexicographic, in stages of the one model: the fewest packages (a small objective
    # proves fast), then with that fixed the fewest distinct courses, then the rest
    every = [
        *used,
        *assign.values(),
        *distinct.values(),
        *(v for c in covers for v in c.x.values()),
    ]
    stages = [
        sum(used),
        sum(distinct.values()),
        sum((w_ects * half[c] + rank[c]) * distinct[c] for c in pool)
        + w_places * sum(cover.x[c] for cover in covers for c in pool),
    ]
    solution, solver, proven = None, None, True
    for objective in stages:
        model.minimize(objective)
        found, stage_solver = first.solve(presolve=True)
        if found.status not in ("optimal", "feasible"):
            proven = False
            break
        solution, solver = found, stage_solver
        _hint(model, solver, every)
        if found.status != "optimal":
            proven = False
            break
        model.add(objective == round(solver.objective_value))
    if solution is None:
        return Offer((), (), False)
    packages, assigned = [], []
    for k, cover in enumerate(covers):
        if not solver.boolean_value(used[k]):
            continue
        chosen = [c for c in pool if solver.boolean_value(cover.x[c])]
        ordered = tuple(order_courses(problem, chosen))
        total = float(sum(s.catalogue.courses[c].ects for c in ordered))
        packages.append(Package(ordered, total))
        assigned.append(tuple(c for c in codes if solver.boolean_value(assign.get((c, k), False))))
    order = sorted(range(len(packages)), key=lambda i: (assigned[i], packages[i].courses))
    return Offer(
        tuple(packages[i] for i in order),
        tuple(assigned[i] for i in order),
        proven,
    )


def _hint(model: Any, solver: Any, variables: Sequence[Any]) -> None:
    """Start the next stage from the solution found."""
    model.clear_hints()
    for v in variables:
        model.add_hint(v, solver.boolean_value(v))


def _opens(s: Setting, package: Package, masters: Sequence[Master]) -> list[str]:
    after = attainment(s.catalogue, s.taken | set(package.courses))
    return [m.code for m in masters if all(holds(item, after) for item in m.requires)]


def _outcomes(text_items: Sequence[Requirement]) -> list[OutcomeAt]:
    """The outcome items a core course could teach: an outcome, an alternative's first, the
    first k members of an ``at_least`` item."""
    return [found for item in text_items for found in _teachable(item)]


def _teachable(item: Requirement) -> list[OutcomeAt]:
    if isinstance(item, OutcomeAt):
        return [item]
    if isinstance(item, AnyOf | AtLeast):
        members = [alt for alt in item.members if isinstance(alt, OutcomeAt | AnyOf | AtLeast)]
        return [found for alt in members[: item.needed] for found in _teachable(alt)]
    return []


def core_patch(s: Setting, items: Sequence[Requirement]) -> dict[str, Any] | None:
    """The what-if patch (``POST /v1/whatif``) in which the bachelor's core courses teach the
    outcomes of ``items``: per outcome, the core course that teaches it already (highest level
    first), else the one that teaches most outcomes of its area, then by code. Each edit is a
    JSON Merge Patch of its course: the outcomes it would teach, or teach at a higher level."""
    catalogue = s.catalogue
    core = sorted(set(s.bachelor.courses) & set(catalogue.courses))
    if not core:
        return None
    teaches: dict[str, dict[str, int]] = {}
    for item in _outcomes(items):
        area = catalogue.outcomes[item.outcome].area if item.outcome in catalogue.outcomes else None

        def fit(code: str, outcome: str = item.outcome, area: str | None = area) -> tuple:
            taught = catalogue.courses[code].teaches
            same = sum(
                1 for o in taught if o in catalogue.outcomes and catalogue.outcomes[o].area == area
            )
            return (-taught.get(outcome, 0), -same, code)

        best = min(core, key=fit)
        levels = teaches.setdefault(best, dict(catalogue.courses[best].teaches))
        levels[item.outcome] = max(levels.get(item.outcome, 0), item.level)
    if not teaches:
        return None
    edits = []
    for code in sorted(teaches):
        taught = catalogue.courses[code].teaches
        raised = {
            o: int(level) for o, level in sorted(teaches[code].items()) if taught.get(o) != level
        }
        edits.append({"action": "change", "course": {"code": code, "teaches": raised}})
    return {"edits": edits}


def patched_seamless(
    s: Setting, master: Master, patch: dict[str, Any], budget: float, window: bool
) -> bool:
    """Whether ``master`` is seamless once the core courses teach what ``patch`` says: the
    catalogue rebuilt with the patched courses, the master's smallest package found again."""
    catalogue = s.catalogue
    located = {c: (catalogue.institution_of[c], course) for c, course in catalogue.courses.items()}
    for edit in patch["edits"]:
        code = edit["course"]["code"]
        located[code] = patched_course(located[code], edit["course"], code=code)
    courses = list(located.values())
    rebuilt = Catalogue.build(
        catalogue.outcomes.values(), courses, catalogue.programmes.values(), catalogue.calendars
    )
    after = setting(rebuilt, rebuilt.bachelor(s.bachelor.code), window=window, timed=s.timed)
    the_gap = gap(master, attainment(rebuilt, after.taken))
    if direct(master, the_gap, s.bachelor.code):
        return True
    found = smallest_package(after, master, the_gap)
    return found.package is not None and found.package.total_ects <= budget


def _seamless_at(smallest: dict[str, Smallest], direct_codes: set[str], budget: float) -> set[str]:
    return {
        code
        for code, found in smallest.items()
        if found.package is not None and found.package.total_ects <= budget
    } | direct_codes


@dataclass(frozen=True)
class Flagship:
    """The answer, as its JSON contract (:meth:`to_json`)."""

    data: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return self.data


def flagship(
    catalogue: Catalogue,
    bachelor_code: str,
    master_codes: Sequence[str],
    *,
    budget: float | None = None,
    window: bool = True,
    masters_source: str = "illustrative",
    timed: bool = True,
    curve: Sequence[float] = CURVE_BUDGETS,
    lang: str = "en",
) -> Flagship:
    """The flagship answer for ``bachelor_code`` and ``master_codes`` (see the module).

    ``budget``: the flexible space in EC (default: the bachelor's elective EC); ``window``: plan
    in the minor semester (else in any period of the final year); ``timed=False``: the course
    choice alone (no calendar), for tests against brute force.
    """
    bachelor = catalogue.bachelor(bachelor_code)
    if not master_codes:
        raise FlagshipInputError("the list of masters is empty: name at least one master")
    check_budget(budget)
    masters = [catalogue.master(code) for code in sorted(set(master_codes))]
    space = float(bachelor.electives if budget is None else budget)
    taken = frozenset(bachelor.courses_of(None))
    att = attainment(catalogue, taken)
    gaps = {m.code: gap(m, att) for m in masters}
    settings = {w: setting(catalogue, bachelor, window=w, timed=timed) for w in (True, False)}
    main = settings[window]
    direct_codes = {m.code for m in masters if direct(m, gaps[m.code], bachelor.code)}
    smallest: dict[bool, dict[str, Smallest]] = {True: {}, False: {}}
    for w, s in settings.items():
        for m in masters:
            if m.code not in direct_codes:
                smallest[w][m.code] = smallest_package(s, m, gaps[m.code])
    optimal = all(
        found.status in ("optimal", "infeasible")
        for by in smallest.values()
        for found in by.values()
    )
    semester = settings[True].window.label()
    span = main.window.label()
    rows = []
    for m in masters:
        rows.append(
            _master_row(
                main, m, gaps[m.code], m.code in direct_codes, smallest, window, space, span, lang
            )
        )
    seamless = _seamless_at(smallest[window], direct_codes, space)
    to_open = {c: gaps[c] for c in sorted(seamless - direct_codes)}
    own = {c: smallest[window][c].package for c in to_open}
    offer = fewest_packages(main, to_open, space, own)
    optimal = optimal and offer.optimal
    non_direct = [m for m in masters if m.code not in direct_codes]
    packages = []
    for package, assigned in zip(offer.packages, offer.assigned, strict=True):
        plan = (
            plan_courses(catalogue, package.courses, taken, window=main.window) if timed else None
        )
        packages.append(
            {
                **package.to_json(),
                "opens": _opens(main, package, non_direct),
                "assigned": list(assigned),
                "plan": plan.to_json() if plan is not None else None,
            }
        )
    curve_rows = []
    for w in (True, False):
        rows_of_w, last = {}, None
        # from the largest budget down: an optimal offer whose packages fit a smaller budget is
        # optimal there too, for the same masters (fewer packages fit a smaller budget)
        for b in sorted(curve, reverse=True):
            open_at = _seamless_at(smallest[w], direct_codes, b)
            need = sorted(open_at - direct_codes)
            if w != window:  # the other setting: how many are seamless, for comparison only
                rows_of_w[b] = {
                    "budget": b,
                    "window": w,
                    "seamless": len(open_at),
                    "packages": None,
                }
                continue
            if (
                last is not None
                and last[0] == need
                and last[1].optimal
                and all(p.total_ects <= b for p in last[1].packages)
            ):
                found = last[1]
            else:
                found = fewest_packages(
                    settings[w],
                    {c: gaps[c] for c in need},
                    b,
                    {c: smallest[w][c].package for c in need},
                )
                last = (need, found)
            optimal = optimal and found.optimal
            rows_of_w[b] = {
                "budget": b,
                "window": w,
                "seamless": len(open_at),
                # none found before the deadline: not known
                "packages": len(found.packages) if found.packages or not need else None,
            }
        curve_rows.extend(rows_of_w[b] for b in curve)
    ceiling = max(curve, default=0)
    reachable = sorted(_seamless_at(smallest[window], direct_codes, ceiling))
    needed = max(
        (smallest[window][c].package.total_ects for c in reachable if c not in direct_codes),
        default=0.0,
    )
    first_all = next(
        (
            r["budget"]
            for r in curve_rows
            if r["window"] == window and r["seamless"] == len(reachable)
        ),
        None,
    )
    binds = [
        r["budget"]
        for r in curve_rows
        if r["window"]
        and r["seamless"]
        < next(o["seamless"] for o in curve_rows if not o["window"] and o["budget"] == r["budget"])
    ]
    notes = [
        Message.of(
            "flagship.headline",
            seamless=len(seamless),
            count=len(masters),
            budget=space,
            packages=len(offer.packages),
            window=span,
        )
    ]
    if masters_source == "illustrative":
        notes.append(Message("flagship.illustrative_list"))
    notes.append(
        Message.of("flagship.reachable", reachable=len(reachable), ceiling=ceiling, needed=needed)
    )
    holds = semester_ects(catalogue, settings[True].window)
    if window and space > holds:
        notes.append(Message.of("flagship.no_other_space", window=semester, holds=holds))
    if binds:
        notes.append(Message.of("flagship.calendar_binds", budget=binds[0], window=semester))
    if not optimal:
        notes.append(Message("flagship.unsettled"))
    data = {
        "bachelor": bachelor.code,
        "budget": space,
        "window": window,
        "masters": rows,
        "packages": packages,
        "curve": curve_rows,
        "optimal": optimal,
        "masters_source": masters_source,
        "flexible_space": {
            "electives_ects": float(bachelor.electives),
            "window_periods": _periods(main.window),
            "minor_semester": _periods(settings[True].window),
            "minor_semester_ects": semester_ects(catalogue, settings[True].window),
            "extra_periods": [],
        },
        "reachable": reachable,
        "all_reachable_ects": needed,
        "all_reachable_budget": first_all,
        "calendar_binds_from": binds[0] if binds else None,
        "direct": sorted(direct_codes),
        "headline": [n.to_json(lang) for n in notes],
    }
    return Flagship(data)


def _periods(window: Window) -> list[str]:
    return [f"{inst} {name} year {year}" for year, inst, name in sorted(window.slots)]


def _master_row(
    s: Setting,
    master: Master,
    the_gap: Gap,
    is_direct: bool,
    smallest: dict[bool, dict[str, Smallest]],
    window: bool,
    budget: float,
    span: Message,
    lang: str,
) -> dict[str, Any]:
    catalogue = s.catalogue
    route = decide(catalogue, master, s.taken, the_gap, bachelor=s.bachelor)
    graded = grade(catalogue, master, s.taken, route, bachelor=s.bachelor)
    package, beyond, unmet, patch, opens = None, None, [], None, None
    if is_direct:
        seamless = True
        reasons = [Message.of("flagship.direct", reason=route.reason)]
    else:
        found = smallest[window][master.code]
        other = smallest[not window][master.code]
        seamless = found.package is not None and found.package.total_ects <= budget
        if found.package is not None:
            package = found.package.to_json()
            ects = found.package.total_ects
            courses = " + ".join(found.package.courses)
            if seamless:
                reasons = [
                    Message.of(
                        "flagship.seamless", ects=ects, courses=courses, budget=budget, window=span
                    )
                ]
            else:
                beyond = ects - budget
                reasons = [
                    Message.of(
                        "flagship.beyond",
                        ects=ects,
                        courses=courses,
                        budget=budget,
                        beyond=beyond,
                        window=span,
                    )
                ]
        elif found.unmet:
            unmet = list(found.unmet)
            reasons = [Message.of("flagship.unmet", requirements=unmet)]
            blocking = [item for item in the_gap.unmet if str(item) in found.unmet]
            patch = core_patch(s, blocking)
            if patch is not None:
                opens = patched_seamless(s, master, patch, budget, window)
                note = "flagship.whatif_opens" if opens else "flagship.whatif_not_enough"
                reasons.append(Message(note))
        elif found.status == "infeasible":
            reasons = [Message.of("flagship.calendar", window=span)]
            if other.package is not None:
                package = other.package.to_json()
                beyond = max(0.0, other.package.total_ects - budget)
                reasons.append(Message.of("flagship.without_window", ects=other.package.total_ects))
        else:
            reasons = [Message("flagship.unsettled")]
    return {
        "master": master.code,
        "name": master.name,
        "seamless": seamless,
        "status": route.status,
        "package": package,
        "beyond_budget_ects": beyond,
        "unmet": unmet,
        "grade": graded.to_json(),
        "reasons": [m.to_json(lang) for m in reasons],
        "whatif": patch,
        "whatif_opens": opens,
    }
