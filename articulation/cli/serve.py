"""``articulation serve``: run the HTTP API with uvicorn, in one process or several.

With ``--workers N`` (N > 1) uvicorn starts N worker processes that share the port; each builds
the application with the factory ``api.main:create_app`` from the environment alone, so the
options given here are passed on as ``ARTICULATION_*`` variables. The database is migrated and
seeded once, here, before the workers start.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Annotated

import typer

from articulation.cli.common import err, user_errors


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    curricula: Annotated[
        Path | None,
        typer.Option(
            "--curricula", help="Curricula imported when the database is empty (default: bundled)."
        ),
    ] = None,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            help="SQLAlchemy URL (default: $ARTICULATION_DATABASE_URL or sqlite:///articulation.db).",
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Worker processes (uvicorn's); each keeps its own catalogue snapshot. Use "
            "PostgreSQL for more than one: SQLite takes one writer at a time.",
        ),
    ] = 1,
) -> None:
    """Serve the HTTP API (docs at /docs); migrates the database, seeds an empty one."""
    import uvicorn
    from sqlalchemy.exc import SQLAlchemyError

    from api.main import create_app, prepare_database
    from articulation.settings import Settings

    overrides: dict[str, object] = {}
    if curricula is not None:
        overrides["curricula"] = curricula
    if database_url is not None:
        overrides["database_url"] = database_url
    settings = Settings(**overrides)
    with user_errors():
        try:
            prepare_database(settings)
        except SQLAlchemyError as exc:
            err.print(f"error: database: {exc.__class__.__name__}: {exc}")
            raise typer.Exit(1) from None
    if workers == 1:
        ready = settings.model_copy(update={"migrate_on_start": False, "seed_on_start": False})
        uvicorn.run(
            create_app(ready),
            host=host,
            port=port,
            timeout_graceful_shutdown=math.ceil(settings.shutdown_grace),
        )
        return
    if settings.database_url.startswith("sqlite"):
        err.print(
            f"note: {workers} workers on SQLite: reads are served by every worker, but SQLite "
            "takes one writer at a time: a catalogue edit or a scan job's write that waits "
            f"longer than {settings.db_statement_timeout:g} s for the lock is refused (503). "
            "Use PostgreSQL for several writers."
        )
    os.environ.setdefault("ARTICULATION_CLOSE_AFTER_SOLVE", "true")  # see api/balance.py
    os.environ.update(
        ARTICULATION_DATABASE_URL=settings.database_url,
        ARTICULATION_MIGRATE_ON_START="false",
        ARTICULATION_SEED_ON_START="false",
    )
    if settings.curricula is not None:
        os.environ["ARTICULATION_CURRICULA"] = str(settings.curricula)
    uvicorn.run(
        "api.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        timeout_graceful_shutdown=math.ceil(settings.shutdown_grace),
    )
