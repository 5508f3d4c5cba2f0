"""The FastAPI application: ``create_app(settings)``.

Run it with ``articulation serve`` or ``uvicorn --factory api.main:create_app``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import SQLAlchemyError

from api import errors, headers
from api.balance import CloseAfterSolve
from api.executor import EngineExecutor
from api.jobs import STALE, ScanRunner
from api.routes import catalogue, edits, meta, ooapi, paths, scans, students, whatif
from api.web import pages
from articulation import __version__
from articulation.answers.flagship import DEFAULT_LIST
from articulation.answers.parallel import parse_cluster
from articulation.curriculum.catalogue import Catalogue
from articulation.settings import Settings, from_environment, stop
from articulation.storage.db import migrate, settings_engine
from articulation.storage.locks import exclusive
from articulation.storage.roles import roles_that
from articulation.storage.snapshot import Snapshots

log = logging.getLogger("articulation.api")

DESCRIPTION = f"""\
Gap analysis and proven-optimal bridging programmes from VU Amsterdam bachelors into
University of Twente masters.

Reads are open; catalogue edits need a bearer token (`articulation db add-client`) of a client
whose role may edit ({roles_that(lambda role: role.may_edit)}), for the institution concerned,
and updates need `If-Match` with the entity's ETag. Starting a scan needs a client whose role
may scan ({roles_that(lambda role: role.may_scan)}).
Every error names the field (`loc`) and the reason (`msg`).
"""


def prepare_database(settings: Settings) -> None:
    """Apply migrations and, on an empty database, import the curricula (as configured), one
    process at a time: server workers and ``serve`` commands started together on a fresh
    database wait for the first to finish, then find it migrated and seeded."""
    if not (settings.migrate_on_start or settings.seed_on_start):
        return
    engine = settings_engine(settings)
    try:
        with exclusive(engine, "prepare-database"):
            if settings.migrate_on_start:
                migrate(engine)
            if settings.seed_on_start:
                seed(engine, settings)
    finally:
        engine.dispose()


def seed(engine, settings: Settings) -> bool:
    """Import the configured (or bundled) curricula when the database holds no catalogue."""
    from sqlmodel import Session

    from articulation.curriculum.loader import load_curricula
    from articulation.storage.catalogue_import import import_catalogue
    from articulation.storage.rows import is_empty

    with Session(engine) as session:
        if not is_empty(session):
            return False
    root = settings.curricula_dir
    summary = import_catalogue(engine, load_curricula(root), actor=f"seed from {root}")
    log.info("imported %s into an empty database (version %s)", root, summary.version)
    return True


def create_app(settings: Settings | None = None) -> FastAPI:
    """The application for ``settings`` (default: from the environment)."""
    settings = settings or from_environment()
    if settings.dask_scheduler:
        try:
            parse_cluster(settings.dask_scheduler)
        except ValueError as exc:  # a bad value stops the start, with the reason
            stop([("dask_scheduler", str(exc), settings.dask_scheduler)])
    engine = settings_engine(settings)
    runner = ScanRunner(
        engine,
        workers=settings.scan_workers,
        heartbeat_interval=settings.job_heartbeat_interval,
        stale_after=settings.job_stale_after,
        retry_interval=settings.job_retry_interval,
        retention_seconds=settings.scan_retention_seconds,
        retention_count=settings.scan_retention_count,
        job_retention_seconds=settings.scan_job_retention_seconds,
        time_limit=settings.job_time_limit,
        shutdown_grace=settings.shutdown_grace,
        cluster=settings.dask_scheduler,
        flagship_list=settings.curricula_dir / DEFAULT_LIST,
    )

    executor = EngineExecutor(
        settings.engine_threads,
        settings.engine_queue,
        retry_after=max(1, math.ceil(min(settings.time_limit, settings.max_time_limit))),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from articulation.storage.jobs import fail_stale_jobs

        prepare_database(settings)
        try:  # jobs of a server that stopped; jobs of live servers keep their heartbeat
            fail_stale_jobs(
                engine, settings.job_stale_after, STALE.format(settings.job_stale_after)
            )
        except SQLAlchemyError as exc:  # the sweeper tries again
            log.warning("could not check for orphaned scan jobs: %s", exc)
        runner.start()
        if settings.scan_on_start:  # the directors' matrix, computed while the server answers

            def current() -> tuple[Catalogue, int]:
                snapshot = app.state.snapshots.get()
                return snapshot.catalogue, snapshot.version

            runner.scan_on_start(current, settings.solve_limit)
        yield
        runner.shutdown()
        executor.shutdown()
        engine.dispose()

    app = FastAPI(
        title="articulation",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served by the pages, from local assets
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.snapshots = Snapshots(engine)
    app.state.runner = runner
    app.state.executor = executor
    errors.install(app)
    app.add_middleware(errors.BodyLimit, max_bytes=settings.max_body_bytes)
    if settings.close_after_solve:
        app.add_middleware(CloseAfterSolve)
    app.add_middleware(errors.ServerErrors)  # around every route's answer, a 500 included
    app.add_middleware(headers.SafeHeaders)  # on every answer, the guard's 500 included
    app.add_middleware(headers.HeadAsGet)  # outermost: added last
    for module in (meta, catalogue, paths, students, whatif, scans, edits, ooapi, pages):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=pages.STATIC), name="static")
    return app
