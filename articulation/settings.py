"""Settings of the command line, the storage and the HTTP API, from ``ARTICULATION_*`` variables.

One place for every default and every limit: the CLI's defaults and the API's limits are read
from here. Each field is ``ARTICULATION_<NAME>`` in the environment (the README lists them).

>>> Settings(database_url="sqlite:///x.db").database_url
'sqlite:///x.db'
>>> Settings().curricula_dir.name
'curricula'
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, NoReturn

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from articulation.support.deadline import DEFAULT_SOLVE_LIMIT

BUNDLED_CURRICULA = Path(__file__).resolve().parent.parent / "curricula"

Seconds = Annotated[float, Field(gt=0)]
Count = Annotated[int, Field(ge=1)]  # of processes, threads, jobs or files


class Settings(BaseSettings):
    """Everything configurable; each field is ``ARTICULATION_<NAME>`` in the environment, and
    described by its docstring."""

    model_config = SettingsConfigDict(
        env_prefix="ARTICULATION_", extra="ignore", use_attribute_docstrings=True
    )

    database_url: str = "sqlite:///articulation.db"
    """SQLAlchemy URL: sqlite:///FILE or postgresql+psycopg://USER@HOST:PORT/DB"""
    curricula: Path | None = None
    """Curricula the commands read and the server imports into an empty database (default: the
    bundled curricula/)"""
    migrate_on_start: bool = True
    """Apply pending migrations when the server starts"""
    seed_on_start: bool = True
    """Import the curricula when the server starts on an empty database"""
    ooapi_contact_email: str = "info@example.org"
    """The contact address the OOAPI service metadata (GET /ooapi/v6/) gives; set it to the
    publisher's"""
    time_limit: Seconds = 10.0
    """Default time limit of one answer, seconds: one deadline for all its solves (a command
    that answers one question — bridge, plan, minor has its own —, an API request)"""
    solve_limit: Seconds = DEFAULT_SOLVE_LIMIT
    """Default time limit of each solve of a batch scan, seconds (`scan --solve-limit`, the
    `solve_limit` of an API scan job, `diff`)"""
    max_time_limit: Seconds = 60.0
    """Largest time limit (deadline) an API request may ask for, seconds"""
    minor_budget: Annotated[float, Field(gt=0, le=180)] = 30.0
    """Default EC budget of a designed minor"""
    minor_time_limit: Seconds = 30.0
    """Default time limit of `articulation minor`, seconds"""
    plan_load: Annotated[float, Field(gt=0)] = 15.0
    """Default study load of `articulation plan`: EC per 10 teaching weeks"""
    workers: Count = min(2, os.cpu_count() or 1)
    """Processes `articulation scan` spreads the pairs over"""
    scan_workers: Count = 1
    """Processes a scan job of the API spreads the pairs over"""
    dask_scheduler: str | None = None
    """Run `articulation scan` and the API's scan jobs on Dask: `local` or `local:N` (a
    LocalCluster of N worker processes, started per scan), or the address of a running
    scheduler, `tcp://host:8786` (default: unset, the local process pool)"""
    engine_threads: Count = 2
    """Threads the API solves requests on (paths, eligibility, minor design); other requests
    never wait for them"""
    engine_queue: Annotated[int, Field(ge=0)] = 16
    """Solving requests that may wait for a free engine thread; beyond that the API answers 503
    with Retry-After"""
    close_after_solve: bool = False
    """Close the connection after answering a POST (the requests that solve), so that the
    client's next one goes to whichever worker process is free (`serve --workers N` with N > 1
    turns it on)"""
    max_body_bytes: Annotated[int, Field(gt=0)] = 1024 * 1024
    """Largest request body the API accepts, bytes"""
    max_transcript_entries: Annotated[int, Field(gt=0)] = 2000
    """Most courses one eligibility request may list"""
    max_alternatives: Annotated[int, Field(ge=0)] = 10
    """Most next-best programmes one transfer-path request may ask for"""

    # --- the database ---------------------------------------------------------------------------
    db_connect_timeout: Annotated[int, Field(ge=2, le=600)] = 5
    """PostgreSQL: seconds to wait for a connection (also for a free pooled one) before the
    request answers 503 (libpq's minimum is 2)"""
    db_statement_timeout: Annotated[float, Field(gt=0, le=3600)] = 30.0
    """Seconds one database statement may take (PostgreSQL statement_timeout; SQLite: how long
    to wait for a lock)"""

    # --- scan jobs ------------------------------------------------------------------------------
    scan_queue_per_client: Count = 2
    """Unfinished (queued or running) scan jobs one client may have"""
    scan_queue_total: Count = 10
    """Unfinished scan jobs of all clients together"""
    scan_retention_seconds: Seconds = 7 * 24 * 3600.0
    """Report files of a finished scan are deleted this long after it finished (the job becomes
    'expired'; its cells are kept)"""
    scan_retention_count: Count = 50
    """Report files are kept for at most this many finished scans"""
    scan_on_start: bool = True
    """When the server starts and the current catalogue version has no scan (finished or under
    way), compute one of every pair in the background, so the directors' matrix has cells"""
    scan_job_retention_seconds: Seconds = 90 * 24 * 3600.0
    """Finished scan jobs (done, failed or expired) are deleted with their cells this long after
    they finished — except the latest finished scan of the current catalogue version, which the
    directors' page shows"""
    job_time_limit: Seconds = 3600.0
    """Seconds one scan job may take, its report included; a job still running then is failed
    with that reason, and the next job starts"""
    shutdown_grace: Seconds = 5.0
    """Seconds a stopping server waits for its running scan job to stop (it is then failed:
    'server stopped') and for open connections to finish"""
    job_heartbeat_interval: Seconds = 5.0
    """Seconds between a server's heartbeats of its jobs (and sweeps of all jobs)"""
    job_stale_after: Seconds = 60.0
    """An unfinished job without a heartbeat for this long is failed: its server is gone"""
    job_retry_interval: Seconds = 1.0
    """Seconds between retries of a job's final status while the database is down"""

    @property
    def curricula_dir(self) -> Path:
        """The curricula directory: as configured, else the bundled one."""
        if self.curricula is not None:
            return self.curricula
        return BUNDLED_CURRICULA if BUNDLED_CURRICULA.is_dir() else Path("curricula")


def from_environment() -> Settings:
    """The settings of the environment, for the command line and a server started by uvicorn.

    A bad ``ARTICULATION_*`` value stops the program: see :func:`stop`.
    """
    try:
        return Settings()
    except ValidationError as exc:
        stop(
            ("_".join(str(part) for part in p["loc"]), p["msg"], p.get("input"))
            for p in exc.errors()
        )


def stop(problems: Iterable[tuple[str, str, object]]) -> NoReturn:
    """Exit with code 2 after one line on stderr per ``(field, message, value)``, naming the
    variable and its value (``error: environment: ARTICULATION_WORKERS='two': …``), never a
    traceback."""
    for field, message, value in problems:
        name = "ARTICULATION_" + field.upper()
        shown = os.environ.get(name, value)
        print(f"error: environment: {name}={shown!r}: {message}", file=sys.stderr)
    raise SystemExit(2)
