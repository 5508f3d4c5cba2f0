"""Reading and writing the catalogue, API clients, the audit log and scan jobs.

Every change of the catalogue runs in one transaction that starts by bumping the catalogue
version (``catalogue_state``, one row): that row lock serialises writers on PostgreSQL and the
first write takes SQLite's write lock. An update or delete then checks the entity's own version
in the database (``UPDATE … WHERE version = :expected``), so two edits made from the same ETag
cannot both succeed. The would-be catalogue is cross-checked with the loader's checks before
anything is written; a refused change leaves the database untouched.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import secrets
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from pydantic import TypeAdapter
from sqlalchemy import Connection, Engine, Table, delete, func, insert, update
from sqlmodel import Session, SQLModel, col, select

from articulation.curriculum.calendar import Calendar
from articulation.curriculum.catalogue import Catalogue, Programme
from articulation.curriculum.crosscheck import check_parts
from articulation.curriculum.model import (
    AreaRequirement,
    Bachelor,
    CalendarSpec,
    Course,
    Master,
    Minor,
    Outcome,
    OutcomeAt,
    PeriodSpec,
    Provenance,
    Requirement,
)
from articulation.curriculum.model import Programme as ProgrammeUnion
from articulation.curriculum.yamlfile import Problem
from articulation.storage.tables import (
    ApiClient,
    AuditEntry,
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
    ScanFile,
    ScanJob,
)

Entity = Literal["course", "programme"]
Action = Literal["create", "update", "delete"]
ROLES = ("editor", "scanner")  # editors edit their institution's catalogue; both may scan

_PROGRAMME = TypeAdapter(ProgrammeUnion)
R = TypeVar("R", bound=SQLModel)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


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


def course_document(institution: str, course: Course) -> dict[str, Any]:
    """A course in its file form, with its institution (the API's and the audit log's form)."""
    return {"institution": institution, **course.model_dump(mode="json", exclude_defaults=True)}


def programme_document(programme: Programme) -> dict[str, Any]:
    return programme.model_dump(mode="json", exclude_defaults=True)


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
    }


def _provenance(row: CourseRow | ProgrammeRow) -> dict[str, Any] | None:
    if not row.has_provenance:
        return None
    return {
        "source": row.provenance_source,
        "retrieved": row.provenance_retrieved,
        "status": row.provenance_status,
        "note": row.provenance_note,
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


def _course_columns(institution: str, course: Course) -> dict[str, Any]:
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
        **_provenance_columns(course.provenance),
    }


def _course_children(course: Course) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
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


def _programme_columns(programme: Programme) -> dict[str, Any]:
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


def _insert_programme_children(session: Session, programmes: list[Programme]) -> None:
    connection = session.connection()
    links: list[dict[str, Any]] = []
    tracks: list[dict[str, Any]] = []
    for programme in programmes:
        code = programme.code
        if isinstance(programme, Bachelor | Minor):
            links += [
                {"programme_code": code, "track": None, "position": k, "course_code": c}
                for k, c in enumerate(programme.courses)
            ]
        if isinstance(programme, Bachelor):
            for t, track in enumerate(programme.tracks):
                tracks.append({"programme_code": code, "position": t, "name": track.name})
                links += [
                    {"programme_code": code, "track": t, "position": k, "course_code": c}
                    for k, c in enumerate(track.courses)
                ]
    _insert(connection, ProgrammeTrack, tracks)
    _insert(connection, ProgrammeCourse, links)
    leaves: list[dict[str, Any]] = []
    for programme in programmes:
        if isinstance(programme, Master):
            _insert_requirements(
                connection, programme.code, "requires", programme.requires, None, leaves
            )
        elif isinstance(programme, Minor):
            _insert_requirements(connection, programme.code, "entry", programme.entry, None, leaves)
    _insert(connection, RequirementRow, leaves)


def _insert_requirements(
    connection: Connection,
    code: str,
    role: str,
    items: list[Requirement],
    parent: int | None,
    leaves: list[dict[str, Any]],
) -> None:
    """Insert the ``any_of`` items (they need their id) and collect the other items."""
    empty = {"outcome": None, "level": None, "area": None, "min_ects": None}
    for k, item in enumerate(items):
        row = {**empty, "programme_code": code, "role": role, "parent_id": parent, "position": k}
        if isinstance(item, OutcomeAt):
            leaves.append({**row, "kind": "outcome", "outcome": item.outcome, "level": item.level})
        elif isinstance(item, AreaRequirement):
            leaves.append({**row, "kind": "area", "area": item.area, "min_ects": item.min_ects})
        else:
            result = connection.execute(insert(_table(RequirementRow)).values(**row, kind="any_of"))
            node = result.inserted_primary_key[0]
            _insert_requirements(connection, code, role, item.any_of, node, leaves)


def _requirement_tree(rows: list[RequirementRow]) -> dict[str, list[dict[str, Any]]]:
    """Requirement rows of one programme → ``{role: [item, …]}`` in their written form."""
    children: dict[int | None, list[RequirementRow]] = defaultdict(list)
    for row in rows:
        children[row.parent_id].append(row)

    def item(row: RequirementRow) -> dict[str, Any]:
        if row.kind == "outcome":
            return {"outcome": row.outcome, "level": row.level}
        if row.kind == "area":
            return {"area": row.area, "min_ects": row.min_ects}
        return {"any_of": [item(c) for c in sorted(children[row.id], key=lambda r: r.position)]}

    tree: dict[str, list[dict[str, Any]]] = {}
    for row in sorted(children[None], key=lambda r: (r.role, r.position)):
        tree.setdefault(row.role, []).append(item(row))
    return tree


def _programme_from_rows(
    row: ProgrammeRow,
    tracks: list[ProgrammeTrack],
    courses: list[ProgrammeCourse],
    requirements: list[RequirementRow],
) -> Programme:
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
    tree = _requirement_tree(requirements)
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
    return _PROGRAMME.validate_python(data)


def _calendar_rows(institution: str, calendar: Calendar, version: int) -> list[dict[str, Any]]:
    """The ``calendar_period`` rows of an institution's calendar."""
    return [
        {"institution": institution, "position": k, "version": version, **period.model_dump()}
        for k, period in enumerate(calendar.spec().periods)
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
                ]
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
    for row in session.exec(select(ProgrammeRow).order_by(ProgrammeRow.code)):
        programmes.append(
            _programme_from_rows(row, tracks[row.code], links[row.code], requirements[row.code])
        )
        versions["programme", row.code] = row.version
    periods = list(session.exec(select(CalendarPeriod)))
    for period in periods:
        versions["calendar", period.institution] = period.version
    return Parts(outcomes, courses, programmes, versions, _calendars_from_rows(periods))


def is_empty(session: Session) -> bool:
    """Whether the database holds no catalogue yet."""
    return session.exec(select(func.count()).select_from(OutcomeRow)).one() == 0


# --- writing ------------------------------------------------------------------------------------


def _lock(session: Session) -> int:
    """Bump the catalogue version inside the current transaction; the new version.

    Being the first write of every catalogue change, it serialises them."""
    session.exec(
        update(CatalogueState)
        .where(col(CatalogueState.id) == 1)
        .values(version=CatalogueState.version + 1, updated_at=now())
    )
    return read_version(session)


def _table(model: type[SQLModel]) -> Table:
    return model.__table__  # type: ignore[attr-defined, return-value]


def _insert(connection: Connection, model: type[SQLModel], rows: list[dict[str, Any]]) -> None:
    if rows:
        connection.execute(insert(_table(model)), rows)


def _write_rows(
    session: Session,
    entity: str,
    columns: list[tuple[str, dict[str, Any]]],
    version: int,
    *,
    new: bool,
) -> None:
    """Insert (``new``) or overwrite the rows of courses or programmes (``(code, columns)``);
    the rows that hang off them are written by the caller."""
    row, _ = _OWNED[entity]
    connection = session.connection()
    if new:
        _insert(connection, row, [{"code": c, "version": version, **v} for c, v in columns])
        return
    _delete_children(session, entity, [code for code, _ in columns])
    table = _table(row)
    for code, values in columns:
        connection.execute(
            update(table).where(table.c.code == code).values(version=version, **values)
        )


def _write_courses(
    session: Session, items: list[tuple[str, Course]], version: int, *, new: bool
) -> None:
    """Insert (``new``) or overwrite courses with their taught outcomes and prerequisites."""
    if not items:
        return
    columns = [(c.code, _course_columns(i, c)) for i, c in items]
    _write_rows(session, "course", columns, version, new=new)
    connection = session.connection()
    teaches: list[dict[str, Any]] = []
    members: list[dict[str, Any]] = []
    for _, course in items:
        more_teaches, more_members = _course_children(course)
        teaches += more_teaches
        members += more_members
    _insert(connection, CourseTeaches, teaches)
    _insert(connection, PrerequisiteMember, members)


def _write_programmes(
    session: Session, programmes: list[Programme], version: int, *, new: bool
) -> None:
    """Insert (``new``) or overwrite programmes with their course lists and requirements."""
    if not programmes:
        return
    columns = [(p.code, _programme_columns(p)) for p in programmes]
    _write_rows(session, "programme", columns, version, new=new)
    _insert_programme_children(session, programmes)


#: Per entity: its row, and the rows that hang off it (table, column naming the owner's code).
_OWNED: dict[str, tuple[type[SQLModel], tuple[tuple[type[SQLModel], str], ...]]] = {
    "course": (CourseRow, ((CourseTeaches, "course_code"), (PrerequisiteMember, "course_code"))),
    "programme": (
        ProgrammeRow,
        (
            (ProgrammeCourse, "programme_code"),
            (ProgrammeTrack, "programme_code"),
            (RequirementRow, "programme_code"),
        ),
    ),
}


def _delete_children(session: Session, entity: str, codes: list[str]) -> None:
    for table, column in _OWNED[entity][1]:
        session.exec(delete(table).where(col(getattr(table, column)).in_(codes)))


def _delete_rows(session: Session, entity: str, codes: list[str]) -> None:
    """Remove courses or programmes with what hangs off them."""
    if codes:
        _delete_children(session, entity, codes)
        row = _OWNED[entity][0]
        session.exec(delete(row).where(col(row.code).in_(codes)))


def _audit_rows(
    actor: Actor, version: int, entity: str, changes: list[tuple[str, str, Any, Any]]
) -> list[dict[str, Any]]:
    """The audit log rows of ``changes``: (action, code, before, after) of one kind of entity."""
    return [
        {
            "at": now(),
            "actor": actor.name,
            "client_id": actor.client_id,
            "action": action,
            "entity": entity,
            "code": code,
            "catalogue_version": version,
            "before": before,
            "after": after,
        }
        for action, code, before, after in changes
    ]


# --- import -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportSummary:
    """What an import changed; ``version`` is the catalogue version afterwards."""

    version: int
    added: dict[str, int]
    changed: dict[str, int]
    removed: dict[str, int]
    total: dict[str, int]

    @property
    def unchanged(self) -> bool:
        return not any((*self.added.values(), *self.changed.values(), *self.removed.values()))


@dataclass
class _Diff:
    """Items of one kind, keyed by code: what is new, what changed, what is gone."""

    added: dict[str, Any]
    changed: dict[str, tuple[Any, Any]]
    removed: dict[str, Any]

    @classmethod
    def of(cls, old: dict[str, Any], new: dict[str, Any]) -> _Diff:
        return cls(
            added={k: v for k, v in new.items() if k not in old},
            changed={k: (old[k], v) for k, v in new.items() if k in old and old[k] != v},
            removed={k: v for k, v in old.items() if k not in new},
        )


def import_catalogue(
    engine: Engine, catalogue: Catalogue, actor: str = "db import"
) -> ImportSummary:
    """Make the database hold exactly ``catalogue``, in one transaction.

    Only what differs is written (and audited); importing the same catalogue twice changes
    nothing, not even the catalogue version.
    """
    new = Parts.of(catalogue)
    with Session(engine) as session:
        version = _lock(session)
        old = read_parts(session)
        outcomes = _Diff.of({o.id: o for o in old.outcomes}, {o.id: o for o in new.outcomes})
        courses = _Diff.of(
            {c.code: (i, c) for i, c in old.courses}, {c.code: (i, c) for i, c in new.courses}
        )
        programmes = _Diff.of(
            {p.code: p for p in old.programmes}, {p.code: p for p in new.programmes}
        )
        calendars = _Diff.of(old.calendars, new.calendars)
        diffs = {
            "outcomes": outcomes,
            "courses": courses,
            "programmes": programmes,
            "calendars": calendars,
        }
        summary = ImportSummary(
            version=version,
            added={kind: len(d.added) for kind, d in diffs.items()},
            changed={kind: len(d.changed) for kind, d in diffs.items()},
            removed={kind: len(d.removed) for kind, d in diffs.items()},
            total={
                "outcomes": len(new.outcomes),
                "courses": len(new.courses),
                "programmes": len(new.programmes),
                "calendars": len(new.calendars),
            },
        )
        if summary.unchanged:
            session.rollback()  # not even the version moves
            return dataclasses.replace(summary, version=version - 1)

        connection = session.connection()
        # in an order that keeps every foreign key satisfied
        outcome_table = _table(OutcomeRow)
        _insert(
            connection,
            OutcomeRow,
            [{"version": version, **o.model_dump()} for o in outcomes.added.values()],
        )
        for oid, (_, outcome) in outcomes.changed.items():
            connection.execute(
                update(outcome_table)
                .where(outcome_table.c.id == oid)
                .values(version=version, **outcome.model_dump(exclude={"id"}))
            )
        _write_courses(session, list(courses.added.values()), version, new=True)
        _write_courses(
            session, [after for _, after in courses.changed.values()], version, new=False
        )
        _delete_rows(session, "programme", list(programmes.removed))
        _write_programmes(session, list(programmes.added.values()), version, new=True)
        _write_programmes(
            session, [after for _, after in programmes.changed.values()], version, new=False
        )
        _delete_rows(session, "course", list(courses.removed))
        if outcomes.removed:
            connection.execute(
                delete(outcome_table).where(outcome_table.c.id.in_(list(outcomes.removed)))
            )
        _write_calendars(session, calendars, version)

        documents: dict[str, Callable[[str, Any], dict[str, Any]]] = {
            "outcome": lambda _, o: o.model_dump(mode="json"),
            "course": lambda _, pair: course_document(*pair),
            "programme": lambda _, p: programme_document(p),
            "calendar": calendar_document,
        }
        audit: list[dict[str, Any]] = []
        for entity, diff in zip(documents, diffs.values(), strict=True):
            document = documents[entity]
            changes = [
                *(
                    ("create", code, None, document(code, item))
                    for code, item in diff.added.items()
                ),
                *(
                    ("update", code, document(code, before), document(code, after))
                    for code, (before, after) in diff.changed.items()
                ),
                *(
                    ("delete", code, document(code, item), None)
                    for code, item in diff.removed.items()
                ),
            ]
            audit += _audit_rows(Actor(actor), version, entity, changes)
        _insert(connection, AuditEntry, audit)
        session.commit()
        return summary


def _write_calendars(session: Session, calendars: _Diff, version: int) -> None:
    """Replace the periods of the calendars that changed, add the new ones, drop the removed."""
    gone = [*calendars.changed, *calendars.removed]
    if gone:
        session.exec(delete(CalendarPeriod).where(col(CalendarPeriod.institution).in_(gone)))
    rows = [
        row
        for institution, calendar in sorted(
            [*calendars.added.items(), *((i, new) for i, (_, new) in calendars.changed.items())],
            key=lambda pair: pair[0],
        )
        for row in _calendar_rows(institution, calendar, version)
    ]
    _insert(session.connection(), CalendarPeriod, rows)


# --- edits --------------------------------------------------------------------------------------


class EditError(Exception):
    """A refused catalogue change; nothing was written."""


class NotFound(EditError):
    def __init__(self, entity: str, code: str):
        self.entity, self.code = entity, code
        super().__init__(f"unknown {entity} {code!r}")


class AlreadyExists(EditError):
    def __init__(self, entity: str, code: str):
        self.entity, self.code = entity, code
        super().__init__(f"{entity} {code!r} already exists")


class PreconditionFailed(EditError):
    def __init__(self, entity: str, code: str, current: int):
        self.entity, self.code, self.current = entity, code, current
        super().__init__(f"{entity} {code!r} has changed since (its version is now {current})")


class Forbidden(EditError):
    def __init__(self, institution: str):
        self.institution = institution
        super().__init__(f"not an editor for institution {institution!r}")


class InvalidCatalogue(EditError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@dataclass(frozen=True)
class Actor:
    name: str
    client_id: int | None = None


@dataclass(frozen=True)
class Edit:
    """One change: create, update or delete a course or programme.

    ``new`` is (institution, course) for a course, the programme for a programme, None for a
    delete; ``expected`` is the entity's version the change was made from, or the set of
    versions it may be made from (an ``If-Match`` list; None: any).
    ``authorize`` is called with the institutions involved and raises :class:`Forbidden`."""

    action: Action
    entity: Entity
    code: str
    new: tuple[str, Course] | Programme | None = None
    expected: int | frozenset[int] | None = None
    authorize: Callable[[set[str]], None] = lambda _institutions: None


@dataclass(frozen=True)
class EditResult:
    """``version`` is the entity's version afterwards; ``changed`` is False for an update that
    leaves the entity as it was (nothing is written, not even the catalogue version)."""

    version: int
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    changed: bool = True


class _Unchanged(Exception):
    def __init__(self, result: EditResult):
        self.result = result


def apply_edit(
    engine: Engine, edit: Edit, actor: Actor, base: Callable[[int], Parts | None] | None = None
) -> EditResult:
    """Apply ``edit`` in one transaction, or raise an :class:`EditError` and write nothing.

    ``base(version)`` may return the parts of that catalogue version from a cache (a snapshot)
    so that they need not be read again."""
    table: type[CourseRow] | type[ProgrammeRow] = (
        CourseRow if edit.entity == "course" else ProgrammeRow
    )
    key = col(table.code)
    expected = {edit.expected} if isinstance(edit.expected, int) else edit.expected
    try:
        with Session(engine) as session, session.begin():
            version = _lock(session)
            current: int | None = None
            if edit.action == "create":
                if session.exec(select(key).where(key == edit.code)).first() is not None:
                    raise AlreadyExists(edit.entity, edit.code)
            else:
                current = session.exec(select(table.version).where(key == edit.code)).first()
                if current is None:
                    raise NotFound(edit.entity, edit.code)
                statement = update(table).where(key == edit.code)
                if expected is not None:
                    statement = statement.where(col(table.version).in_(sorted(expected)))
                if session.exec(statement.values(version=version)).rowcount == 0:
                    raise PreconditionFailed(edit.entity, edit.code, current)
            parts = (base(version - 1) if base else None) or read_parts(session)
            return _write_edit(session, parts, edit, actor, version, current)
    except _Unchanged as unchanged:  # rolled back: the version does not move
        return unchanged.result


def _write_edit(
    session: Session, parts: Parts, edit: Edit, actor: Actor, version: int, current: int | None
) -> EditResult:
    """Check and store an edit inside its transaction; raises :class:`_Unchanged` for an update
    that changes nothing."""
    before, after, changed = _apply(parts, edit)
    edit.authorize(_institutions(before) | _institutions(edit.new))
    if edit.action == "update" and before == after and current is not None:
        raise _Unchanged(EditResult(version=current, before=before, after=after, changed=False))
    problems = changed.problems()
    if problems:  # refuse only what this change breaks, not what was broken before
        known = set(parts.problems())
        problems = [p for p in problems if p not in known]
    if problems:
        raise InvalidCatalogue(problems)
    _store(session, edit, version)
    rows = _audit_rows(actor, version, edit.entity, [(edit.action, edit.code, before, after)])
    _insert(session.connection(), AuditEntry, rows)
    return EditResult(version=version, before=before, after=after)


def _institutions(item: Any) -> set[str]:
    if item is None:
        return set()
    if isinstance(item, tuple):
        return {item[0]}
    if isinstance(item, dict):
        return {item["institution"]}
    return {item.institution}


def _apply(parts: Parts, edit: Edit) -> tuple[dict[str, Any] | None, dict[str, Any] | None, Parts]:
    """The entity's document before and after, and the would-be catalogue parts."""
    if edit.entity == "course":
        old = {c.code: (inst, c) for inst, c in parts.courses}
        previous = old.pop(edit.code, None)
        if edit.action != "create" and previous is None:
            raise NotFound(edit.entity, edit.code)
        if isinstance(edit.new, tuple):
            old[edit.code] = edit.new
        changed = Parts(
            parts.outcomes, list(old.values()), parts.programmes, calendars=parts.calendars
        )
        before = course_document(*previous) if previous else None
        after = course_document(*edit.new) if isinstance(edit.new, tuple) else None
        return before, after, changed
    programmes = {p.code: p for p in parts.programmes}
    previous_programme = programmes.pop(edit.code, None)
    if edit.action != "create" and previous_programme is None:
        raise NotFound(edit.entity, edit.code)
    if isinstance(edit.new, Bachelor | Master | Minor):
        programmes[edit.code] = edit.new
    changed = Parts(
        parts.outcomes, parts.courses, list(programmes.values()), calendars=parts.calendars
    )
    before = programme_document(previous_programme) if previous_programme else None
    after = (
        programme_document(edit.new) if isinstance(edit.new, Bachelor | Master | Minor) else None
    )
    return before, after, changed


def _store(session: Session, edit: Edit, version: int) -> None:
    new = edit.action == "create"
    if edit.entity == "course":
        if edit.action == "delete":
            _delete_rows(session, "course", [edit.code])
        else:
            assert isinstance(edit.new, tuple)
            _write_courses(session, [edit.new], version, new=new)
    elif edit.action == "delete":
        _delete_rows(session, "programme", [edit.code])
    else:
        assert isinstance(edit.new, Bachelor | Master | Minor)
        _write_programmes(session, [edit.new], version, new=new)


# --- audit log ----------------------------------------------------------------------------------


def audit_log(
    session: Session,
    *,
    entity: str | None = None,
    code: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[AuditEntry]:
    """Audit entries, newest first."""
    query = select(AuditEntry)
    if entity:
        query = query.where(AuditEntry.entity == entity)
    if code:
        query = query.where(AuditEntry.code == code)
    query = query.order_by(col(AuditEntry.id).desc()).offset(offset).limit(limit)
    return list(session.exec(query))


# --- API clients --------------------------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ClientExists(ValueError):
    pass


def add_client(engine: Engine, name: str, role: str, institution: str) -> str:
    """Register an API client; returns its bearer token (only its hash is stored)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; roles: {', '.join(ROLES)}")
    token = "art_" + secrets.token_urlsafe(32)
    with Session(engine) as session, session.begin():
        if session.exec(select(ApiClient).where(ApiClient.name == name)).first():
            raise ClientExists(f"a client named {name!r} already exists")
        session.add(
            ApiClient(
                name=name,
                role=role,
                institution=institution,
                token_hash=hash_token(token),
                created_at=now(),
            )
        )
    return token


def client_for_token(session: Session, token: str) -> ApiClient | None:
    return session.exec(select(ApiClient).where(ApiClient.token_hash == hash_token(token))).first()


# --- scan jobs ----------------------------------------------------------------------------------

UNFINISHED = ("queued", "running")


def create_job(
    engine: Engine,
    job_id: str,
    parameters: dict[str, Any],
    total: int,
    version: int,
    *,
    client_id: int | None = None,
    request_key: str | None = None,
    heartbeat: bool = False,
    server: str | None = None,
) -> ScanJob:
    """Record a queued job (with a first heartbeat when its runner is alive), run by
    ``server`` (host and process id)."""
    at = now()
    job = ScanJob(
        id=job_id,
        status="queued",
        created_at=at,
        catalogue_version=version,
        parameters=parameters,
        total=total,
        done=0,
        client_id=client_id,
        request_key=request_key,
        heartbeat_at=at if heartbeat else None,
        server=server,
    )
    with Session(engine, expire_on_commit=False) as session, session.begin():
        session.add(job)
    return job


def get_job(session: Session, job_id: str) -> ScanJob | None:
    return session.get(ScanJob, job_id)


def latest_finished_job(session: Session, version: int) -> ScanJob | None:
    """The scan of catalogue ``version`` that finished last (done, or expired: its cells stay)."""
    query = (
        select(ScanJob)
        .where(
            ScanJob.catalogue_version == version,
            col(ScanJob.status).in_(["done", "expired"]),
        )
        .order_by(col(ScanJob.finished_at).desc(), col(ScanJob.id))
    )
    return next((job for job in session.exec(query) if job.cells), None)


def reusable_job(session: Session, request_key: str, version: int) -> ScanJob | None:
    """The newest job of the same request on the same catalogue version that is unfinished or
    done (its report files still there), if any."""
    query = (
        select(ScanJob)
        .where(
            ScanJob.request_key == request_key,
            ScanJob.catalogue_version == version,
            col(ScanJob.status).in_([*UNFINISHED, "done"]),
        )
        .order_by(col(ScanJob.created_at).desc())
    )
    return session.exec(query).first()


def unfinished_jobs(session: Session, client_id: int | None = None) -> int:
    """How many jobs are queued or running (of one client, or of all)."""
    query = select(func.count()).select_from(ScanJob).where(col(ScanJob.status).in_(UNFINISHED))
    if client_id is not None:
        query = query.where(ScanJob.client_id == client_id)
    return session.exec(query).one()


def transition(engine: Engine, job_id: str, from_states: tuple[str, ...], **values: Any) -> bool:
    """Set ``values`` of a job that is in one of ``from_states``; whether it was.

    Every status change goes through here, so a job never leaves ``done``, ``failed`` or
    ``expired`` again (a sweeper that failed a job wins over its late runner)."""
    with Session(engine) as session, session.begin():
        result = session.exec(
            update(ScanJob)
            .where(col(ScanJob.id) == job_id, col(ScanJob.status).in_(from_states))
            .values(**values)
        )
        return result.rowcount > 0


def finish_job(
    engine: Engine, job_id: str, files: dict[str, tuple[str, str]], **values: Any
) -> bool:
    """Store the report files (path → (media type, content)) and the final status together,
    if the job is still unfinished; whether it was."""
    with Session(engine) as session, session.begin():
        result = session.exec(
            update(ScanJob)
            .where(col(ScanJob.id) == job_id, col(ScanJob.status).in_(UNFINISHED))
            .values(**values)
        )
        if result.rowcount == 0:
            return False
        rows = [
            {"job_id": job_id, "path": path, "media_type": media, "content": content}
            for path, (media, content) in sorted(files.items())
        ]
        _insert(session.connection(), ScanFile, rows)
        return True


def get_file(session: Session, job_id: str, path: str) -> ScanFile | None:
    return session.get(ScanFile, (job_id, path))


def heartbeat(engine: Engine, job_ids: list[str]) -> None:
    """Mark the unfinished jobs ``job_ids`` as still looked after by a live server."""
    if job_ids:
        with Session(engine) as session, session.begin():
            session.exec(
                update(ScanJob)
                .where(col(ScanJob.id).in_(job_ids), col(ScanJob.status).in_(UNFINISHED))
                .values(heartbeat_at=now())
            )


def fail_stale_jobs(engine: Engine, stale_after: float, reason: str) -> int:
    """Fail unfinished jobs without a heartbeat for ``stale_after`` seconds: the server that
    ran them is gone. Jobs of live servers (in any process) keep their heartbeat fresh."""
    cutoff = now() - dt.timedelta(seconds=stale_after)
    with Session(engine) as session, session.begin():
        result = session.exec(
            update(ScanJob)
            .where(
                col(ScanJob.status).in_(UNFINISHED),
                (col(ScanJob.heartbeat_at).is_(None)) | (col(ScanJob.heartbeat_at) < cutoff),
            )
            .values(status="failed", error=reason, finished_at=now())
        )
        return result.rowcount


def expire_reports(engine: Engine, keep_seconds: float, keep_count: int) -> list[str]:
    """Delete the report files of finished jobs older than ``keep_seconds`` or beyond the newest
    ``keep_count``; those jobs become ``expired`` (their cells stay). The expired job ids."""
    cutoff = now() - dt.timedelta(seconds=keep_seconds)
    with Session(engine) as session, session.begin():
        done = session.exec(
            select(ScanJob.id, ScanJob.finished_at)
            .where(ScanJob.status == "done")
            .order_by(col(ScanJob.finished_at).desc(), col(ScanJob.id))
        ).all()
        old = [
            job_id
            for rank, (job_id, finished) in enumerate(done)
            if rank >= keep_count or finished is None or finished < cutoff
        ]
        if old:
            session.exec(delete(ScanFile).where(col(ScanFile.job_id).in_(old)))
            session.exec(
                update(ScanJob)
                .where(col(ScanJob.id).in_(old), ScanJob.status == "done")
                .values(status="expired", expired_at=now())
            )
        return old
