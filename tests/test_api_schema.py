"""Schemathesis against the live OpenAPI schema (in-process ASGI, SQLite): generated valid and
invalid requests to every operation, authenticated as an editor, get no server error and no
response that violates the schema.

The one 5xx the API documents — 503 when a solve reaches its time limit (generated time limits
can be tiny) — is accepted when its body says so.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.main import create_app
from articulation.settings import Settings
from articulation.storage.db import make_engine
from articulation.storage.repository import add_client
from tests.conftest import prepare_database_with_fixture

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
# this pytest), so the app and its database are made then too.
WORKDIR = Path(tempfile.mkdtemp(prefix="articulation-schemathesis-"))
atexit.register(shutil.rmtree, WORKDIR, True)
DATABASE = f"sqlite:///{WORKDIR / 'articulation.db'}"
_engine = make_engine(DATABASE)
prepare_database_with_fixture(_engine)
_engine.dispose()
app = create_app(Settings(database_url=DATABASE, migrate_on_start=False, seed_on_start=False))
# the coverage phase (hundreds of boundary cases per operation) would take most of a minute
CONFIG = schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": False}}})
schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=CONFIG)


@pytest.fixture(scope="module")
def editor() -> Iterator[dict[str, str]]:
    """An editor's bearer token; afterwards the app's scan jobs are stopped."""
    token = add_client(app.state.engine, "schemathesis", "editor", "UT")
    yield {"Authorization": f"Bearer {token}"}
    app.state.runner.shutdown()
    app.state.engine.dispose()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_schema(case, editor: dict[str, str]) -> None:
    case.call_and_validate(
        headers=editor,
        checks=[
            no_server_error,
            response_schema_conformance,
            status_code_conformance,
            content_type_conformance,
        ],
    )
