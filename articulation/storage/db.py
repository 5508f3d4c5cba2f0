"""Database engines and migrations.

``make_engine`` opens SQLite (the default, a file next to the working directory) or PostgreSQL
(psycopg 3) from a SQLAlchemy URL; ``migrate`` brings the schema to the newest Alembic revision,
configured in code (no ``alembic.ini`` needed).
"""

from __future__ import annotations

import functools
import logging
import os
import socket
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.pool import StaticPool

MIGRATIONS = Path(__file__).parent / "migrations"

log = logging.getLogger("articulation.storage")


def make_engine(
    url: str,
    *,
    connect_timeout: int | None = None,
    statement_timeout: float | None = None,
    **kwargs: Any,
) -> Engine:
    """An engine for ``url``. SQLite gets foreign keys, WAL and a busy timeout, so that the API's
    threads can share one file; PostgreSQL gets pre-ping on pooled connections.

    ``connect_timeout`` (seconds) bounds opening a connection (PostgreSQL) and waiting for a
    free pooled one (both); ``statement_timeout`` (seconds) bounds each statement on PostgreSQL
    and the wait for a lock on SQLite (default 30 s), so that a database that does not answer
    gives an :class:`~sqlalchemy.exc.OperationalError` instead of a hang. On PostgreSQL the
    bound holds on the client's side too: TCP keepalives and ``tcp_user_timeout`` notice a dead
    connection, and a watchdog closes the connection of a statement, commit, rollback or ping
    still waiting :data:`WATCHDOG_GRACE` seconds after the statement timeout (a database that
    hangs with the connection open answers neither the statement nor its cancellation)."""
    if url.startswith("sqlite"):
        in_memory = url in ("sqlite://", "sqlite:///:memory:")
        if in_memory:  # one database shared by every thread, not one per connection
            kwargs.setdefault("poolclass", StaticPool)
        elif connect_timeout is not None:
            kwargs.setdefault("pool_timeout", connect_timeout)
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
    connect_args = dict(kwargs.pop("connect_args", {}))
    if connect_timeout is not None:
        connect_args.setdefault("connect_timeout", connect_timeout)
        kwargs.setdefault("pool_timeout", connect_timeout)
    if statement_timeout is not None and url.startswith("postgresql"):
        milliseconds = max(1, round(statement_timeout * 1000))
        connect_args.update(_postgres_bounds(url, milliseconds))
    kwargs["connect_args"] = connect_args
    engine = create_engine(url, pool_pre_ping=True, **kwargs)
    if statement_timeout is not None and engine.dialect.name == "postgresql":
        Watchdog(statement_timeout + WATCHDOG_GRACE).guard(engine)
    return engine


#: Seconds past the statement timeout before the client closes a connection that has not
#: answered (the server's own statement_timeout normally ends the statement first).
WATCHDOG_GRACE = 0.5


def _postgres_bounds(url: str, milliseconds: int) -> dict[str, Any]:
    """libpq options that bound every statement (``statement_timeout``, kept with the URL's
    own ``options``) and notice a dead connection (keepalives, ``tcp_user_timeout``)."""
    from sqlalchemy.engine import make_url

    options = make_url(url).query.get("options")
    if isinstance(options, tuple):
        options = " ".join(options)
    ours = f"-c statement_timeout={milliseconds}"
    probe = max(1, min(10, round(milliseconds / 3000)))
    return {
        "options": f"{options} {ours}" if options else ours,
        "keepalives": 1,
        "keepalives_idle": probe,
        "keepalives_interval": probe,
        "keepalives_count": 3,
        "tcp_user_timeout": milliseconds,
    }


def _pgconn(target: Any) -> Any:
    """The libpq connection of a psycopg cursor, connection or pooled connection."""
    for _ in range(3):
        if hasattr(target, "pgconn"):
            return target.pgconn
        if hasattr(target, "dbapi_connection"):
            target = target.dbapi_connection
        else:
            target = target.connection  # a cursor's
    raise TypeError(f"not a psycopg connection: {type(target).__name__}")


class Watchdog:
    """Closes the socket of a PostgreSQL connection whose statement (or commit, rollback,
    ping) has waited longer than ``seconds``: the waiting call then fails with an
    :class:`~sqlalchemy.exc.OperationalError` (and the pool drops the connection) instead of
    waiting for a database that does not answer. One thread per engine checks a few times a
    second, and only while calls wait."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._waiting: dict[int, tuple[float, Any]] = {}  # call id → (end, DBAPI connection)
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._thread: threading.Thread | None = None
        self.closed = 0  # connections closed by the watchdog (for the logs and the tests)

    def guard(self, engine: Engine) -> None:
        """Watch every call of ``engine``'s dialect that waits for the server."""
        dialect = engine.dialect
        for name, position in (
            ("do_execute", 0),
            ("do_executemany", 0),
            ("do_execute_no_params", 0),
            ("do_commit", 0),
            ("do_rollback", 0),
            ("do_ping", 0),
        ):
            original = getattr(dialect, name)
            setattr(dialect, name, self._watched(original, position))

    def _watched(self, call: Any, position: int) -> Any:
        @functools.wraps(call)
        def watched(*args: Any, **kwargs: Any) -> Any:
            key = self._start(args[position])
            try:
                return call(*args, **kwargs)
            finally:
                self._end(key)

        return watched

    def _start(self, connection: Any) -> int:
        key = id(threading.current_thread()) ^ id(connection)
        with self._lock:
            self._waiting[key] = (time.monotonic() + self.seconds, connection)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._watch, name="db-watchdog", daemon=True)
                self._thread.start()
            self._wake.notify()
        return key

    def _end(self, key: int) -> None:
        with self._lock:
            self._waiting.pop(key, None)

    def _watch(self) -> None:
        while True:
            with self._lock:
                if not self._waiting:
                    if not self._wake.wait(60):
                        self._thread = None
                        return
                    continue
                at = time.monotonic()
                late = [k for k, (end, _) in self._waiting.items() if end <= at]
                for key in late:
                    _end, connection = self._waiting.pop(key)
                    self._close(connection)
                soonest = min((end for end, _ in self._waiting.values()), default=at + 60)
                self._wake.wait(max(0.05, min(0.5, soonest - at)))

    def _close(self, connection: Any) -> None:
        """Shut the connection's socket down: the call waiting on it returns with an error."""
        try:
            fd = _pgconn(connection).socket
            with socket.socket(fileno=os.dup(fd)) as sock:
                sock.shutdown(socket.SHUT_RDWR)
        except Exception as exc:
            log.debug("database watchdog: could not close a connection: %s", exc)
            return
        self.closed += 1
        log.warning("database watchdog: closed a connection that waited over %g s", self.seconds)


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
    """Upgrade the database to ``revision`` (default: the newest), one process at a time."""
    from alembic import command

    from articulation.storage.locks import exclusive

    config = alembic_config()
    with exclusive(engine, "migrate"), engine.begin() as connection:
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
