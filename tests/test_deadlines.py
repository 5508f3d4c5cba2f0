"""Per-request deadlines on a catalogue of hard set covers, with the real solver throughout.

A request's engine work — every master of an eligibility request or a bachelor's row, a pair
with its alternatives, a minor design — ends by its ``time_limit`` (plus a margin for a shared
2-core machine) and leaves no solve running; answers about many masters are 200 with the
masters left unproven ``unknown``; a pair or a minor design is 503 with what was proven. A
client that disconnects has its work cancelled; solving requests beyond the engine's queue get
503 with ``Retry-After``; ``/health`` stays fast while solves run.
"""

from __future__ import annotations

import contextlib
import json
import socket
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.main import create_app
from articulation.curriculum.loader import load_curricula
from articulation.settings import Settings
from articulation.solving.bridging import bridge
from articulation.solving.cover import CoverModel
from articulation.solving.gap import attainment, gap
from articulation.solving.pool import pool_context, premaster_candidates, prune
from articulation.storage.catalogue_import import import_catalogue
from articulation.storage.db import make_engine, migrate
from articulation.support.deadline import DEFAULT_SOLVE_LIMIT, deadline, remaining, stopped
from benchmarks.synthetic import hard_cover
from tests.conftest import MINI

LIMIT = 2.0  # the request's time limit
MARGIN = 4.0  # what a noisy 2-core machine may add to it
HARD = [f"UT-M-H{m:02d}" for m in range(6)]


# --- the engine ---------------------------------------------------------------------------------


def hard_model(catalogue) -> CoverModel:
    """The cover model of the hard master UT-M-H00 for the hard bachelor (minimum EC)."""
    master = catalogue.master("UT-M-H00")
    taken = frozenset({"VU-BASE"})
    the_gap = gap(master, attainment(catalogue, taken))
    candidates = premaster_candidates(catalogue, master, taken)
    problem = prune(pool_context(catalogue, candidates.codes, taken), the_gap.unmet)
    cover = CoverModel(problem)
    for item in problem.unmet:
        cover.model.add(cover.requirement(item) == 1)
    cover.model.minimize(cover.size_objective()[0])
    return cover


def test_remaining_is_the_solve_limit_within_the_deadline() -> None:
    assert remaining() == DEFAULT_SOLVE_LIMIT and stopped() == 0
    with deadline(1.0):
        assert 0 < remaining() <= 1.0
    with deadline(solve_limit=0.5):
        assert remaining() == 0.5
        with deadline(0.2):  # an inner deadline ends no later than its own seconds
            assert 0 < remaining() <= 0.2
    with deadline(1.0, solve_limit=5.0):
        assert 0 < remaining() <= 1.0
    with deadline(60.0, solve_limit=0.5):
        assert remaining() == 0.5
    cancelled = threading.Event()
    with deadline(60.0, cancelled=cancelled):
        cancelled.set()
        assert remaining() == 0.0
        with deadline(solve_limit=5.0):  # cancelled with the outer one
            assert remaining() == 0.0


def test_a_passed_deadline_starts_no_solve_and_remembers_nothing() -> None:
    catalogue = load_curricula(MINI)
    master = catalogue.master("UT-M-CS")
    with deadline(0.0):
        late = bridge(catalogue, master, ["VU-PROG"])
        assert stopped() == 1
    assert late.status == "unknown" and not late.optimal
    assert late.bound_ects  # the quick lower bound
    proven = bridge(catalogue, master, ["VU-PROG"])  # not answered from the memo
    assert proven.status == "premaster" and proven.optimal


def test_cancelling_stops_the_running_solve() -> None:
    cover = hard_model(hard_cover())
    cancelled = threading.Event()
    found: list = []

    def solve() -> None:
        with deadline(60.0, cancelled=cancelled) as current:
            found.append(current)
            found.append(cover.solve()[0])

    worker = threading.Thread(target=solve)
    worker.start()
    time.sleep(0.5)
    started = time.monotonic()
    found[0].cancel()
    worker.join(20)
    assert not worker.is_alive() and time.monotonic() - started < 10  # of 60 s: it stopped
    assert found[1].status in ("feasible", "unknown")
    assert found[0].stopped == 1


# --- the API ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hard_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite database holding the hard catalogue (read only by the tests)."""
    path = tmp_path_factory.mktemp("hard") / "hard.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    import_catalogue(engine, hard_cover(), actor="test")
    engine.dispose()
    return f"sqlite:///{path}"


def hard_app(url: str, **settings: object) -> FastAPI:
    return create_app(
        Settings(database_url=url, migrate_on_start=False, seed_on_start=False, **settings)
    )


@pytest.fixture
def client(hard_url: str) -> Iterator[TestClient]:
    with TestClient(hard_app(hard_url)) as test_client:
        yield test_client


def idle(app: FastAPI) -> bool:
    executor = app.state.executor
    return executor.pending == 0 and executor.running == 0


def timed(call: Callable[[], httpx.Response]) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def test_eligibility_answers_by_its_deadline_with_unknown_masters(client: TestClient) -> None:
    body = {"courses": ["VU-BASE"], "time_limit": LIMIT}
    response, seconds = timed(lambda: client.post("/v1/eligibility", json=body))
    assert response.status_code == 200, response.text
    assert seconds < LIMIT + MARGIN
    assert idle(client.app)  # no solve of the request runs on
    results = {r["master"]: r for r in response.json()["results"]}
    easy = results["UT-M-E00"]
    assert easy["status"] == "premaster" and easy["bridging"]["optimal"]
    for code in HARD:  # far too hard to prove in 2 s: found and not proven optimal, or unknown
        result = results[code]
        assert not result["bridging"]["optimal"] and result["bridging"]["bound_ects"] > 0
        if result["status"] == "unknown":
            assert "time limit of 2 s" in result["reason"]
            assert result["reasons"][0]["id"].startswith("answer.unproven")
    ranked = [r["master"] for r in response.json()["results"]]
    assert ranked[0] == "UT-M-E00"  # by status, then EC


def test_a_row_answers_by_its_deadline_with_unknown_masters(client: TestClient) -> None:
    params = {"time_limit": LIMIT}
    response, seconds = timed(lambda: client.get("/v1/paths/VU-B-HARD", params=params))
    assert response.status_code == 200, response.text
    assert seconds < LIMIT + MARGIN and idle(client.app)
    paths = {p["master"]: p for p in response.json()["paths"]}
    assert paths["UT-M-E00"]["status"] == "premaster" and paths["UT-M-E00"]["optimal"]
    for code in HARD:  # found and not proven optimal (the report's `*`), or unknown
        assert not paths[code]["optimal"] and paths[code]["bound_ects"] > 0


def test_a_pair_past_its_deadline_is_503_with_what_was_proven(client: TestClient) -> None:
    params = {"time_limit": LIMIT, "alternatives": 3}
    call = lambda: client.get("/v1/paths/VU-B-HARD/UT-M-H00", params=params)  # noqa: E731
    response, seconds = timed(call)
    assert response.status_code == 503, response.text
    assert seconds < LIMIT + MARGIN and idle(client.app)
    body = response.json()
    assert body["detail"][0]["type"] == "time_limit"
    assert body["timed_out"][0]["master"] == "UT-M-H00"
    assert body["timed_out"][0]["bound_ects"] > 0
    assert body["partial"]["master"] == "UT-M-H00"


def test_a_minor_design_past_its_deadline_is_503(client: TestClient) -> None:
    body = {"bachelor": "VU-B-HARD", "budget": 60, "time_limit": LIMIT}
    response, seconds = timed(lambda: client.post("/v1/minors/design", json=body))
    assert response.status_code == 503, response.text
    assert seconds < LIMIT + MARGIN and idle(client.app)
    assert response.json()["timed_out"][0]["bachelor"] == "VU-B-HARD"


def test_a_flagship_answer_comes_by_its_deadline(client: TestClient) -> None:
    body = {"bachelor": "VU-B-HARD", "budget": 60, "time_limit": LIMIT}
    response, seconds = timed(lambda: client.post("/v1/flagship", json=body))
    assert response.status_code == 200, response.text
    assert seconds < LIMIT + MARGIN and idle(client.app)
    assert response.json()["bachelor"] == "VU-B-HARD"


# --- a real server ------------------------------------------------------------------------------


@contextlib.contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """``app`` on uvicorn at 127.0.0.1 in a thread of this process; yields its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        wait_for(lambda: server.started, 30, "the server did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)
        sock.close()


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> float:
    """Wait until ``condition()``; the seconds it took."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < seconds, what
        time.sleep(0.02)
    return time.monotonic() - started


def post_raw(port: int, path: str, body: dict) -> socket.socket:
    """A connection that has sent a POST of ``body`` (the caller reads or closes it)."""
    data = json.dumps(body).encode()
    sock = socket.create_connection(("127.0.0.1", port))
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(data)}\r\n\r\n"
    )
    sock.sendall(head.encode() + data)
    return sock


def test_a_disconnected_client_has_its_work_cancelled(hard_url: str) -> None:
    app = hard_app(hard_url)
    executor = app.state.executor
    with serving(app) as url:
        port = int(url.rsplit(":", 1)[1])
        sock = post_raw(port, "/v1/eligibility", {"courses": ["VU-BASE"], "time_limit": 30})
        wait_for(lambda: executor.running == 1, 10, "the request did not start solving")
        time.sleep(0.5)  # well into the first hard master's solve
        sock.close()
        took = wait_for(lambda: idle(app), 20, "the engine kept solving for a client gone")
        assert took < 10  # the deadline was 30 s away: the work stopped, not ran out
        # the engine answers the next request as usual
        proven = httpx.get(f"{url}/v1/paths/VU-B-HARD/UT-M-E00", timeout=30)
        assert proven.status_code == 200 and proven.json()["optimal"]


@pytest.mark.slow
def test_health_stays_fast_while_solves_run(hard_url: str) -> None:
    app = hard_app(hard_url)
    executor = app.state.executor
    with serving(app) as url:
        httpx.get(f"{url}/health", timeout=10)  # the first answer builds nothing, but warm up
        body = {"courses": ["VU-BASE"], "time_limit": 4}
        solving = [
            threading.Thread(
                target=lambda: httpx.post(f"{url}/v1/eligibility", json=body, timeout=60)
            )
            for _ in range(4)
        ]
        for thread in solving:
            thread.start()
        wait_for(lambda: executor.running == 2, 10, "the solves did not start")
        latencies = []
        while executor.running == 2 and len(latencies) < 20:
            response, seconds = timed(lambda: httpx.get(f"{url}/health", timeout=10))
            assert response.status_code == 200
            latencies.append(seconds)
        for thread in solving:
            thread.join(60)
    assert len(latencies) >= 5
    assert statistics.median(latencies) < 0.25 and max(latencies) < 1.0, latencies


@pytest.mark.slow
def test_requests_beyond_the_queue_get_503_with_retry_after(hard_url: str) -> None:
    app = hard_app(hard_url, engine_threads=1, engine_queue=1)
    executor = app.state.executor
    with serving(app) as url:
        port = int(url.rsplit(":", 1)[1])
        body = {"courses": ["VU-BASE"], "time_limit": 3}
        first = post_raw(port, "/v1/eligibility", body)
        wait_for(lambda: executor.running == 1, 10, "the first request did not start")
        second = post_raw(port, "/v1/eligibility", body)
        wait_for(lambda: executor.pending == 2, 10, "the second request did not queue")
        busy = httpx.post(f"{url}/v1/eligibility", json=body, timeout=30)
        assert busy.status_code == 503, busy.text
        assert busy.json()["detail"][0]["type"] == "busy"
        assert int(busy.headers["Retry-After"]) >= 1
        assert httpx.get(f"{url}/health", timeout=5).status_code == 200
        for sock in (first, second):  # both are answered in turn
            sock.settimeout(30)
            assert sock.recv(64).startswith(b"HTTP/1.1 200")
            sock.close()


def test_settings_name_the_executor(tmp_path: Path) -> None:
    settings = Settings(engine_threads=3, engine_queue=0)
    app = create_app(settings.model_copy(update={"database_url": f"sqlite:///{tmp_path}/x.db"}))
    assert (app.state.executor.threads, app.state.executor.queue) == (3, 0)


def test_pages_solve_on_the_engine_threads(hard_url: str) -> None:
    """The student and director pages take the engine's threads as the API does: beyond its
    queue they answer 503 with Retry-After and say so in the page's language, and a student
    who leaves has the page's work cancelled."""
    app = hard_app(hard_url, engine_threads=1, engine_queue=0, time_limit=30)
    executor = app.state.executor
    with serving(app) as url:
        port = int(url.rsplit(":", 1)[1])
        form = urlencode({"courses": "VU-BASE", "lang": "nl"}).encode()
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(
            b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            + f"Content-Length: {len(form)}\r\n\r\n".encode()
            + form
        )
        wait_for(lambda: executor.running == 1, 10, "the page's work did not start")
        student = httpx.post(f"{url}/", data={"courses": "VU-BASE", "lang": "nl"}, timeout=30)
        pair = {"bachelor": "VU-B-HARD", "master": "UT-M-E00"}
        director = httpx.get(f"{url}/directors/pair", params=pair, timeout=30)
        for busy in (student, director):
            assert busy.status_code == 503, busy.text
            assert int(busy.headers["Retry-After"]) >= 1
            assert busy.headers["content-type"].startswith("text/html")
        assert "De server is bezig" in student.text
        assert "The server is busy" in director.text
        sock.close()  # the student leaves: the 30 s of solving stop
        took = wait_for(lambda: idle(app), 20, "the engine kept solving for a page nobody reads")
        assert took < 10  # of 30 s: the work stopped, not ran out
        answered = httpx.get(f"{url}/directors/pair", params=pair, timeout=30)
        assert answered.status_code == 200 and "UT-M-E00" in answered.text
