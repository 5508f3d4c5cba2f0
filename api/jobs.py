"""Batch scans as background jobs: one worker thread runs them in turn, the database keeps
their status, progress and cells."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from sqlalchemy import Engine

from articulation.catalogue import Catalogue
from articulation.render import render
from articulation.report import make_report
from articulation.scan import status_counts
from articulation.storage.repository import create_job, finish_job, now, update_job
from articulation.storage.tables import ScanJob

log = logging.getLogger("articulation.api")


class ScanRunner:
    """Runs scan jobs one after the other in a background thread."""

    def __init__(self, engine: Engine, workers: int = 1, progress_interval: float = 0.25):
        self.engine = engine
        self.workers = workers
        self.progress_interval = progress_interval
        self._executor: ThreadPoolExecutor | None = None
        self._futures: dict[str, Future[None]] = {}
        self._lock = threading.Lock()

    def submit(
        self,
        catalogue: Catalogue,
        version: int,
        bachelors: list[str],
        masters: list[str],
        time_limit: float,
    ) -> ScanJob:
        """Record a queued job and start it when the worker is free."""
        parameters = {"bachelors": bachelors, "masters": masters, "time_limit": time_limit}
        job = create_job(
            self.engine, uuid.uuid4().hex, parameters, len(bachelors) * len(masters), version
        )
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="scan")
            future = self._executor.submit(self._run, job.id, catalogue, parameters)
            self._futures[job.id] = future
        future.add_done_callback(lambda _f, job_id=job.id: self._forget(job_id))
        return job

    def wait(self, job_id: str, timeout: float | None = None) -> None:
        """Block until the job has finished (for tests and scripts)."""
        with self._lock:
            future = self._futures.get(job_id)
        if future is not None:
            future.result(timeout)

    def shutdown(self) -> None:
        """Finish the running job, drop the queued ones (they are failed at the next start)."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    def _forget(self, job_id: str) -> None:
        with self._lock:
            self._futures.pop(job_id, None)

    def _run(self, job_id: str, catalogue: Catalogue, parameters: dict[str, Any]) -> None:
        update_job(self.engine, job_id, status="running", started_at=now())
        progress = _JobProgress(self.engine, job_id, self.progress_interval)
        try:
            report = make_report(
                catalogue,
                parameters["bachelors"],
                parameters["masters"],
                workers=self.workers,
                time_limit=parameters["time_limit"],
                progress=progress,
            )
            files = render(report)
            finish_job(
                self.engine,
                job_id,
                {
                    path: (media_type(path), content.decode("utf-8"))
                    for path, content in files.items()
                },
                status="done",
                counts=status_counts(report.cells),
                finished_at=now(),
            )
        except Exception as exc:
            log.exception("scan job %s failed", job_id)
            update_job(
                self.engine,
                job_id,
                status="failed",
                error=f"{type(exc).__name__}: {exc}",
                finished_at=now(),
            )


class _JobProgress:
    """The scan's progress in the job's row: pairs done, written at most every ``interval`` s."""

    def __init__(self, engine: Engine, job_id: str, interval: float):
        self.engine, self.job_id, self.interval = engine, job_id, interval
        self.done = 0
        self.last = time.monotonic()

    def start(self, stage: str, total: int) -> None:
        if stage != "pairs":  # every pair is done
            update_job(self.engine, self.job_id, done=self.done)

    def advance(self, stage: str) -> None:
        if stage != "pairs":
            return
        self.done += 1
        if time.monotonic() - self.last >= self.interval:
            self.last = time.monotonic()
            update_job(self.engine, self.job_id, done=self.done)


MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "md": "text/markdown; charset=utf-8",
}


def media_type(path: str) -> str:
    """The media type a stored report file is served with."""
    return MEDIA_TYPES.get(path.rsplit(".", 1)[-1], "application/octet-stream")
