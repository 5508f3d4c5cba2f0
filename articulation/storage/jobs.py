"""Scan jobs: queued, running, finished with their report files, failed or expired.

The statuses of a job are one table (:data:`JOB_STATUSES`): whether it is still to finish,
whether its cells and its report files can be read, and what may follow it. Every status change
goes through :func:`transition` (or :func:`finish_job`), so a job never leaves ``done``,
``failed`` or ``expired`` again (except ``done`` → ``expired``).

>>> UNFINISHED, WITH_CELLS, WITH_FILES
(('queued', 'running'), ('done', 'expired'), ('done',))
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, delete, func, update
from sqlmodel import Session, col, select

from articulation.storage.locks import lock_in_transaction
from articulation.storage.tables import CatalogueState, ScanFile, ScanJob, insert_rows, now


@dataclass(frozen=True)
class JobStatus:
    """One status of a scan job and what it means for its readers."""

    value: str
    unfinished: bool  # queued or running: counts against the queues, may be failed by a sweep
    cells: bool  # its cells can be read
    files: bool  # its report files can be read
    next: tuple[str, ...]  # the statuses it may go to
    description: str


JOB_STATUSES: dict[str, JobStatus] = {
    s.value: s
    for s in (
        JobStatus("queued", True, False, False, ("running", "failed"), "waiting for a worker"),
        JobStatus("running", True, False, False, ("done", "failed"), "being scanned"),
        JobStatus("done", False, True, True, ("expired",), "finished: cells and report files"),
        JobStatus("failed", False, False, False, (), "stopped by an error; the reason is kept"),
        JobStatus("expired", False, True, False, (), "finished; report files deleted, cells kept"),
    )
}
UNFINISHED = tuple(s.value for s in JOB_STATUSES.values() if s.unfinished)
WITH_CELLS = tuple(s.value for s in JOB_STATUSES.values() if s.cells)
WITH_FILES = tuple(s.value for s in JOB_STATUSES.values() if s.files)


def new_job(
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
    """A queued job, not stored yet (with a first heartbeat when its runner is alive)."""
    at = now()
    return ScanJob(
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
    job = new_job(
        job_id,
        parameters,
        total,
        version,
        client_id=client_id,
        request_key=request_key,
        heartbeat=heartbeat,
        server=server,
    )
    with Session(engine, expire_on_commit=False) as session, session.begin():
        session.add(job)
    return job


class QueueFull(Exception):
    """A scan queue (of one client, or of all) holds its limit of unfinished jobs already."""

    def __init__(self, whose: str, allowed: int):
        super().__init__(f"{whose} queue is full ({allowed} unfinished scan job(s))")
        self.whose, self.allowed = whose, allowed


def admit_job(
    engine: Engine,
    job: ScanJob,
    limits: list[tuple[int | None, int, str]],
) -> tuple[ScanJob, bool]:
    """Record the queued ``job`` unless the same request on the same catalogue version is
    queued, running or done already (that job is returned instead: ``(job, False)``); each of
    ``limits`` — (client id or None for all clients, unfinished jobs allowed, whose queue) —
    raises :class:`QueueFull` when reached. The check and the insert are one transaction under
    a lock that holds across processes, so a quota holds however many server processes admit
    jobs at once."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        lock_in_transaction(session.connection(), "scan-quota")
        if job.request_key is not None:
            found = reusable_job(session, job.request_key, job.catalogue_version)
            if found is not None:
                return found, False
        for client_id, allowed, whose in limits:
            if unfinished_jobs(session, client_id) >= allowed:
                raise QueueFull(whose, allowed)
        session.add(job)
    return job, True


def get_job(session: Session, job_id: str) -> ScanJob | None:
    return session.get(ScanJob, job_id)


def latest_finished_job(session: Session, version: int) -> ScanJob | None:
    """The scan of catalogue ``version`` that finished last (done, or expired: its cells stay)."""
    query = (
        select(ScanJob)
        .where(
            ScanJob.catalogue_version == version,
            col(ScanJob.status).in_(WITH_CELLS),
        )
        .order_by(col(ScanJob.finished_at).desc(), col(ScanJob.id))
    )
    return next((job for job in session.exec(query) if job.cells), None)


def running_job(session: Session, version: int) -> ScanJob | None:
    """The newest queued or running scan of catalogue ``version``, if any."""
    query = (
        select(ScanJob)
        .where(ScanJob.catalogue_version == version, col(ScanJob.status).in_(UNFINISHED))
        .order_by(col(ScanJob.created_at).desc(), col(ScanJob.id))
    )
    return session.exec(query).first()


def has_scan(engine: Engine, version: int) -> bool:
    """Whether catalogue ``version`` has a scan that finished with its cells or is under way."""
    query = (
        select(func.count())
        .select_from(ScanJob)
        .where(
            ScanJob.catalogue_version == version,
            col(ScanJob.status).in_([*UNFINISHED, *WITH_CELLS]),
        )
    )
    with Session(engine) as session:
        return session.exec(query).one() > 0


def reusable_job(session: Session, request_key: str, version: int) -> ScanJob | None:
    """The newest job of the same request on the same catalogue version that is unfinished or
    done (its report files still there), if any."""
    query = (
        select(ScanJob)
        .where(
            ScanJob.request_key == request_key,
            ScanJob.catalogue_version == version,
            col(ScanJob.status).in_([*UNFINISHED, *WITH_FILES]),
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

    Every status change goes through here and follows the table (a status only to one of its
    ``next``), so a job never leaves ``failed`` or ``expired`` again (a sweeper that failed a
    job wins over its late runner)."""
    target = values.get("status")
    if target is not None and any(target not in JOB_STATUSES[s].next for s in from_states):
        raise ValueError(f"a job cannot go from {' or '.join(from_states)} to {target}")
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
        insert_rows(session.connection(), ScanFile, rows)
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


def fail_jobs(engine: Engine, job_ids: list[str], reason: str) -> int:
    """Fail the unfinished jobs among ``job_ids`` with ``reason``; how many there were."""
    if not job_ids:
        return 0
    with Session(engine) as session, session.begin():
        result = session.exec(
            update(ScanJob)
            .where(col(ScanJob.id).in_(job_ids), col(ScanJob.status).in_(UNFINISHED))
            .values(status="failed", error=reason, finished_at=now())
        )
        return result.rowcount


def delete_old_jobs(engine: Engine, keep_seconds: float) -> list[str]:
    """Delete the jobs that finished (done, failed or expired) more than ``keep_seconds`` ago,
    with their cells and report files — except the latest finished scan of the current
    catalogue version (the directors' page shows it). The deleted job ids."""
    cutoff = now() - dt.timedelta(seconds=keep_seconds)
    with Session(engine) as session, session.begin():
        candidates = list(
            session.exec(
                select(ScanJob.id).where(
                    col(ScanJob.status).not_in(UNFINISHED),
                    (col(ScanJob.finished_at).is_(None)) | (col(ScanJob.finished_at) < cutoff),
                )
            )
        )
        if not candidates:  # the usual sweep: nothing to read further
            return []
        version = session.exec(select(CatalogueState.version)).first() or 0
        kept = latest_finished_job(session, version)
        old = [job_id for job_id in candidates if kept is None or job_id != kept.id]
        for start in range(0, len(old), 500):
            chunk = old[start : start + 500]
            session.exec(delete(ScanFile).where(col(ScanFile.job_id).in_(chunk)))
            session.exec(
                delete(ScanJob).where(
                    col(ScanJob.id).in_(chunk), col(ScanJob.status).not_in(UNFINISHED)
                )
            )
        return old


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
