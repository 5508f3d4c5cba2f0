"""Edits of the catalogue: create, update or delete one course or programme.

An edit runs in one transaction that starts by bumping the catalogue version
(:func:`~articulation.storage.writing.lock`). An update or delete then checks the entity's own
version in the database (``UPDATE … WHERE version = :expected``), so two edits made from the
same ETag cannot both succeed. The would-be catalogue is cross-checked with the loader's checks
before anything is written; a refused change leaves the database untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from articulation.curriculum.catalogue import Programme
from articulation.curriculum.edits import ACTIONS, EditAction, EditEntity, edit_action
from articulation.curriculum.model import Bachelor, Course, Master, Minor
from articulation.curriculum.patch import (
    PatchError,
    course_document,
    patched_course,
    patched_programme,
    programme_document,
)
from articulation.curriculum.yamlfile import Problem
from articulation.storage.audit import Actor, audit_rows
from articulation.storage.rows import Parts, read_parts
from articulation.storage.tables import AuditEntry, CourseRow, ProgrammeRow, insert_rows
from articulation.storage.writing import delete_rows, lock, write_courses, write_programmes


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
        super().__init__(f"may not edit the catalogue of institution {institution!r}")


class InvalidPatch(EditError):
    """A merge patch whose result is no valid course or programme: per problem the field's
    path and the message."""

    def __init__(self, problems: list[tuple[list[str | int], str]]):
        self.problems = problems
        super().__init__("; ".join(msg for _, msg in problems))


class InvalidCatalogue(EditError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@dataclass(frozen=True)
class Edit:
    """One change: create, update or delete a course or programme (an
    :class:`~articulation.curriculum.edits.EditAction`, or a word for one).

    ``new`` is (institution, course) for a course, the programme for a programme, None for a
    delete; ``expected`` is the entity's version the change was made from, or the set of
    versions it may be made from (an ``If-Match`` list; None: any).
    ``authorize`` is called with the institutions involved and raises :class:`Forbidden`.
    An update may give ``patch`` instead of ``new``: a JSON Merge Patch (RFC 7396,
    :mod:`articulation.curriculum.patch`) of the entity as it is when the edit runs, inside its
    transaction (so no change made in between is lost)."""

    action: EditAction
    entity: EditEntity
    code: str
    new: tuple[str, Course] | Programme | None = None
    expected: int | frozenset[int] | None = None
    authorize: Callable[[set[str]], None] = lambda _institutions: None
    patch: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "action", edit_action(self.action))


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
            version = lock(session)
            current: int | None = None
            if not ACTIONS[edit.action].existing:
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
    if edit.patch is not None:
        edit = replace(edit, new=_patched(parts, edit), patch=None)
    before, after, changed = _apply(parts, edit)
    edit.authorize(_institutions(before) | _institutions(edit.new))
    if edit.action is EditAction.UPDATE and before == after and current is not None:
        raise _Unchanged(EditResult(version=current, before=before, after=after, changed=False))
    problems = changed.problems()
    if problems:  # refuse only what this change breaks, not what was broken before
        known = set(parts.problems())
        problems = [p for p in problems if p not in known]
    if problems:
        raise InvalidCatalogue(problems)
    _store(session, edit, version)
    rows = audit_rows(actor, version, edit.entity, [(edit.action, edit.code, before, after)])
    insert_rows(session.connection(), AuditEntry, rows)
    return EditResult(version=version, before=before, after=after)


def _patched(parts: Parts, edit: Edit) -> tuple[str, Course] | Programme:
    """The entity of ``parts`` with ``edit.patch`` merged in; :class:`InvalidPatch` names each
    problem's field."""
    try:
        if edit.entity == "course":
            current = next(((i, c) for i, c in parts.courses if c.code == edit.code), None)
            if current is None:
                raise NotFound(edit.entity, edit.code)
            return patched_course(current, edit.patch, code=edit.code)
        programme = next((p for p in parts.programmes if p.code == edit.code), None)
        if programme is None:
            raise NotFound(edit.entity, edit.code)
        return patched_programme(programme, edit.patch, code=edit.code)
    except PatchError as exc:
        raise InvalidPatch(exc.problems) from None


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
        if ACTIONS[edit.action].existing and previous is None:
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
    if ACTIONS[edit.action].existing and previous_programme is None:
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
    new = not ACTIONS[edit.action].existing
    if edit.entity == "course":
        if not ACTIONS[edit.action].document:
            delete_rows(session, "course", [edit.code])
        else:
            assert isinstance(edit.new, tuple)
            write_courses(session, [edit.new], version, new=new)
    elif not ACTIONS[edit.action].document:
        delete_rows(session, "programme", [edit.code])
    else:
        assert isinstance(edit.new, Bachelor | Master | Minor)
        write_programmes(session, [edit.new], version, new=new)
