"""Batch scans as jobs: start one, follow its progress, fetch its reports."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Body, Path, Response

from api import services
from api.deps import RunnerDep, SessionDep, SettingsDep, SnapshotDep, solve_time
from api.errors import ApiError, responses
from api.jobs import MEDIA_TYPES
from api.schemas import ScanJobOut, ScanRequest
from articulation.render import main_file
from articulation.storage.repository import get_file, get_job
from articulation.storage.tables import ScanJob

router = APIRouter(prefix="/v1/scans", tags=["scans"])

JobId = Annotated[str, Path(max_length=64, description="The id POST /v1/scans returned")]


def job_out(job: ScanJob) -> ScanJobOut:
    reports = {}
    if job.status == "done":
        reports = {fmt: f"/v1/scans/{job.id}/report.{fmt}" for fmt in MEDIA_TYPES}
    return ScanJobOut(
        id=job.id,
        status=job.status,  # type: ignore[arg-type]
        progress={"done": job.done, "total": job.total},  # type: ignore[arg-type]
        catalogue_version=job.catalogue_version,
        parameters=job.parameters or {},
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        counts=job.counts,
        error=job.error,
        reports=reports,
    )


@router.post("", status_code=202, response_model=ScanJobOut, responses=responses(413, 422))
def start_scan(
    snapshot: SnapshotDep,
    settings: SettingsDep,
    runner: RunnerDep,
    response: Response,
    request: Annotated[ScanRequest | None, Body()] = None,
) -> ScanJobOut:
    """Start the aansluitscan (all bachelors × all masters, or the ones named) as a job."""
    request = request or ScanRequest()
    catalogue = snapshot.catalogue
    problems: list[tuple[list[str | int], str, str]] = []
    bachelors, masters = [], []
    for i, code in enumerate(request.bachelors or []):
        try:
            bachelors.append(services.bachelor(catalogue, code, ["body", "bachelors", i]).code)
        except ApiError as exc:
            problems += exc.items
    for i, code in enumerate(request.masters or []):
        try:
            masters.append(services.master(catalogue, code, ["body", "masters", i]).code)
        except ApiError as exc:
            problems += exc.items
    if problems:
        raise ApiError.many(422, problems)
    bachelors = sorted(set(bachelors)) or [b.code for b in catalogue.bachelors]
    masters = sorted(set(masters)) or [m.code for m in catalogue.masters]
    limit = solve_time(settings, request.time_limit, ["body", "time_limit"])
    job = runner.submit(catalogue, snapshot.version, bachelors, masters, limit)
    response.headers["Location"] = f"/v1/scans/{job.id}"
    return job_out(job)


def _job(session: SessionDep, job_id: str) -> ScanJob:
    job = get_job(session, job_id)
    if job is None:
        raise ApiError(404, ["path", "job_id"], f"no scan job {job_id!r}", "not_found")
    return job


@router.get("/{job_id}", response_model=ScanJobOut, responses=responses(404))
def scan_status(session: SessionDep, job_id: JobId) -> ScanJobOut:
    """The job's status and progress; once done, the URLs of its reports."""
    return job_out(_job(session, job_id))


@router.get(
    "/{job_id}/report.{fmt}",
    responses={
        200: {
            "description": "The report",
            "content": {media: {"schema": {"type": "string"}} for media in MEDIA_TYPES.values()},
        },
        **responses(404, 409),
    },
    response_class=Response,
)
def scan_report(
    session: SessionDep, job_id: JobId, fmt: Literal["html", "csv", "json", "md"]
) -> Response:
    """The report of a finished scan: HTML (the matrix, with a page per bachelor and per pair
    next to it), CSV, JSON (``{"cells": [...], ...}``) or Markdown."""
    return _file(session, job_id, main_file([fmt]))


@router.get(
    "/{job_id}/{path:path}",
    responses={
        200: {
            "description": "A page or file of the report",
            "content": {media: {"schema": {"type": "string"}} for media in MEDIA_TYPES.values()},
        },
        **responses(404, 409),
    },
    response_class=Response,
)
def scan_report_page(
    session: SessionDep, job_id: JobId, path: Annotated[str, Path(max_length=300)]
) -> Response:
    """Any other file of the report, such as the HTML pages ``report.html`` links to."""
    return _file(session, job_id, path)


def _file(session: SessionDep, job_id: str, path: str) -> Response:
    job = _job(session, job_id)
    if job.status != "done":
        detail = f"the scan is {job.status} ({job.done} of {job.total} pairs)"
        if job.status == "failed":
            detail = f"the scan failed: {job.error}"
        raise ApiError(409, ["path", "job_id"], detail, "not_ready")
    stored = get_file(session, job_id, path)
    if stored is None:
        raise ApiError(404, ["path", "path"], f"the report has no file {path!r}", "not_found")
    return Response(content=stored.content, media_type=stored.media_type)
