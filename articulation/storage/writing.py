"""Writing courses and programmes with the rows that hang off them, and the catalogue version.

Every change of the catalogue (an import, an edit) runs in one transaction that starts with
:func:`lock`, which bumps the catalogue version (``catalogue_state``, one row): that row lock
serialises writers on PostgreSQL and the first write takes SQLite's write lock.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, insert, update
from sqlmodel import Session, SQLModel, col

from articulation.curriculum.catalogue import Programme
from articulation.curriculum.model import (
    AreaRequirement,
    AtLeast,
    Bachelor,
    Course,
    Master,
    Minor,
    OutcomeAt,
    Requirement,
)
from articulation.storage.rows import (
    course_children,
    course_columns,
    programme_columns,
    read_version,
)
from articulation.storage.tables import (
    CatalogueState,
    CourseRow,
    CourseTeaches,
    PrerequisiteMember,
    ProgrammeCourse,
    ProgrammeRow,
    ProgrammeTrack,
    RequirementRow,
    insert_rows,
    now,
    table_of,
)


def lock(session: Session) -> int:
    """Bump the catalogue version inside the current transaction; the new version.

    Being the first write of every catalogue change, it serialises them."""
    session.exec(
        update(CatalogueState)
        .where(col(CatalogueState.id) == 1)
        .values(version=CatalogueState.version + 1, updated_at=now())
    )
    return read_version(session)


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
        insert_rows(connection, row, [{"code": c, "version": version, **v} for c, v in columns])
        return
    _delete_children(session, entity, [code for code, _ in columns])
    table = table_of(row)
    for code, values in columns:
        connection.execute(
            update(table).where(table.c.code == code).values(version=version, **values)
        )


def write_courses(
    session: Session, items: list[tuple[str, Course]], version: int, *, new: bool
) -> None:
    """Insert (``new``) or overwrite courses with their taught outcomes and prerequisites."""
    if not items:
        return
    columns = [(c.code, course_columns(i, c)) for i, c in items]
    _write_rows(session, "course", columns, version, new=new)
    connection = session.connection()
    teaches: list[dict[str, Any]] = []
    members: list[dict[str, Any]] = []
    for _, course in items:
        more_teaches, more_members = course_children(course)
        teaches += more_teaches
        members += more_members
    insert_rows(connection, CourseTeaches, teaches)
    insert_rows(connection, PrerequisiteMember, members)


def write_programmes(
    session: Session, programmes: list[Programme], version: int, *, new: bool
) -> None:
    """Insert (``new``) or overwrite programmes with their course lists and requirements."""
    if not programmes:
        return
    columns = [(p.code, programme_columns(p)) for p in programmes]
    _write_rows(session, "programme", columns, version, new=new)
    _insert_programme_children(session, programmes)


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
    insert_rows(connection, ProgrammeTrack, tracks)
    insert_rows(connection, ProgrammeCourse, links)
    leaves: list[dict[str, Any]] = []
    for programme in programmes:
        if isinstance(programme, Master):
            _insert_requirements(
                connection, programme.code, "requires", programme.requires, None, leaves
            )
        elif isinstance(programme, Minor):
            _insert_requirements(connection, programme.code, "entry", programme.entry, None, leaves)
    insert_rows(connection, RequirementRow, leaves)


def _insert_requirements(
    connection: Connection,
    code: str,
    role: str,
    items: list[Requirement],
    parent: int | None,
    leaves: list[dict[str, Any]],
) -> None:
    """Insert the ``any_of`` and ``at_least`` items (they need their id) and collect the other
    items."""
    empty = {"outcome": None, "level": None, "area": None, "min_ects": None, "at_least": None}
    for k, item in enumerate(items):
        row = {**empty, "programme_code": code, "role": role, "parent_id": parent, "position": k}
        if isinstance(item, OutcomeAt):
            leaves.append({**row, "kind": "outcome", "outcome": item.outcome, "level": item.level})
        elif isinstance(item, AreaRequirement):
            leaves.append({**row, "kind": "area", "area": item.area, "min_ects": item.min_ects})
        else:
            kind, needed = (
                ("at_least", item.at_least) if isinstance(item, AtLeast) else ("any_of", None)
            )
            result = connection.execute(
                insert(table_of(RequirementRow)).values(**{**row, "at_least": needed}, kind=kind)
            )
            node = result.inserted_primary_key[0]
            _insert_requirements(connection, code, role, item.members, node, leaves)


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


def delete_rows(session: Session, entity: str, codes: list[str]) -> None:
    """Remove courses or programmes with what hangs off them."""
    if codes:
        _delete_children(session, entity, codes)
        row = _OWNED[entity][0]
        session.exec(delete(row).where(col(row.code).in_(codes)))
