"""A bounded stateful schemathesis run against a real server: `articulation serve --workers 2` on
a fresh PostgreSQL schema, with a fixed example budget (a few minutes at most). Sequences of
calls (a scan started, then read; an entity read, then changed) get no 500, every other 5xx is
a 503 with ``Retry-After``, and no request takes longer than its deadline plus 2 s."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from sqlalchemy import text

from articulation.storage.clients import add_client
from articulation.storage.db import make_engine
from benchmarks.load_api import free_port
from tests.conftest import MINI, postgres_url, skip_group, with_search_path

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
#: The example budget: state machine runs, and calls per run.
RUNS, STEPS = 12, 8
#: The server's largest and default time limits (a request's deadline), seconds.
MAX_TIME_LIMIT, TIME_LIMIT = 4.0, 3.0
SLACK = 2.0


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, dict[str, str]]]:
    """Two worker processes on a fresh schema; their base URL and an editor's headers."""
    import uuid

    import httpx

    base, why = postgres_url()
    if not base:
        skip_group("postgresql", why)
    admin = make_engine(base, connect_timeout=5)
    schema = f"rel_stateful_{uuid.uuid4().hex[:10]}"
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = with_search_path(base, schema)
    port = free_port()
    command = [sys.executable, "-c", "from articulation.cli import app; app()", "serve"]
    command += ["--port", str(port), "--workers", "2", "--database-url", url]
    command += ["--curricula", str(MINI)]
    env = {
        **os.environ,
        "ARTICULATION_MAX_TIME_LIMIT": str(MAX_TIME_LIMIT),
        "ARTICULATION_TIME_LIMIT": str(TIME_LIMIT),
        "ARTICULATION_JOB_TIME_LIMIT": "30",
        "ARTICULATION_DB_STATEMENT_TIMEOUT": "5",
    }
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    address = f"http://127.0.0.1:{port}"
    try:
        end = time.monotonic() + 90
        while True:
            assert process.poll() is None, "the server exited"
            try:
                if httpx.get(f"{address}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < end, "the server did not come up"
            time.sleep(0.3)
        engine = make_engine(url)
        token = add_client(engine, "stateful", "editor", "UT")
        engine.dispose()
        yield address, {"Authorization": f"Bearer {token}"}
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def deadline_of(case: Any) -> float:
    """The deadline a request states (its ``time_limit``, at most the server's largest), else
    the server's default."""
    body = case.body if isinstance(case.body, dict) else {}
    asked = body.get("time_limit")
    if isinstance(asked, int | float) and not isinstance(asked, bool) and asked > 0:
        return min(float(asked), MAX_TIME_LIMIT)
    return TIME_LIMIT


@pytest.mark.timeout(300)
def test_a_stateful_run_against_two_workers_has_no_500_and_no_late_answer(
    server: tuple[str, dict[str, str]],
) -> None:
    address, headers = server
    schema = schemathesis.openapi.from_url(f"{address}/openapi.json")
    problems: list[str] = []
    counts = {"calls": 0}

    class Machine(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": {**headers, **(case.headers or {})}, "timeout": 60}

        def call(self, case: Any, **kwargs: Any) -> Any:
            started = time.monotonic()
            response = case.call(**kwargs)
            elapsed = time.monotonic() - started
            counts["calls"] += 1
            where = f"{case.method} {case.formatted_path}"
            if elapsed > deadline_of(case) + SLACK:
                problems.append(f"{where}: {elapsed:.1f} s")
            status = response.status_code
            if status == 500 or (status > 500 and status != 503):
                problems.append(f"{where}: {status} {response.text[:300]}")
            elif status == 503 and not response.headers.get("retry-after"):
                problems.append(f"{where}: 503 without Retry-After")
            return response

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            pass  # the conformance checks are test_api_schema's; here: status and time

    Machine.TestCase.settings = settings(
        max_examples=RUNS,
        stateful_step_count=STEPS,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    Machine.TestCase().runTest()
    assert counts["calls"] >= RUNS, counts
    assert problems == [], json.dumps(problems, indent=1)
