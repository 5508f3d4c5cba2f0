"""The route and its plan together: the smallest programme that can be planned in time.

Against brute force on random small catalogues: every subset of the candidates that closes the
gap within the cap, and for each every placement of its courses in the periods they are offered
in (the independent planner of :mod:`tests.plan_checker`), checking offering, prerequisite order
and load. The engine's route must be the smallest subset that can be planned in time — a pre-master
finished within a year of September or of February, electives inside the bachelor's minor
semester — by EC, then the earliest finish of its plans (brute force), then courses, then the
tie-break; it must say that none can exactly when none can, and say so when an equally large
programme was chosen because it finishes earlier.
"""

from __future__ import annotations

import random
from collections import Counter
from itertools import combinations

import pytest

from articulation.answers.minor import design_minor
from articulation.curriculum.calendar import Calendar
from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.model import (
    AnyOf,
    AreaRequirement,
    Bachelor,
    CalendarSpec,
    Course,
    Master,
    Outcome,
    OutcomeAt,
    Premaster,
    Requirement,
    StudyWindow,
)
from articulation.solving.gap import attainment, gap
from articulation.solving.route import decide
from tests import oracle
from tests.plan_checker import YEAR, brute_force, course_spans, load_ok, spot

AREAS = ["alpha", "beta"]
EC = [2, 3, 4, 5, 5, 6, 7.5, 10, 15]
LOAD = 15
#: A calendar whose first periods start later than UT's and VU's: plans mixing it with them
#: have a deadline set by the earliest of their calendars.
OTHER = Calendar.of(
    CalendarSpec.model_validate(
        {
            "periods": [
                {"name": "T1", "start_week": 2, "weeks": 12},
                {"name": "T2", "start_week": 16, "weeks": 8},
                {"name": "T3", "start_week": 26, "weeks": 12},
            ]
        }
    )
)
NAMES = {
    "UT": ["Q1", "Q2", "Q3", "Q4"],
    "VU": ["P1", "P2", "P3", "P4", "P5", "P6"],
    "XX": ["T1", "T2", "T3"],
}


def _periods(rng: random.Random, names: list[str]) -> list[str]:
    if rng.random() < 0.1:
        return []  # any period
    found = set()
    for _ in range(rng.choice([1, 1, 1, 2])):
        first = rng.randrange(len(names))
        last = min(len(names) - 1, first + rng.choice([0, 0, 0, 1]))
        found.add(names[first] if first == last else f"{names[first]}-{names[last]}")
    return sorted(found)


def random_case(
    seed: int, institutions: tuple[str, ...], masters: int = 1
) -> tuple[oracle.Instance, Catalogue]:
    """A few bridging courses with periods, prerequisites (by code and by outcome) and EC that
    make the load matter; one or two passed courses; a master with 1–3 requirements (and
    ``masters - 1`` more with two each)."""
    rng = random.Random(seed)
    ids = [f"o{i}" for i in range(rng.randint(2, 3))]
    outcomes = [Outcome(id=o, title=o, area=rng.choice(AREAS)) for o in ids]
    courses: list[tuple[str, Course]] = []
    taken = []
    for i in range(rng.randint(1, 2)):  # passed courses
        code = f"UT-T{i}"
        teaches = {rng.choice(ids): rng.randint(1, 3)}
        courses.append(("UT", Course(code=code, title=code, ects=5, teaches=teaches)))
        taken.append(code)
    for i in range(rng.randint(4, 7)):
        inst = rng.choice(institutions)
        code = f"{inst}-C{i}"
        groups: list[list[str | OutcomeAt]] = []
        for _ in range(rng.choice([0, 1, 1, 2])):
            members: list[str | OutcomeAt] = []
            for _ in range(rng.choice([1, 1, 2])):
                earlier = [c.code for _, c in courses]
                if rng.random() < 0.6:
                    members.append(rng.choice(earlier))
                else:
                    members.append(OutcomeAt(outcome=rng.choice(ids), level=rng.randint(2, 4)))
            groups.append(members)
        teaches = {o: rng.randint(2, 5) for o in rng.sample(ids, rng.choice([1, 1, 2]))}
        course = Course(
            code=code,
            title=code,
            ects=rng.choice(EC),
            teaches=teaches,
            periods=_periods(rng, NAMES[inst]),
            prerequisites=groups,
            bridging=True,
        )
        courses.append((inst, course))
    top: dict[str, int] = {}
    for _, course in courses:
        if course.code not in taken:
            for o, level in course.teaches.items():
                top[o] = max(top.get(o, 0), level)

    def item() -> Requirement:
        roll = rng.random()
        if roll < 0.15:
            return AreaRequirement(area=rng.choice(AREAS), min_ects=rng.choice([3, 6, 10]))
        outcome = rng.choice(sorted(top))
        single = OutcomeAt(outcome=outcome, level=rng.randint(2, top[outcome]))
        if roll < 0.3:
            other = rng.choice(sorted(top))
            return AnyOf(any_of=[single, OutcomeAt(outcome=other, level=top[other])])
        return single

    cap = rng.choice([15, 20, 30, 60])
    master = Master(
        code="M",
        name="M",
        institution="UT",
        kind="master",
        ects=120,
        requires=[item() for _ in range(rng.randint(1, 3))],
        premaster=Premaster(max_ects=cap, ceiling=cap, catalogue=list(institutions)),
    )
    others = [  # more masters, for minor design (drawn last: the first stays as it is)
        master.model_copy(update={"code": f"M{k}", "requires": [item(), item()]})
        for k in range(1, masters)
    ]
    instance = oracle.Instance(outcomes, courses, [master, *others], frozenset(taken))
    return instance, build(instance)


def build(instance: oracle.Instance, programmes=()) -> Catalogue:
    return Catalogue.build(
        instance.outcomes, instance.courses, [*instance.masters, *programmes], {"XX": OTHER}
    )


def first_week(catalogue: Catalogue, codes, start_week: int) -> int:
    """The first period of the courses' calendars at or after the start."""
    return min(
        (y - 1) * YEAR + p.start_week
        for inst in {catalogue.institution_of[c] for c in codes}
        for y in (1, 2, 3)
        for p in catalogue.calendar(inst).periods
        if (y - 1) * YEAR + p.start_week >= start_week
    )


def finish_in_a_year(catalogue: Catalogue, codes, taken) -> int | None:
    """The finish of the earliest-finishing plan from September (over every placement in years
    1 and 2) when it ends within a year of its first period; else that of the plan from
    February when it does; None when neither does."""
    for start_week in (0, 21):
        best = brute_force(
            catalogue, codes, sorted(taken), start_week=start_week, load=LOAD, years=[1, 2]
        )
        if best is not None and best[0] - first_week(catalogue, codes, start_week) <= YEAR:
            return best[0]
    return None


def within_a_year(catalogue: Catalogue, codes, taken) -> bool:
    return finish_in_a_year(catalogue, codes, taken) is not None


def first_in_time(options, finish_of) -> tuple[tuple, tuple, tuple] | None:
    """Of the ranked ``options`` (key, subset), the best that can be planned in time by (EC, the
    finish, courses, the tie-break), as ((EC, finish, courses, tie-break), subset, the key of
    the first in time without the finish); None when none can. ``finish_of`` gives a subset's
    finish, None when it cannot be planned in time."""
    best, first = None, None
    for key, subset in options:
        ects, size, rank = key
        if best is not None and ects > best[0][0]:
            break  # only the smallest EC that can be planned in time competes
        finish = finish_of(subset)
        if finish is not None and (best is None or (ects, finish, size, rank) < best[0]):
            best = ((ects, finish, size, rank), subset)
        if finish is not None and first is None:
            first = key
    return None if best is None else (*best, first)


def ranked(instance: oracle.Instance, cap: float):
    """Every programme within ``cap`` that closes the gap and can be taken in some order, by
    (EC, courses, the tie-break), with its key."""
    outcomes = {o.id: o for o in instance.outcomes}
    by_code = {c.code: c for _, c in instance.courses}
    rank = oracle.pool_rank(instance)
    done = [by_code[c] for c in sorted(instance.taken)]
    pool = oracle.premaster_pool(instance)
    found = []
    for size in range(1, len(pool) + 1):
        for subset in combinations(pool, size):
            chosen = [by_code[c] for c in subset]
            total = sum(c.ects for c in chosen)
            if total > cap:
                continue
            levels, ects = oracle.attained(done + chosen, outcomes)
            if not all(oracle.satisfied(i, levels, ects) for i in instance.master.requires):
                continue
            if oracle.orderable(chosen, done, outcomes):
                found.append(((total, size, sum(rank[c] for c in subset)), subset))
    return sorted(found)


def key_of(instance: oracle.Instance, codes) -> tuple[float, int, int]:
    rank = oracle.pool_rank(instance)
    by_code = {c.code: c for _, c in instance.courses}
    return (sum(by_code[c].ects for c in codes), len(codes), sum(rank[c] for c in codes))


def premaster_case(seed: int, institutions: tuple[str, ...]) -> str:
    """Check the pre-master route of one random case; returns what kind of case it was."""
    instance, catalogue = random_case(seed, institutions)
    master = instance.master
    the_gap = gap(master, attainment(catalogue, instance.taken))
    route = decide(catalogue, master, instance.taken, the_gap, studying=False)
    if the_gap.closed:
        assert route.status == "direct"
        return "direct"
    options = ranked(instance, master.premaster.max_ects)
    if not options:
        assert route.status == "infeasible", route
        return "no programme within the cap"
    best = first_in_time(options, lambda s: finish_in_a_year(catalogue, s, instance.taken))
    if best is None:
        assert route.status == "late" and route.over_cap_by is None, route
        said = "no programme within the assumed cap of"  # no status given: an assumption
        assert route.reason.text().startswith(said), route.reason.text()
        assert route.reason.text().endswith("(proven)"), route.reason.text()
        assert key_of(instance, route.codes) == options[0][0]  # the smallest is shown
        return "none in time"
    fitting, subset, first = best
    assert route.status == "premaster", (route.reason.text(), fitting)
    assert route.optimal
    assert route.plan is not None and route.plan.plan.fits
    finish = route.plan.plan.finish_week
    assert finish == finish_in_a_year(catalogue, route.codes, instance.taken)
    ects, size, rank = key_of(instance, route.codes)
    assert (ects, finish, size, rank) == fitting, (route.codes, subset, fitting)
    return _kind(route.reason.text(), options, fitting, first)


def _kind(reason: str, options, fitting, first) -> str:
    """What kind of choice the route made (``fitting``; ``first``: the first in time without
    the finish), checking that its reason says so."""
    ects, _, size, rank = fitting
    smallest = (ects, size, rank) == options[0][0]
    earlier = (ects, size, rank) != first
    assert ("an equally large programme finishes earlier: this one at the " in reason) == earlier
    if smallest or (earlier and ects == options[0][0][0]):
        return "an equally large one finishes earlier" if earlier else "the smallest in time"
    assert "cannot be planned in time" in reason
    assert f"this {ects:g} EC one can" in reason
    return "a larger one in time" + (", finishing earlier" if earlier else "")


@pytest.mark.slow
def test_premaster_is_the_smallest_programme_finished_within_a_year() -> None:
    """900 seeded cases: UT alone, with VU, and with a calendar that starts later."""
    kinds = Counter(
        premaster_case(seed, institutions)
        for seed in range(300)
        for institutions in (("UT",), ("UT", "VU"), ("UT", "XX"))
    )
    assert kinds["a larger one in time"] >= 15, kinds
    assert kinds["an equally large one finishes earlier"] >= 10, kinds
    assert kinds["none in time"] >= 30, kinds


def offered_in_window(catalogue: Catalogue, code: str, window: set) -> bool:
    return any(
        spot(catalogue, code, 3, names).slots <= window
        and not load_ok(catalogue, [spot(catalogue, code, 3, names)], LOAD)
        for names in course_spans(catalogue, code)
    )


def electives_case(seed: int, periods: tuple[str, ...], electives: int) -> str:
    """Check the electives route of one random case (UT courses, a window of UT periods)."""
    instance, _ = random_case(seed, ("UT",))
    window = {(3, "UT", name) for name in periods}
    bachelor = Bachelor(
        code="B",
        name="B",
        institution="UT",
        kind="bachelor",
        ects=180,
        courses=sorted(instance.taken),
        electives=electives,
        minor_window=StudyWindow(institution="UT", periods=list(periods), year=3),
    )
    catalogue = build(instance, [bachelor])
    master = instance.master
    the_gap = gap(master, attainment(catalogue, instance.taken))
    route = decide(catalogue, master, instance.taken, the_gap, bachelor=bachelor)
    if the_gap.closed:
        return "direct"
    # the candidates: the bachelor-level courses that can be taken in the window
    courses = [
        (inst, c)
        for inst, c in instance.courses
        if c.code in instance.taken or offered_in_window(catalogue, c.code, window)
    ]
    capped = Premaster(max_ects=electives, catalogue=["UT"])
    pool = oracle.Instance(
        instance.outcomes,
        courses,
        [master.model_copy(update={"premaster": capped})],
        instance.taken,
    )
    options = ranked(pool, electives)
    taken = sorted(instance.taken)

    def finish_of(subset) -> int | None:
        found = brute_force(
            catalogue, subset, taken, start_week=2 * YEAR, load=LOAD, years=[3], window=window
        )
        return None if found is None else found[0]

    best = first_in_time(options, finish_of)
    if best is None:
        assert route.status != "electives", route
        if not options:
            return "no electives"
        assert (
            route.why_not[1]
            .text()
            .startswith("electives: no programme within the cap can be planned in time: ")
        ), route.why_not
        assert route.why_not[1].text().endswith("(proven)")
        return "none in time"
    fitting, subset, first = best
    assert route.status == "electives", (route.reason.text(), route.why_not, fitting)
    assert route.optimal and route.plan is not None and route.plan.plan.fits
    finish = route.plan.plan.finish_week
    assert finish == finish_of(route.codes)
    ects, size, rank = key_of(pool, route.codes)
    assert (ects, finish, size, rank) == fitting, (route.codes, subset, fitting)
    return _kind(route.reason.text(), options, fitting, first)


@pytest.mark.slow
def test_electives_are_the_smallest_programme_in_the_minor_semester() -> None:
    """1200 seeded cases over windows of one to three quartiles and elective spaces."""
    kinds = Counter(
        electives_case(seed, periods, electives)
        for seed in range(300)
        for periods, electives in (
            (("Q1", "Q2"), 30),
            (("Q1",), 15),
            (("Q2", "Q3"), 20),
            (("Q1", "Q2", "Q3"), 10),
        )
    )
    assert kinds["a larger one in time"] >= 5, kinds
    assert kinds["an equally large one finishes earlier"] >= 5, kinds
    assert kinds["none in time"] >= 15, kinds


def minor_case(seed: int, periods: tuple[str, ...], budget: int) -> str:
    """The designed minor against every subset of the courses that fit the minor semester:
    most masters opened, then EC, courses and code order, among the subsets that can be planned
    in the semester (the model places the courses: no next-best design is needed)."""
    instance, _ = random_case(seed, ("UT",), masters=3)
    window = {(3, "UT", name) for name in periods}
    bachelor = Bachelor(
        code="B",
        name="B",
        institution="UT",
        kind="bachelor",
        ects=180,
        courses=sorted(instance.taken),
        electives=30,
        minor_window=StudyWindow(institution="UT", periods=list(periods), year=3),
    )
    catalogue = build(instance, [bachelor])
    design = design_minor(catalogue, "B", [m.code for m in instance.masters], budget=budget)
    outcomes = {o.id: o for o in instance.outcomes}
    by_code = {c.code: c for _, c in instance.courses}
    done = [by_code[c] for c in sorted(instance.taken)]
    pool = [
        c
        for c in sorted(by_code)
        if c not in instance.taken and offered_in_window(catalogue, c, window)
    ]
    taken = sorted(instance.taken)

    def opened(chosen: list[Course]) -> int:
        levels, ects = oracle.attained(done + chosen, outcomes)
        return sum(
            all(oracle.satisfied(i, levels, ects) for i in m.requires) for m in instance.masters
        )

    best = (-opened([]), 0.0, 0, 0)
    for size in range(1, len(pool) + 1):
        for subset in combinations(pool, size):
            chosen = [by_code[c] for c in subset]
            total = sum(c.ects for c in chosen)
            if total > budget:
                continue
            key = (-opened(chosen), total, size, sum(catalogue.course_rank[c] for c in subset))
            if key < best and brute_force(
                catalogue, subset, taken, start_week=2 * YEAR, load=LOAD, years=[3], window=window
            ):
                best = key
    codes = [c.code for c in design.courses]
    assert design.optimal
    assert (len(design.opened), design.total_ects, len(codes)) == (-best[0], best[1], best[2])
    assert sum(catalogue.course_rank[c] for c in codes) == best[3]
    if codes:
        assert design.plan is not None and design.plan.fits
    return f"opened {-best[0]}"


def test_designed_minor_is_the_best_that_fits_the_semester() -> None:
    """450 seeded cases: three masters, windows of one and two quartiles, budgets."""
    kinds = Counter(
        minor_case(seed, periods, budget)
        for seed in range(150)
        for periods, budget in ((("Q1", "Q2"), 30), (("Q1",), 15), (("Q2", "Q3"), 20))
    )
    assert kinds["opened 0"] < 200, kinds


def ladder() -> tuple[Catalogue, Master]:
    """Five programmes P + A1 … P + A5 (3–7 EC) close the gap but none within a year: each Ai
    runs in Q1 only and needs P, which runs in Q2 only, so Ai waits until year 2 (from
    September) or year 3 (from February). The sixth-smallest, B (8 EC, Q1), fits."""
    outcomes = [Outcome(id="x", title="x", area="alpha"), Outcome(id="p", title="p", area="alpha")]
    courses = [("UT", Course(code="UT-P", title="P", ects=2, teaches={"p": 3}, periods=["Q2"]))]
    courses += [
        (
            "UT",
            Course(
                code=f"UT-A{i}",
                title=f"A{i}",
                ects=i,
                teaches={"x": 3},
                periods=["Q1"],
                prerequisites=[["UT-P"]],
            ),
        )
        for i in range(1, 6)
    ]
    courses.append(("UT", Course(code="UT-B", title="B", ects=8, teaches={"x": 3}, periods=["Q1"])))
    courses = [(inst, c.model_copy(update={"bridging": True})) for inst, c in courses]
    master = Master(
        code="M",
        name="M",
        institution="UT",
        kind="master",
        ects=120,
        requires=[OutcomeAt(outcome="x", level=3)],
        premaster=Premaster(max_ects=30, catalogue=["UT"]),
    )
    return Catalogue.build(outcomes, courses, [master]), master


def test_the_sixth_smallest_programme_is_found() -> None:
    catalogue, master = ladder()
    the_gap = gap(master, attainment(catalogue, frozenset()))
    route = decide(catalogue, master, frozenset(), the_gap, studying=False)
    assert route.status == "premaster" and route.optimal
    assert route.codes == ("UT-B",) and route.total_ects == 8
    assert route.reason.text() == (
        "1 course(s), 8 EC close the gap; the smallest programme (3 EC) cannot be planned in "
        "time (the smallest programme needs 5 quartiles: it finishes at the end of year 2, Q1, "
        "later than 1 year(s) after its start); this 8 EC one can"
    )
    assert route.plan is not None and route.plan.plan.finish == "end of year 1, Q1"


@pytest.mark.parametrize("cap", [7, 8])
def test_none_within_the_cap_is_over_cap_proven(cap: float) -> None:
    catalogue, master = ladder()
    master = master.model_copy(
        update={"premaster": Premaster(max_ects=cap, ceiling=cap, catalogue=["UT"])}
    )
    the_gap = gap(master, attainment(catalogue, frozenset()))
    route = decide(catalogue, master, frozenset(), the_gap, studying=False)
    if cap == 8:
        assert route.status == "premaster" and route.codes == ("UT-B",)
        return
    assert route.status == "late" and route.over_cap_by is None
    assert route.codes == ("UT-P", "UT-A1")  # the smallest, shown with why it is late
    assert route.reason.text() == (
        f"no programme within the assumed cap of {cap} EC can be finished within a year: the "
        "smallest programme "
        "needs 5 quartiles: it finishes at the end of year 2, Q1, later than 1 year(s) after "
        "its start (proven)"
    )


def two_of_ten() -> tuple[Catalogue, Master]:
    """Two programmes of 10 EC close the gap: UT-A + UT-B (5 EC each, Q3 and Q4), which the
    tie-break prefers (earlier codes), and UT-C + UT-D (5 EC each, Q1 and Q2)."""
    outcomes = [Outcome(id="x", title="x", area="alpha"), Outcome(id="y", title="y", area="alpha")]
    courses = [
        ("UT", Course(code=code, title=code, ects=5, teaches={outcome: 3}, periods=[period]))
        for code, outcome, period in (
            ("UT-A", "x", "Q3"),
            ("UT-B", "y", "Q4"),
            ("UT-C", "x", "Q1"),
            ("UT-D", "y", "Q2"),
        )
    ]
    courses = [(inst, c.model_copy(update={"bridging": True})) for inst, c in courses]
    master = Master(
        code="M",
        name="M",
        institution="UT",
        kind="master",
        ects=120,
        requires=[OutcomeAt(outcome="x", level=3), OutcomeAt(outcome="y", level=3)],
        premaster=Premaster(max_ects=30, catalogue=["UT"]),
    )
    return Catalogue.build(outcomes, courses, [master]), master


def test_an_equally_large_programme_that_finishes_earlier_wins() -> None:
    catalogue, master = two_of_ten()
    the_gap = gap(master, attainment(catalogue, frozenset()))
    route = decide(catalogue, master, frozenset(), the_gap, studying=False)
    assert route.status == "premaster" and route.optimal
    assert route.codes == ("UT-C", "UT-D") and route.total_ects == 10
    assert route.plan is not None and route.plan.plan.finish == "end of year 1, Q2"
    assert route.reason.text() == (
        "2 course(s), 10 EC close the gap; an equally large programme finishes earlier: this one "
        "at the end of year 1, Q2, UT-A + UT-B only at the end of year 1, Q4"
    )


def test_electives_that_finish_earlier_win() -> None:
    """The same two programmes as electives in a window of the whole year 3 (Q1–Q4)."""
    catalogue, master = two_of_ten()
    bachelor = Bachelor(
        code="B",
        name="B",
        institution="UT",
        kind="bachelor",
        ects=180,
        courses=[],
        electives=15,
        elective_catalogue=["UT"],
        minor_window=StudyWindow(institution="UT", periods=["Q1", "Q2", "Q3", "Q4"], year=3),
    )
    catalogue = Catalogue.build(
        catalogue.outcomes.values(),
        [("UT", c) for c in catalogue.courses.values()],
        [master, bachelor],
    )
    the_gap = gap(master, attainment(catalogue, frozenset()))
    route = decide(catalogue, master, frozenset(), the_gap, bachelor=bachelor)
    assert route.status == "electives" and route.codes == ("UT-C", "UT-D")
    assert route.plan is not None and route.plan.plan.finish == "end of year 3, Q2"
    assert "an equally large programme finishes earlier: this one at the end of year 3, Q2, " in (
        route.reason.text()
    )


def test_alternatives_leave_out_the_route_own_programme_not_the_smallest() -> None:
    """When an equally large programme that finishes earlier is the route, the next-best
    programmes list the tie-break's choice and not the route's own again."""
    from articulation.curriculum.model import Bachelor
    from articulation.solving.route import route_alternatives

    catalogue, master = two_of_ten()
    bachelor = Bachelor(kind="bachelor", code="B", name="B", institution="VU", ects=180)
    found = route_alternatives(catalogue, bachelor, master, "premaster", 2, chosen=("UT-C", "UT-D"))
    codes = [o.codes for o in found]
    assert len(codes) == 2 and codes[0] == ("UT-A", "UT-B")
    assert ("UT-C", "UT-D") not in codes
    unchosen = route_alternatives(catalogue, bachelor, master, "premaster", 2)
    assert ("UT-A", "UT-B") not in [o.codes for o in unchosen]  # the smallest is the route's


def alternatives_case(seed: int, institutions: tuple[str, ...]) -> str:
    """Check the next-best pre-masters of one random case against brute force: the smallest
    programmes (EC, courses, the tie-break) that can be finished within a year, none containing
    an earlier one, other than the route's own. Returns what kind of case it was."""
    from articulation.solving.route import route_alternatives

    instance, catalogue = random_case(seed, institutions)
    master = instance.master
    the_gap = gap(master, attainment(catalogue, instance.taken))
    route = decide(catalogue, master, instance.taken, the_gap, studying=False)
    if route.status != "premaster":
        return "no pre-master"
    bachelor = Bachelor(
        kind="bachelor", code="B", name="B", institution="VU", ects=180, courses=instance.taken
    )
    found = route_alternatives(catalogue, bachelor, master, "premaster", 2, chosen=route.codes)
    for other in found:
        assert within_a_year(catalogue, other.codes, instance.taken), other.codes
    accepted: list[tuple] = []
    late = False  # a programme that would precede them cannot be finished within a year
    for key, subset in ranked(instance, master.premaster.max_ects):
        if any(set(earlier) <= set(subset) for _, earlier in accepted):
            continue
        if not within_a_year(catalogue, subset, instance.taken):
            late = True
            continue
        accepted.append((key, subset))
        if len(accepted) == 3:
            break
    expected = [key for key, subset in accepted if set(subset) != set(route.codes)][:2]
    assert [key_of(instance, other.codes) for other in found] == expected, (found, accepted)
    return "smaller ones are late" if late else "all in time"


@pytest.mark.slow
def test_alternatives_can_be_planned_in_time_as_the_route() -> None:
    """The next-best programmes a director sees are ones that can be taken: 400 seeded cases."""
    kinds = Counter(
        alternatives_case(seed, institutions)
        for seed in range(200)
        for institutions in (("UT",), ("UT", "VU"))
    )
    assert kinds["smaller ones are late"] >= 10, kinds
    assert kinds["all in time"] >= 50, kinds
