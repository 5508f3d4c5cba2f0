"""Load a curricula directory into a :class:`Catalogue`, or report every problem in it.

Every ``*.yaml`` below the directory is read, whatever the folder names: a file with
``outcomes:`` is the outcome vocabulary, one with ``institution:`` and ``courses:`` is a course
catalogue, one with ``kind:`` is a programme. Loading never half-succeeds: either a complete,
cross-checked catalogue comes back, or :class:`CurriculaError` lists all problems, each naming
the file, the YAML path, the line and the offending value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import yaml
from pydantic import BaseModel, ValidationError

from articulation.catalogue import Catalogue, Programme
from articulation.model import (
    AnyOf,
    AreaRequirement,
    Bachelor,
    CatalogueFile,
    Course,
    Master,
    Minor,
    Outcome,
    OutcomeAt,
    OutcomeRequirement,
    OutcomesFile,
    ProgrammeFile,
    Requirement,
)
from articulation.suggest import nearest

YamlPath = tuple[str | int, ...]
_YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in the curricula: where it is and what is wrong."""

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class CurriculaError(Exception):
    """The curricula could not be loaded; ``problems`` lists every reason."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


def format_path(path: YamlPath) -> str:
    """``("courses", 3, "teaches")`` → ``courses[3].teaches``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


class _Source:
    """One parsed YAML file with the line of every node, for error messages."""

    def __init__(self, path: Path | None, name: str | None = None):
        self.path = path
        self.name = name if path is None else _display(path)
        self.lines: dict[YamlPath, int] = {}
        self.problems: list[Problem] = []
        self.data: Any = None
        if path is None:  # an in-memory part (see check_parts)
            return
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.problem((), f"cannot read file: {exc}")
            return
        try:
            loader = _YamlLoader(text)
            try:
                node = loader.get_single_node()
                self.data = None if node is None else loader.construct_document(node)
            finally:
                loader.dispose()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else None
            reason = " ".join(str(part) for part in (exc.context, exc.problem) if part)
            self.problems.append(Problem(self.name, line, "", f"YAML syntax error: {reason}"))
            return
        except yaml.YAMLError as exc:
            self.problem((), f"YAML error: {exc}")
            return
        if node is not None:
            self._index(node, ())

    def _index(self, node: yaml.Node, path: YamlPath) -> None:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in node.value:
                name = key.value
                if name in seen:
                    line = key.start_mark.line + 1
                    where = format_path((*path, name))
                    self.problems.append(Problem(self.name, line, where, "duplicate key"))
                seen.add(name)
                self.lines.setdefault((*path, name), key.start_mark.line + 1)
                self._index(value, (*path, name))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self._index(item, (*path, i))

    def line(self, path: YamlPath) -> int | None:
        for end in range(len(path), -1, -1):
            key = tuple(str(p) if not isinstance(p, int) else p for p in path[:end])
            if key in self.lines:
                return self.lines[key]
        return None

    def problem(self, path: YamlPath, message: str) -> None:
        self.problems.append(Problem(self.name, self.line(path), format_path(path), message))

    def validate(
        self, model: type[BaseModel], data: Any, base: YamlPath = (), skip: int = 0
    ) -> Any:
        """Validate ``data`` (found at YAML path ``base``) with ``model``; record each error at
        its YAML path. ``skip`` drops leading parts of pydantic's locations (a wrapper)."""
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                self.problem(self._yaml_path(error["loc"][skip:], base), _describe(error))
            return None

    def _yaml_path(self, loc: tuple[Any, ...], base: YamlPath) -> YamlPath:
        """Map a pydantic location onto the YAML path, skipping union tags."""
        path = base
        for part in loc:
            candidate = (*path, part)
            if candidate in self.lines or not (isinstance(part, str) and _is_tag(part)):
                path = candidate
        return path


def _is_tag(part: str) -> bool:
    """Pydantic's names for union members, which are not YAML keys."""
    return (
        part in {"bachelor", "master", "minor", "str"}
        or part.endswith("-item")
        or ("[" in part or part.startswith("function-") or part == "OutcomeAt")
    )


_FIELDS = sorted(
    {
        name
        for model in (
            OutcomesFile,
            Outcome,
            CatalogueFile,
            Course,
            Bachelor,
            Master,
            Minor,
            OutcomeRequirement,
            AreaRequirement,
            AnyOf,
        )
        for name in model.model_fields
    }
    | {"source", "retrieved", "status", "note", "max_ects", "catalogue", "name", "courses"}
)


def _describe(error: dict[str, Any]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        key = error["loc"][-1]
        hint = nearest(str(key), _FIELDS)
        return f"unknown key {key!r}" + (f" (did you mean {hint!r}?)" if hint else "")
    if kind == "missing":
        return "required field is missing"
    message = error["msg"].removeprefix("Value error, ")
    value = error.get("input")
    if isinstance(value, dict | list) or kind == "value_error":
        return message
    return f"{message} (got {value!r})"


def _display(path: Path) -> str:
    """The path as a user can find it: relative to the working directory when below it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def find_yaml_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.yaml") if p.is_file() and not p.name.startswith("."))


def load_curricula(root: str | Path) -> Catalogue:
    """Load and cross-check every YAML file below ``root``.

    Raises :class:`CurriculaError` with all problems when anything is wrong.
    """
    root = Path(root)
    if not root.is_dir():
        raise CurriculaError([Problem(str(root), None, "", "curricula directory not found")])
    files = find_yaml_files(root)
    if not files:
        raise CurriculaError([Problem(str(root), None, "", "no *.yaml files found")])
    return _Loader(files).run()


def check_parts(
    outcomes: Iterable[Outcome],
    courses: Iterable[tuple[str, Course]],
    programmes: Iterable[Programme],
) -> list[Problem]:
    """The cross-checks of :func:`load_curricula` on parts already in memory.

    ``courses`` are (institution, course) pairs. Each problem's ``file`` names the part it is in
    (``outcomes``, ``course CODE`` or ``programme CODE``) and its ``path`` the field in that part.

    >>> from articulation.model import Course, Outcome
    >>> o = Outcome(id="math.calculus", title="Calculus", area="mathematics")
    >>> c = Course(code="UT-1", title="A", ects=5, teaches={"math.calculus": 3}, prerequisites=[["UT-2"]])
    >>> [str(p) for p in check_parts([o], [("UT", c)], [])]
    ["course UT-1: prerequisites[0][0]: unknown course 'UT-2' (did you mean 'UT-1'?)"]
    """  # noqa: E501
    loader = _Loader([])
    vocabulary = _Source(None, "outcomes")
    loader.outcomes = [(vocabulary, i, o) for i, o in enumerate(outcomes)]
    loader.courses = [(_Source(None, f"course {c.code}"), (), inst, c) for inst, c in courses]
    loader.programmes = [(_Source(None, f"programme {p.code}"), p) for p in programmes]
    loader.sources = [
        vocabulary,
        *(source for source, *_ in loader.courses),
        *(source for source, _ in loader.programmes),
    ]
    loader._cross_check()
    return sorted({p for source in loader.sources for p in source.problems})


class _Loader:
    def __init__(self, files: list[Path]):
        self.sources = [_Source(path) for path in files]
        self.outcomes: list[tuple[_Source, int, Outcome]] = []
        # (source, YAML path of the course in it, institution, course)
        self.courses: list[tuple[_Source, YamlPath, str, Course]] = []
        self.programmes: list[tuple[_Source, Programme]] = []
        self.invalid_codes: set[str] = set()  # codes of courses that failed validation

    def run(self) -> Catalogue:
        for source in self.sources:
            if source.data is not None or not source.problems:
                self._read(source)
        self._cross_check()
        problems = [p for source in self.sources for p in source.problems]
        if problems:
            raise CurriculaError(problems)
        return Catalogue.build(
            (o for _, _, o in self.outcomes),
            ((inst, c) for _, _, inst, c in self.courses),
            (p for _, p in self.programmes),
        )

    # --- per file ---------------------------------------------------------------------------

    def _read(self, source: _Source) -> None:
        data = source.data
        if not isinstance(data, dict):
            kind = "empty" if data is None else type(data).__name__
            source.problem((), f"expected a mapping at the top level, found {kind}")
            return
        if "outcomes" in data and "kind" not in data:
            parsed = source.validate(OutcomesFile, data)
            if parsed:
                self.outcomes += [(source, i, o) for i, o in enumerate(parsed.outcomes)]
        elif "institution" in data and "courses" in data and "kind" not in data:
            self._read_catalogue(source, data)
        elif "kind" in data:
            parsed = source.validate(ProgrammeFile, {"programme": data}, skip=1)
            if parsed:
                self.programmes.append((source, parsed.programme))
        else:
            source.problem(
                (),
                "cannot tell what this file is: expected 'outcomes:', "
                "'institution:' with 'courses:', or a programme with 'kind:'",
            )

    def _read_catalogue(self, source: _Source, data: dict[str, Any]) -> None:
        # validate course by course so that one bad course does not hide the others
        header = {k: v for k, v in data.items() if k != "courses"}
        header["courses"] = []
        parsed = source.validate(CatalogueFile, header)
        courses = data["courses"]
        if not isinstance(courses, list):
            source.problem(("courses",), f"expected a list of courses (got {courses!r})")
            return
        if parsed is None:
            return
        for i, item in enumerate(courses):
            if not isinstance(item, dict):
                source.problem(("courses", i), f"expected a course mapping (got {item!r})")
                continue
            course = source.validate(Course, item, base=("courses", i))
            if course is not None:
                self.courses.append((source, ("courses", i), parsed.institution, course))
            elif isinstance(item.get("code"), str | int):
                self.invalid_codes.add(str(item["code"]))

    # --- across files -----------------------------------------------------------------------

    def _cross_check(self) -> None:
        outcome_ids: dict[str, tuple[_Source, int]] = {}
        for source, i, outcome in self.outcomes:
            if outcome.id in outcome_ids:
                first = outcome_ids[outcome.id][0].name
                source.problem(("outcomes", i, "id"), f"duplicate outcome {outcome.id!r} ({first})")
            outcome_ids.setdefault(outcome.id, (source, i))
        areas = {o.area for _, _, o in self.outcomes}
        for source, i, outcome in self.outcomes:
            if outcome.parent and outcome.parent not in outcome_ids:
                self._unknown(
                    source, ("outcomes", i, "parent"), "outcome", outcome.parent, outcome_ids
                )
        institutions = {inst for _, _, inst, _ in self.courses} | {
            p.institution for _, p in self.programmes
        }
        catalogue_institutions = {inst for _, _, inst, _ in self.courses}
        codes: dict[str, _Source] = {}
        folded: dict[str, str] = {}  # codes that differ only in case are one file name
        for source, at, inst, course in self.courses:
            if course.code in codes:
                source.problem(
                    (*at, "code"),
                    f"duplicate course code {course.code!r} ({codes[course.code].name})",
                )
            elif folded.setdefault(course.code.casefold(), course.code) != course.code:
                other = folded[course.code.casefold()]
                source.problem(
                    (*at, "code"),
                    f"course code {course.code!r} differs from {other!r} only in case",
                )
            codes.setdefault(course.code, source)
            if not course.code.startswith(f"{inst}-"):
                source.problem(
                    (*at, "code"), f"course code {course.code!r} must start with '{inst}-'"
                )
        for source, at, _inst, course in self.courses:
            for outcome in course.teaches:
                if outcome not in outcome_ids:
                    self._unknown(
                        source, (*at, "teaches", outcome), "outcome", outcome, outcome_ids
                    )
            if course.area is not None and course.area not in areas:
                self._unknown(source, (*at, "area"), "area", course.area, areas)
            if not course.teaches and course.area is None:
                source.problem(at, f"course {course.code!r} teaches nothing and has no 'area'")
            for g, group in enumerate(course.prerequisites):
                for m, member in enumerate(group):
                    where = (*at, "prerequisites", g, m)
                    if isinstance(member, OutcomeAt):
                        if member.outcome not in outcome_ids:
                            self._unknown(source, where, "outcome", member.outcome, outcome_ids)
                    elif member == course.code:
                        source.problem(
                            where, f"course {course.code!r} lists itself as a prerequisite"
                        )
                    elif member not in codes and member not in self.invalid_codes:
                        self._unknown(source, where, "course", member, codes)
        programme_codes: dict[str, Programme] = {}
        folded_programmes: dict[str, str] = {}
        for source, programme in self.programmes:
            code = programme.code
            if code in programme_codes:
                source.problem(("code",), f"duplicate programme code {code!r}")
            elif folded_programmes.setdefault(code.casefold(), code) != code:
                other = folded_programmes[code.casefold()]
                source.problem(
                    ("code",), f"programme code {code!r} differs from {other!r} only in case"
                )
            programme_codes.setdefault(code, programme)
        folded_institutions: dict[str, str] = {}
        for source, at, inst, _course in self.courses:
            if folded_institutions.setdefault(inst.casefold(), inst) != inst:
                other = folded_institutions[inst.casefold()]
                source.problem(
                    (*at[:-2], "institution"),
                    f"institution {inst!r} differs from {other!r} only in case",
                )
        bachelors = {c for c, p in programme_codes.items() if isinstance(p, Bachelor)}
        for source, programme in self.programmes:
            if programme.institution not in catalogue_institutions:
                self._unknown(
                    source,
                    ("institution",),
                    "institution",
                    programme.institution,
                    catalogue_institutions,
                )
            if isinstance(programme, Bachelor | Minor):
                self._check_codes(source, ("courses",), programme.courses, codes)
            if isinstance(programme, Bachelor):
                for k, inst in enumerate(programme.elective_catalogue or []):
                    if inst not in catalogue_institutions:
                        self._unknown(
                            source,
                            ("elective_catalogue", k),
                            "institution",
                            inst,
                            catalogue_institutions,
                        )
                for t, track in enumerate(programme.tracks):
                    self._check_codes(source, ("tracks", t, "courses"), track.courses, codes)
            if isinstance(programme, Master):
                self._check_requirements(
                    source, ("requires",), programme.requires, outcome_ids, areas
                )
                for k, inst in enumerate(programme.premaster.catalogue):
                    if inst not in catalogue_institutions:
                        self._unknown(
                            source,
                            ("premaster", "catalogue", k),
                            "institution",
                            inst,
                            catalogue_institutions,
                        )
                for k, code in enumerate(programme.direct_admission):
                    if code not in bachelors:
                        self._unknown(source, ("direct_admission", k), "bachelor", code, bachelors)
            if isinstance(programme, Minor):
                self._check_requirements(source, ("entry",), programme.entry, outcome_ids, areas)
                for k, inst in enumerate(programme.open_to):
                    if inst not in institutions:
                        self._unknown(
                            source, ("open_to", k), "institution", inst, catalogue_institutions
                        )
        self._check_cycles()

    def _check_codes(self, source: _Source, at: YamlPath, items: list[str], codes) -> None:
        seen: set[str] = set()
        for k, code in enumerate(items):
            if code not in codes and code not in self.invalid_codes:
                self._unknown(source, (*at, k), "course", code, codes)
            elif code in seen:
                source.problem((*at, k), f"course {code!r} listed twice")
            seen.add(code)

    def _check_requirements(
        self, source: _Source, at: YamlPath, items: list[Requirement], outcome_ids, areas
    ) -> None:
        for k, item in enumerate(items):
            where = (*at, k)
            if isinstance(item, OutcomeRequirement) and item.outcome not in outcome_ids:
                self._unknown(source, (*where, "outcome"), "outcome", item.outcome, outcome_ids)
            elif isinstance(item, AreaRequirement) and item.area not in areas:
                self._unknown(source, (*where, "area"), "area", item.area, areas)
            elif isinstance(item, AnyOf):
                self._check_requirements(
                    source, (*where, "any_of"), item.any_of, outcome_ids, areas
                )

    def _unknown(self, source: _Source, at: YamlPath, kind: str, value: str, known) -> None:
        hint = nearest(value, known)
        suffix = f" (did you mean {hint!r}?)" if hint else ""
        source.problem(at, f"unknown {kind} {value!r}{suffix}")

    def _check_cycles(self) -> None:
        graph = nx.DiGraph()
        where: dict[str, tuple[_Source, YamlPath]] = {}
        for source, at, _inst, course in self.courses:
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
