"""The CP-SAT bridging solver against the brute-force oracle on random small catalogues."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.model import (
    AnyOf,
    AreaRequirement,
    AtLeast,
    Course,
    Master,
    Outcome,
    OutcomeAt,
    Premaster,
    Requirement,
)
from articulation.messages.message import Message
from articulation.solving.bridging import bridge, bridge_gap
from articulation.solving.gap import attainment, gap
from articulation.solving.pool import Candidates
from articulation.solving.route import premaster_route
from tests import oracle

AREAS = ["alpha", "beta", "gamma"]
ECTS = [1, 2, 2.5, 3, 4, 5, 7.5]


def random_instance(seed: int, n_masters: int = 1) -> oracle.Instance:
    """A small random catalogue with prerequisites (AND/OR, by code and by outcome), any_of,
    at_least (k of n) and area requirements, mixed institutions, non-bridging courses, passed
    courses and caps."""
    rnd = random.Random(seed)
    ids = [f"o{i}" for i in range(rnd.randint(3, 6))]
    outcomes = [Outcome(id=o, title=o, area=rnd.choice(AREAS)) for o in ids]
    courses: list[tuple[str, Course]] = []
    for i in range(rnd.randint(3, 10)):
        inst = "VU" if rnd.random() < 0.15 else "UT"
        code = f"{inst}-{i:02d}"
        teaches = {o: rnd.randint(2, 6) for o in rnd.sample(ids, rnd.choice([0, 1, 1, 2, 2, 3]))}
        area = rnd.choice(AREAS) if not teaches or rnd.random() < 0.2 else None
        groups = []
        for _ in range(rnd.choice([0, 0, 0, 1, 1, 2])):
            members: list[str | OutcomeAt] = []
            for _ in range(rnd.choice([1, 1, 2])):
                earlier = [c.code for _, c in courses]
                if earlier and rnd.random() < 0.5:
                    members.append(rnd.choice(earlier))
                else:
                    taught = sorted({o for _, c in courses for o in c.teaches}) or ids
                    members.append(OutcomeAt(outcome=rnd.choice(taught), level=rnd.randint(1, 4)))
            groups.append(members)
        ects = rnd.choice(ECTS)
        areas = None
        if ects >= 2 and rnd.random() < 0.2:  # credit split over two areas
            first, second = rnd.sample(AREAS, 2)
            part = rnd.choice([k / 2 for k in range(1, int(ects * 2))])
            areas, area = {first: part, second: ects - part}, None
        course = Course(
            code=code,
            title=code,
            ects=ects,
            teaches=teaches,
            area=area,
            areas=areas,
            prerequisites=groups,
            bridging=rnd.random() < 0.9,
        )
        courses.append((inst, course))
    top: dict[str, int] = {}
    for _, course in courses:
        for o, lvl in course.teaches.items():
            top[o] = max(top.get(o, 0), lvl)

    def item(depth: int) -> Requirement:
        roll = rnd.random()
        if depth and roll < 0.2:
            return AnyOf(any_of=[item(depth - 1) for _ in range(rnd.randint(1, 3))])
        if depth and roll < 0.3:
            members = [item(depth - 1) for _ in range(rnd.randint(1, 4))]
            return AtLeast(at_least=rnd.randint(1, len(members)), of=members)
        if roll < (0.4 if depth else 0.3):
            return AreaRequirement(area=rnd.choice(AREAS), min_ects=rnd.choice([1, 3, 4.5, 6]))
        if top and rnd.random() < 0.95:
            outcome = rnd.choice(sorted(top))
            return OutcomeAt(outcome=outcome, level=rnd.randint(1, top[outcome]))
        return OutcomeAt(outcome=rnd.choice(ids), level=rnd.randint(1, 6))

    masters = [
        Master(
            code="M" if k == 0 else f"M{k}",
            name="Master",
            institution="UT",
            kind="master",
            ects=120,
            requires=[item(1) for _ in range(rnd.randint(1, 5))],
            premaster=Premaster(
                max_ects=rnd.choice([5, 10, 15, 30, 30, 60, 100]),
                catalogue=rnd.choice([["UT"], ["UT"], ["UT", "VU"]]),
            ),
        )
        for k in range(n_masters)
    ]
    codes = [c.code for _, c in courses]
    taken = frozenset(rnd.sample(codes, rnd.choice([0, 0, 1, 2])))
    return oracle.Instance(outcomes, courses, masters, taken)


def catalogue_of(instance: oracle.Instance) -> Catalogue:
    return Catalogue.build(instance.outcomes, instance.courses, instance.masters)


@pytest.mark.slow
@settings(
    max_examples=1000, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.integers(0, 2**32 - 1))
def test_solver_equals_brute_force(seed: int) -> None:
    instance = random_instance(seed)
    catalogue = catalogue_of(instance)
    result = bridge(catalogue, instance.master, instance.taken)
    expected = oracle.solve(instance)
    event(f"oracle: {expected.status}")
    event(f"courses: {len(result.courses)}")
    assert result.status == expected.status, (result, expected)
    if expected.status == "premaster":
        codes = list(result.codes)
        assert result.optimal
        assert oracle.feasible(instance, codes), codes
        assert result.total_ects == expected.ects
        assert len(codes) == expected.count
        rank = oracle.pool_rank(instance)
        assert sum(rank[c] for c in codes) == expected.rank_sum
    else:
        assert result.courses == ()


def mutual_pair(ects: float) -> tuple[list[Outcome], Course, Course]:
    """Outcomes p, q and two bridging courses: A teaches p and needs q, B teaches q and needs p."""
    outcomes = [Outcome(id="p", title="p", area="alpha"), Outcome(id="q", title="q", area="alpha")]
    a, b = (
        Course(
            code=f"UT-{name}",
            title=name,
            ects=ects,
            teaches={teach: 3},
            prerequisites=[[OutcomeAt(outcome=need, level=3)]],
            bridging=True,
        )
        for name, teach, need in (("A", "p", "q"), ("B", "q", "p"))
    )
    return outcomes, a, b


def test_oracle_sees_circular_support_as_infeasible() -> None:
    """A needs an outcome only B teaches and B one only A teaches: neither can come first."""
    outcomes, a, b = mutual_pair(5)
    master = Master(
        code="M",
        name="M",
        institution="UT",
        kind="master",
        ects=120,
        requires=[OutcomeAt(outcome="p", level=3)],
        premaster=Premaster(max_ects=30, catalogue=["UT"]),
    )
    instance = oracle.Instance(outcomes, [("UT", a), ("UT", b)], [master], frozenset())
    assert oracle.solve(instance).status == "infeasible"
    assert bridge(catalogue_of(instance), master, []).status == "infeasible"
    # a third course that teaches q breaks the circle
    c = Course(code="UT-C", title="C", ects=1, teaches={"q": 4}, bridging=True)
    instance = oracle.Instance(outcomes, [("UT", a), ("UT", b), ("UT", c)], [master], frozenset())
    result = bridge(catalogue_of(instance), master, [])
    assert result.codes == ("UT-C", "UT-A")
    assert oracle.solve(instance).ects == result.total_ects == 6


def test_mutual_support_needs_a_way_in() -> None:
    """A and B support each other (cheap) but need C to start the chain: the model must order."""
    outcomes, a, b = mutual_pair(2)
    c = Course(code="UT-C", title="C", ects=7.5, teaches={"q": 3}, bridging=True)
    master = Master(
        code="M",
        name="M",
        institution="UT",
        kind="master",
        ects=120,
        requires=[
            OutcomeAt(outcome="p", level=3),
            OutcomeAt(outcome="q", level=3),
        ],
        premaster=Premaster(max_ects=30, catalogue=["UT"]),
    )
    instance = oracle.Instance(outcomes, [("UT", a), ("UT", b), ("UT", c)], [master], frozenset())
    result = bridge(catalogue_of(instance), master, [])
    assert oracle.solve(instance).ects == result.total_ects == 9.5
    assert result.codes == ("UT-C", "UT-A")
    assert [c.needed_for for c in result.courses] == [("UT-A",), ()]


@pytest.mark.slow
@settings(
    max_examples=600, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.integers(0, 2**32 - 1))
def test_over_cap_and_infeasible_against_brute_force(seed: int) -> None:
    """Over the cap, the programme shown is the proven minimum without the cap (up to the
    ceiling); an infeasible answer lists exactly the items no eligible course can meet."""
    rnd = random.Random(seed)
    instance = random_instance(seed)
    master = instance.master
    courses = sorted(c.code for _, c in instance.courses)
    listed = (
        sorted(rnd.sample(courses, rnd.randint(1, len(courses)))) if rnd.random() < 0.3 else None
    )
    cap = rnd.choice([master.premaster.max_ects, 2, 4, 6])  # small caps: more over the cap
    ceiling = cap + rnd.choice([0, 5, 10, 20, 60])
    premaster = master.premaster.model_copy(
        update={"max_ects": cap, "ceiling": ceiling, "courses": listed}
    )
    master = master.model_copy(update={"premaster": premaster})
    instance = oracle.Instance(instance.outcomes, instance.courses, [master], instance.taken)
    catalogue = catalogue_of(instance)
    the_gap = gap(master, attainment(catalogue, instance.taken))
    result = premaster_route(catalogue, master, frozenset(instance.taken), the_gap)
    capped = oracle.solve(instance)
    lifted = oracle.solve(instance, cap=max(ceiling, premaster.max_ects))
    event(f"engine: {result.status}")
    if capped.status in ("direct", "premaster"):
        assert result.status == capped.status
        return
    pool = oracle.premaster_pool(instance)
    if lifted.status == "premaster":
        assert result.status == "over_cap" and result.optimal, result
        assert result.total_ects == lifted.ects and len(result.codes) == lifted.count
        rank = oracle.pool_rank(instance)
        assert sum(rank[c] for c in result.codes) == lifted.rank_sum
        assert result.over_cap_by == result.total_ects - premaster.max_ects > 0
        assert result.cap == premaster.max_ects and result.unmet == ()
        return
    assert result.status == "infeasible" and result.courses == ()
    outcomes = {o.id: o for o in instance.outcomes}
    by_code = {c.code: c for _, c in instance.courses}
    done = [by_code[c] for c in sorted(instance.taken)]
    reachable: list = []  # every pool course that can be taken in some order (a closure)
    grown = True
    while grown:
        grown = False
        for code in pool:
            course = by_code[code]
            if course not in reachable and oracle.orderable([course], done + reachable, outcomes):
                reachable.append(course)
                grown = True
    levels, ects = oracle.attained(done + reachable, outcomes)
    unmeetable = {str(i) for i in master.requires if not oracle.satisfied(i, levels, ects)}
    assert set(result.unmet) == unmeetable, (result.unmet, unmeetable)


def with_modules(instance: oracle.Instance, seed: int) -> oracle.Instance:
    """The instance with one or two modules: groups of two or three courses of one institution
    that share a ``part_of`` (a code no course has)."""
    rnd = random.Random(seed ^ 0x5EED)
    courses = list(instance.courses)
    order = list(range(len(courses)))
    rnd.shuffle(order)
    for k in range(rnd.choice([1, 1, 2])):
        members = [i for i in order if courses[i][1].part_of is None][: rnd.choice([2, 3])]
        if len(members) < 2:
            break
        inst = courses[members[0]][0]
        for i in members:
            _, course = courses[i]
            courses[i] = (inst, course.model_copy(update={"part_of": f"{inst}-MOD{k}"}))
    return oracle.Instance(instance.outcomes, courses, instance.masters, instance.taken)


@settings(
    max_examples=400, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.integers(0, 2**32 - 1))
def test_whole_units_equal_brute_force(seed: int) -> None:
    """With whole units (an elective pool), a module's components are chosen together: the
    cover equals the brute force over the programmes that hold whole units (EC and count)."""
    instance = with_modules(random_instance(seed), seed)
    catalogue = catalogue_of(instance)
    master = instance.master
    codes = tuple(oracle.premaster_pool(instance))
    pool = Candidates(codes, Message("pool.test"), ("units", seed), whole_units=True)
    the_gap = gap(master, attainment(catalogue, instance.taken))
    result = bridge_gap(catalogue, master, instance.taken, the_gap, candidates=pool)
    expected = oracle.solve_whole_units(instance)
    event(f"oracle: {expected.status}")
    event(f"modules chosen: {sum(1 for c in result.codes if catalogue.courses[c].part_of)}")
    assert result.status == expected.status, (result, expected)
    if expected.status == "premaster":
        assert result.optimal
        assert oracle.feasible(instance, list(result.codes))
        assert oracle.whole_units(instance, list(result.codes)), result.codes
        assert (result.total_ects, len(result.codes)) == (expected.ects, expected.count)
