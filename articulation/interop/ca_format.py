"""CurricularAnalytics' CSV curriculum format: reading and writing it, a bachelor in it and back.

`CurricularAnalytics.jl <https://github.com/CurricularAnalytics/CurricularAnalytics.jl>`_ reads
a curriculum (or a degree plan: a curriculum with a term per course, and optionally an
"Additional Courses" section) from a CSV file and measures its prerequisite structure. This
module reads and writes that format as CurricularAnalytics.jl v2.1.0 does (``read_csv`` and
``write_csv`` of its ``src/DataHandler.jl``), turns a bachelor of the catalogue into it and a
curriculum in it into curricula files; the metrics are in :mod:`articulation.interop.ca_metrics`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.model import (
    MAX_PROGRAMME_ECTS,
    Bachelor,
    CalendarSpec,
    Course,
    OutcomeAt,
)

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
ADDITIONAL = "Additional Courses"
_HEAD_ROWS = ("Institution", "Degree Type", "System Type", "CIP")
_SECTIONS = (ADDITIONAL, "Course Learning Outcomes", "Curriculum Learning Outcomes")
_REQUISITES = (
    ("Prerequisites", "prerequisites"),
    ("Corequisites", "corequisites"),
    ("Strict-Corequisites", "strict_corequisites"),
)
#: CA reads a requisite list split at any of these (``src/CSVUtilities.jl``, read_all_courses).
_SEPARATORS = re.compile(r"[;,.:]")
_WHOLE = re.compile(r"\d+")
#: The largest field read, in characters (128 KiB, the csv module's default limit).
MAX_FIELD = 131072


class CurricularError(ValueError):
    """A CurricularAnalytics CSV file that cannot be read, or a curriculum the metrics are not
    defined for (a requisite cycle); names the file, the row and the field."""

    def __init__(self, file: str, row: int | None, field: str | None, message: str):
        self.file, self.row, self.field = file, row, field
        where = file + (f": row {row}" if row else "") + (f": {field}" if field else "")
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class CACourse:
    """One course row of a CurricularAnalytics CSV file; ``additional`` when it is in the
    "Additional Courses" section of a degree plan, ``row`` its line in the file (0: none)."""

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
    additional: bool = False
    row: int = field(default=0, compare=False)

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


def _rows(text: str, name: str) -> list[tuple[int, list[str]]]:
    """The non-empty rows of the file with their line numbers, cells stripped. Fields of any
    size are read here (the csv module's limit lifted for the call), so that a field over
    :data:`MAX_FIELD` is reported with its column (:func:`_sizes`)."""
    reader = csv.reader(io.StringIO(text))
    rows = []
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))
    try:
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return rows
            except csv.Error as exc:
                raise CurricularError(name, reader.line_num, None, f"not CSV: {exc}") from None
            cells = [cell.strip() for cell in row]
            if any(cells):  # CA skips empty lines too
                rows.append((reader.line_num, cells))
    finally:
        csv.field_size_limit(limit)


def _sizes(name: str, row_number: int, row: Sequence[str], titles: Sequence[str]) -> None:
    """Refuse a field over :data:`MAX_FIELD` characters, naming its column."""
    for i, cell in enumerate(row):
        if len(cell) > MAX_FIELD:
            title = titles[i] if i < len(titles) and titles[i] else f"column {i + 1}"
            raise CurricularError(
                name,
                row_number,
                title,
                f"a field of {len(cell):,} characters; at most {MAX_FIELD:,} are read",
            )


def parse_csv(text: str, name: str = "<csv>") -> CACurriculum:
    """A curriculum from the text of a CurricularAnalytics CSV file (``name`` in errors)."""
    numbered = _rows(text, name)
    for row_number, row in numbered:
        if row[0] not in ("Course ID", *_HEAD_ROWS, "Curriculum", "Degree Plan"):
            break
        _sizes(name, row_number, row, [row[0]] * len(row))
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
    is_plan = "Degree Plan" in head
    system = head.get("System Type", "semester").lower() or "semester"
    if system not in ("semester", "quarter"):
        raise CurricularError(
            name, None, "System Type", f"expected semester or quarter, got {system!r}"
        )
    courses, at = _section(name, numbered, at + 1, is_plan, additional=False)
    if at < len(numbered) and numbered[at][1][0] == ADDITIONAL:
        if not is_plan:
            raise CurricularError(
                name, numbered[at][0], ADDITIONAL, "only a degree plan can have additional courses"
            )
        more, at = _section(name, numbered, at + 1, is_plan, additional=True)
        courses += more
    seen: dict[int, int] = {}
    for course in courses:
        if course.id in seen:
            raise CurricularError(
                name,
                course.row,
                "Course ID",
                f"duplicate course ID {course.id} (first in row {seen[course.id]})",
            )
        seen[course.id] = course.row
    for course in courses:
        for title, attribute in _REQUISITES:
            for ref in getattr(course, attribute):
                if ref not in seen:
                    raise CurricularError(name, course.row, title, f"unknown course ID {ref}")
    return CACurriculum(
        name=head["Curriculum"],
        courses=tuple(sorted(courses, key=lambda c: c.id)),  # CA orders the courses by ID
        institution=head.get("Institution", ""),
        degree_type=head.get("Degree Type", "") or "BS",
        system_type=system,
        cip=head.get("CIP", ""),
        plan=head.get("Degree Plan"),
    )


def _section(
    name: str, numbered: list[tuple[int, list[str]]], at: int, is_plan: bool, additional: bool
) -> tuple[list[CACourse], int]:
    """The courses of one section (its header row at ``at``), and where the next one starts."""
    if at >= len(numbered):
        raise CurricularError(name, None, "Course ID", "no course header row")
    header_row, header = numbered[at]
    _sizes(name, header_row, header, header)
    columns = {title: i for i, title in enumerate(header) if title}
    for title in ("Course ID", "Course Name"):
        if title not in columns:
            raise CurricularError(name, header_row, title, "missing column in the course header")
    if is_plan and TERM not in columns:
        raise CurricularError(name, header_row, TERM, "a degree plan needs a Term column")
    courses = []
    at += 1
    while at < len(numbered):
        row_number, row = numbered[at]
        if row[0] in _SECTIONS or row[0].startswith("#"):
            break
        _sizes(name, row_number, row, header)
        courses.append(_course(name, row_number, row, columns, is_plan, additional))
        at += 1
    return courses, at


def _cell(row: Sequence[str], index: int) -> str:
    return row[index] if index < len(row) else ""


def _course(
    name: str,
    row_number: int,
    row: list[str],
    columns: dict[str, int],
    is_plan: bool,
    additional: bool,
) -> CACourse:
    def get(title: str) -> str:
        return _cell(row, columns[title]) if title in columns else ""

    def integer(title: str, text: str, what: str = "a course ID") -> int:
        whole = text[:-2] if text.endswith(".0") else text
        if not _WHOLE.fullmatch(whole) or len(whole) > 20:
            raise CurricularError(
                name, row_number, title, f"expected {what} (a whole number), got {text[:40]!r}"
            )
        value = int(whole)
        if value < 1:
            raise CurricularError(name, row_number, title, f"expected {what} >= 1, got {text!r}")
        return value

    def ids(title: str) -> tuple[int, ...]:
        text = get(title).removesuffix(";")
        parts = [p.strip() for p in _SEPARATORS.split(text)] if text else []
        return tuple(dict.fromkeys(integer(title, p) for p in parts if p))

    course_id = integer("Course ID", get("Course ID"))
    if not get("Course Name"):
        raise CurricularError(name, row_number, "Course Name", "every course needs a name")
    hours_text = get("Credit Hours") or "0"
    try:
        hours = float(hours_text) if len(hours_text) <= 40 else float("nan")
    except ValueError:
        hours = float("nan")
    if not 0 <= hours < float("inf"):
        raise CurricularError(
            name, row_number, "Credit Hours", f"expected a number >= 0, got {hours_text[:40]!r}"
        )
    term = None
    if not is_plan:
        pass  # CA reads no terms of a curriculum, even where a Term column is given
    elif get(TERM):
        term = integer(TERM, get(TERM), "a term")
    else:
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
        additional=additional,
        row=row_number,
    )


def write_csv(
    curriculum: CACurriculum,
    columns: Sequence[str] = (),
    values: Mapping[int, Sequence[str]] | None = None,
) -> str:
    """The CurricularAnalytics CSV text of ``curriculum`` (a degree plan, with a Term column and
    its additional courses in their own section, when it names one); its notes follow the
    courses as ``#`` lines, which CA stops reading at. ``columns`` are extra columns after the
    others (as CA's writer adds its metrics), ``values`` their cells by course ID.

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
    header = HEADER + ([TERM] if is_plan else []) + list(columns)
    out.writerow(header)
    for section in (False, True):
        courses = [c for c in curriculum.courses if c.additional is section]
        if section:
            if not courses:
                break
            out.writerow([ADDITIONAL])
            out.writerow(header)
        for c in courses:
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
            row += [str(c.term)] if is_plan else []
            out.writerow(row + list((values or {}).get(c.id, ())))
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


# --- a CurricularAnalytics curriculum as curricula files ---------------------------------------

#: EC per US semester credit hour: 60 EC are a full-time year (ECTS Users' Guide 2015), and we
#: take a full-time US year as 30 semester credit hours (15 a semester); a quarter credit hour
#: is ⅔ of a semester one (3 quarters a year against 2 semesters), so 4/3 EC.
SEMESTER_CREDIT_EC = 2.0
QUARTER_CREDIT_EC = 4 / 3
#: The area of imported courses (CA has no outcomes at a level), from the one outcome written.
IMPORTED_AREA = "imported"
#: The teaching periods written for a degree plan's terms, by CA's System Type.
_CALENDARS = {
    "semester": [("S1", 0, 17), ("S2", 20, 17)],
    "quarter": [("Q1", 0, 11), ("Q2", 13, 11), ("Q3", 26, 11), ("Q4", 39, 11)],
}
_NOT_CODE = re.compile(r"[^A-Za-z0-9_.\-]+")
CA_COLUMNS = {  # a field of our course format -> the CA column it comes from
    "code": "Prefix/Number",
    "title": "Course Name",
    "ects": "Credit Hours",
    "periods": TERM,
    "prerequisites": "Prerequisites",
    "provenance": "Degree Plan",
}


@dataclass(frozen=True)
class Imported:
    """Curricula files (plain data for YAML, by relative path) made from a CA file, what the
    translation changed (one line per row concerned) and the CSV row of each course index."""

    files: dict[str, dict[str, Any]]
    warnings: tuple[str, ...]
    rows: tuple[int, ...]


def credit_factor_for(curriculum: CACurriculum) -> float:
    """The default EC per credit hour for the curriculum's System Type."""
    return QUARTER_CREDIT_EC if curriculum.system_type == "quarter" else SEMESTER_CREDIT_EC


def _code(course: CACourse, institution: str) -> str:
    """Our course code for a CA course: ``<institution>-<Prefix>-<Number>`` (the prefix left
    out when it is the institution already), characters a code cannot hold as ``_``."""
    base = f"{course.prefix}-{course.number}" if course.prefix and course.number else course.number
    base = _NOT_CODE.sub("_", base).strip("_.-")
    if not base:
        base = f"CA{course.id}"
    return base if base.startswith(f"{institution}-") else f"{institution}-{base}"


def to_curricula(
    curriculum: CACurriculum,
    code: str,
    institution: str,
    credit_factor: float | None = None,
    source: str = "",
) -> Imported:
    """A CurricularAnalytics curriculum as a curricula directory of its own: ``outcomes.yaml``
    (the one outcome that gives imported courses their area), ``<institution>/courses.yaml``
    (the courses, with a calendar when the file is a degree plan) and
    ``<institution>/bachelors/<code>.yaml``.

    Course codes are ``<institution>-<Prefix>-<Number>`` (else the number, else ``CA<id>``;
    codes that would clash fall back to ``CA<id>``). Credit hours become EC at
    ``credit_factor`` (default :func:`credit_factor_for`), rounded to a multiple of 0.5 EC.
    Co-requisites and strict co-requisites become prerequisites (our format has no
    co-requisites), one warning per row. A degree plan's ``Term`` becomes the course's period of
    the year (S1/S2, or Q1–Q4 in a quarter system) and stays, with the plan, in its provenance.

    Each course is checked against the course format here: a problem raises
    :class:`CurricularError` naming the row and the CA column.
    """
    factor = credit_factor_for(curriculum) if credit_factor is None else credit_factor
    codes = {c.id: _code(c, institution) for c in curriculum.courses}
    folded: dict[str, list[int]] = {}
    for course_id, own in codes.items():
        folded.setdefault(own.casefold(), []).append(course_id)
    warnings: list[tuple[int, str]] = []  # (row, text): printed in the file's order
    for ids in folded.values():
        if len(ids) > 1:
            for course_id in ids:
                codes[course_id] = f"{institution}-CA{course_id}"
    calendar = _CALENDARS[curriculum.system_type]
    courses: list[dict[str, Any]] = []
    for c in curriculum.courses:
        where = f"{source or curriculum.name}: row {c.row}"
        ects = max(0.5, round(c.credit_hours * factor * 2) / 2) if c.credit_hours else 0.0
        if c.credit_hours and abs(ects - c.credit_hours * factor) > 1e-9:
            warnings.append(
                (
                    c.row,
                    f"{where}: Credit Hours {c.credit_hours:g} × {factor:g} = "
                    f"{c.credit_hours * factor:.3g} EC, rounded to {ects:g} EC",
                )
            )
        item: dict[str, Any] = {
            "code": codes[c.id],
            "title": c.name,
            "ects": ects,
            "area": IMPORTED_AREA,
        }
        if c.term is not None and curriculum.plan is not None:
            item["periods"] = [calendar[(c.term - 1) % len(calendar)][0]]
        requisites = list(dict.fromkeys(c.requisites))
        if requisites:
            item["prerequisites"] = [[codes[r]] for r in requisites]
        for title, kind in (
            ("Corequisites", c.corequisites),
            ("Strict-Corequisites", c.strict_corequisites),
        ):
            if kind:
                named = ", ".join(codes[r] for r in kind)
                warnings.append(
                    (
                        c.row,
                        f"{where}: {title} {named} of {codes[c.id]} written as prerequisites "
                        "(the course format has no co-requisites: they must be passed first)",
                    )
                )
        note = f"imported from CurricularAnalytics {source or 'CSV'}, course ID {c.id}"
        if c.term is not None and curriculum.plan is not None:
            note += f"; degree plan {curriculum.plan[:200]!r}, term {c.term}"
        item["provenance"] = {"note": note}
        _check(Course, item, c, source or curriculum.name)
        courses.append(item)
    catalogue: dict[str, Any] = {"institution": institution}
    if curriculum.plan is not None:
        catalogue["calendar"] = {
            "periods": [{"name": n, "start_week": s, "weeks": w} for n, s, w in calendar]
        }
        CalendarSpec.model_validate(catalogue["calendar"])
    catalogue["courses"] = courses
    total = sum(item["ects"] for item in courses)
    if not 0 < total <= MAX_PROGRAMME_ECTS:
        raise CurricularError(
            source or curriculum.name,
            None,
            "Credit Hours",
            f"the courses add up to {total:g} EC; a bachelor has more than 0 and at most "
            f"{MAX_PROGRAMME_ECTS:g} EC",
        )
    bachelor = {
        "code": code,
        "name": curriculum.name,
        "institution": institution,
        "kind": "bachelor",
        "ects": total,
        "courses": [codes[c.id] for c in curriculum.courses],
    }
    try:
        Bachelor.model_validate(bachelor)
    except ValidationError as exc:
        raise CurricularError(
            source or curriculum.name, 1, "Curriculum", _first_error(exc)
        ) from None
    outcome = {
        "id": f"{institution.lower()}.imported",
        "title": f"Courses imported from CurricularAnalytics ({curriculum.name})"[:500],
        "area": IMPORTED_AREA,
    }
    folder = institution.lower()
    return Imported(
        files={
            "outcomes.yaml": {"outcomes": [outcome]},
            f"{folder}/courses.yaml": catalogue,
            f"{folder}/bachelors/{code}.yaml": bachelor,
        },
        warnings=tuple(text for _, text in sorted(warnings, key=lambda w: w[0])),
        rows=tuple(c.row for c in curriculum.courses),
    )


def _check(model: type[Course], item: dict[str, Any], course: CACourse, source: str) -> None:
    """Validate one course as the course format does; a problem names the row and CA column."""
    try:
        model.model_validate(item)
    except ValidationError as exc:
        error = exc.errors()[0]
        column = CA_COLUMNS.get(str(error["loc"][0]) if error["loc"] else "", "Course Name")
        raise CurricularError(source, course.row, column, _first_error(exc)) from None


def _first_error(exc: ValidationError) -> str:
    """The first problem of a validation error in one line, the value shortened."""
    error = exc.errors()[0]
    message = str(error["msg"]).removeprefix("Value error, ")
    value = error.get("input")
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        text = repr(value)
        message += f" (got {text[:60]}{'…' if len(text) > 60 else ''})"
    return message
