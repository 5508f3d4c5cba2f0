"""One process at a time: locks that hold across processes (server workers, two ``serve``
commands) for the work that must not run twice at once.

- :func:`exclusive` — a lock held for a whole piece of work (migrating and seeding a fresh
  database): a PostgreSQL session advisory lock, or a file lock next to a SQLite database file;
- :func:`lock_in_transaction` — a lock held until the current transaction ends (a scan quota's
  check and insert): a PostgreSQL transaction advisory lock, or SQLite's write lock, taken
  before the transaction reads anything.
"""

from __future__ import annotations

import fcntl
import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, text


class LockTimeout(RuntimeError):
    """Another process held the lock for longer than the wait allowed."""


def lock_key(name: str) -> int:
    """The 64-bit advisory lock key of ``name`` (stable across processes and versions).

    >>> lock_key("migrate") == lock_key("migrate") != lock_key("scan-quota")
    True
    """
    return int.from_bytes(
        hashlib.sha256(f"articulation:{name}".encode()).digest()[:8], "big", signed=True
    )


def _sqlite_file(engine: Engine) -> Path | None:
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    return Path(database)


@contextmanager
def exclusive(engine: Engine, name: str, wait: float = 600.0, poll: float = 0.2) -> Iterator[None]:
    """Hold the lock ``name`` on ``engine``'s database while the block runs; other processes
    wait for it (polling, so that no statement waits longer than the statement timeout), at
    most ``wait`` seconds (then :class:`LockTimeout`)."""
    if engine.dialect.name == "postgresql":
        key = lock_key(name)
        with engine.connect() as connection:
            end = time.monotonic() + wait
            while not connection.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": key}
            ).scalar():
                connection.rollback()
                if time.monotonic() > end:
                    raise LockTimeout(f"another process held the lock {name!r} for over {wait:g} s")
                time.sleep(poll)
            connection.commit()
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                connection.commit()
        return
    path = _sqlite_file(engine)
    if path is None:  # an in-memory database belongs to one process
        yield
        return
    lock_path = path.with_name(f"{path.name}.{name}.lock")
    with open(lock_path, "a+b") as handle:
        end = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > end:
                    raise LockTimeout(
                        f"another process held the lock {name!r} for over {wait:g} s"
                    ) from None
                time.sleep(poll)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def lock_in_transaction(connection: Connection, name: str) -> None:
    """Take the lock ``name`` until the transaction of ``connection`` ends; call it before the
    transaction reads what the lock protects. PostgreSQL: a transaction advisory lock (bounded
    by the statement timeout). SQLite: the database's write lock, by a write that changes
    nothing (bounded by the busy timeout) — one writer at a time, so the reads after it see
    every committed row."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key(name)})
    elif connection.dialect.name == "sqlite":
        connection.execute(text("UPDATE scan_job SET id = id WHERE 0 = 1"))
