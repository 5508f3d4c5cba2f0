"""The director page through the test client (fixture curricula, SQLite and PostgreSQL): the
matrix of the last scan without a token (a fresh server computes one at start), signing in to
start a new scan, and lookups whose question is in their address."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.main import create_app
from articulation.settings import Settings
from articulation.storage.clients import add_client
from articulation.storage.jobs import latest_finished_job, running_job
from articulation.storage.tables import ApiClient

CELL = re.compile(r'<td class="cell" data-status="(\w+)"')


def settings(database_url: str, **more: object) -> Settings:
    return Settings(database_url=database_url, migrate_on_start=False, seed_on_start=False, **more)


def wait_for_scan(app: FastAPI, timeout: float = 120) -> str:
    """The id of the scan the server started by itself, once it has finished."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with Session(app.state.engine) as session:
            done = latest_finished_job(session, 1)
            running = running_job(session, 1)
        if done is not None:
            return done.id
        if running is not None:
            app.state.runner.wait(running.id, timeout=timeout)
        else:
            time.sleep(0.05)
    raise AssertionError("no scan finished")


@pytest.fixture
def app(database_url: str) -> FastAPI:
    return create_app(settings(database_url))


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


def test_a_fresh_server_scans_and_shows_the_matrix_without_a_token(database_url: str) -> None:
    started = create_app(settings(database_url, scan_on_start=True))
    with TestClient(started) as client:
        job = wait_for_scan(started)
        page = client.get("/directors", params={"lang": "en"})
        assert page.status_code == 200
        cells = CELL.findall(page.text)
        assert len(cells) == 2 * 4  # every pair of the fixture curricula
        assert f"Scan {job} of the current catalogue." in page.text
        # the legend names every status in words, with its mark
        assert "<strong>C</strong> over the cap: " in page.text and "over_cap:" not in page.text
        assert "<strong>P</strong> pre-master: " in page.text
        dutch = client.get("/directors", params={"lang": "nl"}).text
        assert "<strong>P</strong> schakelprogramma: " in dutch
    # a second start finds the scan of this catalogue version and starts none
    again = create_app(settings(database_url, scan_on_start=True))
    with TestClient(again) as client:
        time.sleep(0.5)
        assert again.state.runner.active() == []
        assert len(CELL.findall(client.get("/directors").text)) == 2 * 4


def test_without_a_scan_the_page_says_so_and_offers_to_sign_in(client: TestClient) -> None:
    page = client.get("/directors", params={"lang": "en"}).text
    assert "No finished scan of the current catalogue yet." in page
    assert 'action="/directors/sign-in"' in page and "Start a new scan" not in page


def test_a_signed_in_director_starts_a_scan(app: FastAPI, client: TestClient) -> None:
    token = add_client(app.state.engine, "board", "scanner", "*")
    # not signed in: no scan
    refused = client.post("/directors/scan", data={"lang": "en"})
    assert refused.status_code == 401 and "Please sign in to start a scan." in refused.text
    wrong = client.post("/directors/sign-in", data={"token": "art_nothing", "lang": "en"})
    assert wrong.status_code == 401 and "Unknown token." in wrong.text
    signed = client.post(
        "/directors/sign-in", data={"token": token, "lang": "nl"}, follow_redirects=False
    )
    assert signed.status_code == 303 and signed.headers["location"] == "/directors?lang=nl"
    cookie = signed.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/directors" in cookie
    page = client.get("/directors", params={"lang": "nl"}).text
    assert "Start een nieuwe scan" in page and "Aangemeld als board (scanner)." in page
    started = client.post("/directors/scan", data={"lang": "en"}, follow_redirects=False)
    assert started.status_code == 303
    job = started.headers["location"].rsplit("job=", 1)[1]
    app.state.runner.wait(job, timeout=120)
    page = client.get(started.headers["location"]).text
    assert f"Scan {job} of the current catalogue is done" in page
    assert len(CELL.findall(page)) == 2 * 4
    # the same scan of the same catalogue is not computed again
    again = client.post("/directors/scan", data={"lang": "en"}, follow_redirects=False)
    assert again.headers["location"].endswith(f"job={job}")
    out = client.post("/directors/sign-out", data={"lang": "en"}, follow_redirects=False)
    assert out.status_code == 303
    assert "Start a new scan" not in client.get("/directors", params={"lang": "en"}).text


def test_a_client_that_may_not_scan_cannot_sign_in(app: FastAPI, client: TestClient) -> None:
    token = add_client(app.state.engine, "old", "scanner", "*")
    with Session(app.state.engine) as session, session.begin():
        stored = session.exec(select(ApiClient).where(ApiClient.name == "old")).one()
        stored.role = "retired"  # a role dropped from the table may do nothing
    answer = client.post("/directors/sign-in", data={"token": token, "lang": "en"})
    assert answer.status_code == 403 and "(retired) may not start scans" in answer.text
    assert "set-cookie" not in answer.headers


LOOKUPS = {
    "pair": {"bachelor": "VU-B-AI", "master": "UT-M-CS"},
    "row": {"bachelor": "VU-B-CREATE"},
    "column": {"master": "UT-M-CS"},
    "minor": {"bachelor": "VU-B-CREATE", "masters": ["UT-M-CS", "UT-M-ITECH"], "budget": "30"},
    "flagship": {"bachelor": "VU-B-CREATE"},
}


@pytest.mark.parametrize("section", sorted(LOOKUPS))
def test_every_lookup_has_its_question_in_its_address(client: TestClient, section: str) -> None:
    """Each lookup's form asks by GET and pushes its address (htmx), and that address, opened
    as it is, answers the question as a whole page; htmx restoring it from history gets the
    whole page too."""
    page = client.get("/directors", params={"lang": "en"}).text
    form = re.search(rf'<form method="get" action="/directors/{section}"[^>]*>', page)
    assert form is not None and 'hx-push-url="true"' in form.group(0)
    url = f"/directors/{section}"
    answer = client.get(url, params={**LOOKUPS[section], "lang": "en"})
    assert answer.status_code == 200, answer.text
    assert "<html" in answer.text and 'id="result"' in answer.text
    assert "<h2>" in answer.text.split('id="result"')[1]  # the answer, not only the form
    part = client.get(url, params=LOOKUPS[section], headers={"HX-Request": "true"})
    assert "<html" not in part.text and 'id="result"' in part.text
    restored = client.get(
        url,
        params=LOOKUPS[section],
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in restored.text


def test_the_minor_from_its_address_fills_its_form(client: TestClient) -> None:
    answer = client.get("/directors/minor", params={**LOOKUPS["minor"], "lang": "en"}).text
    assert "The minor for VU-B-CREATE" in answer
    select = answer.split('id="minor-masters"')[1].split("</select>")[0]
    assert re.findall(r'<option value="([\w-]+)" selected>', select) == ["UT-M-CS", "UT-M-ITECH"]


def test_the_scan_at_start_does_not_hold_up_the_start(app: FastAPI) -> None:
    """The server's start returns while the catalogue for its scan is still being read."""
    import threading

    from articulation.curriculum.loader import load_curricula
    from tests.conftest import MINI

    reading = threading.Event()
    release = threading.Event()

    def current():
        reading.set()
        release.wait(30)
        return load_curricula(MINI), 1

    runner = app.state.runner
    thread = runner.scan_on_start(current, 10.0)
    assert reading.wait(10) and thread.is_alive()  # started, and the caller goes on
    release.set()
    thread.join(30)
    assert not thread.is_alive()
    with Session(app.state.engine) as session:
        queued = running_job(session, 1) or latest_finished_job(session, 1)
    assert queued is not None and queued.parameters["bachelors"] == ["VU-B-AI", "VU-B-CREATE"]
    runner.wait(queued.id, timeout=120)
    runner.shutdown()
