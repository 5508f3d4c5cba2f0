"""Batch scans as background jobs: one worker thread runs them in turn, the database keeps
their status, progress, cells and report files.

A job's states: ``queued`` → ``running`` → ``done`` → ``expired`` (its report files deleted
after the retention period), or ``failed`` from ``queued`` or ``running``. Every path ends:

- whatever goes wrong while a job runs (the database included) fails it, and its final status
  is written again and again until the database takes it;
- a sweeper thread refreshes the heartbeat of this process's unfinished jobs and fails the
  unfinished jobs of any process whose heartbeat stopped (its server is gone), so with several
  server processes none fails another's live job;
- the sweeper deletes report files past their retention (``expired``), and deletes finished
  jobs with their cells past theirs — except the latest finished scan of the current catalogue
  version, which the directors' page shows;
- every job runs under a deadline (``job_time_limit``): its scan and the writing of its report
  stop there, and a job still running then is failed with that reason while the scan thread
  goes on with the next job (a thread cannot be killed: a computation that does not look at its
  deadline is left to end in the background, its result ignored);
- when the server stops, its running and queued jobs are cancelled and failed
  (``server stopped``) within ``shutdown_grace`` seconds.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from api.errors import ApiError
from articulation.answers.scan import status_counts
from articulation.curriculum.catalogue import Catalogue
from articulation.outputs.render import render
from articulation.outputs.report import flagship_questions, make_report
from articulation.storage.jobs import (
    UNFINISHED,
    QueueFull,
    admit_job,
    delete_old_jobs,
    expire_reports,
    fail_jobs,
    fail_stale_jobs,
    finish_job,
    has_scan,
    heartbeat,
    new_job,
    transition,
)
from articulation.storage.tables import ScanJob, now
from articulation.support.deadline import Deadline, DeadlineExceeded, check, deadline

log = logging.getLogger("articulation.api")

STALE = "interrupted: the server running the scan stopped (no heartbeat for {:g} s)"
RETRY_AFTER = "30"  # seconds, when a queue of scan jobs is full
OVERTIME = "stopped: the scan and its report took longer than the job time limit of {:g} s"
STOPPED = "server stopped"


def request_key(bachelors: list[str], masters: list[str], solve_limit: float) -> str:
    """What identifies a scan request (with the catalogue version): the same key on the same
    version gives the same report.

    >>> request_key(["B"], ["M"], 10.0) == request_key(["B"], ["M"], 10)
    True
    """
    text = json.dumps([bachelors, masters, float(solve_limit)], separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


class ScanRunner:
    """Runs scan jobs one after the other in a background thread; a sweeper thread keeps the
    jobs' heartbeats, fails orphaned jobs and expires old report files."""

    def __init__(
        self,
        engine: Engine,
        workers: int = 1,
        progress_interval: float = 0.25,
        *,
        heartbeat_interval: float = 5.0,
        stale_after: float = 60.0,
        retry_interval: float = 1.0,
        retention_seconds: float = 7 * 24 * 3600.0,
        retention_count: int = 50,
        job_retention_seconds: float = 90 * 24 * 3600.0,
        time_limit: float = 3600.0,
        shutdown_grace: float = 5.0,
        cluster: str | None = None,
        flagship_list: Path | None = None,
    ):
        self.engine = engine
        # the list of masters of the report's flagship question (its page; none without a list)
        self.flagship_list = flagship_list
        self.workers = workers
        self.cluster = cluster  # a Dask cluster for the scans (else ``workers`` processes)
        self.server = f"{socket.gethostname()}:{os.getpid()}"
        self.progress_interval = progress_interval
        self.heartbeat_interval = heartbeat_interval
        self.stale_after = stale_after
        self.retry_interval = retry_interval
        self.retention_seconds = retention_seconds
        self.retention_count = retention_count
        self.job_retention_seconds = job_retention_seconds
        self.time_limit = time_limit  # seconds a job (scan and report) may take
        self.shutdown_grace = shutdown_grace
        self._running: dict[str, list[Deadline]] = {}  # job id → its deadline, once it runs
        self._executor: ThreadPoolExecutor | None = None
        self._futures: dict[str, Future[None]] = {}
        self._lock = threading.Lock()
        self.submit_lock = threading.Lock()  # one scan at start per process, not two
        self._stopping = threading.Event()
        self._sweeper: threading.Thread | None = None

    # --- the queue -------------------------------------------------------------------------------

    def submit(
        self,
        catalogue: Catalogue,
        version: int,
        bachelors: list[str],
        masters: list[str],
        solve_limit: float,
        *,
        client_id: int | None = None,
        limits: list[tuple[int | None, int, str]] | None = None,
    ) -> tuple[ScanJob, bool]:
        """Record a queued job and start it when the worker is free; the same request's job
        on the same catalogue version instead, if it is unfinished or done (``created`` False).
        ``limits`` are the queues' (see :func:`~articulation.storage.jobs.admit_job`), checked
        with the insert in one locked transaction; :class:`QueueFull` when one is full."""
        parameters = {"bachelors": bachelors, "masters": masters, "solve_limit": solve_limit}
        job, created = admit_job(
            self.engine,
            new_job(
                uuid.uuid4().hex,
                parameters,
                len(bachelors) * len(masters),
                version,
                client_id=client_id,
                request_key=request_key(bachelors, masters, solve_limit),
                heartbeat=True,
                server=self.server,
            ),
            limits or [],
        )
        if not created:
            return job, False
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="scan")
            future = self._executor.submit(self._run, job.id, catalogue, parameters)
            self._futures[job.id] = future
        future.add_done_callback(lambda _f, job_id=job.id: self._forget(job_id))
        return job, True

    def queue(
        self,
        catalogue: Catalogue,
        version: int,
        bachelors: list[str],
        masters: list[str],
        solve_limit: float,
        *,
        client_id: int | None,
        per_client: int,
        total: int,
    ) -> tuple[ScanJob, bool]:
        """The job of this scan: the same scan of this catalogue version if it is queued,
        running or done (and False), else a new one (and True). 429 with ``Retry-After`` when
        the client has ``per_client`` unfinished jobs, or all clients ``total``."""
        limits = [(client_id, per_client, "this client's"), (None, total, "all clients'")]
        try:
            return self.submit(
                catalogue,
                version,
                bachelors,
                masters,
                solve_limit,
                client_id=client_id,
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

    def scan_on_start(
        self, current: Callable[[], tuple[Catalogue, int]], solve_limit: float
    ) -> threading.Thread:
        """In a background thread (the server does not wait for it): when the current catalogue
        version has no scan, finished or under way, queue one of every pair, so the directors'
        matrix has its cells without anyone asking. ``current`` gives the catalogue and its
        version."""

        def start() -> None:
            try:
                catalogue, version = current()
                with self.submit_lock:
                    if self._stopping.is_set() or has_scan(self.engine, version):
                        return
                    # as POST /v1/scans without a body: that request finds this job
                    bachelors = [b.code for b in catalogue.bachelors]
                    masters = [m.code for m in catalogue.masters]
                    job, _ = self.submit(catalogue, version, bachelors, masters, solve_limit)
                log.info("scan %s of catalogue version %s started with the server", job.id,
                         version)  # fmt: skip
            except SQLAlchemyError as exc:  # the matrix waits for a scan someone starts
                log.warning("no scan at start: database error: %s", exc)
            except Exception:
                log.exception("no scan at start")

        thread = threading.Thread(target=start, name="scan-on-start", daemon=True)
        thread.start()
        return thread

    def active(self) -> list[str]:
        """The ids of this process's queued and running jobs."""
        with self._lock:
            return sorted(self._futures)

    def wait(self, job_id: str, timeout: float | None = None) -> None:
        """Block until the job has finished (for tests and scripts)."""
        with self._lock:
            future = self._futures.get(job_id)
        if future is not None:
            future.result(timeout)

    def _forget(self, job_id: str) -> None:
        with self._lock:
            self._futures.pop(job_id, None)

    # --- the sweeper -----------------------------------------------------------------------------

    def start(self) -> None:
        """Start the sweeper thread (the server does at start-up)."""
        if self._sweeper is None:
            self._stopping.clear()
            self._sweeper = threading.Thread(target=self._sweep_loop, name="sweeper", daemon=True)
            self._sweeper.start()

    def _sweep_loop(self) -> None:
        while not self._stopping.wait(self.heartbeat_interval):
            self.sweep()

    def sweep(self) -> None:
        """One round: heartbeats of this process's jobs, failing of orphaned jobs, expiry of
        old report files. A database error skips the round (the next one tries again)."""
        try:
            heartbeat(self.engine, self.active())
            failed = fail_stale_jobs(self.engine, self.stale_after, STALE.format(self.stale_after))
            if failed:
                log.warning("failed %d scan job(s) whose server stopped", failed)
            self.expire()
        except SQLAlchemyError as exc:
            log.warning("job sweep skipped, database error: %s", exc)

    def expire(self) -> list[str]:
        """Delete the report files past the retention period or count, and the finished jobs
        (with their cells) past theirs."""
        expired = expire_reports(self.engine, self.retention_seconds, self.retention_count)
        deleted = delete_old_jobs(self.engine, self.job_retention_seconds)
        if deleted:
            log.info("deleted %d finished scan job(s) past their retention", len(deleted))
        return expired

    def shutdown(self) -> None:
        """Cancel the running job and drop the queued ones, fail them all (``server
        stopped``) and stop the sweeper: done within ``shutdown_grace`` seconds (and the
        database's statement timeout, for the final writes)."""
        self._stopping.set()
        with self._lock:
            executor, self._executor = self._executor, None
            unfinished = sorted(self._futures)
            running = [d for deadlines in self._running.values() for d in deadlines]
        for current in running:
            current.cancel()  # stops the running solve too
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
            waited = threading.Thread(target=executor.shutdown, kwargs={"wait": True}, daemon=True)
            waited.start()
            waited.join(self.shutdown_grace)
        if unfinished:
            try:
                failed = fail_jobs(self.engine, unfinished, STOPPED)
                if failed:
                    log.warning("failed %d scan job(s): the server stopped", failed)
            except SQLAlchemyError as exc:  # their heartbeat stops: another sweeper fails them
                log.warning("could not fail the scan jobs of a stopping server: %s", exc)
        if self._sweeper is not None:
            self._sweeper.join(timeout=self.shutdown_grace)
            self._sweeper = None

    # --- one job ---------------------------------------------------------------------------------

    def _run(self, job_id: str, catalogue: Catalogue, parameters: dict[str, Any]) -> None:
        """Run a job to its end: ``done``, or ``failed`` whatever went wrong, past its time
        limit or when the server stops; the final status is written even if the database is
        down for a while. The scan runs on a thread of its own, which this one waits for at
        most the job's time limit."""
        if self._stopping.is_set():
            return
        if not transition(self.engine, job_id, ("queued",), status="running", started_at=now()):
            return  # failed by a sweeper before it started
        started: list[Deadline] = []
        outcome: list[Any] = []
        limit = self.time_limit

        def work() -> None:
            try:
                outcome.append(self._scan(job_id, catalogue, parameters, limit, started))
            except BaseException as exc:  # reported by the waiting thread
                outcome.append(exc)

        def cancel() -> None:
            for current in list(started):
                current.cancel()

        with self._lock:
            self._running[job_id] = started
        context = contextvars.copy_context()
        thread = threading.Thread(
            target=context.run, args=(work,), name=f"scan-{job_id[:8]}", daemon=True
        )
        thread.start()
        end = time.monotonic() + limit + self.shutdown_grace
        try:
            while thread.is_alive() and time.monotonic() < end:
                if self._stopping.is_set():
                    cancel()
                    thread.join(self.shutdown_grace)
                    break
                thread.join(min(0.2, max(0.0, end - time.monotonic())))
        finally:
            with self._lock:
                self._running.pop(job_id, None)
        if thread.is_alive() or not outcome:  # past its time limit, or the server stops
            cancel()
            reason = STOPPED if self._stopping.is_set() else OVERTIME.format(limit)
            log.warning("scan job %s: %s", job_id, reason)
            self._persist(job_id, self._failure(job_id, reason))
            return
        result = outcome[0]
        if isinstance(result, BaseException):
            if isinstance(result, DeadlineExceeded):
                error = STOPPED if self._stopping.is_set() else OVERTIME.format(limit)
            elif isinstance(result, SQLAlchemyError):
                log.error("scan job %s failed", job_id, exc_info=result)
                error = f"the database failed during the scan ({type(result).__name__})"
            else:
                log.error("scan job %s failed", job_id, exc_info=result)
                error = f"{type(result).__name__}: {result}"
            self._persist(job_id, self._failure(job_id, error))
            return
        self._persist(job_id, result)

    def _failure(self, job_id: str, error: str) -> Callable[[], bool]:
        values = {"status": "failed", "error": error[:2000], "finished_at": now()}
        return lambda: transition(self.engine, job_id, UNFINISHED, **values)

    def _scan(
        self,
        job_id: str,
        catalogue: Catalogue,
        parameters: dict[str, Any],
        limit: float,
        started: list[Deadline],
    ) -> Callable[[], bool]:
        """Scan and build the report within the job's deadline; the write that makes the job
        ``done``."""
        # jobs stored before solve_limit was named so carry it as time_limit
        solve_limit = parameters.get("solve_limit", parameters.get("time_limit"))
        asked = flagship_questions(catalogue, self.flagship_list) if self.flagship_list else []
        with deadline(limit, solve_limit=solve_limit) as current:
            started.append(current)
            if self._stopping.is_set():
                current.cancel()
            report = make_report(
                catalogue,
                parameters["bachelors"],
                parameters["masters"],
                workers=self.workers,
                progress=_JobProgress(self.engine, job_id, self.progress_interval),
                cluster=self.cluster,
                flagship_questions=asked,
            )
            check()
            stored = {}
            for path, content in render(report).items():
                check()  # writing the report counts against the job's deadline too
                stored[path] = (media_type(path), content.decode("utf-8"))
            check()
        values = {
            "status": "done",
            "done": len(report.cells),
            "counts": status_counts(report.cells),
            "cells": [cell.to_json() for cell in report.cells],
            "finished_at": now(),
        }

        def final() -> bool:
            finished = finish_job(self.engine, job_id, stored, **values)
            if finished:
                self.expire()  # keep at most the configured number of reports
            return finished

        return final

    def _persist(self, job_id: str, write: Callable[[], Any]) -> None:
        """Write a job's final status, retrying while the database is unavailable. Stops when
        the runner shuts down: the job's heartbeat then stops and a sweeper fails it."""
        while True:
            try:
                write()
                return
            except SQLAlchemyError as exc:
                log.warning("scan job %s: final status not written yet (%s); retrying", job_id, exc)
            if self._stopping.wait(self.retry_interval):
                return


class _JobProgress:
    """The scan's progress in the job's row: pairs done, written at most every ``interval`` s."""

    def __init__(self, engine: Engine, job_id: str, interval: float):
        self.engine, self.job_id, self.interval = engine, job_id, interval
        self.done = 0
        self.retries = 0
        self.last = time.monotonic()

    def start(self, stage: str, total: int) -> None:
        if stage != "pairs":  # every pair is done
            transition(self.engine, self.job_id, ("running",), done=self.done)

    def advance(self, stage: str) -> None:
        check()  # every step of the scan ends within the job's deadline
        if stage != "pairs":
            return
        self.done += 1
        if time.monotonic() - self.last >= self.interval:
            self.last = time.monotonic()
            transition(self.engine, self.job_id, ("running",), done=self.done)

    def retried(self, stage: str, what: str) -> None:
        self.retries += 1
        log.warning("scan job %s: %s of %s computed again (a worker was lost)", self.job_id,
                    what, stage)  # fmt: skip
        transition(self.engine, self.job_id, ("running",), retried=self.retries)


MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "md": "text/markdown; charset=utf-8",
}


def media_type(path: str) -> str:
    """The media type a stored report file is served with."""
    return MEDIA_TYPES.get(path.rsplit(".", 1)[-1], "application/octet-stream")
