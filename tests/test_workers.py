"""Several server processes on one PostgreSQL database, as `serve --workers N` runs them: real
uvicorn processes, each with its own catalogue snapshot and scan runner.

An edit through one is seen by the other on its next request; a scan job started through one
is served by the other; a job whose server process is killed ends ``failed`` (by the other's
sweeper) and stays so after a restart — never ``running``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from benchmarks.load_api import free_port
from tests.conftest import MINI, PostgresDatabase

# servers in processes of their own: a test that waits on one fails instead of hanging
pytestmark = [pytest.mark.postgres, pytest.mark.timeout(300), pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def servers(url: str, count: int = 2, **env: str) -> Iterator[list[tuple[str, subprocess.Popen]]]:
    """``count`` uvicorn processes of the app factory on ``url``; yields (base URL, process)."""
    environment = {
        **os.environ,
        "ARTICULATION_DATABASE_URL": url,
        "ARTICULATION_CURRICULA": str(MINI),
        "ARTICULATION_JOB_HEARTBEAT_INTERVAL": "0.3",
        "ARTICULATION_JOB_STALE_AFTER": "2",
        **env,
    }
    running: list[tuple[str, subprocess.Popen]] = []
    try:
        for _ in range(count):
            port = free_port()
            command = [sys.executable, "-m", "uvicorn", "--factory", "api.main:create_app"]
            command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
            process = subprocess.Popen(command, cwd=ROOT, env=environment)
            running.append((f"http://127.0.0.1:{port}", process))
        for base, process in running:
            healthy(base, process)
        yield running
    finally:
        for _, process in running:
            if process.poll() is None:
                process.terminate()
        for _, process in running:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def healthy(base: str, process: subprocess.Popen | None = None, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return
        if time.monotonic() > deadline:
            raise RuntimeError("the server did not become healthy in time")
        time.sleep(0.2)


def wait_for(check, timeout: float = 60, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(interval)


@pytest.fixture
def database(postgres: PostgresDatabase) -> Iterator[PostgresDatabase]:
    postgres.reset()
    yield postgres
    postgres.reset()


def _token(database: PostgresDatabase, role: str, institution: str) -> dict[str, str]:
    from articulation.storage.clients import add_client

    token = add_client(database.engine, f"{role}-{institution}", role, institution)
    return {"Authorization": f"Bearer {token}"}


def test_an_edit_through_one_worker_is_seen_by_the_other(database: PostgresDatabase) -> None:
    editor = _token(database, "editor", "UT")
    with servers(database.url) as [(a, _), (b, _)]:
        before = httpx.get(f"{b}/v1/courses/UT-LA")  # b builds its snapshot of version 1
        assert before.status_code == 200
        changed = {**before.json(), "title": "Linear Algebra (edited)"}
        put = httpx.put(
            f"{a}/v1/courses/UT-LA",
            json=changed,
            headers={**editor, "If-Match": before.headers["ETag"]},
        )
        assert put.status_code == 200
        after = httpx.get(f"{b}/v1/courses/UT-LA")  # the very next request through b
        assert after.json()["title"] == "Linear Algebra (edited)"
        assert after.headers["ETag"] == put.headers["ETag"] != before.headers["ETag"]
        version = httpx.get(f"{a}/health").json()["catalogue_version"]
        assert httpx.get(f"{b}/health").json()["catalogue_version"] == version == 2


def test_a_scan_job_is_served_by_any_worker(database: PostgresDatabase) -> None:
    scanner = _token(database, "scanner", "*")
    with servers(database.url) as [(a, first), (b, _)]:
        started = httpx.post(f"{a}/v1/scans", json={}, headers=scanner)
        assert started.status_code == 202
        job = started.json()
        assert job["server"].endswith(f":{first.pid}")
        seen = httpx.get(f"{b}/v1/scans/{job['id']}")
        assert seen.status_code == 200 and seen.json()["id"] == job["id"]
        done = wait_for(
            lambda: (r := httpx.get(f"{b}/v1/scans/{job['id']}").json())["status"] == "done" and r
        )
        assert done["progress"] == {"done": 8, "total": 8, "retried": 0}
        from_a = httpx.get(f"{a}/v1/scans/{job['id']}/report.csv")
        from_b = httpx.get(f"{b}/v1/scans/{job['id']}/report.csv")
        assert from_b.status_code == 200 and from_b.content == from_a.content


def test_a_job_whose_worker_is_killed_ends_failed_never_running(
    database: PostgresDatabase,
) -> None:
    from articulation.storage.catalogue_import import import_catalogue
    from benchmarks.synthetic import hard_cover

    import_catalogue(database.engine, hard_cover(), actor="test")  # solves that take seconds
    scanner = _token(database, "scanner", "*")
    with servers(database.url) as [(a, first), (b, _)]:
        started = httpx.post(f"{a}/v1/scans", json={"solve_limit": 5}, headers=scanner)
        assert started.status_code == 202
        job_id = started.json()["id"]
        wait_for(lambda: httpx.get(f"{b}/v1/scans/{job_id}").json()["status"] == "running")
        os.kill(first.pid, signal.SIGKILL)  # the job's server dies mid-scan
        first.wait(10)
        failed = wait_for(
            lambda: (r := httpx.get(f"{b}/v1/scans/{job_id}").json())["status"] != "running" and r,
            timeout=30,
        )
        assert failed["status"] == "failed"
        assert "no heartbeat" in failed["error"]
    with servers(database.url, count=1) as [(c, _)]:  # a restart of the whole service
        assert httpx.get(f"{c}/v1/scans/{job_id}").json()["status"] == "failed"


def test_serve_with_two_workers(database: PostgresDatabase) -> None:
    """`articulation serve --workers 2`: two uvicorn worker processes behind one port."""
    psutil = pytest.importorskip("psutil")
    port = free_port()
    command = [str(Path(sys.executable).parent / "articulation"), "serve", "--port", str(port)]
    command += ["--workers", "2", "--database-url", database.url]
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ})
    try:
        healthy(f"http://127.0.0.1:{port}", process)
        # uvicorn's supervisor, its two workers (and multiprocessing's resource tracker)
        workers = wait_for(
            lambda: len(psutil.Process(process.pid).children(recursive=True)) >= 2, timeout=30
        )
        assert workers
        for _ in range(10):
            assert httpx.get(f"http://127.0.0.1:{port}/v1/courses/UT-LA").status_code == 200
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
