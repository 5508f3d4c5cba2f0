"""CurricularAnalytics' CSV curriculum format: reading and writing it, a bachelor in it and back.

`CurricularAnalytics.jl <https://github.com/CurricularAnalytics/CurricularAnalytics.jl>`_ reads
a curriculum (or a degree plan: a curriculum with a term per course) from a CSV file and measures
its prerequisite structure. This module reads and writes that format, turns a bachelor of the
catalogue into it and a curriculum in it into curricula files; the metrics are in
:mod:`articulation.interop.ca_metrics`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
