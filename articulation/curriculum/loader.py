"""Load a curricula directory into a :class:`Catalogue`, or report every problem in it.

Every ``*.yaml`` below the directory is read, whatever the folder names: a file with
``outcomes:`` is the outcome vocabulary, one with ``institution:`` and ``courses:`` is a course
catalogue, one with ``kind:`` is a programme. Each part is validated where it stands
(:mod:`articulation.curriculum.yamlfile`), then checked across files
(:mod:`articulation.curriculum.crosscheck`).
Loading never half-succeeds: either a complete, cross-checked catalogue comes back, or
:class:`CurriculaError` lists all problems, each naming the file, the YAML path, the line and
the offending value.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from articulation.curriculum.calendar import Calendar
from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.crosscheck import Parts, cross_check
from articulation.curriculum.model import (
    CalendarSpec,
    CatalogueFile,
    Course,
    OutcomesFile,
    ProgrammeFile,
)
from articulation.curriculum.yamlfile import CurriculaError, Problem, YamlFile

__all__ = ["CurriculaError", "Problem", "load_curricula"]


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
    return _load([YamlFile(path) for path in files])


def _load(sources: list[YamlFile]) -> Catalogue:
    parts = Parts(sources=sources)
    for source in sources:
        if source.data is not None or not source.problems:
            _read(parts, source)
    cross_check(parts)
    problems = parts.problems()
    if problems:
        raise CurriculaError(problems)
    return Catalogue.build(
        (o for _, _, o in parts.outcomes),
        ((inst, c) for _, _, inst, c in parts.courses),
        (p for _, p in parts.programmes),
        {inst: Calendar.of(spec) for inst, (_, spec) in parts.calendars.items()},
    )


def _read(parts: Parts, source: YamlFile) -> None:
    data = source.data
    if not isinstance(data, dict):
        kind = "empty" if data is None else type(data).__name__
        source.problem((), f"expected a mapping at the top level, found {kind}")
        return
    if "outcomes" in data and "kind" not in data:
        parsed = source.validate(OutcomesFile, data)
        if parsed:
            parts.outcomes += [(source, i, o) for i, o in enumerate(parsed.outcomes)]
    elif "institution" in data and "courses" in data and "kind" not in data:
        _read_catalogue(parts, source, data)
    elif "kind" in data:
        parsed = source.validate(ProgrammeFile, {"programme": data}, skip=1)
        if parsed:
            parts.programmes.append((source, parsed.programme))
    else:
        source.problem(
            (),
            "cannot tell what this file is: expected 'outcomes:', "
            "'institution:' with 'courses:', or a programme with 'kind:'",
        )


def _read_catalogue(parts: Parts, source: YamlFile, data: dict[str, Any]) -> None:
    # validate course by course so that one bad course does not hide the others
    # and a bad calendar does not hide the courses either
    header = {k: v for k, v in data.items() if k not in ("courses", "calendar")}
    header["courses"] = []
    parsed = source.validate(CatalogueFile, header)
    calendar = None
    if data.get("calendar") is not None:
        calendar = source.validate(CalendarSpec, data["calendar"], base=("calendar",))
    courses = data["courses"]
    if not isinstance(courses, list):
        source.problem(("courses",), f"expected a list of courses (got {courses!r})")
        return
    if parsed is None:
        return
    if calendar is not None:
        if parsed.institution in parts.calendars:
            first = parts.calendars[parsed.institution][0].name
            source.problem(
                ("calendar",), f"a second calendar for {parsed.institution} (the first: {first})"
            )
        else:
            parts.calendars[parsed.institution] = (source, calendar)
    for i, item in enumerate(courses):
        if not isinstance(item, dict):
            source.problem(("courses", i), f"expected a course mapping (got {item!r})")
            continue
        course = source.validate(Course, item, base=("courses", i))
        if course is not None:
            parts.courses.append((source, ("courses", i), parsed.institution, course))
        elif isinstance(item.get("code"), str | int):
            parts.invalid_codes.add(str(item["code"]))
