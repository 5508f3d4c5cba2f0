"""Shared fixtures: databases holding the fixture curricula, on SQLite and on PostgreSQL.

``database_url`` is parametrised over both backends. SQLite gets a copy of a template file per
test. PostgreSQL (``$ARTICULATION_TEST_POSTGRES_URL``, or when that is unset the default address
``postgresql+psycopg://postgres@127.0.0.1:5432/test`` if a server answers there) gets one fresh
schema per test session, dropped afterwards, and is reset from a template schema before each
test. A group of tests that cannot run (no PostgreSQL, no browser) is skipped with one line in
the terminal summary: ``SKIPPED GROUP postgresql: no server at 127.0.0.1:5432``.

The bundled curricula are loaded, scanned and reported once per test session
(:func:`bundled_catalogue`, ``bundled_cells``, ``bundled_report``): a catalogue snapshot is
immutable, so every module that reads the 312 pairs reads the same answers, and what the engine
derives from the snapshot (its memo) serves every later question on it.

Tests that take seconds each carry ``@pytest.mark.slow``: ``pytest -m "not slow"`` is the quick
inner loop, ``make test`` runs everything.
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
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import Engine, Integer, text

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

    from articulation.answers.scan import Cell
    from articulation.curriculum.catalogue import Catalogue
    from articulation.outputs.report import Report

MINI = Path(__file__).parent / "fixtures" / "mini"
POSTGRES_ENV = "ARTICULATION_TEST_POSTGRES_URL"
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SKIPPED_GROUPS: dict[str, str] = {}  # group → why its tests were skipped
GROUPS = ("postgresql", "browser")  # the groups skip_group names
# a server a test starts computes no scan at start (a full scan in the background of every test
# app); the tests of that scan ask for it with Settings(scan_on_start=True)
os.environ.setdefault("ARTICULATION_SCAN_ON_START", "false")


def _command_once() -> None:
    """typer's ``CliRunner.invoke`` builds the click command from the app on every call, about
    30 ms for this app and more than the command itself on a memoised catalogue; the tests
    invoke one app thousands of times, so each app's command is built once."""
    import typer.main
    import typer.testing

    typer.testing._get_command = functools.cache(typer.main.get_command)


_command_once()


def skip_group(group: str, reason: str) -> None:
    """Skip the current test as part of ``group``; the summary names the group once."""
    SKIPPED_GROUPS.setdefault(group, reason)
    pytest.skip(f"{group}: {reason}")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("filterwarnings", "ignore:Using `httpx` with `starlette.testclient`")
    config.addinivalue_line("markers", "postgres: needs the PostgreSQL test server")
    config.addinivalue_line(
        "markers", 'slow: takes seconds or more; `pytest -m "not slow"` leaves it out'
    )


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """A group's skip, heard from a worker process too (under xdist the summary is printed by
    the controller, which runs no test)."""
    if report.skipped and isinstance(report.longrepr, tuple):
        message = str(report.longrepr[2]).removeprefix("Skipped: ")
        group, colon, reason = message.partition(": ")
        if colon and group in GROUPS:
            SKIPPED_GROUPS.setdefault(group, reason)


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


@functools.cache
def bundled_catalogue() -> Catalogue:
    """The bundled curricula, loaded once per test session (modules read it at import to
    parametrise over its pairs). Tests only read it: a snapshot is immutable."""
    from articulation.curriculum.loader import load_curricula
    from articulation.settings import BUNDLED_CURRICULA

    return load_curricula(BUNDLED_CURRICULA)


@pytest.fixture(scope="session", name="bundled_catalogue")
def bundled_catalogue_fixture() -> Catalogue:
    """The bundled curricula (:func:`bundled_catalogue`)."""
    return bundled_catalogue()


@pytest.fixture(scope="session")
def bundled_cells(bundled_catalogue: Catalogue) -> tuple[Cell, ...]:
    """The scan of every bundled pair, computed once per test session, in this process: the
    reports and answers asked of the same snapshot afterwards find its solves remembered."""
    from articulation.answers.scan import scan

    return tuple(scan(bundled_catalogue, workers=1))


@pytest.fixture(scope="session")
def bundled_report(bundled_catalogue: Catalogue, bundled_cells: tuple[Cell, ...]) -> Report:
    """The bundled report as ``make scan`` makes it (alternatives, minor designs and the flagship
    question of the bundled list), once per test session."""
    from articulation.answers.flagship import DEFAULT_LIST
    from articulation.outputs import report
    from articulation.settings import BUNDLED_CURRICULA

    asked = report.flagship_questions(bundled_catalogue, BUNDLED_CURRICULA / DEFAULT_LIST)
    made = report.make_report(bundled_catalogue, flagship_questions=asked)
    assert made.cells == bundled_cells  # the same scan, answered again from the memo
    return made


@pytest.fixture(scope="session")
def bundled_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The API and pages on a SQLite database seeded with the bundled curricula, as a server
    starts on an empty database; for tests that only read (one snapshot: its memo is shared)."""
    from fastapi.testclient import TestClient

    from api.main import create_app
    from articulation.settings import Settings

    db = tmp_path_factory.mktemp("bundled-api") / "articulation.db"
    with TestClient(create_app(Settings(database_url=f"sqlite:///{db}"))) as client:
        yield client


@pytest.fixture(scope="module")
def cli_reads_bundled_once() -> Iterator[None]:
    """The commands of this module read the bundled curricula as the catalogue loaded once
    (:func:`bundled_catalogue`) instead of parsing every YAML file on each run; any other
    ``--curricula`` is loaded as before."""
    import importlib

    from articulation.cli import common
    from articulation.settings import BUNDLED_CURRICULA

    original = common.load
    bundled = Path(BUNDLED_CURRICULA).resolve()

    def load(curricula: Path | None = None) -> Catalogue:
        if Path(curricula or common.DEFAULTS.curricula_dir).resolve() == bundled:
            return bundled_catalogue()
        return original(curricula)

    with pytest.MonkeyPatch.context() as patch:
        for name in ("column", "commands", "db", "flagship", "interop", "plan"):
            patch.setattr(importlib.import_module(f"articulation.cli.{name}"), "load", load)
        yield
