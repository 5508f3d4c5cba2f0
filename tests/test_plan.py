"""Planning: against an independent checker and an exhaustive search on random small instances."""

from __future__ import annotations

import random

import pytest

from articulation.curriculum.calendar import FEBRUARY, SEPTEMBER, Calendar, Start
from articulation.curriculum.catalogue import Catalogue, UnknownCode
from articulation.curriculum.model import CalendarSpec, Course, Outcome
from articulation.solving.planning import solver
from articulation.solving.planning.solver import plan_courses
from articulation.solving.planning.windows import Window, minor_window
from tests.plan_checker import brute_force, check_plan

OUTCOMES = ["o.a", "o.b", "o.c"]
EC = [2, 3, 4, 5, 6, 7.5, 8, 10, 12, 15]


def _periods(rng: random.Random, names: list[str]) -> list[str]:
    if rng.random() < 0.15:
        return []
    found = set()
    for _ in range(rng.choice([1, 1, 2])):
        first = rng.randrange(len(names))
        last = min(len(names) - 1, first + (rng.choice([0, 0, 0, 1, 2])))
        found.add(names[first] if first == last else f"{names[first]}-{names[last]}")
    return sorted(found)


def random_instance(seed: int):
    rng = random.Random(seed)
    kind = rng.choice(["UT", "UT", "VU", "VU", "mixed"])
    n = rng.randint(1, 4)
    courses: list[tuple[str, Course]] = []
    taken = []
    for i in range(2):  # passed courses, outside the plan
        inst = "UT" if kind == "UT" else "VU"
        code = f"{inst}-X{i}"
        courses.append(
            (inst, Course(code=code, title=code, ects=5, teaches={rng.choice(OUTCOMES): 2}))
        )
        if rng.random() < 0.5:
            taken.append(code)
    codes = []
    for i in range(n):
        inst = kind if kind != "mixed" else rng.choice(["UT", "VU"])
        code = f"{inst}-C{i}"
        names = ["Q1", "Q2", "Q3", "Q4"] if inst == "UT" else [f"P{k}" for k in range(1, 7)]
        groups = []
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            members = []
            for _ in range(rng.choice([1, 1, 2])):
                r = rng.random()
                if r < 0.35 and i > 0:
                    members.append(codes[rng.randrange(i)])
                elif r < 0.5:
                    members.append(f"{courses[rng.randrange(2)][1].code}")
                else:
                    members.append(f"{rng.choice(OUTCOMES)}@{rng.choice(['understand', 'apply'])}")
            groups.append(members)
        teaches = {o: rng.choice([2, 3, 4]) for o in rng.sample(OUTCOMES, rng.randint(0, 2))}
        courses.append(
            (
                inst,
                Course(
                    code=code,
                    title=f"Course {i}",
                    ects=rng.choice(EC),
                    periods=_periods(rng, names),
                    teaches=teaches,
                    prerequisites=groups,
                ),
            )
        )
        codes.append(code)
    outcomes = [Outcome(id=o, title=o, area="area") for o in OUTCOMES]
    catalogue = Catalogue.build(outcomes, courses, [])
    load = rng.choice([6, 10, 15, 15, 20, 30])
    start = rng.choice([SEPTEMBER, SEPTEMBER, FEBRUARY, Start(2, 0)])
    window = None
    if rng.random() < 0.25:
        inst = catalogue.institution_of[codes[0]]
        window = minor_window(catalogue, inst, year=start.year + rng.choice([0, 1]))
    return catalogue, codes, taken, load, start, window


def _window_slots(window):
    return None if window is None else set(window.slots)


@pytest.mark.parametrize("chunk", range(10))
def test_random_instances_against_brute_force(chunk: int):
    """200 seeded instances (20 per chunk): every plan passes the checker, and no plan the
    exhaustive search finds is better (finish, then periods used); none exists when the
    planner says so."""
    for seed in range(chunk * 20, chunk * 20 + 20):
        catalogue, codes, taken, load, start, window = random_instance(seed)
        plan = plan_courses(catalogue, codes, taken, start=start, load=load, window=window)
        years = (
            sorted({y for y, _, _ in window.slots})
            if window is not None
            else list(range(start.year, start.year + len(codes) + 1))
        )
        best = brute_force(
            catalogue,
            codes,
            taken,
            start_week=start.absolute_week,
            load=load,
            years=years,
            window=_window_slots(window),
        )
        context = f"seed {seed}: {plan.reason}"
        if plan.placed:
            problems = check_plan(
                catalogue,
                plan,
                codes,
                taken,
                start_week=start.absolute_week,
                load=load,
                window=_window_slots(window),
            )
            assert not problems, (context, problems)
            assert plan.optimal, context
            assert best == (plan.finish_week, plan.periods_used), context
        else:
            assert best is None, context


def test_solver_path_agrees_with_the_shortcut(monkeypatch: pytest.MonkeyPatch):
    """With the lower-bound shortcut off, CP-SAT gives plans as good on the same instances."""
    monkeypatch.setattr(solver, "_lower_bound", lambda *_: (-1, -1))
    for seed in range(0, 200, 5):
        catalogue, codes, taken, load, start, window = random_instance(seed)
        plan = plan_courses(catalogue, codes, taken, start=start, load=load, window=window)
        again, *_ = random_instance(seed)  # a fresh catalogue: no memo
        monkeypatch.undo()
        fast = plan_courses(again, codes, taken, start=start, load=load, window=window)
        monkeypatch.setattr(solver, "_lower_bound", lambda *_: (-1, -1))
        assert (plan.placed, plan.finish_week, plan.periods_used) == (
            fast.placed,
            fast.finish_week,
            fast.periods_used,
        ), seed


def test_deterministic():
    catalogue, codes, taken, load, start, _ = random_instance(7)
    first = plan_courses(catalogue, codes, taken, start=start, load=load)
    again, *_ = random_instance(7)
    assert first == plan_courses(again, codes, taken, start=start, load=load)


def _ut(*courses: Course) -> Catalogue:
    return Catalogue.build(
        [Outcome(id=o, title=o, area="area") for o in OUTCOMES],
        [(c.code.split("-")[0], c) for c in courses],
        [],
    )


def test_span_spreads_ec_pro_rata():
    big = Course(code="UT-BIG", title="Big", ects=20, periods=["Q1-Q2"])
    small = Course(code="UT-S", title="Small", ects=5, periods=["Q1"])
    plan = plan_courses(_ut(big, small), ["UT-BIG", "UT-S"])
    rows = {p.period: (p.ects, [c.code for c in p.courses]) for p in plan.periods}
    assert rows == {"Q1": (15.0, ["UT-S", "UT-BIG"]), "Q2": (10.0, ["UT-BIG"])}
    assert plan.finish == "end of year 1, Q2" and plan.finish_week == 22


def test_vu_load_is_pro_rata_by_weeks():
    """12 EC fit in an 8-week VU period, 6 EC in a 4-week one."""
    a = Course(code="VU-A", title="A", ects=6, periods=["P3"])
    b = Course(code="VU-B", title="B", ects=6, periods=["P3", "P4"])
    plan = plan_courses(_ut(a, b), ["VU-A", "VU-B"])
    assert [(p.period, p.capacity) for p in plan.periods] == [("P3", 6.0), ("P4", 12.0)]


def test_offered_nowhere_and_too_big():
    huge = Course(code="UT-H", title="H", ects=30, periods=["Q3"])
    plan = plan_courses(_ut(huge), ["UT-H"])
    assert not plan.placed and "UT-H (30 EC) is more than the load allows" in plan.reason.text()
    late = Course(code="UT-L", title="L", ects=5, periods=["Q3"])
    cat = _ut(late)
    plan = plan_courses(cat, ["UT-L"], window=minor_window(cat, "UT", 3))
    assert not plan.placed
    assert (
        plan.reason.text() == "UT-L is offered in no period of UT Q1, Q2 of year 3 (it runs in Q3)"
    )


def test_prerequisite_neither_passed_nor_planned():
    c = Course(code="UT-C", title="C", ects=5, prerequisites=[["UT-D", "o.a@apply"]])
    d = Course(code="UT-D", title="D", ects=5)
    plan = plan_courses(_ut(c, d), ["UT-C"])
    assert not plan.placed
    assert (
        plan.reason.text()
        == "UT-C needs one of UT-D, o.a@apply, which is neither passed nor in the plan"
    )


def test_circular_support_by_outcomes():
    a = Course(code="UT-A", title="A", ects=5, teaches={"o.a": 3}, prerequisites=[["o.b@apply"]])
    b = Course(code="UT-B", title="B", ects=5, teaches={"o.b": 3}, prerequisites=[["o.a@apply"]])
    plan = plan_courses(_ut(a, b), ["UT-A", "UT-B"])
    assert not plan.placed and "circle" in plan.reason.text()


def test_without_periods_the_plan_says_so():
    free = Course(code="UT-F", title="F", ects=5)
    plan = plan_courses(_ut(free), ["UT-F"], start=FEBRUARY)
    assert plan.periods[0].period == "Q3"
    assert [n.text() for n in plan.notes] == [
        "UT-F has no periods in the catalogue: placed where it fits"
    ]
    assert plan.periods[0].courses[0].any_period


def test_february_start_within_one_year():
    a = Course(code="UT-A", title="A", ects=15, periods=["Q1"], teaches={"o.a": 3})
    b = Course(code="UT-B", title="B", ects=15, periods=["Q2"], prerequisites=[["UT-A"]])
    plan = plan_courses(_ut(a, b), ["UT-A", "UT-B"], start=FEBRUARY, within_years=1)
    assert plan.fits and plan.finish == "end of year 2, Q2"
    assert plan.periods_needed == 4


def test_custom_calendar_and_unknown_course():
    spec = CalendarSpec.model_validate(
        {
            "periods": [
                {"name": "S1", "start_week": 0, "weeks": 20},
                {"name": "S2", "start_week": 22, "weeks": 20},
            ]
        }
    )
    a = Course(code="UT-A", title="A", ects=30, periods=["S2"])
    cat = Catalogue.build([], [("UT", a)], [], {"UT": Calendar.of(spec)})
    plan = plan_courses(cat, ["UT-A"])
    assert [(p.period, p.capacity) for p in plan.periods] == [("S2", 30.0)]
    with pytest.raises(UnknownCode, match="UT-A"):
        plan_courses(cat, ["UT-AA"])
    with pytest.raises(ValueError, match="load"):
        plan_courses(cat, ["UT-A"], load=0)


def test_window_other_institution_within_weeks():
    ut = Course(code="UT-A", title="A", ects=5, periods=["Q2"])
    vu = Course(code="VU-B", title="B", ects=3, periods=["P3", "P4"])
    cat = _ut(ut, vu)
    plan = plan_courses(cat, ["UT-A", "VU-B"], window=minor_window(cat, "UT", 3))
    assert [(p.label, p.institution) for p in plan.periods] == [
        ("year 3, Q2", "UT"),
        ("year 3, P3", "VU"),
    ]
    assert Window(frozenset({(3, "UT", "Q1")})).label().text() == "UT Q1 of year 3"
    # in January a UT Q2 course and a full-time VU P3 course overlap: too much at once
    full = Course(code="VU-B", title="B", ects=6, periods=["P3", "P4"])
    plan = plan_courses(_ut(ut, full), ["UT-A", "VU-B"], window=minor_window(cat, "UT", 3))
    assert not plan.placed and "do not fit in UT Q1, Q2 of year 3" in plan.reason.text()


def test_a_plan_too_long_names_the_period_that_binds_it():
    """Two courses offered only in Q2 that together exceed Q2's load cannot share a year: the
    plan takes a second year, and its reason says which period binds it (and by how much)."""
    a = Course(code="UT-A", title="A", ects=8, periods=["Q2"])
    b = Course(code="UT-B", title="B", ects=8, periods=["Q2"])
    plan = plan_courses(_ut(a, b), ["UT-A", "UT-B"], within_years=1)
    assert plan.placed and not plan.fits
    assert plan.reason.id == "plan.too_late_load"
    assert plan.reason.kwargs["period"] == "UT Q2"
    assert (plan.reason.kwargs["ects"], plan.reason.kwargs["most"]) == (16, 15)
    assert "omdat UT Q2 16 EC zou bevatten" in plan.reason.text("nl")
    # within the load, no period binds: the plain reason
    c = Course(code="UT-C", title="C", ects=7, periods=["Q2"])
    fits = plan_courses(_ut(a, c), ["UT-A", "UT-C"], within_years=1)
    assert fits.fits and fits.reason.id == "plan.summary"
