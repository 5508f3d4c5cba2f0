"""The audit log: who changed what in the catalogue, written with every change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from articulation.curriculum.edits import EditAction
from articulation.storage.tables import AuditEntry, now


@dataclass(frozen=True)
class Actor:
    name: str
    client_id: int | None = None


def audit_rows(
    actor: Actor, version: int, entity: str, changes: list[tuple[EditAction, str, Any, Any]]
) -> list[dict[str, Any]]:
    """The audit log rows of ``changes``: (action, code, before, after) of one kind of entity;
    the action is one of the edit vocabulary (:mod:`articulation.curriculum.edits`)."""
    return [
        {
            "at": now(),
            "actor": actor.name,
            "client_id": actor.client_id,
            "action": action.value,
            "entity": entity,
            "code": code,
            "catalogue_version": version,
            "before": before,
            "after": after,
        }
        for action, code, before, after in changes
    ]


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
