"""Nothing runs without bound, no stored input breaks reads, every database failure is a 503,
and one process at a time does what must not run twice — on SQLite and PostgreSQL.

Every test that would hang on a regression has a timeout of its own."""

from __future__ import annotations

import contextlib
import os
import select as select_module
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlmodel import Session, select

from api.main import create_app
from articulation.settings import Settings
from articulation.storage.clients import add_client
from articulation.storage.db import downgrade, make_engine, migrate
from articulation.storage.jobs import create_job, finish_job
from articulation.storage.tables import AuditEntry, ScanFile, ScanJob, now
from benchmarks.load_api import free_port
from tests.conftest import MINI, postgres_url, skip_group, with_search_path

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-c", "from articulation.cli import app; app()"]


def make_app(database_url: str, **overrides: Any) -> FastAPI:
    settings = Settings(
        database_url=database_url, migrate_on_start=False, seed_on_start=False, **overrides
    )
    return create_app(settings)


def token(app: FastAPI, name: str, role: str = "scanner", institution: str = "*") -> dict:
    return {"Authorization": f"Bearer {add_client(app.state.engine, name, role, institution)}"}


def unavailable(response: httpx.Response) -> None:
    """A database failure as the API answers it: 503, Retry-After, the common error shape."""
    assert response.status_code == 503, response.text
    assert int(response.headers["Retry-After"]) > 0
    assert response.json()["detail"][0]["loc"] == ["database"]


# --- stored rows that violate today's bounds ----------------------------------------------------

MASTER = "UT-M-CS"


def store_deep_requirement(engine: Engine, depth: int, audit_depth: int) -> dict[str, Any]:
    """Wrap the first outcome the master requires in ``depth`` one-member ``any_of`` levels,
    written straight into the tables as a database filled before the bound would hold it, and
    add an audit entry whose document nests ``audit_depth`` levels. The item as it was."""
    with engine.begin() as connection:
        rid, position, outcome, level = connection.execute(
            text(
                "SELECT id, position, outcome, level FROM requirement WHERE programme_code = :m "
                "AND role = 'requires' AND parent_id IS NULL AND kind = 'outcome' "
                "ORDER BY position LIMIT 1"
            ),
            {"m": MASTER},
        ).one()
        parent = None
        for _ in range(depth):
            parent = connection.execute(
                text(
                    "INSERT INTO requirement (programme_code, role, parent_id, position, kind) "
                    "VALUES (:m, 'requires', :p, :pos, 'any_of') RETURNING id"
                ),
                {"m": MASTER, "p": parent, "pos": position if parent is None else 0},
            ).scalar_one()
        connection.execute(
            text("UPDATE requirement SET parent_id = :p, position = 0 WHERE id = :i"),
            {"p": parent, "i": rid},
        )
        document: dict[str, Any] = {"outcome": outcome, "level": level}
        for _ in range(audit_depth):
            document = {"any_of": [document]}
        connection.execute(
            AuditEntry.__table__.insert().values(
                at=now(),
                actor="before the bound",
                action="update",
                entity="programme",
                code=MASTER,
                catalogue_version=1,
                before=None,
                after={"code": MASTER, "requires": [document]},
            )
        )
    return {"outcome": outcome, "level": level}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("depth", [40, 1200])
def test_a_stored_requirement_deeper_than_the_bound_is_shown_with_a_warning(
    database_url: str, depth: int, tmp_path: Path
) -> None:
    app = make_app(database_url)
    original = store_deep_requirement(app.state.engine, depth, audit_depth=300)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get(f"/v1/programmes/{MASTER}")
        assert response.status_code == 200, response.text
        assert f"{depth} levels of any_of" in response.headers["Warning"]
        assert response.json()["requires"][0] == {**original, "level": "apply"}  # collapsed
        assert "Warning" not in client.get("/v1/programmes/UT-M-AP").headers
        assert client.get("/v1/courses").status_code == 200  # the rest reads as before
        paths = client.get("/v1/paths", params={"bachelor": "VU-B-CS", "master": MASTER})
        assert paths.status_code == 200, paths.text
        audit = client.get("/v1/audit", headers=token(app, "auditor"))
        assert audit.status_code == 200, audit.text
        entry = audit.json()["items"][0]
        assert entry["actor"] == "before the bound"
        assert entry["after"]["requires"][0] == original
        assert any("300 levels of any_of" in w for w in entry["warnings"])
    target = tmp_path / "export"
    done = subprocess.run(
        [*CLI, "db", "export", str(target), "--database-url", database_url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert f"warning: programme {MASTER}" in done.stderr and "Traceback" not in done.stderr
    from articulation.curriculum.loader import load_curricula
    from articulation.storage.bounds import nesting

    exported = load_curricula(target).programmes[MASTER]
    assert nesting(exported.model_dump(mode="json")["requires"][0]) == 0


@pytest.mark.timeout(120)
def test_the_migration_repairs_deep_requirements_without_changing_their_meaning(
    database_url: str, capfd: pytest.CaptureFixture[str]
) -> None:
    engine = make_engine(database_url)
    try:
        original = store_deep_requirement(engine, 1200, audit_depth=300)
        with engine.begin() as connection:  # a wider one too: nested any_of are merged
            master_rows = connection.execute(
                text("SELECT COUNT(*) FROM requirement WHERE programme_code = :m"), {"m": MASTER}
            ).scalar_one()
        downgrade(engine, "0007")
        migrate(engine)
        err = capfd.readouterr().err
        assert f"programme {MASTER}: requires" in err and "repaired" in err
        assert "audit entry" in err
        with engine.begin() as connection:
            after = connection.execute(
                text("SELECT COUNT(*) FROM requirement WHERE programme_code = :m"), {"m": MASTER}
            ).scalar_one()
        assert after == master_rows - 1200  # the one-member any_of are gone
        app = make_app(database_url)
        with TestClient(app) as client:
            response = client.get(f"/v1/programmes/{MASTER}")
            assert response.status_code == 200 and "Warning" not in response.headers
            assert response.json()["requires"][0] == {**original, "level": "apply"}
    finally:
        engine.dispose()


def test_repairs_merge_nested_any_of_and_keep_every_alternative() -> None:
    from articulation.storage.bounds import nesting, repair_requirement

    item: dict[str, Any] = {"outcome": "o0", "level": 1}
    for k in range(1, 40):  # two members per level: collapsing is not enough
        item = {"any_of": [item, {"outcome": f"o{k}", "level": 1}]}
    fixed, what = repair_requirement(item)
    assert what and "merged" in what and nesting(fixed) == 1
    assert sorted(m["outcome"] for m in fixed["any_of"]) == sorted(f"o{k}" for k in range(40))
    assert repair_requirement({"any_of": [{"outcome": "x"}]}) == (
        {"any_of": [{"outcome": "x"}]},
        None,
    )


@pytest.mark.timeout(60)
def test_a_failed_export_leaves_no_half_written_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import articulation.storage.export as export
    from articulation.curriculum.loader import load_curricula

    catalogue = load_curricula(MINI)
    written: list[Path] = []
    real = export._dump

    def failing(path: Path, data: Any) -> None:
        if len(written) == 3:
            raise OSError("disk full")
        written.append(path)
        real(path, data)

    monkeypatch.setattr(export, "_dump", failing)
    target = tmp_path / "out"
    with pytest.raises(OSError, match="disk full"):
        export.export_curricula(catalogue, target)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []  # nor the staging directory
    monkeypatch.setattr(export, "_dump", real)
    files = export.export_curricula(catalogue, target)
    assert all(f.is_file() and target in f.parents for f in files)
    assert load_curricula(target).programmes.keys() == catalogue.programmes.keys()


# --- database failures are 503 with Retry-After -------------------------------------------------


@pytest.mark.timeout(90)
@pytest.mark.slow
def test_an_exhausted_pool_is_503_with_retry_after(database_url: str) -> None:
    app = make_app(database_url, db_connect_timeout=2)
    with TestClient(app) as client:
        editor = token(app, "ut-editor", "editor", "UT")
        current = client.get("/v1/courses/UT-LA")
        pool = app.state.engine.pool
        held = []
        try:
            for _ in range(pool.size() + max(0, pool._max_overflow)):
                held.append(app.state.engine.connect())
            for method, path, kwargs in (
                ("GET", "/v1/audit", {"headers": editor}),
                ("GET", "/health", {}),
                (
                    "PUT",
                    "/v1/courses/UT-LA",
                    {
                        "json": {**current.json(), "title": "Linear Algebra (held)"},
                        "headers": {**editor, "If-Match": current.headers["ETag"]},
                    },
                ),
            ):
                started = time.monotonic()
                response = client.request(method, path, **kwargs)
                assert time.monotonic() - started < 2 + 3
                unavailable(response)
        finally:
            for connection in held:
                connection.close()
        assert client.get("/health").status_code == 200


class FreezingProxy:
    """A TCP proxy to a database server that can freeze: it then holds every connection open
    and forwards nothing (a database that hangs, to the client)."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(32)
        self.port = self.server.getsockname()[1]
        self.frozen = threading.Event()
        self.stopped = threading.Event()
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        self.server.settimeout(0.2)
        while not self.stopped.is_set():
            try:
                client, _ = self.server.accept()
            except OSError:
                continue
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()

    def _pipe(self, a: socket.socket, b: socket.socket) -> None:
        while not self.stopped.is_set():
            readable, _, _ = select_module.select([a, b], [], [], 0.2)
            if self.frozen.is_set():
                continue
            for source in readable:
                try:
                    data = source.recv(65536)
                except OSError:
                    return
                if not data:
                    return
                (b if source is a else a).sendall(data)

    def close(self) -> None:
        self.stopped.set()
        for sock in [*self.sockets, self.server]:
            with contextlib.suppress(OSError):
                sock.close()


@pytest.mark.postgres
@pytest.mark.timeout(60)
@pytest.mark.slow
def test_a_database_that_hangs_on_a_pooled_connection_is_503_within_the_timeout(
    postgres: Any,
) -> None:
    postgres.reset()
    url = postgres.engine.url
    proxy = FreezingProxy(url.host or "127.0.0.1", url.port or 5432)
    proxied = postgres.url.replace(f"{url.host}:{url.port}", f"127.0.0.1:{proxy.port}")
    assert proxied != postgres.url
    try:
        app = make_app(proxied, db_statement_timeout=1.0, db_connect_timeout=2)
        with TestClient(app) as client:
            audit = token(app, "auditor")
            assert client.get("/v1/audit", headers=audit).status_code == 200  # pooled now
            proxy.frozen.set()
            for path in ("/v1/audit", "/health"):
                started = time.monotonic()
                response = client.get(path, headers=audit)
                elapsed = time.monotonic() - started
                unavailable(response)
                assert elapsed < 1.0 + 3, elapsed
            proxy.frozen.clear()
    finally:
        proxy.close()


def test_postgres_connections_carry_every_client_side_bound() -> None:
    from articulation.storage.db import _postgres_bounds

    bounds = _postgres_bounds("postgresql+psycopg://u@h/d?options=-csearch_path%3Dx", 2500)
    assert bounds["options"] == "-csearch_path=x -c statement_timeout=2500"
    assert bounds["keepalives"] == 1 and bounds["tcp_user_timeout"] == 2500
    engine = make_engine("postgresql+psycopg://u@h/d", connect_timeout=3, statement_timeout=2.5)
    assert engine.pool.timeout() == 3


# --- one process at a time ----------------------------------------------------------------------


def fresh_postgres() -> Iterator[str]:
    base, why = postgres_url()
    if not base:
        skip_group("postgresql", why)
    admin = make_engine(base, connect_timeout=5)
    schema = f"rel_fresh_{uuid.uuid4().hex[:10]}"
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield with_search_path(base, schema)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database that holds nothing yet: no tables, no catalogue."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    yield from fresh_postgres()


@contextlib.contextmanager
def processes(commands: list[list[str]], env: dict[str, str]) -> Iterator[list[subprocess.Popen]]:
    started = [
        subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for command in commands
    ]
    try:
        yield started
    finally:
        for process in started:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in started:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def healthy(base: str, process: subprocess.Popen, timeout: float = 90) -> dict[str, Any]:
    end = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise AssertionError(
                f"the server exited ({process.returncode}): {process.stderr.read()}"
            )
        with contextlib.suppress(httpx.HTTPError):
            response = httpx.get(f"{base}/health", timeout=2)
            if response.status_code == 200:
                return response.json()
        if time.monotonic() > end:
            raise AssertionError("the server did not become healthy in time")
        time.sleep(0.2)


@pytest.mark.timeout(180)
@pytest.mark.slow
def test_two_servers_started_together_on_a_fresh_database_both_come_up(fresh_url: str) -> None:
    ports = [free_port(), free_port()]
    commands = [
        [*CLI, "serve", "--port", str(port), "--database-url", fresh_url, "--curricula", str(MINI)]
        for port in ports
    ]
    with processes(commands, {}) as started:
        states = [healthy(f"http://127.0.0.1:{p}", s) for p, s in zip(ports, started, strict=True)]
        assert [s["catalogue_version"] for s in states] == [1, 1]  # seeded once
        for port in ports:
            assert httpx.get(f"http://127.0.0.1:{port}/v1/courses/UT-LA").status_code == 200


@pytest.mark.postgres
@pytest.mark.timeout(180)
@pytest.mark.slow
def test_uvicorn_with_two_workers_comes_up_on_a_fresh_database() -> None:
    for url in fresh_postgres():
        port = free_port()
        command = [sys.executable, "-m", "uvicorn", "--factory", "api.main:create_app"]
        command += ["--port", str(port), "--workers", "2", "--log-level", "warning"]
        env = {"ARTICULATION_DATABASE_URL": url, "ARTICULATION_CURRICULA": str(MINI)}
        with processes([command], env) as [process]:
            assert healthy(f"http://127.0.0.1:{port}", process)["catalogue_version"] == 1
            time.sleep(2)  # the second worker has come up (or died) by now
            assert process.poll() is None
            for _ in range(10):
                assert httpx.get(f"http://127.0.0.1:{port}/v1/courses/UT-LA").status_code == 200


@pytest.mark.timeout(120)
@pytest.mark.slow
def test_the_scan_quota_holds_across_processes(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two server processes (separate engines) take concurrent POSTs of one scanner: exactly
    the quota is accepted, whichever process takes each."""
    import api.jobs
    import articulation.storage.jobs as storage_jobs

    opened = threading.Event()
    real_report = api.jobs.make_report
    monkeypatch.setattr(
        api.jobs, "make_report", lambda *a, **k: opened.wait(60) and real_report(*a, **k)
    )
    real_count = storage_jobs.unfinished_jobs

    def slow_count(*args: Any, **kwargs: Any) -> int:
        found = real_count(*args, **kwargs)
        time.sleep(0.3)  # between the check and the insert: where a race would be
        return found

    monkeypatch.setattr(storage_jobs, "unfinished_jobs", slow_count)
    import api.routes.scans as scans_route

    monkeypatch.setattr(scans_route, "unfinished_jobs", slow_count, raising=False)
    apps = [make_app(database_url, scan_queue_per_client=2) for _ in range(2)]
    scanner = token(apps[0], "board")
    answers: list[int] = []
    with TestClient(apps[0]) as first, TestClient(apps[1]) as second:
        clients = [first, second]

        def post(k: int) -> None:
            body = {"masters": ["UT-M-CS"], "solve_limit": 1 + k}  # 12 different scans
            answers.append(clients[k % 2].post("/v1/scans", json=body, headers=scanner).status_code)

        threads = [threading.Thread(target=post, args=(k,)) for k in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(90)
        opened.set()
        with Session(apps[0].state.engine) as session:
            stored = len(session.exec(select(ScanJob)).all())
    assert sorted(answers) == [202, 202] + [429] * 10
    assert stored == 2


# --- finished jobs expire -----------------------------------------------------------------------


@pytest.mark.timeout(60)
def test_finished_jobs_expire_except_the_latest_scan_of_the_current_version(
    database_url: str,
) -> None:
    app = make_app(database_url, scan_job_retention_seconds=0.5)
    engine = app.state.engine
    cells = [{"bachelor": "VU-B-CS", "master": "UT-M-CS"}]

    def finished(job_id: str, version: int, status: str = "done") -> None:
        create_job(engine, job_id, {}, 1, version)
        if status == "done":
            assert finish_job(engine, job_id, {"report.md": ("text/markdown", "x")},
                              status="done", cells=cells, finished_at=now())  # fmt: skip
        else:
            with engine.begin() as connection:
                connection.execute(
                    text("UPDATE scan_job SET status = 'failed', finished_at = :t WHERE id = :i"),
                    {"t": now(), "i": job_id},
                )

    finished("old-version", 0)
    finished("earlier", 1)
    finished("failed", 1, "failed")
    finished("latest", 1)
    create_job(engine, "queued", {}, 1, 1)  # unfinished: never deleted
    time.sleep(0.6)
    app.state.runner.sweep()
    with Session(engine) as session:
        left = sorted(job.id for job in session.exec(select(ScanJob)))
        files = sorted({f.job_id for f in session.exec(select(ScanFile))})
    assert left == ["latest", "queued"]
    assert set(files) <= {"latest"}
    with TestClient(app) as client:
        assert client.get("/v1/scans/earlier").status_code == 404
        assert client.get("/v1/scans/latest").status_code == 200


# --- every piece of work has a bound ------------------------------------------------------------


def job_status(client: TestClient, job_id: str, timeout: float = 30) -> dict[str, Any]:
    """The job once it has finished (done or failed)."""
    end = time.monotonic() + timeout
    while True:
        body = client.get(f"/v1/scans/{job_id}").json()
        if body["status"] not in ("queued", "running") or time.monotonic() > end:
            return body
        time.sleep(0.1)


@pytest.mark.timeout(90)
@pytest.mark.parametrize("cooperative", [True, False])
def test_a_scan_job_past_its_time_limit_fails_and_the_next_job_runs(
    database_url: str, monkeypatch: pytest.MonkeyPatch, cooperative: bool
) -> None:
    """A report that never ends — one that looks at its deadline, and one that does not — is
    failed at the job time limit with the reason, and the scan thread takes the next job."""
    import api.jobs
    import articulation.support.deadline as deadlines

    check = getattr(deadlines, "check", lambda: None)  # a report that looks at its deadline

    real = api.jobs.make_report
    stop = threading.Event()

    def endless(*args: Any, **kwargs: Any) -> Any:
        if kwargs.get("flagship_questions") is not None and args[2] == ["UT-M-AP"]:
            return real(*args, **kwargs)
        while not stop.is_set():  # a report that never ends
            if cooperative:
                check()
            time.sleep(0.01)
        raise RuntimeError("stopped by the test")

    monkeypatch.setattr(api.jobs, "make_report", endless)
    app = make_app(database_url, job_time_limit=1.0, shutdown_grace=1.0)
    try:
        with TestClient(app) as client:
            board = token(app, "board")
            started = time.monotonic()
            hung = client.post("/v1/scans", json={"masters": ["UT-M-CS"]}, headers=board)
            while client.get(f"/v1/scans/{hung.json()['id']}").json()["status"] == "queued":
                time.sleep(0.05)
            time.sleep(0.2)
            app.state.runner.time_limit = 120.0  # the next job's: a real scan takes its time
            after = client.post("/v1/scans", json={"masters": ["UT-M-AP"]}, headers=board)
            failed = job_status(client, hung.json()["id"])
            assert failed["status"] == "failed", failed
            assert "job time limit of 1 s" in failed["error"]
            assert time.monotonic() - started < 1 + 1 + 3
            done = job_status(client, after.json()["id"], timeout=60)
            assert done["status"] == "done", done["error"]
    finally:
        stop.set()


@pytest.mark.timeout(120)
@pytest.mark.slow
def test_sigterm_stops_the_server_in_bounded_time_and_fails_its_running_job(
    database_url: str,
) -> None:
    from articulation.storage.catalogue_import import import_catalogue
    from benchmarks.synthetic import hard_cover

    engine = make_engine(database_url)
    import_catalogue(engine, hard_cover(), actor="test")  # solves that take seconds
    scanner = {"Authorization": f"Bearer {add_client(engine, 'board', 'scanner', '*')}"}
    port = free_port()
    command = [*CLI, "serve", "--port", str(port), "--database-url", database_url]
    env = {"ARTICULATION_SHUTDOWN_GRACE": "2", "ARTICULATION_SEED_ON_START": "false"}
    base = f"http://127.0.0.1:{port}"
    try:
        with processes([command], env) as [process]:
            healthy(base, process)
            job = httpx.post(f"{base}/v1/scans", json={"solve_limit": 30}, headers=scanner)
            assert job.status_code == 202, job.text
            job_id = job.json()["id"]
            end = time.monotonic() + 30
            while httpx.get(f"{base}/v1/scans/{job_id}").json()["status"] != "running":
                assert time.monotonic() < end
                time.sleep(0.1)
            stopping = time.monotonic()
            process.send_signal(signal.SIGTERM)
            process.wait(20)
            assert time.monotonic() - stopping < 2 + 2 + 6
        with Session(engine) as session:
            stored = session.get(ScanJob, job_id)
            assert stored is not None
            assert stored.status == "failed" and stored.error == "server stopped"
    finally:
        engine.dispose()


@pytest.mark.timeout(60)
def test_transcript_reading_and_what_if_end_within_the_request_deadline(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import articulation.answers.scan as scan_module
    import articulation.interop.transcript as transcript

    real_suggestions = transcript.suggestions
    suggested: list[str] = []

    def slow_suggestions(*args: Any, **kwargs: Any) -> list[str]:
        suggested.append(args[1])
        time.sleep(0.05)  # a large catalogue: each unrecognised line costs time
        return real_suggestions(*args, **kwargs)

    monkeypatch.setattr(transcript, "suggestions", slow_suggestions)
    real_assess = scan_module.assess

    def slow_assess(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.5)
        return real_assess(*args, **kwargs)

    monkeypatch.setattr(scan_module, "assess", slow_assess)
    app = make_app(database_url)
    with TestClient(app) as client:
        warm = client.post("/v1/eligibility", json={"courses": ["VU-HCI"], "masters": ["UT-M-AP"]})
        assert warm.status_code == 200  # the solver's first start is not what is timed
        suggested.clear()
        lines = [f"Imaginary subject q{k}x" for k in range(1000)]
        started = time.monotonic()
        response = client.post(
            "/v1/eligibility",
            json={"courses": ["VU-PROG", *lines], "masters": ["UT-M-CS"], "time_limit": 1},
        )
        assert time.monotonic() - started < 1 + 4  # the deadline, and slack for a busy machine
        assert response.status_code == 200, response.text
        body = response.json()
        assert len(body["unrecognised"]) == 1000  # every line is listed
        assert 0 < len(suggested) <= 1 / 0.05 + 5  # suggestions while the deadline lasted
        assert body["results"][0]["status"] == "unknown"  # no time left to solve
        assert app.state.executor.running == 0  # the engine thread is free again
        edit = {"action": "delete", "entity": "course", "code": "UT-LA"}
        started = time.monotonic()
        response = client.post("/v1/whatif", json={"edits": [edit], "time_limit": 1})
        assert time.monotonic() - started < 1 + 2
        assert response.status_code == 503, response.text


@pytest.mark.timeout(120)
def test_migrating_and_seeding_run_one_process_at_a_time(
    fresh_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two servers preparing one fresh database at once (separate engines): the second waits
    for the first, then finds the database migrated and seeded."""
    import api.main

    inside, most, seeded = [0], [0], []
    lock = threading.Lock()
    real_migrate, real_seed = api.main.migrate, api.main.seed

    def watched(work: Any) -> Any:
        def run(*args: Any, **kwargs: Any) -> Any:
            with lock:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            try:
                time.sleep(0.5)  # long enough for the other to come in, were it let in
                return work(*args, **kwargs)
            finally:
                with lock:
                    inside[0] -= 1

        return run

    monkeypatch.setattr(api.main, "migrate", watched(real_migrate))
    monkeypatch.setattr(
        api.main, "seed", watched(lambda *a, **k: seeded.append(real_seed(*a, **k)))
    )
    settings = Settings(database_url=fresh_url, curricula=MINI)
    errors: list[BaseException] = []

    def prepare() -> None:
        try:
            api.main.prepare_database(settings)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=prepare) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(100)
    assert errors == []
    assert most[0] == 1  # never two at once
    assert sorted(seeded) == [False, True]  # seeded once; the other found it seeded
