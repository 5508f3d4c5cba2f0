"""The API as a hostile client probes it, on SQLite and PostgreSQL: scans are an authenticated,
bounded resource; input is bounded where it enters; odd input is a 4xx, never a 500; jobs always
end; a database that does not answer gives 503 within the configured timeout."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, func, text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from api.main import create_app
from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.loader import CurriculaError, load_curricula
from articulation.curriculum.model import Minor
from articulation.settings import Settings
from articulation.storage.audit import audit_log
from articulation.storage.clients import add_client
from articulation.storage.export import export_curricula
from articulation.storage.jobs import create_job
from articulation.storage.rows import read_version
from articulation.storage.tables import ScanFile, ScanJob, now
from tests.conftest import MINI


def make_app(database_url: str, **overrides: Any) -> FastAPI:
    settings = Settings(
        database_url=database_url, migrate_on_start=False, seed_on_start=False, **overrides
    )
    return create_app(settings)


@pytest.fixture
def app(database_url: str) -> FastAPI:
    return make_app(database_url)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


def token(app: FastAPI, name: str, role: str = "scanner", institution: str = "*") -> dict:
    return {"Authorization": f"Bearer {add_client(app.state.engine, name, role, institution)}"}


@pytest.fixture
def editor(app: FastAPI) -> dict[str, str]:
    return token(app, "ut-editor", "editor", "UT")


def error(response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    items = response.json()["detail"]
    assert items and all(set(i) == {"loc", "msg", "type"} and i["msg"] for i in items)
    return items[0]


def jobs(app: FastAPI) -> list[ScanJob]:
    with Session(app.state.engine) as session:
        return list(session.exec(select(ScanJob)))


class Gate:
    """Holds every scan until opened (jobs stay queued or running meanwhile)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        import api.jobs

        self.opened = threading.Event()
        real = api.jobs.make_report

        def held(*args: Any, **kwargs: Any) -> Any:
            assert self.opened.wait(60)
            return real(*args, **kwargs)

        monkeypatch.setattr(api.jobs, "make_report", held)

    def open(self) -> None:
        self.opened.set()


# --- scans are an authenticated, bounded resource ----------------------------------------------


def test_anonymous_scan_posts_create_no_job(client: TestClient, app: FastAPI) -> None:
    for _ in range(100):
        item = error(client.post("/v1/scans", json={}), 401)
        assert item["loc"] == ["header", "Authorization"]
    assert jobs(app) == []
    assert client.get("/v1/courses").status_code == 200  # reads stay open


def test_scans_are_limited_per_client_and_in_all_and_identical_ones_are_reused(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(database_url, scan_queue_per_client=1, scan_queue_total=2)
    gate = Gate(monkeypatch)
    with TestClient(app) as client:
        board, other, third = (token(app, n) for n in ("board", "other", "third"))
        first = client.post("/v1/scans", json={"masters": ["UT-M-CS"]}, headers=board)
        assert first.status_code == 202, first.text
        again = client.post("/v1/scans", json={"masters": ["UT-M-CS"]}, headers=other)
        assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
        full = client.post("/v1/scans", json={"masters": ["UT-M-AP"]}, headers=board)
        item = error(full, 429)
        assert "this client's queue is full" in item["msg"]
        assert int(full.headers["Retry-After"]) > 0
        second = client.post("/v1/scans", json={"masters": ["UT-M-AP"]}, headers=other)
        assert second.status_code == 202
        item = error(client.post("/v1/scans", json={}, headers=third), 429)
        assert "all clients' queue is full" in item["msg"]
        assert len(jobs(app)) == 2
        vu = token(app, "vu-editor", "editor", "VU")  # editors may scan too
        assert error(client.post("/v1/scans", json={}, headers=vu), 429)["type"] == "too_many_jobs"
        gate.open()
        for job in (first.json(), second.json()):
            app.state.runner.wait(job["id"], timeout=60)
        done = client.post("/v1/scans", json={"masters": ["UT-M-CS"]}, headers=third)
        assert done.status_code == 200 and done.json()["id"] == first.json()["id"]
        assert done.json()["status"] == "done"
        assert len(jobs(app)) == 2  # served from the finished job, not recomputed


def test_report_files_expire_but_cells_stay(database_url: str) -> None:
    app = make_app(database_url, scan_retention_count=1)
    with TestClient(app) as client:
        board = token(app, "board")
        first = client.post("/v1/scans", json={"masters": ["UT-M-CS"]}, headers=board).json()
        app.state.runner.wait(first["id"], timeout=60)
        cells = client.get(f"/v1/scans/{first['id']}/cells").json()["cells"]
        assert [c["master"] for c in cells] == ["UT-M-CS", "UT-M-CS"]
        second = client.post("/v1/scans", json={"masters": ["UT-M-AP"]}, headers=board).json()
        app.state.runner.wait(second["id"], timeout=60)
        expired = client.get(f"/v1/scans/{first['id']}").json()
        assert expired["status"] == "expired" and expired["reports"] == {}
        item = error(client.get(f"/v1/scans/{first['id']}/report.json"), 410)
        assert item["type"] == "expired" and "/cells" in item["msg"]
        assert client.get(f"/v1/scans/{first['id']}/cells").json()["cells"] == cells
        with Session(app.state.engine) as session:
            count = select(func.count()).select_from(ScanFile)
            assert session.exec(count.where(ScanFile.job_id == first["id"])).one() == 0
            assert session.exec(count.where(ScanFile.job_id == second["id"])).one() > 0
        # by age: nothing is kept beyond the retention period
        app.state.runner.retention_seconds = 1e-6
        assert app.state.runner.expire() == [second["id"]]
        assert client.get(f"/v1/scans/{second['id']}").json()["status"] == "expired"
        renewed = client.post("/v1/scans", json={"masters": ["UT-M-CS"]}, headers=board)
        assert renewed.status_code == 202 and renewed.json()["id"] != first["id"]
        app.state.runner.wait(renewed.json()["id"], timeout=60)


# --- inputs are bounded where they enter --------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        (("premaster", "max_ects"), 1e308),
        (("premaster", "max_ects"), 361),
        (("ects",), 1e308),
        (("min_gpa",), 0.5),
        (("requires", 2, "min_ects"), 1e308),
    ],
)
def test_out_of_range_master_edits_are_422_and_paths_keep_working(
    client: TestClient, editor: dict[str, str], field: tuple, value: float
) -> None:
    current = client.get("/v1/programmes/UT-M-CS")
    body = current.json()
    target = body
    for part in field[:-1]:
        target = target[part]
    target[field[-1]] = value
    headers = {**editor, "If-Match": current.headers["ETag"]}
    item = error(client.put("/v1/programmes/UT-M-CS", json=body, headers=headers), 422)
    assert item["loc"][: len(field) + 1] == ["body", *field] or item["loc"][-1] == field[-1]
    assert client.get("/v1/paths/VU-B-AI").status_code == 200
    eligibility = client.post("/v1/eligibility", json={"courses": ["VU-PROG"]})
    assert eligibility.status_code == 200


def test_non_finite_numbers_and_booleans_are_422(
    client: TestClient, editor: dict[str, str]
) -> None:
    current = client.get("/v1/programmes/VU-B-AI")
    vu = token(client.app, "vu-editor", "editor", "VU")
    headers = {**vu, "If-Match": current.headers["ETag"], "Content-Type": "application/json"}
    raw = current.text.replace('"electives":0.0', '"electives":Infinity')
    assert raw != current.text
    item = error(client.put("/v1/programmes/VU-B-AI", content=raw, headers=headers), 422)
    assert item["loc"][-1] == "electives"
    master = client.get("/v1/programmes/UT-M-CS")
    raw = master.text.replace('"min_ects":12.0', '"min_ects":NaN')
    headers = {**editor, "If-Match": master.headers["ETag"], "Content-Type": "application/json"}
    item = error(client.put("/v1/programmes/UT-M-CS", content=raw, headers=headers), 422)
    assert item["loc"][-1] == "min_ects"
    transcript = {"courses": [{"code": "VU-PROG", "grade": True}]}
    item = error(client.post("/v1/eligibility", json=transcript), 422)
    assert item["loc"][-1] == "grade" and "got true" in item["msg"]
    course = {**client.get("/v1/courses/UT-LA").json(), "code": "UT-LA2", "ects": True}
    item = error(client.post("/v1/courses", json=course, headers=editor), 422)
    assert item["loc"] == ["body", "ects"]


def test_the_loader_refuses_the_same_values(tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "curricula"
    shutil.copytree(MINI, root)
    cs = root / "ut" / "masters" / "cs.yaml"
    cs.write_text(re.sub(r"max_ects: \d+", "max_ects: 1e308", cs.read_text()))
    courses = root / "ut" / "courses.yaml"
    courses.write_text(courses.read_text().replace("ects: 5", "ects: .inf", 1))
    with pytest.raises(CurriculaError) as caught:
        load_curricula(root)
    text = str(caught.value)
    assert "premaster.max_ects" in text and "less than or equal to 360" in text
    assert "finite number" in text


def test_control_characters_long_codes_and_case_twins_are_refused(
    client: TestClient, app: FastAPI, editor: dict[str, str]
) -> None:
    course = {**client.get("/v1/courses/UT-LA").json(), "code": "UT-NEW"}
    item = error(
        client.post("/v1/courses", json={**course, "title": "A\x00B"}, headers=editor), 422
    )
    assert item["loc"] == ["body", "title"] and "U+0000" in item["msg"]
    note = {**course, "provenance": {"status": "illustrative", "note": "a\x1bb"}}
    item = error(client.post("/v1/courses", json=note, headers=editor), 422)
    assert item["loc"] == ["body", "provenance", "note"]
    long = {**course, "code": "UT-" + "X" * 302}
    item = error(client.post("/v1/courses", json=long, headers=editor), 422)
    assert item["loc"] == ["body", "code"] and "64" in item["msg"]
    created = client.post("/v1/courses", json={**course, "code": "UT-M-CASE"}, headers=editor)
    assert created.status_code == 201
    twin = {**course, "code": "UT-m-case"}
    item = error(client.post("/v1/courses", json=twin, headers=editor), 422)
    assert item["loc"] == ["body", "code"] and "only in case" in item["msg"]
    assert client.get("/v1/courses/UT-m-case").status_code == 404


def test_export_refuses_file_names_that_collide(tmp_path: Path) -> None:
    catalogue = load_curricula(MINI)
    minor = next(p for p in catalogue.programmes.values() if isinstance(p, Minor))
    twin = minor.model_copy(update={"code": minor.code.lower()})
    parts = [(catalogue.institution_of[c], course) for c, course in catalogue.courses.items()]
    both = Catalogue.build(
        catalogue.outcomes.values(), parts, [*catalogue.programmes.values(), twin]
    )
    with pytest.raises(ValueError, match="would be written to"):
        export_curricula(both, tmp_path / "out")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.yaml"))


# --- no 500 for odd input -----------------------------------------------------------------------


def test_nul_bytes_huge_etags_and_offsets_are_4xx(
    client: TestClient, app: FastAPI, editor: dict[str, str]
) -> None:
    assert error(client.get("/v1/scans/a%00b"), 422)["loc"] == ["path", "job_id"]
    item = error(client.get("/v1/audit", params={"code": "a\x00b"}, headers=editor), 422)
    assert item["loc"] == ["query", "code"]
    assert error(client.get("/v1/courses", params={"q": "a\x00"}), 422)["loc"] == ["query", "q"]
    assert error(client.get("/v1/courses/UT%00LA"), 422)["loc"] == ["path", "code"]
    for offset in (2**63, 2**31):
        item = error(client.get("/v1/audit", params={"offset": offset}, headers=editor), 422)
        assert item["loc"] == ["query", "offset"]
    current = client.get("/v1/courses/UT-LA")
    body = {**current.json(), "title": "Linear Algebra I"}
    for tag in ('"2147483648"', '"9223372036854775808"', '"99999999999999999999999"'):
        response = client.put("/v1/courses/UT-LA", json=body, headers={**editor, "If-Match": tag})
        assert error(response, 412)["loc"] == ["header", "If-Match"]
        assert response.headers["ETag"] == current.headers["ETag"]
    with Session(app.state.engine) as session:
        assert read_version(session) == 1


def test_if_match_lists_and_unchanged_updates(
    client: TestClient, app: FastAPI, editor: dict[str, str]
) -> None:
    current = client.get("/v1/courses/UT-LA")
    etag = current.headers["ETag"]
    same = client.put(
        "/v1/courses/UT-LA", json=current.json(), headers={**editor, "If-Match": etag}
    )
    assert same.status_code == 200 and same.headers["ETag"] == etag
    with Session(app.state.engine) as session:
        assert read_version(session) == 1
        assert [e for e in audit_log(session, code="UT-LA") if e.catalogue_version > 1] == []
    body = {**current.json(), "title": "Linear Algebra I"}
    weak = client.put("/v1/courses/UT-LA", json=body, headers={**editor, "If-Match": f"W/{etag}"})
    error(weak, 412)
    listed = client.put(
        "/v1/courses/UT-LA", json=body, headers={**editor, "If-Match": f'"77", {etag}'}
    )
    assert listed.status_code == 200, listed.text
    assert listed.headers["ETag"] != etag


def test_method_not_allowed_names_every_allowed_method(client: TestClient) -> None:
    response = client.post("/v1/courses/UT-LA", json={})
    assert error(response, 405)["loc"] == ["method"]
    allowed = {m.strip() for m in response.headers["Allow"].split(",")}
    assert allowed >= {"GET", "PUT", "PATCH", "DELETE"}


def test_a_server_error_closes_the_connection(database_url: str) -> None:
    app = make_app(database_url)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("boom")

    with TestClient(app, raise_server_exceptions=True) as client:
        response = client.get("/boom")
    item = error(response, 500)
    assert item["type"] == "internal" and "boom" not in response.text
    assert response.headers["connection"] == "close"


def test_a_database_data_error_is_4xx(client: TestClient, monkeypatch) -> None:
    from sqlalchemy.exc import DataError

    import api.routes.scans as scans

    def refused(*_args: Any) -> None:
        raise DataError("SELECT", {}, ValueError("PostgreSQL text fields cannot contain NUL"))

    monkeypatch.setattr(scans, "get_job", refused)
    item = error(client.get("/v1/scans/abc"), 422)
    assert "NUL" in item["msg"]


# --- jobs always end ----------------------------------------------------------------------------


class Outage:
    """Makes the database refuse every job update for ``seconds`` from the first update that
    matches ``start`` (as if it went down then)."""

    def __init__(self, app: FastAPI, start: str, seconds: float):
        self.start, self.seconds = re.compile(start), seconds
        self.until: float | None = None
        self.refused = 0
        event.listen(app.state.engine, "before_cursor_execute", self)

    def __call__(self, _conn, _cursor, statement: str, *_rest: Any) -> None:
        if not statement.startswith("UPDATE scan_job"):
            return
        if self.until is None and self.start.search(statement):
            self.until = time.monotonic() + self.seconds
        if self.until is not None and time.monotonic() < self.until:
            self.refused += 1
            raise OperationalError(statement, {}, ConnectionError("database unavailable"))


def test_an_outage_during_a_scan_ends_the_job_as_failed(database_url: str) -> None:
    app = make_app(database_url, job_retry_interval=0.1)
    with TestClient(app) as client:
        app.state.runner.progress_interval = 0  # a progress update after every cell
        outage = Outage(app, r"SET done=", seconds=1.5)
        job = client.post("/v1/scans", json={}, headers=token(app, "board")).json()
        app.state.runner.wait(job["id"], timeout=60)
        body = client.get(f"/v1/scans/{job['id']}").json()
    assert body["status"] == "failed", body
    assert "database" in body["error"] and body["finished_at"] is not None
    assert outage.refused >= 3  # the progress update, then the failed status again and again


def test_a_lost_final_update_is_retried_until_the_job_is_done(database_url: str) -> None:
    app = make_app(database_url, job_retry_interval=0.1)
    with TestClient(app) as client:
        outage = Outage(app, r"counts=", seconds=1.0)
        job = client.post("/v1/scans", json={}, headers=token(app, "board")).json()
        app.state.runner.wait(job["id"], timeout=60)
        body = client.get(f"/v1/scans/{job['id']}").json()
    assert outage.refused >= 2
    assert body["status"] == "done" and body["progress"] == {"done": 8, "total": 8, "retried": 0}
    assert client.get(f"/v1/scans/{job['id']}/report.csv").status_code == 200


def test_the_sweeper_fails_orphaned_jobs_but_not_live_ones_of_another_server(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate(monkeypatch)
    live_app = make_app(database_url, job_stale_after=30)
    other = make_app(database_url, job_stale_after=30)  # a second server process
    engine = live_app.state.engine
    with TestClient(live_app) as client, TestClient(other):
        live = client.post("/v1/scans", json={}, headers=token(live_app, "board")).json()
        orphan = create_job(engine, "orphan", {}, 8, 1, heartbeat=True)
        long_ago = now().replace(year=2000)
        with engine.begin() as connection:
            connection.execute(text("UPDATE scan_job SET heartbeat_at = :t"), {"t": long_ago})
        live_app.state.runner.sweep()  # the live server's heartbeat
        other.state.runner.sweep()  # the other server's sweep
        assert client.get(f"/v1/scans/{live['id']}").json()["status"] in ("queued", "running")
        failed = client.get(f"/v1/scans/{orphan.id}").json()
        assert failed["status"] == "failed" and "interrupted" in failed["error"]
        gate.open()
        live_app.state.runner.wait(live["id"], timeout=60)
        assert client.get(f"/v1/scans/{live['id']}").json()["status"] == "done"


# --- a database that does not answer ------------------------------------------------------------


@pytest.fixture
def hung_database() -> Iterator[int]:
    """A local server that accepts connections and never answers; its port."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(5)
    for connection in held:
        connection.close()
    server.close()


@pytest.mark.slow
def test_a_hung_database_gives_503_within_the_connect_timeout(hung_database: int) -> None:
    url = f"postgresql+psycopg://postgres@127.0.0.1:{hung_database}/test"
    app = make_app(url, db_connect_timeout=2)
    client = TestClient(app)  # no lifespan: it would wait for the database too
    for path in ("/health", "/v1/courses"):
        started = time.monotonic()
        response = client.get(path)
        elapsed = time.monotonic() - started
        item = error(response, 503)
        assert item["loc"] == ["database"] and elapsed < 2 + 3, elapsed
        assert response.headers["connection"] == "close"


def test_if_match_is_parsed_as_rfc_9110_says() -> None:
    from api.routes.edits import expected_version

    assert expected_version("*") is None
    assert expected_version('"3", W/"4", "x", "9223372036854775808", "5"') == {3, 5}
    assert expected_version('"01"') == frozenset()  # no ETag this API gives out
    assert expected_version('"3" "4"') == frozenset()  # not a list of tags
    assert expected_version('*, "3"') == frozenset()
    with pytest.raises(Exception) as missing:
        expected_version("  ")
    assert missing.value.status == 428


@pytest.mark.parametrize(
    ("variable", "value"),
    [("ARTICULATION_CLOSE_AFTER_SOLVE", "maybe"), ("ARTICULATION_WORKERS", "two")],
)
def test_a_bad_setting_in_the_environment_is_exit_2_naming_it(variable: str, value: str) -> None:
    import os
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", "from articulation.cli import app; app()", "validate"],
        env={**os.environ, variable: value},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert f"{variable}='{value}'" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [("ARTICULATION_ENGINE_THREADS", "0"), ("ARTICULATION_DASK_SCHEDULER", "127.0.0.1:8786")],
)
def test_a_server_started_by_uvicorn_stops_on_a_bad_setting(variable: str, value: str) -> None:
    """``uvicorn --factory api.main:create_app``, not only ``articulation serve``."""
    import os
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "uvicorn", "--factory", "api.main:create_app", "--port", "0"],
        env={**os.environ, variable: value},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert f"error: environment: {variable}='{value}'" in done.stderr
    assert "Traceback" not in done.stderr


def test_health_needs_one_pooled_connection(app: FastAPI, client: TestClient) -> None:
    """A health check that held one connection while it waited for a second would stall the
    server once as many ran at once as the pool has connections (seen under `wrk`)."""
    from sqlalchemy import event

    held: list[int] = []
    most = [0]

    def checkout(*_args: Any) -> None:
        held.append(1)
        most[0] = max(most[0], len(held))

    def checkin(*_args: Any) -> None:
        held.pop()

    client.get("/health")  # the app's own first connections
    engine = app.state.engine
    event.listen(engine, "checkout", checkout)
    event.listen(engine, "checkin", checkin)
    try:
        for _ in range(3):
            assert client.get("/health").status_code == 200
    finally:
        event.remove(engine, "checkout", checkout)
        event.remove(engine, "checkin", checkin)
    assert most[0] == 1
