"""Shared fixtures: databases holding the fixture curricula, on SQLite and on PostgreSQL.

``database_url`` is parametrised over both backends. SQLite gets a copy of a template file per
test. PostgreSQL (``$ARTICULATION_TEST_POSTGRES_URL``, or when that is unset the default address
``postgresql+psycopg://postgres@127.0.0.1:5432/test`` if a server answers there) gets one fresh
schema per test session, dropped afterwards, and is reset from a template schema before each
test. A group of tests that cannot run (no PostgreSQL, no browser) is skipped with one line in
the terminal summary: ``SKIPPED GROUP postgresql: no server at 127.0.0.1:5432``.
"""

from __future__ import annotations

import functools
import os
import shutil
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, Integer, text

MINI = Path(__file__).parent / "fixtures" / "mini"
POSTGRES_ENV = "ARTICULATION_TEST_POSTGRES_URL"
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SKIPPED_GROUPS: dict[str, str] = {}  # group → why its tests were skipped
# a server a test starts computes no scan at start (a full scan in the background of every test
# app); the tests of that scan ask for it with Settings(scan_on_start=True)
os.environ.setdefault("ARTICULATION_SCAN_ON_START", "false")


def skip_group(group: str, reason: str) -> None:
    """Skip the current test as part of ``group``; the summary names the group once."""
    SKIPPED_GROUPS.setdefault(group, reason)
    pytest.skip(f"{group}: {reason}")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("filterwarnings", "ignore:Using `httpx` with `starlette.testclient`")
    config.addinivalue_line("markers", "postgres: needs the PostgreSQL test server")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for group, reason in sorted(SKIPPED_GROUPS.items()):
        terminalreporter.write_line(f"SKIPPED GROUP {group}: {reason}", yellow=True)


def postgres_url() -> tuple[str | None, str]:
    """The PostgreSQL server for the tests and, when there is none, why not.

    ``$ARTICULATION_TEST_POSTGRES_URL`` if set, else the default address if a server answers
    there (checked once)."""
    configured = os.environ.get(POSTGRES_ENV)
    if configured:
        return configured, ""
    return _default_postgres()


@functools.cache
def _default_postgres() -> tuple[str | None, str]:
    from sqlalchemy.exc import SQLAlchemyError

    from articulation.storage.db import make_engine

    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=2):
            pass
    except OSError:
        return None, f"no server at 127.0.0.1:5432 (or set ${POSTGRES_ENV})"
    engine = make_engine(DEFAULT_POSTGRES, connect_timeout=3)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        return None, f"{DEFAULT_POSTGRES} is unusable ({reason}; or set ${POSTGRES_ENV})"
    finally:
        engine.dispose()
    return DEFAULT_POSTGRES, ""


def calendar_curricula(target: Path) -> Path:
    """The fixture curricula at ``target`` with academic calendars of their own: UT in two
    semesters (a break inside the first), VU in three trimesters; two UT courses offered in the
    semesters, and Creative Technology's minor semester in VU's trimesters."""
    shutil.copytree(MINI, target)

    def edit(path: Path, old: str, new: str) -> None:
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {path}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    ut, vu = target / "ut" / "courses.yaml", target / "vu" / "courses.yaml"
    edit(
        ut,
        "institution: UT\n",
        "institution: UT\ncalendar:\n  periods:\n"
        "    - {name: S1, start_week: 0, weeks: 18, end_week: 21}\n"
        "    - {name: S2, start_week: 22, weeks: 18}\n",
    )
    edit(ut, "  - code: UT-ADC\n", "  - code: UT-ADC\n    periods: [S2]\n")
    edit(ut, "  - code: UT-MATHPACK\n", "  - code: UT-MATHPACK\n    periods: [S1-S2]\n")
    edit(
        vu,
        "institution: VU\n",
        "institution: VU\ncalendar:\n  periods:\n"
        "    - {name: T1, start_week: 0, weeks: 12}\n"
        "    - {name: T2, start_week: 14, weeks: 12, end_week: 28}\n"
        "    - {name: T3, start_week: 28, weeks: 12}\n",
    )
    create = target / "vu" / "bachelors" / "create.yaml"
    edit(
        create,
        "electives: 30\n",
        "electives: 30\nminor_window: {institution: VU, periods: [T2-T3]}\n",
    )
    return target


def with_search_path(url: str, schema: str) -> str:
    """``url`` with every connection's search_path set to ``schema``."""
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


def prepare_database_with_fixture(engine: Engine) -> None:
    """Migrate the database and import the fixture curricula into it."""
    from articulation.curriculum.loader import load_curricula
    from articulation.storage.catalogue_import import import_catalogue
    from articulation.storage.db import migrate

    migrate(engine)
    import_catalogue(engine, load_curricula(MINI))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite database holding the fixture curricula, copied by each test."""
    from articulation.storage.db import make_engine

    path = tmp_path_factory.mktemp("template") / "articulation.db"
    engine = make_engine(f"sqlite:///{path}")
    prepare_database_with_fixture(engine)
    engine.dispose()  # checkpoints the write-ahead log into the file
    return path


@dataclass
class PostgresDatabase:
    url: str
    engine: Engine
    schema: str
    template: str

    def reset(self) -> None:
        """Put the template's rows back into every table."""
        from articulation.storage.tables import metadata

        tables = [table.name for table in metadata.sorted_tables]
        with self.engine.begin() as connection:
            for table in reversed(tables):  # DELETE is faster than TRUNCATE on small tables
                connection.execute(text(f'DELETE FROM "{self.schema}"."{table}"'))
            for table in tables:
                connection.execute(
                    text(
                        f'INSERT INTO "{self.schema}"."{table}" '
                        f'SELECT * FROM "{self.template}"."{table}"'
                    )
                )
            for table in tables:
                column = metadata.tables[table].c.get("id")
                if column is not None and isinstance(column.type, Integer):
                    connection.execute(
                        text(
                            f'SELECT setval(pg_get_serial_sequence(\'"{self.schema}"."{table}"\','
                            f" 'id'), COALESCE(MAX(id), 0) + 1, false) "
                            f'FROM "{self.schema}"."{table}"'
                        )
                    )


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresDatabase]:
    """A schema of its own on the PostgreSQL test server, for this test session."""
    from sqlalchemy.exc import SQLAlchemyError

    from articulation.storage.db import make_engine
    from articulation.storage.tables import metadata

    base, why = postgres_url()
    if not base:
        skip_group("postgresql", why)
    admin = make_engine(base, connect_timeout=5)
    schema = f"articulation_test_{uuid.uuid4().hex[:10]}"
    template = f"{schema}_template"
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            connection.execute(text(f'CREATE SCHEMA "{template}"'))
    except SQLAlchemyError as exc:
        admin.dispose()
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        skip_group("postgresql", f"{base} is unreachable: {reason}")
    url = with_search_path(base, schema)
    engine = make_engine(url)
    try:
        prepare_database_with_fixture(engine)
        with engine.begin() as connection:
            for table in metadata.sorted_tables:
                connection.execute(
                    text(
                        f'CREATE TABLE "{template}"."{table.name}" AS '
                        f'SELECT * FROM "{schema}"."{table.name}"'
                    )
                )
        yield PostgresDatabase(url=url, engine=engine, schema=schema, template=template)
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{template}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a migrated database holding exactly the fixture curricula (version 1)."""
    if request.param == "sqlite":
        target = tmp_path / "articulation.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), target)
        return f"sqlite:///{target}"
    database: PostgresDatabase = request.getfixturevalue("postgres")
    database.reset()
    return database.url
