"""Health and the audit log."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from sqlalchemy.exc import SQLAlchemyError

from api.deps import ClientDep, EngineDep, PageLimit, PageOffset, SessionDep
from api.errors import DATABASE_RETRY_AFTER, ApiError, responses
from api.schemas import NO_CONTROL, AuditList, AuditOut, Health
from articulation.curriculum.model import MAX_ID
from articulation.storage.audit import audit_log
from articulation.storage.bounds import shown_document
from articulation.storage.db import current_revision
from articulation.storage.rows import read_version
from articulation.storage.tables import AuditEntry

router = APIRouter(tags=["service"])


@router.get("/health", response_model=Health, responses=responses(503))
def health(engine: EngineDep, session: SessionDep) -> Health:
    """The service and its database are up; the catalogue version and schema revision."""
    try:
        version = read_version(session)
        revision = current_revision(session.connection())
    except SQLAlchemyError as exc:
        raise ApiError(
            503,
            ["database"],
            f"database unavailable: {type(exc).__name__}",
            "unavailable",
            {"Retry-After": str(DATABASE_RETRY_AFTER)},
        ) from None
    return Health(
        status="ok",
        database=engine.dialect.name,
        catalogue_version=version,
        schema_revision=revision,
    )


@router.get("/v1/audit", response_model=AuditList, responses=responses(401, 422))
def audit(
    session: SessionDep,
    _client: ClientDep,
    entity: Literal["outcome", "course", "programme", "calendar"] | None = None,
    code: Annotated[
        str | None, Query(max_length=MAX_ID, pattern=NO_CONTROL, description="Only this code")
    ] = None,
    limit: PageLimit = 100,
    offset: PageOffset = 0,
) -> AuditList:
    """Changes of the catalogue, newest first: who, when, and the entity before and after. A
    document stored before today's bounds is shown repaired (or, nested too deep to show, as
    null), with ``warnings`` saying so."""
    entries = audit_log(session, entity=entity, code=code, limit=limit, offset=offset)
    return AuditList(items=[audit_out(e) for e in entries])


def audit_out(entry: AuditEntry) -> AuditOut:
    """One audit entry as shown: its documents within today's bounds, with warnings."""
    before, warned_before = shown_document(entry.before)
    after, warned_after = shown_document(entry.after)
    warnings = [f"before: {w}" for w in warned_before] + [f"after: {w}" for w in warned_after]
    return AuditOut(
        id=entry.id or 0,
        at=entry.at,
        actor=entry.actor,
        action=entry.action,
        entity=entry.entity,
        code=entry.code,
        catalogue_version=entry.catalogue_version,
        before=before,
        after=after,
        warnings=warnings,
    )
