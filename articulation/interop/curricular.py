"""CurricularAnalytics: its CSV curriculum format and its structural metrics.

`CurricularAnalytics.jl <https://github.com/CurricularAnalytics/CurricularAnalytics.jl>`_ reads
a curriculum (or a degree plan: a curriculum with a term per course) from a CSV file and measures
its prerequisite structure. This module reads and writes that format, turns a bachelor of the
catalogue into it, and computes the metrics as CurricularAnalytics defines them, over the graph
with an edge from every requisite (pre-, co- and strict co-requisite alike) to the course:

- **blocking factor** of a course: the number of courses reachable from it;
- **delay factor**: the number of courses on the longest path through it;
- **centrality**: the summed lengths (in courses) of the source-to-sink paths that pass through
  it;
- **structural complexity**: delay factor + blocking factor (in a quarter system, ⅔ of that,
  rounded to one decimal, as CurricularAnalytics does);

each also in total, the sum over the courses.

The values are CurricularAnalytics' own: its path searches are reproduced step by step
(:func:`delay_factors`, :func:`all_paths`), so where they keep one of several tied paths the
numbers are CA's, not the textbook formula's (its published examples depend on this; the tests
check them).

>>> ca = parse_csv("Curriculum,Tiny\\nCourses\\n"
...     "Course ID,Course Name,Prefix,Number,Prerequisites,Corequisites,"
...     "Strict-Corequisites,Credit Hours,Institution,Canonical Name\\n"
...     "1,Calculus,MA,1,,,,3,,\\n2,Mechanics,PH,2,1,,,3,,\\n", "tiny.csv")
>>> curricular_metrics(ca).to_json()["complexity"]
{'total': 5, 'courses': {'MA-1': 3, 'PH-2': 2}}
"""

from __future__ import annotations

import csv
import io
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.model import Bachelor, OutcomeAt

HEADER = [
    "Course ID",
    "Course Name",
    "Prefix",
    "Number",
    "Prerequisites",
    "Corequisites",
    "Strict-Corequisites",
    "Credit Hours",
    "Institution",
    "Canonical Name",
]
TERM = "Term"
METRICS = ("blocking_factor", "delay_factor", "centrality", "complexity")
_HEAD_ROWS = ("Institution", "Degree Type", "System Type", "CIP")
_SECTIONS = ("Additional Courses", "Course Learning Outcomes", "Curriculum Learning Outcomes")


class CurricularError(ValueError):
    """A CurricularAnalytics CSV file that cannot be read, or a curriculum the metrics are not
    defined for (a requisite cycle); names the file, the row and the field."""

    def __init__(self, file: str, row: int | None, field: str | None, message: str):
        self.file, self.row, self.field = file, row, field
        where = file + (f": row {row}" if row else "") + (f": {field}" if field else "")
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class CACourse:
    """One course row of a CurricularAnalytics CSV file."""

    id: int
    name: str
    prefix: str = ""
    number: str = ""
    prerequisites: tuple[int, ...] = ()
    corequisites: tuple[int, ...] = ()
    strict_corequisites: tuple[int, ...] = ()
    credit_hours: float = 0.0
    institution: str = ""
    canonical_name: str = ""
    term: int | None = None

    @property
    def requisites(self) -> tuple[int, ...]:
        """Every requisite, whatever its kind: each is an edge of the curriculum graph."""
        return (*self.prerequisites, *self.corequisites, *self.strict_corequisites)

    @property
    def code(self) -> str:
        """``PREFIX-NUMBER`` (our course code), or the number, or the course ID."""
        if self.prefix and self.number:
            return f"{self.prefix}-{self.number}"
        return self.number or str(self.id)


@dataclass(frozen=True)
class CACurriculum:
    """A curriculum in CurricularAnalytics' terms; a degree plan when ``plan`` names one (then
    every course has a term). ``notes`` are written as ``#`` lines after the courses."""

    name: str
    courses: tuple[CACourse, ...]
    institution: str = ""
    degree_type: str = "BS"
    system_type: str = "semester"
    cip: str = ""
    plan: str | None = None
    notes: tuple[str, ...] = field(default=(), compare=False)

    def keys(self) -> dict[int, str]:
        """A key per course ID for reports: the course codes when they are unique, else the IDs."""
        codes = [c.code for c in self.courses]
        if len(set(codes)) == len(codes):
            return {c.id: c.code for c in self.courses}
        return {c.id: str(c.id) for c in self.courses}


# --- reading and writing ---------------------------------------------------------------------


def read_csv(path: str | Path) -> CACurriculum:
    """Read a CurricularAnalytics curriculum or degree plan CSV file.

    Raises :class:`CurricularError` naming the file, the row and the field of the first problem.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CurricularError(str(path), None, None, f"cannot read file: {exc}") from None
    return parse_csv(text, str(path))


def parse_csv(text: str, name: str = "<csv>") -> CACurriculum:
    """A curriculum from the text of a CurricularAnalytics CSV file (``name`` in errors)."""
    rows = list(csv.reader(io.StringIO(text)))
    numbered = [(i + 1, [cell.strip() for cell in row]) for i, row in enumerate(rows)]
    numbered = [(n, row) for n, row in numbered if any(row)]  # CA skips empty lines too
    if not numbered or numbered[0][1][0] != "Curriculum":
        raise CurricularError(name, 1, "Curriculum", "the first row must be 'Curriculum,<name>'")
    head: dict[str, str] = {"Curriculum": _cell(numbered[0][1], 1)}
    at = 1
    if at < len(numbered) and numbered[at][1][0] == "Degree Plan":
        head["Degree Plan"] = _cell(numbered[at][1], 1)
        at += 1
    for key in _HEAD_ROWS:
        if at < len(numbered) and numbered[at][1][0] == key:
            head[key] = _cell(numbered[at][1], 1)
            at += 1
    if at >= len(numbered) or numbered[at][1][0] != "Courses":
        row = numbered[at][0] if at < len(numbered) else None
        raise CurricularError(name, row, "Courses", "expected the row 'Courses' before the courses")
    at += 1
    if at >= len(numbered):
        raise CurricularError(name, None, "Course ID", "no course header row")
    header_row, header = numbered[at]
    columns = {title: i for i, title in enumerate(header) if title}
    for title in ("Course ID", "Course Name"):
        if title not in columns:
            raise CurricularError(name, header_row, title, "missing column in the course header")
    is_plan = "Degree Plan" in head
    if is_plan and TERM not in columns:
        raise CurricularError(name, header_row, TERM, "a degree plan needs a Term column")
    system = head.get("System Type", "semester").lower() or "semester"
    if system not in ("semester", "quarter"):
        raise CurricularError(
            name, None, "System Type", f"expected semester or quarter, got {system!r}"
        )
    courses: list[CACourse] = []
    seen: dict[int, int] = {}
    for row_number, row in numbered[at + 1 :]:
        if row[0] in _SECTIONS or row[0].startswith("#"):
            break
        course = _course(name, row_number, row, columns, is_plan)
        if course.id in seen:
            raise CurricularError(
                name,
                row_number,
                "Course ID",
                f"duplicate course ID {course.id} (first in row {seen[course.id]})",
            )
        seen[course.id] = row_number
        courses.append(course)
    ids = set(seen)
    for course in courses:
        for title, attribute in (
            ("Prerequisites", "prerequisites"),
            ("Corequisites", "corequisites"),
            ("Strict-Corequisites", "strict_corequisites"),
        ):
            for ref in getattr(course, attribute):
                if ref not in ids:
                    raise CurricularError(name, seen[course.id], title, f"unknown course ID {ref}")
    return CACurriculum(
        name=head["Curriculum"],
        courses=tuple(sorted(courses, key=lambda c: c.id)),  # CA orders the courses by ID
        institution=head.get("Institution", ""),
        degree_type=head.get("Degree Type", "") or "BS",
        system_type=system,
        cip=head.get("CIP", ""),
        plan=head.get("Degree Plan"),
    )


def _cell(row: Sequence[str], index: int) -> str:
    return row[index] if index < len(row) else ""


def _course(
    name: str, row_number: int, row: list[str], columns: dict[str, int], is_plan: bool
) -> CACourse:
    def get(title: str) -> str:
        return _cell(row, columns[title]) if title in columns else ""

    def integer(title: str, text: str) -> int:
        try:
            value = int(float(text)) if text.replace(".0", "", 1).isdigit() else int(text)
        except ValueError:
            raise CurricularError(
                name, row_number, title, f"expected a course ID (a whole number), got {text!r}"
            ) from None
        if value < 1:
            raise CurricularError(name, row_number, title, f"course IDs are positive, got {text!r}")
        return value

    def ids(title: str) -> tuple[int, ...]:
        text = get(title)
        parts = [p.strip() for p in text.replace(",", ";").split(";")] if text else []
        return tuple(integer(title, p) for p in parts if p)

    course_id = integer("Course ID", get("Course ID"))
    if not get("Course Name"):
        raise CurricularError(name, row_number, "Course Name", "every course needs a name")
    hours_text = get("Credit Hours") or "0"
    try:
        hours = float(hours_text)
    except ValueError:
        raise CurricularError(
            name, row_number, "Credit Hours", f"expected a number, got {hours_text!r}"
        ) from None
    if hours < 0 or hours != hours or hours == float("inf"):
        raise CurricularError(
            name, row_number, "Credit Hours", f"expected a number >= 0, got {hours_text!r}"
        )
    term = None
    if get(TERM):
        term = integer(TERM, get(TERM))
    elif is_plan:
        raise CurricularError(name, row_number, TERM, "every course of a degree plan needs a term")
    return CACourse(
        id=course_id,
        name=get("Course Name"),
        prefix=get("Prefix"),
        number=get("Number"),
        prerequisites=ids("Prerequisites"),
        corequisites=ids("Corequisites"),
        strict_corequisites=ids("Strict-Corequisites"),
        credit_hours=hours,
        institution=get("Institution"),
        canonical_name=get("Canonical Name"),
        term=term,
    )


def write_csv(curriculum: CACurriculum) -> str:
    """The CurricularAnalytics CSV text of ``curriculum`` (a degree plan, with a Term column,
    when it names one); its notes follow the courses as ``#`` lines, which CA stops reading at.

    >>> ca = CACurriculum("Tiny", (CACourse(1, "Calculus", "MA", "1", credit_hours=3),))
    >>> print(write_csv(ca), end="")
    Curriculum,Tiny
    Institution,
    Degree Type,BS
    System Type,semester
    CIP,
    Courses
    Course ID,Course Name,Prefix,Number,Prerequisites,Corequisites,Strict-Corequisites,Credit Hours,Institution,Canonical Name
    1,Calculus,MA,1,,,,3,,
    """  # noqa: E501
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    out.writerow(["Curriculum", curriculum.name])
    if curriculum.plan is not None:
        out.writerow(["Degree Plan", curriculum.plan])
    out.writerow(["Institution", curriculum.institution])
    out.writerow(["Degree Type", curriculum.degree_type])
    out.writerow(["System Type", curriculum.system_type])
    out.writerow(["CIP", curriculum.cip])
    out.writerow(["Courses"])
    is_plan = curriculum.plan is not None
    out.writerow(HEADER + ([TERM] if is_plan else []))
    for c in curriculum.courses:
        row = [
            str(c.id),
            c.name,
            c.prefix,
            c.number,
            ";".join(map(str, c.prerequisites)),
            ";".join(map(str, c.corequisites)),
            ";".join(map(str, c.strict_corequisites)),
            f"{c.credit_hours:g}",
            c.institution,
            c.canonical_name,
        ]
        out.writerow(row + ([str(c.term)] if is_plan else []))
    for note in curriculum.notes:  # raw lines: a reader sees a first field starting with '#'
        buffer.write("# " + " ".join(note.split()) + "\n")
    return buffer.getvalue()


# --- a bachelor of the catalogue as a CurricularAnalytics curriculum ------------------------------


def from_bachelor(catalogue: Catalogue, code: str, track: str | None = None) -> CACurriculum:
    """The bachelor's courses (the common ones, and the track's) as a CurricularAnalytics
    curriculum, with the notes that say what the translation did.

    Every alternative of a prerequisite group becomes an edge (CA has no OR), and an outcome
    prerequisite (``math.calculus@apply``) an edge from each course of the curriculum that
    teaches the outcome at that level or higher. Prerequisites outside the curriculum are left
    out. When every course has periods on one calendar the result is a degree plan whose terms
    are the periods of the year (the year of study is not in the data).
    """
    bachelor: Bachelor = catalogue.bachelor(code)
    track = catalogue.track(bachelor, track)
    codes = list(dict.fromkeys(bachelor.courses_of(track)))
    ids = {c: i for i, c in enumerate(codes, start=1)}
    or_groups = outcome_members = outside = 0
    courses = []
    for course_code in codes:
        course = catalogue.courses[course_code]
        requisites: list[int] = []
        for group in course.prerequisites:
            or_groups += len(group) > 1
            for member in group:
                if isinstance(member, OutcomeAt):
                    outcome_members += 1
                    found = [
                        ids[teacher]
                        for teacher, level in catalogue.teachers.get(member.outcome, [])
                        if level >= member.level and teacher in ids and teacher != course_code
                    ]
                    outside += not found
                    requisites += found
                elif member in ids and member != course_code:
                    requisites.append(ids[member])
                else:
                    outside += 1
        institution = catalogue.institution_of[course_code]
        prefix, number = institution, course_code
        if course_code.startswith(f"{institution}-"):
            number = course_code[len(institution) + 1 :]
        else:
            prefix = ""
        courses.append(
            CACourse(
                id=ids[course_code],
                name=course.title,
                prefix=prefix,
                number=number,
                prerequisites=tuple(sorted(set(requisites))),
                credit_hours=course.ects,
                institution=institution,
            )
        )
    terms, term_note = _terms(catalogue, codes)
    notes = [
        f"exported from {bachelor.code} ({bachelor.name})"
        + (f", track {track}" if track else "")
        + "; Prefix-Number is the course code, Credit Hours are EC",
    ]
    if bachelor.tracks and track is None:
        notes.append(f"the common courses only; the tracks are {', '.join(bachelor.track_names)}")
    if or_groups:
        notes.append(
            f"{or_groups} prerequisite group(s) of alternatives (any one suffices): CA has no OR, "
            "so each alternative is drawn as an edge"
        )
    if outcome_members:
        notes.append(
            f"{outcome_members} outcome prerequisite(s) (outcome@level): an edge from each course "
            "of the curriculum that teaches the outcome at that level or higher"
        )
    if outside:
        notes.append(f"{outside} prerequisite(s) met by no course of the curriculum: left out")
    notes.append(term_note)
    if terms:
        courses = [CACourse(**{**vars(c), "term": terms[codes[c.id - 1]]}) for c in courses]
    return CACurriculum(
        name=bachelor.name,
        courses=tuple(courses),
        institution=bachelor.institution,
        degree_type="BS",
        plan=f"{bachelor.code} by period of the year" if terms else None,
        notes=tuple(notes),
    )


def _terms(catalogue: Catalogue, codes: Sequence[str]) -> tuple[dict[str, int], str]:
    """Terms from periods: the index of each course's first period in its calendar, when every
    course has periods and all are on one calendar."""
    missing = [c for c in codes if not catalogue.courses[c].periods]
    if missing:
        return {}, (
            f"no terms: {len(missing)} course(s) have no periods in the data "
            f"({', '.join(missing[:3])}{', …' if len(missing) > 3 else ''})"
        )
    calendars = {c: catalogue.calendar(catalogue.institution_of[c]) for c in codes}
    if len({tuple(cal.names) for cal in calendars.values()}) > 1:
        return {}, "no terms: the courses run on different calendars"
    terms = {}
    for c in codes:
        first = catalogue.courses[c].periods[0].split("-")[0].strip()
        period = calendars[c].period(first)
        if period is None:
            return {}, f"no terms: {c} has period {first!r}, which its calendar does not know"
        terms[c] = period.index + 1
    names = next(iter(calendars.values())).names
    return terms, (
        f"Term is the course's first period of the year ({names[0]} = 1 … {names[-1]} = "
        f"{len(names)}); the year of study is not in the data, so one term holds that period "
        "of every year"
    )


def to_programme(curriculum: CACurriculum, code: str, institution: str) -> dict[str, Any]:
    """A CurricularAnalytics curriculum as curricula files: ``{"catalogue": {...}, "bachelor":
    {...}}`` (plain data for YAML). Course codes are ``PREFIX-NUMBER`` (else the number, else
    ``<institution>-CA<id>``); every requisite (pre-, co- or strict co-) becomes a prerequisite;
    the courses teach nothing (CA has no outcomes at a level)."""
    codes = {}
    for c in curriculum.courses:
        own = c.code if (c.prefix and c.number) or c.number else f"{institution}-CA{c.id}"
        codes[c.id] = own
    if len(set(codes.values())) != len(codes):
        codes = {c.id: f"{institution}-CA{c.id}" for c in curriculum.courses}
    courses = []
    for c in curriculum.courses:
        item: dict[str, Any] = {"code": codes[c.id], "title": c.name, "ects": c.credit_hours}
        requisites = list(dict.fromkeys(c.requisites))
        if requisites:
            item["prerequisites"] = [[codes[r]] for r in requisites]
        courses.append(item)
    total = sum(c.credit_hours for c in curriculum.courses)
    return {
        "catalogue": {"institution": institution, "courses": courses},
        "bachelor": {
            "code": code,
            "name": curriculum.name,
            "institution": institution,
            "kind": "bachelor",
            "ects": total,
            "courses": [codes[c.id] for c in curriculum.courses],
        },
    }


# --- the metrics -------------------------------------------------------------------------------


def curriculum_graph(curriculum: CACurriculum) -> nx.DiGraph:
    """The curriculum graph: a node per course ID (in ID order), an edge from every requisite
    (pre-, co- or strict co-) to its course."""
    graph = nx.DiGraph()
    graph.add_nodes_from(c.id for c in curriculum.courses)
    for course in curriculum.courses:
        graph.add_edges_from((r, course.id) for r in course.requisites)
    return graph


def all_paths(graph: nx.DiGraph) -> list[list[int]]:
    """The source-to-sink paths as CurricularAnalytics' ``all_paths`` (GraphAlgs.jl) lists them:
    walking back from each sink (in node order) through the in-neighbours in node order.

    Like CurricularAnalytics it keeps one path where a course has several requisites that are
    sources (its published values rest on this); see :func:`curricular_metrics`.

    >>> g = nx.DiGraph([(1, 3), (2, 3), (3, 4)])
    >>> all_paths(g)
    [[2, 3, 4]]
    """
    order = {v: i for i, v in enumerate(graph.nodes)}
    preds = {v: sorted(graph.predecessors(v), key=order.__getitem__) for v in graph.nodes}
    paths: list[list[int]] = []
    for sink in graph.nodes:
        if graph.out_degree(sink) or not graph.in_degree(sink):
            continue
        queue = deque([[sink]])
        while queue:
            path = queue.popleft()
            for i, u in enumerate(preds[path[0]]):
                if i == 0:
                    path.insert(0, u)
                else:
                    path[0] = u
                if not preds[u]:
                    if path not in paths:
                        paths.append(path)  # the same list on: as CA, later heads overwrite it
                else:
                    queue.append(list(path))
    return paths


def delay_factors(graph: nx.DiGraph) -> dict[int, int]:
    """The delay factor of every course as CurricularAnalytics computes it: from each course
    with successors, one longest path to every course it reaches (LightGraphs' Dijkstra search
    on weights -1, ties kept as found first); a course's delay factor is the most courses on
    such a path through it (1 on none).

    Where two longest paths tie, CA keeps one, so a course on the other counts less than the
    longest path through it (its published example: 4, not 5).

    >>> delay_factors(nx.DiGraph([(1, 2), (2, 3)]))
    {1: 3, 2: 3, 3: 3}
    """
    order = {v: i for i, v in enumerate(graph.nodes)}
    succ = {v: sorted(graph.successors(v), key=order.__getitem__) for v in graph.nodes}
    delay = dict.fromkeys(graph.nodes, 1)
    for source in graph.nodes:
        if not succ[source]:
            continue
        parents = _longest_path_tree(succ, source)
        for target in graph.nodes:
            path = []
            v = target
            while v in parents:
                path.append(v)
                v = parents[v]
            if path:
                path.append(v)
                for u in path:
                    delay[u] = max(delay[u], len(path))
    return delay


def _longest_path_tree(succ: dict[int, list[int]], source: int) -> dict[int, int]:
    """The parent of each course reached from ``source`` in LightGraphs'
    ``dijkstra_shortest_paths(g, source, -weights(g))``, with its priority queue's order."""
    dist = {source: 0}
    parents: dict[int, int] = {}
    queue = _PriorityQueue()
    queue.set(source, 0)
    while queue:
        u = queue.pop()
        for v in succ[u]:
            alt = dist[u] - 1
            if v not in dist or alt < dist[v]:
                dist[v], parents[v] = alt, u
                queue.set(v, alt)
    return parents


class _PriorityQueue:
    """DataStructures.jl's PriorityQueue (a binary heap; equal priorities keep their order as
    it does), enough for :func:`_longest_path_tree`."""

    def __init__(self) -> None:
        self.items: list[list[int]] = []  # [key, priority]
        self.index: dict[int, int] = {}

    def __bool__(self) -> bool:
        return bool(self.items)

    def set(self, key: int, priority: int) -> None:
        if key in self.index:
            i = self.index[key]
            old = self.items[i][1]
            self.items[i] = [key, priority]
            if priority < old:
                self._up(i)
            else:
                self._down(i)
        else:
            self.items.append([key, priority])
            self._up(len(self.items) - 1)

    def pop(self) -> int:
        first = self.items[0]
        last = self.items.pop()
        del self.index[first[0]]
        if self.items:
            self.items[0] = last
            self._down(0)
        return first[0]

    def _up(self, i: int) -> None:
        item = self.items[i]
        while i > 0:
            parent = (i - 1) // 2
            if item[1] < self.items[parent][1]:
                self._place(self.items[parent], i)
                i = parent
            else:
                break
        self._place(item, i)

    def _down(self, i: int) -> None:
        item = self.items[i]
        n = len(self.items)
        while (left := 2 * i + 1) < n:
            right = left + 1
            j = left if right >= n or self.items[left][1] < self.items[right][1] else right
            if self.items[j][1] < item[1]:
                self._place(self.items[j], i)
                i = j
            else:
                break
        self._place(item, i)

    def _place(self, item: list[int], i: int) -> None:
        self.items[i] = item
        self.index[item[0]] = i


@dataclass(frozen=True)
class CurricularMetrics:
    """The metrics of a curriculum, per course (by key, in the curriculum's order) and in total."""

    courses: tuple[str, ...]
    names: dict[str, str]
    blocking_factor: dict[str, int]
    delay_factor: dict[str, int]
    centrality: dict[str, int]
    complexity: dict[str, float]
    notes: tuple[str, ...] = ()

    def total(self, metric: str) -> float:
        value = sum(getattr(self, metric).values())
        return round(value, 1) if isinstance(value, float) else value

    def to_json(self) -> dict[str, Any]:
        """``{"blocking_factor": {"total": 8, "courses": {code: value}}, ...}``."""
        return {
            metric: {
                "total": _number(self.total(metric)),
                "courses": {key: _number(value) for key, value in getattr(self, metric).items()},
            }
            for metric in METRICS
        }


def _number(value: float) -> float:
    return int(value) if float(value).is_integer() else value


def curricular_metrics(curriculum: CACurriculum) -> CurricularMetrics:
    """Blocking factor, delay factor, centrality and structural complexity of every course, as
    CurricularAnalytics computes them (see the module's documentation).

    Raises :class:`CurricularError` when the requisites form a cycle (the metrics are defined on
    acyclic curricula only).
    """
    graph = curriculum_graph(curriculum)
    if not nx.is_directed_acyclic_graph(graph):
        cycle = nx.find_cycle(graph)
        keys = curriculum.keys()
        loop = " → ".join(keys[u] for u, _ in cycle) + f" → {keys[cycle[0][0]]}"
        raise CurricularError(curriculum.name, None, "Prerequisites", f"requisite cycle: {loop}")
    keys = curriculum.keys()
    centrality = dict.fromkeys(graph.nodes, 0)
    for path in all_paths(graph):
        if len(path) > 2:
            for v in path[1:-1]:
                centrality[v] += len(path)
    blocking = {v: len(nx.descendants(graph, v)) for v in graph.nodes}
    delay = delay_factors(graph)
    complexity: dict[int, float] = {v: delay[v] + blocking[v] for v in graph.nodes}
    if curriculum.system_type == "quarter":
        complexity = {v: round(h * 2 / 3, 1) for v, h in complexity.items()}
    order = [c.id for c in curriculum.courses]
    return CurricularMetrics(
        courses=tuple(keys[v] for v in order),
        names={keys[c.id]: c.name for c in curriculum.courses},
        blocking_factor={keys[v]: blocking[v] for v in order},
        delay_factor={keys[v]: delay[v] for v in order},
        centrality={keys[v]: centrality[v] for v in order},
        complexity={keys[v]: complexity[v] for v in order},
        notes=curriculum.notes,
    )


def bachelor_complexity(catalogue: Catalogue, code: str) -> float | None:
    """The structural complexity (total) of a bachelor's common courses, or None when its
    prerequisites through outcomes form a cycle."""
    try:
        return curricular_metrics(from_bachelor(catalogue, code)).total("complexity")
    except CurricularError:
        return None


def metric_rows(metrics: CurricularMetrics) -> Iterable[tuple[str, str, list[float]]]:
    """(key, name, [blocking, delay, centrality, complexity]) per course, for tables."""
    for key in metrics.courses:
        yield key, metrics.names[key], [getattr(metrics, m)[key] for m in METRICS]
