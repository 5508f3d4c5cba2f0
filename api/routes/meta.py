"""Health and the audit log."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from sqlalchemy.exc import SQLAlchemyError

from api.deps import ClientDep, EngineDep, PageLimit, PageOffset, SessionDep
from api.errors import ApiError, responses
from api.schemas import NO_CONTROL, AuditList, AuditOut, Health
from articulation.curriculum.model import MAX_ID
from articulation.storage.audit import audit_log
from articulation.storage.db import current_revision
from articulation.storage.rows import read_version

router = APIRouter(tags=["service"])


@router.get("/health", response_model=Health, responses=responses(503))
def health(engine: EngineDep, session: SessionDep) -> Health:
    """The service and its database are up; the catalogue version and schema revision."""
    try:
        version = read_version(session)
        revision = current_revision(session.connection())
    except SQLAlchemyError as exc:
        raise ApiError(
            503, ["database"], f"database unavailable: {type(exc).__name__}", "unavailable"
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
    """Changes of the catalogue, newest first: who, when, and the entity before and after."""
    entries = audit_log(session, entity=entity, code=code, limit=limit, offset=offset)
    return AuditList(items=[AuditOut.model_validate(e, from_attributes=True) for e in entries])
