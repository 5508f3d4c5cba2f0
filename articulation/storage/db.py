"""Database engines and migrations.

``make_engine`` opens SQLite (the default, a file next to the working directory) or PostgreSQL
(psycopg 3) from a SQLAlchemy URL; ``migrate`` brings the schema to the newest Alembic revision,
configured in code (no ``alembic.ini`` needed).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.pool import StaticPool

MIGRATIONS = Path(__file__).parent / "migrations"


def make_engine(
    url: str,
    *,
    connect_timeout: int | None = None,
    statement_timeout: float | None = None,
    **kwargs: Any,
) -> Engine:
    """An engine for ``url``. SQLite gets foreign keys, WAL and a busy timeout, so that the API's
    threads can share one file; PostgreSQL gets pre-ping on pooled connections.

    ``connect_timeout`` (seconds, PostgreSQL) bounds opening a connection and waiting for a
    pooled one; ``statement_timeout`` (seconds) bounds each statement on PostgreSQL and the wait
    for a lock on SQLite (default 30 s), so that a database that does not answer gives an
    :class:`~sqlalchemy.exc.OperationalError` instead of a hang."""
    if url.startswith("sqlite"):
        in_memory = url in ("sqlite://", "sqlite:///:memory:")
        if in_memory:  # one database shared by every thread, not one per connection
            kwargs.setdefault("poolclass", StaticPool)
        busy = 30.0 if statement_timeout is None else statement_timeout
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": busy}, **kwargs
        )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            if not in_memory:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    if connect_timeout is not None:
        connect_args = dict(kwargs.pop("connect_args", {}))
        connect_args.setdefault("connect_timeout", connect_timeout)
        kwargs["connect_args"] = connect_args
        kwargs.setdefault("pool_timeout", connect_timeout)
    engine = create_engine(url, pool_pre_ping=True, **kwargs)
    if statement_timeout is not None and engine.dialect.name == "postgresql":
        milliseconds = max(1, round(statement_timeout * 1000))

        @event.listens_for(engine, "connect")
        def _statement_timeout(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute(f"SET statement_timeout = {milliseconds}")
            cursor.close()
            dbapi_connection.commit()

    return engine


def settings_engine(settings: Any, url: str | None = None) -> Engine:
    """An engine on ``url`` (default: the configured database) with the configured timeouts."""
    return make_engine(
        url or settings.database_url,
        connect_timeout=settings.db_connect_timeout,
        statement_timeout=settings.db_statement_timeout,
    )


def alembic_config(engine: Engine | None = None) -> Any:
    """The Alembic configuration: the migrations directory of this package."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        config.set_main_option(
            "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
        )
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the database to ``revision`` (default: the newest)."""
    from alembic import command

    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Downgrade the database to ``revision`` (``base``: no tables at all)."""
    from alembic import command

    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def current_revision(bind: Engine | Connection) -> str | None:
    """The Alembic revision the database is at (None: not migrated). Given a connection, it
    reads on that one: a request that holds a connection already must not wait for a second
    from the pool (with as many such requests as the pool has connections, none would get it)."""
    from alembic.runtime.migration import MigrationContext

    if isinstance(bind, Connection):
        return MigrationContext.configure(bind).get_current_revision()
    with bind.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()
