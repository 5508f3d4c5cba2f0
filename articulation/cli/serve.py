"""``articulation serve``: run the HTTP API with uvicorn."""

from __future__ import annotations

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
    ready = settings.model_copy(update={"migrate_on_start": False, "seed_on_start": False})
    uvicorn.run(create_app(ready), host=host, port=port)
