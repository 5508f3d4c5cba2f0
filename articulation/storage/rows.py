"""The catalogue as stored: its parts, the rows of its courses, programmes and calendars, and
reading it back.

A course or programme is spread over its own row and the rows that hang off it (taught outcomes,
prerequisite groups; course lists, tracks, requirement items). This module maps models to the
column values of those rows and rows back to models; :mod:`articulation.storage.writing` writes
them (a programme's course lists and requirement items as it inserts them: an ``any_of`` or
``at_least`` item needs its id before its members can name it).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import TypeAdapter
from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

from articulation.curriculum.calendar import Calendar
from articulation.curriculum.catalogue import Catalogue, Programme
from articulation.curriculum.crosscheck import check_parts
from articulation.curriculum.model import (
    Bachelor,
    CalendarSpec,
    Course,
    Master,
    Outcome,
    PeriodSpec,
    Provenance,
)
from articulation.curriculum.model import Programme as ProgrammeUnion
from articulation.curriculum.yamlfile import Problem
from articulation.storage.bounds import repair_document
from articulation.storage.tables import (
    CalendarPeriod,
    CatalogueState,
    CourseRow,
    CourseTeaches,
    OutcomeRow,
    PrerequisiteMember,
    ProgrammeCourse,
    ProgrammeRow,
    ProgrammeTrack,
    RequirementRow,
)

_PROGRAMME = TypeAdapter(ProgrammeUnion)
log = logging.getLogger("articulation.storage")
R = TypeVar("R", bound=SQLModel)


# --- the catalogue as parts ----------------------------------------------------------------------


@dataclass(frozen=True)
class Parts:
    """A catalogue as stored: its parts (the academic calendars the curricula give, by
    institution, included) and the version of every course, programme and calendar."""

    outcomes: list[Outcome]
    courses: list[tuple[str, Course]]
    programmes: list[Programme]
    versions: dict[tuple[str, str], int] = field(default_factory=dict)
    calendars: dict[str, Calendar] = field(default_factory=dict)
    # (entity, code) → what was repaired on reading it (stored before today's bounds)
    warnings: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, catalogue: Catalogue) -> Parts:
        return cls(
            outcomes=list(catalogue.outcomes.values()),
            courses=[
                (catalogue.institution_of[c], course) for c, course in catalogue.courses.items()
            ],
            programmes=list(catalogue.programmes.values()),
            calendars=dict(catalogue.calendars),
        )

    def catalogue(self) -> Catalogue:
        return Catalogue.build(self.outcomes, self.courses, self.programmes, self.calendars)

    def problems(self) -> list[Problem]:
        return check_parts(self.outcomes, self.courses, self.programmes, self.calendars)


def calendar_document(institution: str, calendar: Calendar) -> dict[str, Any]:
    """A calendar in its file form, with its institution (the audit log's form)."""
    return {
        "institution": institution,
        **calendar.spec().model_dump(mode="json", exclude_none=True),
    }


# --- rows <-> models -----------------------------------------------------------------------------


def _provenance_columns(provenance: Provenance | None) -> dict[str, Any]:
    if provenance is None:
        return {"has_provenance": False}
    return {
        "has_provenance": True,
        "provenance_source": provenance.source,
        "provenance_retrieved": provenance.retrieved,
        "provenance_status": provenance.status,
        "provenance_note": provenance.note,
        "provenance_as_of": provenance.as_of,
    }


def _provenance(row: CourseRow | ProgrammeRow) -> dict[str, Any] | None:
    if not row.has_provenance:
        return None
    return {
        "source": row.provenance_source,
        "retrieved": row.provenance_retrieved,
        "status": row.provenance_status,
        "note": row.provenance_note,
        "as_of": row.provenance_as_of,
    }


_COURSE_FIELDS = {
    "code", "title", "ects", "teaches", "periods", "language", "area", "prerequisites",
    "bridging", "provenance",
}  # fmt: skip
_PROGRAMME_FIELDS = {
    "code", "name", "institution", "kind", "ects", "provenance", "courses", "electives",
    "elective_catalogue", "tracks", "requires", "premaster", "direct_admission", "min_gpa",
    "language", "open_to", "entry",
}  # fmt: skip


def _attributes(item: Course | Programme, columns: set[str]) -> dict[str, Any] | None:
    """The fields of ``item`` that have no column of their own."""
    data = item.model_dump(mode="json", exclude_defaults=True)
    rest = {key: value for key, value in data.items() if key not in columns}
    return rest or None


def course_columns(institution: str, course: Course) -> dict[str, Any]:
    return {
        "institution": institution,
        "title": course.title,
        "ects": course.ects,
        "periods": list(course.periods),
        "language": course.language,
        "area": course.area,
        "bridging": course.bridging,
        "attributes": _attributes(course, _COURSE_FIELDS),
        "provenance_source": None,
        "provenance_retrieved": None,
        "provenance_status": None,
        "provenance_note": None,
        "provenance_as_of": None,
        **_provenance_columns(course.provenance),
    }


def course_children(course: Course) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The ``course_teaches`` and ``prerequisite`` rows of a course."""
    teaches = [
        {"course_code": course.code, "outcome_id": outcome, "level": level, "position": k}
        for k, (outcome, level) in enumerate(course.teaches.items())
    ]
    members = [
        {"course_code": course.code, "group_index": g, "member_index": m, "member": str(member)}
        for g, group in enumerate(course.prerequisites)
        for m, member in enumerate(group)
    ]
    return teaches, members


def _course_from_rows(
    row: CourseRow, teaches: list[CourseTeaches], members: list[PrerequisiteMember]
) -> Course:
    groups: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for member in members:
        groups[member.group_index].append((member.member_index, member.member))
    data: dict[str, Any] = {
        "code": row.code,
        "title": row.title,
        "ects": row.ects,
        "teaches": {t.outcome_id: t.level for t in sorted(teaches, key=lambda t: t.position)},
        "periods": row.periods or [],
        "language": row.language,
        "area": row.area,
        "prerequisites": [[m for _, m in sorted(groups[g])] for g in sorted(groups)],
        "bridging": row.bridging,
        "provenance": _provenance(row),
        **(row.attributes or {}),
    }
    return Course.model_validate(data)


def programme_columns(programme: Programme) -> dict[str, Any]:
    columns: dict[str, Any] = {
        "kind": programme.kind,
        "name": programme.name,
        "institution": programme.institution,
        "ects": programme.ects,
        "electives": None,
        "elective_catalogue": None,
        "premaster_max_ects": None,
        "premaster_catalogue": None,
        "direct_admission": None,
        "min_gpa": None,
        "language": None,
        "open_to": None,
        "attributes": _attributes(programme, _PROGRAMME_FIELDS),
        "provenance_source": None,
        "provenance_retrieved": None,
        "provenance_status": None,
        "provenance_note": None,
        "provenance_as_of": None,
        **_provenance_columns(programme.provenance),
    }
    if isinstance(programme, Bachelor):
        columns["electives"] = programme.electives
        columns["elective_catalogue"] = programme.elective_catalogue
    elif isinstance(programme, Master):
        columns["premaster_max_ects"] = programme.premaster.max_ects
        columns["premaster_catalogue"] = list(programme.premaster.catalogue)
        extra = programme.premaster.model_dump(
            mode="json", exclude_defaults=True, exclude={"max_ects", "catalogue"}
        )
        if extra:  # fields of the pre-master without a column of their own
            columns["attributes"] = {**(columns["attributes"] or {}), "premaster_extra": extra}
        columns["direct_admission"] = list(programme.direct_admission)
        columns["min_gpa"] = programme.min_gpa
        columns["language"] = programme.language
    else:
        columns["open_to"] = list(programme.open_to)
    return columns


def requirement_tree(rows: list[RequirementRow]) -> dict[str, list[dict[str, Any]]]:
    """Requirement rows of one programme → ``{role: [item, …]}`` in their written form (built
    without recursion: a row stored before the depth bound may nest any number of levels)."""
    children: dict[int | None, list[RequirementRow]] = defaultdict(list)
    for row in rows:
        children[row.parent_id].append(row)

    def plain(row: RequirementRow) -> dict[str, Any]:
        if row.kind == "outcome":
            return {"outcome": row.outcome, "level": row.level}
        if row.kind == "area":
            return {"area": row.area, "min_ects": row.min_ects}
        if row.kind == "at_least":
            return {"at_least": row.at_least, "of": []}
        return {"any_of": []}

    tree: dict[str, list[dict[str, Any]]] = {}
    pending: list[tuple[RequirementRow, list[dict[str, Any]]]] = []
    for row in sorted(children[None], key=lambda r: (r.role, r.position)):
        pending.append((row, tree.setdefault(row.role, [])))
    seen: set[int | None] = set()
    # place each item in its parent's list in order: walk the rows depth first
    pending.reverse()
    while pending:
        row, into = pending.pop()
        item = plain(row)
        into.append(item)
        if row.kind not in ("outcome", "area") and row.id not in seen:
            seen.add(row.id)  # a cycle of parent ids (a damaged table) is read once
            members = sorted(children[row.id], key=lambda r: r.position)
            into_members = item["of"] if row.kind == "at_least" else item["any_of"]
            pending.extend((member, into_members) for member in reversed(members))
    return tree


def _programme_from_rows(
    row: ProgrammeRow,
    tracks: list[ProgrammeTrack],
    courses: list[ProgrammeCourse],
    requirements: list[RequirementRow],
    warnings: list[str],
) -> Programme:
    """The programme of its rows; a requirement stored beyond today's bounds is repaired
    without changing its meaning, with a warning added to ``warnings``."""
    data: dict[str, Any] = {
        "code": row.code,
        "name": row.name,
        "institution": row.institution,
        "kind": row.kind,
        "ects": row.ects,
        "provenance": _provenance(row),
        **(row.attributes or {}),
    }
    lists: dict[int | None, list[tuple[int, str]]] = defaultdict(list)
    for link in courses:
        lists[link.track].append((link.position, link.course_code))
    own = [c for _, c in sorted(lists[None])]
    tree = requirement_tree(requirements)
    if row.kind == "bachelor":
        data["courses"] = own
        data["electives"] = row.electives
        data["elective_catalogue"] = row.elective_catalogue
        data["tracks"] = [
            {"name": t.name, "courses": [c for _, c in sorted(lists[t.position])]}
            for t in sorted(tracks, key=lambda t: t.position)
        ]
    elif row.kind == "master":
        data["requires"] = tree.get("requires", [])
        data["premaster"] = {
            "max_ects": row.premaster_max_ects,
            "catalogue": row.premaster_catalogue or [],
            **data.pop("premaster_extra", {}),
        }
        data["direct_admission"] = row.direct_admission or []
        data["min_gpa"] = row.min_gpa
        data["language"] = row.language
    else:
        data["courses"] = own
        data["open_to"] = row.open_to or []
        data["entry"] = tree.get("entry", [])
    data, found = repair_document(data)  # stored before today's bounds: shown repaired
    warnings.extend(found)
    return _PROGRAMME.validate_python(data)


def calendar_rows(institution: str, calendar: Calendar, version: int) -> list[dict[str, Any]]:
    """The ``calendar_period`` rows of an institution's calendar (its pass mark on each)."""
    spec = calendar.spec()
    return [
        {
            "institution": institution,
            "position": k,
            "version": version,
            "pass_mark": spec.pass_mark,
            **period.model_dump(),
        }
        for k, period in enumerate(spec.periods)
    ]


def _calendars_from_rows(rows: list[CalendarPeriod]) -> dict[str, Calendar]:
    """``calendar_period`` rows → each institution's calendar (none: the default ones)."""
    periods: dict[str, list[CalendarPeriod]] = defaultdict(list)
    for row in rows:
        periods[row.institution].append(row)
    return {
        institution: Calendar.of(
            CalendarSpec(
                periods=[
                    PeriodSpec(
                        name=r.name, start_week=r.start_week, weeks=r.weeks, end_week=r.end_week
                    )
                    for r in sorted(found, key=lambda r: r.position)
                ],
                pass_mark=found[0].pass_mark,
            )
        )
        for institution, found in sorted(periods.items())
    }


# --- reading -------------------------------------------------------------------------------------


def read_version(session: Session) -> int:
    """The catalogue version (0 before anything was imported)."""
    version = session.exec(select(CatalogueState.version).where(CatalogueState.id == 1)).first()
    return version or 0


def _rows_by(session: Session, table: type[R], owner: str) -> dict[str, list[R]]:
    """Every row of ``table``, by the code of the course or programme it belongs to."""
    rows: dict[str, list[R]] = defaultdict(list)
    for row in session.exec(select(table)):
        rows[getattr(row, owner)].append(row)
    return rows


def read_parts(session: Session) -> Parts:
    """Every outcome, course, programme and calendar in the database, with their versions."""
    versions: dict[tuple[str, str], int] = {}
    outcomes = [
        Outcome(id=r.id, title=r.title, title_nl=r.title_nl, area=r.area, parent=r.parent)
        for r in session.exec(select(OutcomeRow).order_by(OutcomeRow.id))
    ]
    teaches = _rows_by(session, CourseTeaches, "course_code")
    members = _rows_by(session, PrerequisiteMember, "course_code")
    courses = []
    for row in session.exec(select(CourseRow).order_by(CourseRow.code)):
        courses.append(
            (row.institution, _course_from_rows(row, teaches[row.code], members[row.code]))
        )
        versions["course", row.code] = row.version
    tracks = _rows_by(session, ProgrammeTrack, "programme_code")
    links = _rows_by(session, ProgrammeCourse, "programme_code")
    requirements = _rows_by(session, RequirementRow, "programme_code")
    programmes = []
    warnings: dict[tuple[str, str], list[str]] = {}
    for row in session.exec(select(ProgrammeRow).order_by(ProgrammeRow.code)):
        found: list[str] = []
        programmes.append(
            _programme_from_rows(
                row, tracks[row.code], links[row.code], requirements[row.code], found
            )
        )
        if found:
            warnings["programme", row.code] = found
            log.warning("programme %s: %s", row.code, "; ".join(found))
        versions["programme", row.code] = row.version
    periods = list(session.exec(select(CalendarPeriod)))
    for period in periods:
        versions["calendar", period.institution] = period.version
    return Parts(outcomes, courses, programmes, versions, _calendars_from_rows(periods), warnings)


def is_empty(session: Session) -> bool:
    """Whether the database holds no catalogue yet."""
    return session.exec(select(func.count()).select_from(OutcomeRow)).one() == 0
