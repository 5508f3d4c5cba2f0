"""Batch scans as jobs: start one, follow its progress, fetch its reports."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Path, Response

from api import services
from api.deps import RunnerDep, ScannerDep, SessionDep, SettingsDep, SnapshotDep, at_most
from api.errors import ApiError, responses
from api.jobs import MEDIA_TYPES, request_key
from api.schemas import JOB_ID, ScanCells, ScanJobOut, ScanRequest
from articulation.outputs.render import main_file
from articulation.storage.jobs import (
    WITH_CELLS,
    QueueFull,
    get_file,
    get_job,
    reusable_job,
)
from articulation.storage.tables import ScanJob

router = APIRouter(prefix="/v1/scans", tags=["scans"])

JobId = Annotated[
    str, Path(max_length=64, pattern=JOB_ID, description="The id POST /v1/scans returned")
]
ReportPath = Annotated[
    str, Path(max_length=300, pattern=r"^[A-Za-z0-9_.\-/]+$", description="A file of the report")
]
RETRY_AFTER = "30"
# what a job's answer shows of its row as it is
_JOB_COLUMNS = {
    "id", "status", "catalogue_version", "created_at", "started_at", "finished_at", "counts",
    "error", "server",
}  # fmt: skip


def job_out(job: ScanJob) -> ScanJobOut:
    reports = {}
    if job.status == "done":
        reports = {fmt: f"/v1/scans/{job.id}/report.{fmt}" for fmt in MEDIA_TYPES}
    return ScanJobOut.model_validate(
        {
            **job.model_dump(include=_JOB_COLUMNS),
            "progress": {"done": job.done, "total": job.total, "retried": job.retried or 0},
            "parameters": job.parameters or {},
            "reports": reports,
            "cells": f"/v1/scans/{job.id}/cells" if job.status in WITH_CELLS else None,
        }
    )


@router.post(
    "",
    status_code=202,
    response_model=ScanJobOut,
    responses={
        200: {"model": ScanJobOut, "description": "The same scan of this catalogue version, "
              "already queued, running or done: that job"},
        **responses(401, 403, 413, 422, 429),
    },
)  # fmt: skip
def start_scan(
    snapshot: SnapshotDep,
    settings: SettingsDep,
    runner: RunnerDep,
    session: SessionDep,
    client: ScannerDep,
    response: Response,
    request: Annotated[ScanRequest | None, Body()] = None,
) -> ScanJobOut:
    """Start the aansluitscan (all bachelors × all masters, or the ones named) as a job.

    Needs the bearer token of a ``scanner`` or ``editor`` client. The same scan of the same
    catalogue version is not computed twice: its job is returned (200). Beyond the number of
    unfinished jobs allowed per client or in all, 429 with ``Retry-After``."""
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
    limit = settings.solve_limit if request.solve_limit is None else request.solve_limit
    at_most(limit, settings.max_time_limit, ["body", "solve_limit"], "solve_limit")
    key = request_key(bachelors, masters, limit)
    job = reusable_job(session, key, snapshot.version)  # the common case, without the lock
    created = False
    if job is None:
        limits = [
            (client.id, settings.scan_queue_per_client, "this client's"),
            (None, settings.scan_queue_total, "all clients'"),
        ]
        try:
            job, created = runner.submit(
                catalogue,
                snapshot.version,
                bachelors,
                masters,
                limit,
                client_id=client.id,
                limits=limits,
            )
        except QueueFull as full:
            raise ApiError(
                429,
                ["body"],
                f"{full}; retry when one has finished",
                "too_many_jobs",
                {"Retry-After": RETRY_AFTER},
            ) from None
    if not created:
        response.status_code = 200
    response.headers["Location"] = f"/v1/scans/{job.id}"
    return job_out(job)


def _report_responses(description: str) -> dict[int | str, dict[str, Any]]:
    """The answers of a route that serves a file of a scan's report."""
    content = {
        media: {"schema": {"type": "object"} if fmt == "json" else {"type": "string"}}
        for fmt, media in MEDIA_TYPES.items()
    }
    return {200: {"description": description, "content": content}, **responses(404, 409, 410, 422)}


def _job(session: SessionDep, job_id: str) -> ScanJob:
    job = get_job(session, job_id)
    if job is None:
        raise ApiError(404, ["path", "job_id"], f"no scan job {job_id!r}", "not_found")
    return job


@router.get("/{job_id}", response_model=ScanJobOut, responses=responses(404, 422))
def scan_status(session: SessionDep, job_id: JobId) -> ScanJobOut:
    """The job's status and progress; once done, the URLs of its reports and cells."""
    return job_out(_job(session, job_id))


@router.get("/{job_id}/cells", response_model=ScanCells, responses=responses(404, 409, 422))
def scan_cells(session: SessionDep, job_id: JobId) -> ScanCells:
    """The cells of a finished scan (as in ``report.json``), also after its report files have
    expired."""
    job = _job(session, job_id)
    if job.status not in WITH_CELLS or job.cells is None:
        raise _not_ready(job)
    return ScanCells(cells=job.cells)


@router.get(
    "/{job_id}/report.{fmt}",
    responses=_report_responses("The report"),
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
    responses=_report_responses("A page or file of the report"),
    response_class=Response,
)
def scan_report_page(session: SessionDep, job_id: JobId, path: ReportPath) -> Response:
    """Any other file of the report, such as the HTML pages ``report.html`` links to."""
    return _file(session, job_id, path)


def _not_ready(job: ScanJob) -> ApiError:
    detail = f"the scan is {job.status} ({job.done} of {job.total} pairs)"
    if job.status == "failed":
        detail = f"the scan failed: {job.error}"
    return ApiError(409, ["path", "job_id"], detail, "not_ready")


def _file(session: SessionDep, job_id: str, path: str) -> Response:
    job = _job(session, job_id)
    if job.status == "expired":
        raise ApiError(
            410,
            ["path", "job_id"],
            f"the report files of scan {job_id!r} have expired (its cells are still at "
            f"/v1/scans/{job_id}/cells); start the scan again for new files",
            "expired",
        )
    if job.status != "done":
        raise _not_ready(job)
    stored = get_file(session, job_id, path)
    if stored is None:
        raise ApiError(404, ["path", "path"], f"the report has no file {path!r}", "not_found")
    return Response(content=stored.content, media_type=stored.media_type)
