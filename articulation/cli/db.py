"""``articulation db …``: migrate the database, import and export the catalogue, add API clients.

The database is ``$ARTICULATION_DATABASE_URL`` (default ``sqlite:///articulation.db``) or
``--database-url``. Heavy imports happen inside the commands so that ``--help`` stays fast.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from articulation.cli.common import DEFAULTS, BadInput, err, load, out, print_json, user_errors
from articulation.storage.roles import ROLES, roles_that, unknown_role

if TYPE_CHECKING:
    from sqlalchemy import Engine

db_app = typer.Typer(
    help="The database: migrate it, import and export the catalogue, add API clients.",
    no_args_is_help=True,
)

DatabaseOpt = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        help="SQLAlchemy URL (default: $ARTICULATION_DATABASE_URL or sqlite:///articulation.db).",
    ),
]


@contextmanager
def database(url: str | None, *, migrated: bool = True) -> Iterator[Engine]:
    """An engine on the database, migrated to the newest schema; database errors exit 1."""
    from sqlalchemy.exc import SQLAlchemyError

    from articulation.storage.db import migrate, settings_engine

    engine = settings_engine(DEFAULTS, url)
    try:
        if migrated:
            migrate(engine)
        yield engine
    except SQLAlchemyError as exc:
        err.print(
            f"error: database {engine.url.render_as_string()}: {exc.__class__.__name__}: {exc}"
        )
        raise typer.Exit(1) from None
    finally:
        engine.dispose()


@db_app.command("migrate")
def migrate_command(database_url: DatabaseOpt = None) -> None:
    """Create the tables, or bring them to the newest schema."""
    from articulation.storage.db import current_revision

    with database(database_url) as engine:
        out.print(f"database at schema revision {current_revision(engine)}")


@db_app.command("import")
def import_command(
    curricula: Annotated[
        Path | None,
        typer.Option("--curricula", help="Curricula directory (default: the bundled curricula/)."),
    ] = None,
    database_url: DatabaseOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Make the database hold exactly the curricula: in one transaction, only what differs is
    written; importing the same curricula again changes nothing."""
    from articulation.storage.catalogue_import import import_catalogue

    with user_errors():
        catalogue = load(curricula)
    with database(database_url) as engine:
        summary = import_catalogue(engine, catalogue)
    if as_json:
        print_json(
            {
                "version": summary.version,
                "unchanged": summary.unchanged,
                "added": summary.added,
                "changed": summary.changed,
                "removed": summary.removed,
                "total": summary.total,
            }
        )
        return
    if summary.unchanged:
        out.print(
            f"unchanged: the database already holds these curricula (version {summary.version})"
        )
        return
    parts = [
        f"{kind}: {summary.added[kind]} added, {summary.changed[kind]} changed, "
        f"{summary.removed[kind]} removed"
        for kind in summary.total
    ]
    out.print(f"imported (catalogue version {summary.version}) — " + "; ".join(parts))


@db_app.command("export")
def export_command(
    directory: Annotated[Path, typer.Argument(help="An empty or new directory.")],
    database_url: DatabaseOpt = None,
) -> None:
    """Write the catalogue in the database back as curricula YAML files."""
    from articulation.storage.export import export_curricula
    from articulation.storage.snapshot import Snapshots

    with database(database_url) as engine:
        snapshot = Snapshots(engine).get()
    with user_errors():
        if snapshot.version == 0:
            raise BadInput("the database holds no catalogue; run `articulation db import` first")
        try:
            written = export_curricula(snapshot.catalogue, directory)
        except (ValueError, OSError) as exc:
            raise BadInput(str(exc)) from None
    for (entity, code), warnings in sorted(snapshot.warnings.items()):
        for warning in warnings:  # stored before today's bounds: exported repaired
            err.print(f"warning: {entity} {code}: {warning}")
    out.print(f"wrote {len(written)} files to {directory} (catalogue version {snapshot.version})")


@db_app.command("add-client")
def add_client_command(
    name: Annotated[str, typer.Argument(help="Who the client is, e.g. 'ut-admissions'.")],
    institution: Annotated[
        str | None,
        typer.Option(
            "--institution",
            help="The institution it may edit, e.g. UT (roles that need one: "
            f"{roles_that(lambda role: role.needs_institution)}).",
        ),
    ] = None,
    role: Annotated[
        str,
        typer.Option(
            "--role",
            help=" or ".join(f"{r.name} ({r.description})" for r in ROLES.values()) + ".",
        ),
    ] = "editor",
    database_url: DatabaseOpt = None,
) -> None:
    """Register an API client and print its bearer token (shown once; only its hash is kept)."""
    from articulation.storage.clients import ClientExists, add_client
    from articulation.storage.snapshot import Snapshots
    from articulation.support.suggest import unknown

    with database(database_url) as engine:
        institutions = Snapshots(engine).get().catalogue.institutions
        with user_errors():
            if role not in ROLES:
                raise BadInput(unknown_role(role))
            if institution is None:
                if ROLES[role].needs_institution:
                    raise BadInput(f"the role {role} needs --institution (the catalogue it edits)")
                institution = "*"  # a client of a role that edits nothing
            elif institutions and institution not in institutions:
                raise BadInput(unknown("institution", institution, institutions))
            try:
                token = add_client(engine, name, role, institution)
            except ClientExists as exc:
                raise BadInput(str(exc)) from None
    err.print(f"client {name!r} ({role}, {institution}) added; its token (shown only now):")
    typer.echo(token)
