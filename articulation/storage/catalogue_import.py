"""Importing a whole catalogue: the database is made to hold exactly it, writing only what
differs (and auditing it)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, delete, update
from sqlmodel import Session, col

from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.edits import EditAction
from articulation.curriculum.patch import course_document, programme_document
from articulation.storage.audit import Actor, audit_rows
from articulation.storage.rows import (
    Parts,
    calendar_document,
    calendar_rows,
    read_parts,
)
from articulation.storage.tables import (
    AuditEntry,
    CalendarPeriod,
    OutcomeRow,
    insert_rows,
    table_of,
)
from articulation.storage.writing import delete_rows, lock, write_courses, write_programmes


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
        version = lock(session)
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
        outcome_table = table_of(OutcomeRow)
        insert_rows(
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
        write_courses(session, list(courses.added.values()), version, new=True)
        write_courses(session, [after for _, after in courses.changed.values()], version, new=False)
        delete_rows(session, "programme", list(programmes.removed))
        write_programmes(session, list(programmes.added.values()), version, new=True)
        write_programmes(
            session, [after for _, after in programmes.changed.values()], version, new=False
        )
        delete_rows(session, "course", list(courses.removed))
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
                    (EditAction.CREATE, code, None, document(code, item))
                    for code, item in diff.added.items()
                ),
                *(
                    (EditAction.UPDATE, code, document(code, before), document(code, after))
                    for code, (before, after) in diff.changed.items()
                ),
                *(
                    (EditAction.DELETE, code, document(code, item), None)
                    for code, item in diff.removed.items()
                ),
            ]
            audit += audit_rows(Actor(actor), version, entity, changes)
        insert_rows(connection, AuditEntry, audit)
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
        for row in calendar_rows(institution, calendar, version)
    ]
    insert_rows(session.connection(), CalendarPeriod, rows)
