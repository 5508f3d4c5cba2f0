"""Schemathesis against the live OpenAPI schema (in-process ASGI, on SQLite and PostgreSQL):
generated valid and invalid requests to every operation, authenticated as an editor, get no
server error and pass every default check (schema, status codes, content types, headers,
``Allow`` on 405, negative data rejected, positive data accepted, auth).

The one 5xx the API documents — 503 when a solve reaches its time limit (generated time limits
can be tiny) — is accepted when its body says so.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation

from api.main import create_app
from articulation.settings import Settings
from articulation.storage.clients import add_client
from articulation.storage.db import make_engine
from tests.conftest import (
    postgres_url,
    prepare_database_with_fixture,
    skip_group,
    with_search_path,
)

EXAMPLES = 15


@schemathesis.check
def no_server_error(ctx, response, case) -> None:
    """No 5xx, except a 503 that reports a solve's time limit."""
    if response.status_code < 500:
        return
    if response.status_code == 503:
        detail = response.json().get("detail") or [{}]
        if detail[0].get("type") == "time_limit":
            return
    raise AssertionError(f"server error {response.status_code}: {response.text[:500]}")


# The schema is loaded when the module is imported (schemathesis' lazy loading does not work with
# this pytest), so the apps and their databases are made then too: a SQLite file, and a schema
# of its own on the PostgreSQL test server when there is one.
WORKDIR = Path(tempfile.mkdtemp(prefix="articulation-schemathesis-"))
atexit.register(shutil.rmtree, WORKDIR, True)
# Schema-valid requests can still be refused for what a schema cannot say: unknown codes (404,
# 422), the catalogue's cross-checks (422), missing or stale ETags (428, 412), full scan queues
# (429). Everything else must be accepted.
CONFIG = schemathesis.Config.from_dict(
    {
        # the coverage phase (hundreds of boundary cases per operation) takes most of a minute
        "phases": {"coverage": {"enabled": False}},
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "401", "403", "404", "409", "412", "422", "428", "429"]
            }
        },
    }
)


def served(url: str) -> FastAPI:
    """An app on a fresh database at ``url`` holding the fixture curricula."""
    engine = make_engine(url)
    prepare_database_with_fixture(engine)
    engine.dispose()
    return create_app(Settings(database_url=url, migrate_on_start=False, seed_on_start=False))


def postgres_app() -> tuple[FastAPI | None, str]:
    """An app on a schema of its own on the PostgreSQL test server (dropped at exit)."""
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    base, why = postgres_url()
    if base is None:
        return None, why
    admin = make_engine(base, connect_timeout=5)
    name = f"articulation_fuzz_{uuid.uuid4().hex[:10]}"
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{name}"'))
    except SQLAlchemyError as exc:
        admin.dispose()
        return None, f"{base} is unreachable: {str(getattr(exc, 'orig', exc)).splitlines()[0]}"

    def drop() -> None:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        admin.dispose()

    atexit.register(drop)
    return served(with_search_path(base, name)), ""


sqlite_app = served(f"sqlite:///{WORKDIR / 'articulation.db'}")
sqlite_schema = schemathesis.openapi.from_asgi("/openapi.json", sqlite_app, config=CONFIG)
pg_app, NO_POSTGRES = postgres_app()
pg_schema = schemathesis.openapi.from_asgi("/openapi.json", pg_app or sqlite_app, config=CONFIG)


def editor_of(app: FastAPI) -> Iterator[dict[str, str]]:
    """An editor's bearer token; afterwards the app's scan jobs are stopped."""
    token = add_client(app.state.engine, "schemathesis", "editor", "UT")
    yield {"Authorization": f"Bearer {token}"}
    app.state.runner.shutdown()
    app.state.engine.dispose()


@pytest.fixture(scope="module")
def sqlite_editor() -> Iterator[dict[str, str]]:
    yield from editor_of(sqlite_app)


@pytest.fixture(scope="module")
def pg_editor() -> Iterator[dict[str, str]]:
    if pg_app is None:
        skip_group("postgresql", NO_POSTGRES)
    yield from editor_of(pg_app)


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


def check(case, headers: dict[str, str]) -> None:
    header = case.meta.components.get(ParameterLocation.HEADER) if case.meta else None
    without_token = "Authorization" not in (case.headers or {})
    if header is not None and header.mode.is_negative and without_token:
        headers = {}  # a case that leaves the token out on purpose is sent without one
    case.call_and_validate(
        headers=headers,
        additional_checks=[no_server_error],
        excluded_checks=[not_a_server_error],
    )


@sqlite_schema.parametrize()
@FUZZ
def test_api_conforms_to_its_schema(case, sqlite_editor: dict[str, str]) -> None:
    check(case, sqlite_editor)


@pg_schema.parametrize()
@FUZZ
def test_api_conforms_to_its_schema_on_postgresql(case, pg_editor: dict[str, str]) -> None:
    check(case, pg_editor)
