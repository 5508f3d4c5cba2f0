"""The checks across the curricula: references, duplicates, code prefixes, prerequisite cycles,
modules and their components (``part_of``).

They run on the parts a loader read from YAML (:mod:`articulation.curriculum.loader`) and on parts
already
in memory, such as a catalogue edit the API is asked to store (:func:`check_parts`). Each problem
is reported at the part and field it is in, with the nearest known code for a typo.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import networkx as nx

from articulation.curriculum.calendar import Calendar, PeriodError, default_calendar, parse_offering
from articulation.curriculum.catalogue import Programme
from articulation.curriculum.credits import EPSILON
from articulation.curriculum.model import (
    AnyOf,
    AreaRequirement,
    AtLeast,
    Bachelor,
    CalendarSpec,
    Course,
    Master,
    Minor,
    Outcome,
    OutcomeAt,
    Requirement,
)
from articulation.curriculum.yamlfile import Problem, YamlFile, YamlPath
from articulation.support.suggest import did_you_mean, unknown


@dataclass
class Parts:
    """Validated parts of a catalogue, each with the file (and YAML path) it came from."""

    sources: list[YamlFile] = field(default_factory=list)
    outcomes: list[tuple[YamlFile, int, Outcome]] = field(default_factory=list)
    # (source, YAML path of the course in it, institution, course)
    courses: list[tuple[YamlFile, YamlPath, str, Course]] = field(default_factory=list)
    programmes: list[tuple[YamlFile, Programme]] = field(default_factory=list)
    invalid_codes: set[str] = field(default_factory=set)  # courses that failed validation
    # institution -> (source, calendar) of the catalogue files that give one
    calendars: dict[str, tuple[YamlFile, CalendarSpec]] = field(default_factory=dict)

    def problems(self) -> list[Problem]:
        return sorted({p for source in self.sources for p in source.problems})


def check_parts(
    outcomes: Iterable[Outcome],
    courses: Iterable[tuple[str, Course]],
    programmes: Iterable[Programme],
    calendars: Mapping[str, Calendar] | None = None,
) -> list[Problem]:
    """The cross-checks of :func:`load_curricula` on parts already in memory.

    ``courses`` are (institution, course) pairs; ``calendars`` the academic calendars the
    catalogue gives (by institution; the others have the default one). Each problem's ``file``
    names the part it is in (``outcomes``, ``course CODE`` or ``programme CODE``) and its
    ``path`` the field in that part.

    >>> from articulation.curriculum.model import Course, Outcome
    >>> o = Outcome(id="math.calculus", title="Calculus", area="mathematics")
    >>> c = Course(code="UT-1", title="A", ects=5, teaches={"math.calculus": 3}, prerequisites=[["UT-2"]])
    >>> [str(p) for p in check_parts([o], [("UT", c)], [])]
    ["course UT-1: prerequisites[0][0]: unknown course 'UT-2' (did you mean 'UT-1'?)"]
    """  # noqa: E501
    vocabulary = YamlFile(None, "outcomes")
    parts = Parts(
        outcomes=[(vocabulary, i, o) for i, o in enumerate(outcomes)],
        courses=[(YamlFile(None, f"course {c.code}"), (), inst, c) for inst, c in courses],
        programmes=[(YamlFile(None, f"programme {p.code}"), p) for p in programmes],
        calendars={
            inst: (YamlFile(None, f"calendar {inst}"), calendar.spec())
            for inst, calendar in (calendars or {}).items()
        },
    )
    parts.sources = [
        vocabulary,
        *(source for source, *_ in parts.courses),
        *(source for source, _ in parts.programmes),
        *(source for source, _ in parts.calendars.values()),
    ]
    cross_check(parts)
    return parts.problems()


def cross_check(parts: Parts) -> None:
    """Record every problem across ``parts`` in the file it is in."""
    outcome_ids: dict[str, tuple[YamlFile, int]] = {}
    for source, i, outcome in parts.outcomes:
        if outcome.id in outcome_ids:
            first = outcome_ids[outcome.id][0].name
            source.problem(("outcomes", i, "id"), f"duplicate outcome {outcome.id!r} ({first})")
        outcome_ids.setdefault(outcome.id, (source, i))
    areas = {o.area for _, _, o in parts.outcomes}
    for source, i, outcome in parts.outcomes:
        if outcome.parent and outcome.parent not in outcome_ids:
            _unknown(source, ("outcomes", i, "parent"), "outcome", outcome.parent, outcome_ids)
    institutions = {inst for _, _, inst, _ in parts.courses} | {
        p.institution for _, p in parts.programmes
    }
    catalogue_institutions = {inst for _, _, inst, _ in parts.courses}
    codes: dict[str, YamlFile] = {}
    folded: dict[str, str] = {}  # codes that differ only in case are one file name
    for source, at, inst, course in parts.courses:
        if course.code in codes:
            source.problem(
                (*at, "code"),
                f"duplicate course code {course.code!r} ({codes[course.code].name})",
            )
        elif folded.setdefault(course.code.casefold(), course.code) != course.code:
            other = folded[course.code.casefold()]
            source.problem(
                (*at, "code"), f"course code {course.code!r} differs from {other!r} only in case"
            )
        codes.setdefault(course.code, source)
        if not course.code.startswith(f"{inst}-"):
            source.problem((*at, "code"), f"course code {course.code!r} must start with '{inst}-'")
    calendars = {inst: Calendar.of(spec) for inst, (_, spec) in parts.calendars.items()}
    for source, at, inst, course in parts.courses:
        calendar = calendars.get(inst) or default_calendar(inst)
        for k, text in enumerate(course.periods):
            try:
                parse_offering(calendar, text)
            except PeriodError as exc:
                source.problem((*at, "periods", k), f"{exc} ({inst} calendar)")
        for outcome in course.teaches:
            if outcome not in outcome_ids:
                _unknown(source, (*at, "teaches", outcome), "outcome", outcome, outcome_ids)
        if course.area is not None and course.area not in areas:
            _unknown(source, (*at, "area"), "area", course.area, areas)
        for area in course.areas or {}:
            if area not in areas:
                _unknown(source, (*at, "areas", area), "area", area, areas)
        if not course.teaches and course.area is None and course.areas is None:
            source.problem(at, f"course {course.code!r} teaches nothing and has no 'area'")
        for g, group in enumerate(course.prerequisites):
            for m, member in enumerate(group):
                where = (*at, "prerequisites", g, m)
                if isinstance(member, OutcomeAt):
                    if member.outcome not in outcome_ids:
                        _unknown(source, where, "outcome", member.outcome, outcome_ids)
                elif member == course.code:
                    source.problem(where, f"course {course.code!r} lists itself as a prerequisite")
                elif member not in codes and member not in parts.invalid_codes:
                    _unknown(source, where, "course", member, codes)
    programme_codes: dict[str, Programme] = {}
    folded_programmes: dict[str, str] = {}
    for source, programme in parts.programmes:
        code = programme.code
        if code in programme_codes:
            source.problem(("code",), f"duplicate programme code {code!r}")
        elif folded_programmes.setdefault(code.casefold(), code) != code:
            other = folded_programmes[code.casefold()]
            source.problem(
                ("code",), f"programme code {code!r} differs from {other!r} only in case"
            )
        programme_codes.setdefault(code, programme)
    modules = _check_modules(parts, programme_codes)
    folded_institutions: dict[str, str] = {}
    for source, at, inst, _course in parts.courses:
        if folded_institutions.setdefault(inst.casefold(), inst) != inst:
            other = folded_institutions[inst.casefold()]
            source.problem(
                (*at[:-2], "institution"),
                f"institution {inst!r} differs from {other!r} only in case",
            )
    bachelors = {c for c, p in programme_codes.items() if isinstance(p, Bachelor)}
    minors = {c for c, p in programme_codes.items() if isinstance(p, Minor)}
    for source, programme in parts.programmes:
        if programme.institution not in catalogue_institutions:
            _unknown(
                source,
                ("institution",),
                "institution",
                programme.institution,
                catalogue_institutions,
            )
        if isinstance(programme, Bachelor | Minor):
            _check_codes(parts, source, ("courses",), programme.courses, codes)
        if isinstance(programme, Bachelor):
            for k, inst in enumerate(programme.elective_catalogue or []):
                if inst not in catalogue_institutions:
                    _unknown(
                        source,
                        ("elective_catalogue", k),
                        "institution",
                        inst,
                        catalogue_institutions,
                    )
            for t, track in enumerate(programme.tracks):
                _check_codes(parts, source, ("tracks", t, "courses"), track.courses, codes)
            window = programme.minor_window
            if window is not None:
                if window.institution not in catalogue_institutions:
                    where = ("minor_window", "institution")
                    _unknown(
                        source, where, "institution", window.institution, catalogue_institutions
                    )
                calendar = calendars.get(window.institution) or default_calendar(window.institution)
                for k, text in enumerate(window.periods):
                    try:
                        parse_offering(calendar, text)
                    except PeriodError as exc:
                        where = ("minor_window", "periods", k)
                        source.problem(where, f"{exc} ({window.institution} calendar)")
        if isinstance(programme, Master):
            _check_requirements(source, ("requires",), programme.requires, outcome_ids, areas)
            for k, inst in enumerate(programme.premaster.catalogue):
                if inst not in catalogue_institutions:
                    _unknown(
                        source,
                        ("premaster", "catalogue", k),
                        "institution",
                        inst,
                        catalogue_institutions,
                    )
            _check_codes(
                parts, source, ("premaster", "courses"), programme.premaster.courses or [], codes
            )
            _check_codes(
                parts,
                source,
                ("premaster", "university_courses"),
                programme.premaster.university_courses or [],
                codes,
            )
            for k, code in enumerate(programme.direct_admission):
                if code not in bachelors:
                    _unknown(source, ("direct_admission", k), "bachelor", code, bachelors)
            for k, package in enumerate(programme.premaster.fixed):
                where = ("premaster", "fixed", k)
                _check_codes(parts, source, (*where, "courses"), package.courses, codes)
                for j, code in enumerate(package.bachelors):
                    if code not in bachelors:
                        _unknown(source, (*where, "bachelors", j), "bachelor", code, bachelors)
            for a, assessment in enumerate(programme.assessment):
                for k, code in enumerate(assessment.bachelors):
                    if code not in bachelors:
                        where = ("assessment", a, "bachelors", k)
                        _unknown(source, where, "bachelor", code, bachelors)
            for k, policy in enumerate(programme.transfer_minors):
                if policy.minor not in minors:
                    _unknown(source, ("transfer_minors", k, "minor"), "minor", policy.minor, minors)
                for j, code in enumerate(policy.bachelors):
                    if code not in bachelors:
                        where = ("transfer_minors", k, "bachelors", j)
                        _unknown(source, where, "bachelor", code, bachelors)
        if isinstance(programme, Minor):
            _check_whole_units(source, programme.courses, modules)
            _check_requirements(source, ("entry",), programme.entry, outcome_ids, areas)
            for k, inst in enumerate(programme.open_to):
                if inst not in institutions:
                    _unknown(source, ("open_to", k), "institution", inst, catalogue_institutions)
    _check_conditions(parts)
    _check_cycles(parts)


def _check_conditions(parts: Parts) -> None:
    """A condition id means one thing: masters that share it give it the same text; a
    bachelor guarantees only conditions some master defines."""
    defined: dict[str, tuple[str, str]] = {}  # id -> (its text, the master that gave it first)
    for source, programme in parts.programmes:
        if isinstance(programme, Master):
            for k, condition in enumerate(programme.conditions):
                text, first = defined.setdefault(condition.id, (condition.text, programme.code))
                if text != condition.text:
                    source.problem(
                        ("conditions", k, "text"),
                        f"condition {condition.id!r} is defined by {first} as {text!r}; one id, "
                        "one text",
                    )
    for source, programme in parts.programmes:
        if isinstance(programme, Bachelor):
            for k, guarantee in enumerate(programme.guarantees):
                if guarantee.condition not in defined:
                    found = unknown("condition", guarantee.condition, defined)
                    where = ("guarantees", k, "condition")
                    source.problem(where, f"{found}: no master's conditions define it")


def _check_modules(parts: Parts, programme_codes: Mapping[str, Programme]) -> dict[str, list[str]]:
    """Check every ``part_of`` and return the modules: module code -> its components.

    A module is the group of the courses whose ``part_of`` names it. Its code is of the
    components' institution, names no programme and no component; when a course has that code
    (the module course), the components' EC add up to its EC; otherwise the module has at
    least two components (one alone is a module code with a typo, or a course that is a unit
    by itself).
    """
    courses = {entry[3].code: entry for entry in parts.courses}
    modules: dict[str, list[str]] = {}
    for source, at, inst, course in parts.courses:
        module = course.part_of
        if module is None:
            continue
        where = (*at, "part_of")
        if module == course.code:
            source.problem(where, f"course {course.code!r} is named as part of itself")
        elif not module.startswith(f"{inst}-"):
            source.problem(where, f"module {module!r} must start with '{inst}-' like its course")
        elif module in programme_codes:
            source.problem(where, f"{module!r} is a programme, not a module")
        elif module in courses and courses[module][3].part_of is not None:
            outer = courses[module][3].part_of
            source.problem(where, f"{module!r} is itself part of {outer!r}: name the module")
        else:
            modules.setdefault(module, []).append(course.code)
    for module, members in modules.items():
        source, at, _inst, first = courses[members[0]]
        if module in courses:
            total = sum(courses[c][3].ects for c in members)
            own = courses[module][3].ects
            if abs(total - own) > EPSILON:
                source.problem(
                    (*at, "part_of"),
                    f"the components of module {module!r} ({', '.join(members)}) add up to "
                    f"{total:g} EC, not to the module's {own:g} EC",
                )
        elif len(members) == 1:
            others = [m for m in modules if m != module]
            source.problem(
                (*at, "part_of"),
                f"module {module!r} has no other component than {first.code!r} and is no "
                f"course{did_you_mean(module, others)}",
            )
    return modules


def _check_whole_units(source: YamlFile, items: list[str], modules: dict[str, list[str]]) -> None:
    """A minor lists whole units: a component only with all its siblings."""
    listed = set(items)
    component_of = {c: m for m, members in modules.items() for c in members}
    for k, code in enumerate(items):
        module = component_of.get(code)
        if module is None:
            continue
        missing = [c for c in modules[module] if c not in listed]
        if missing:
            source.problem(
                ("courses", k),
                f"course {code!r} is part of module {module!r}: a minor lists whole units, "
                f"add {', '.join(repr(c) for c in missing)}",
            )


def _check_codes(parts: Parts, source: YamlFile, at: YamlPath, items: list[str], codes) -> None:
    seen: set[str] = set()
    for k, code in enumerate(items):
        if code not in codes and code not in parts.invalid_codes:
            _unknown(source, (*at, k), "course", code, codes)
        elif code in seen:
            source.problem((*at, k), f"course {code!r} listed twice")
        seen.add(code)


def _check_requirements(
    source: YamlFile, at: YamlPath, items: list[Requirement], outcome_ids, areas
) -> None:
    for k, item in enumerate(items):
        where = (*at, k)
        if isinstance(item, OutcomeAt) and item.outcome not in outcome_ids:
            _unknown(source, (*where, "outcome"), "outcome", item.outcome, outcome_ids)
        elif isinstance(item, AreaRequirement) and item.area not in areas:
            _unknown(source, (*where, "area"), "area", item.area, areas)
        elif isinstance(item, AnyOf):
            _check_requirements(source, (*where, "any_of"), item.any_of, outcome_ids, areas)
        elif isinstance(item, AtLeast):
            _check_requirements(source, (*where, "of"), item.of, outcome_ids, areas)


def _unknown(source: YamlFile, at: YamlPath, kind: str, value: str, known) -> None:
    source.problem(at, unknown(kind, value, known))


def _check_cycles(parts: Parts) -> None:
    graph = nx.DiGraph()
    where: dict[str, tuple[YamlFile, YamlPath]] = {}
    for source, at, _inst, course in parts.courses:
        where.setdefault(course.code, (source, at))
        for group in course.prerequisites:
            for member in group:
                if isinstance(member, str) and member != course.code:
                    graph.add_edge(member, course.code)
    for component in sorted(nx.strongly_connected_components(graph), key=min):
        if len(component) < 2:
            continue
        start = min(component)
        cycle = nx.find_cycle(graph.subgraph(component), source=start)
        names = [edge[0] for edge in cycle] + [cycle[0][0]]
        source, at = where[start]
        source.problem((*at, "prerequisites"), "prerequisite cycle: " + " -> ".join(names))
