"""HEAD works wherever GET does, and every answer carries the safety headers.

Every GET route of the app's router (the static files included) is asked with GET and with
HEAD: the same status and headers, and no body for HEAD. A GET route added without an example
here fails the test, so none is left out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import Mount

from api.headers import PAGE_STYLE_ATTRIBUTES, csp_hash
from api.jobs import media_type
from api.main import create_app
from articulation.curriculum.loader import load_curricula
from articulation.outputs.render import render
from articulation.outputs.report import make_report
from articulation.settings import Settings
from articulation.storage.clients import add_client
from articulation.storage.jobs import create_job, finish_job
from articulation.storage.rows import read_version
from tests.conftest import MINI

JOB = "head-scan"
#: An example address of every GET route, by its path; ``{ooapi:…}`` is looked up in a list.
EXAMPLES: dict[str, str] = {
    "/openapi.json": "/openapi.json",
    "/health": "/health",
    "/v1/audit": "/v1/audit",
    "/v1/outcomes": "/v1/outcomes",
    "/v1/outcomes/{outcome_id}": "/v1/outcomes/cs.algorithms",
    "/v1/courses": "/v1/courses?q=algo",
    "/v1/courses/{code}": "/v1/courses/UT-ADC",
    "/v1/programmes": "/v1/programmes",
    "/v1/programmes/{code}": "/v1/programmes/UT-M-CS",
    "/v1/paths": "/v1/paths?master=UT-M-CS",
    "/v1/paths/{bachelor}/{master}": "/v1/paths/VU-B-AI/UT-M-CS",
    "/v1/paths/{bachelor}": "/v1/paths/VU-B-AI",
    "/v1/scans/{job_id}": f"/v1/scans/{JOB}",
    "/v1/scans/{job_id}/cells": f"/v1/scans/{JOB}/cells",
    "/v1/scans/{job_id}/report.{fmt}": f"/v1/scans/{JOB}/report.md",
    "/v1/scans/{job_id}/{path:path}": f"/v1/scans/{JOB}/pairs/VU-B-AI/UT-M-CS.html",
    "/ooapi/v6/": "/ooapi/v6/",
    "/ooapi/v6/courses": "/ooapi/v6/courses",
    "/ooapi/v6/programmes": "/ooapi/v6/programmes",
    "/ooapi/v6/learning-outcomes": "/ooapi/v6/learning-outcomes",
    "/ooapi/v6/organisations": "/ooapi/v6/organisations",
    "/ooapi/v6/academic-sessions": "/ooapi/v6/academic-sessions",
    "/ooapi/v6/programmes/{programmeId}/courses": "/ooapi/v6/programmes/{programmes}/courses",
    "/ooapi/v6/courses/{courseId}/course-offerings": "/ooapi/v6/courses/{courses}/course-offerings",
    "/ooapi/v6/courses/{courseId}": "/ooapi/v6/courses/{courses}",
    "/ooapi/v6/programmes/{programmeId}": "/ooapi/v6/programmes/{programmes}",
    "/ooapi/v6/learning-outcomes/{learningOutcomeId}": "/ooapi/v6/learning-outcomes/{lo}",
    "/ooapi/v6/organisations/{organisationId}": "/ooapi/v6/organisations/{organisations}",
    "/ooapi/v6/academic-sessions/{academicSessionId}": "/ooapi/v6/academic-sessions/{as}",
    "/": "/?lang=en",
    "/directors": "/directors?lang=nl",
    "/directors/pair": "/directors/pair?bachelor=VU-B-AI&master=UT-M-CS",
    "/directors/row": "/directors/row?bachelor=VU-B-AI",
    "/directors/column": "/directors/column?master=UT-M-CS",
    "/directors/flagship": "/directors/flagship?bachelor=VU-B-CREATE",
    "/directors/minor": "/directors/minor?bachelor=VU-B-CREATE&masters=UT-M-CS&budget=30",
    "/docs": "/docs",
    "/docs/oauth2-redirect": "/docs/oauth2-redirect",
    "/redoc": "/redoc",
    "/favicon.ico": "/favicon.ico",
    "/static": "/static/app.js",
}
ID_FIELDS = {  # the list an example's {name} is looked up in, and its items' id field
    "courses": ("courses", "courseId"),
    "programmes": ("programmes", "programmeId"),
    "lo": ("learning-outcomes", "learningOutcomeId"),
    "organisations": ("organisations", "organisationId"),
    "as": ("academic-sessions", "academicSessionId"),
}


def get_routes(app: FastAPI) -> set[str]:
    """The path of every route of the app's router that answers GET (mounts included)."""
    found: set[str] = set()

    def walk(routes) -> None:
        for route in routes:
            inner = getattr(route, "original_router", None)
            if inner is not None:
                walk(inner.routes)
            elif isinstance(route, Mount) or "GET" in (getattr(route, "methods", None) or ()):
                found.add(route.path)

    walk(app.router.routes)
    return found


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    settings = Settings(database_url=database_url, migrate_on_start=False, seed_on_start=False)
    app = create_app(settings)
    with TestClient(app) as client:
        catalogue = load_curricula(MINI)
        files = {
            p: (media_type(p), c.decode("utf-8"))
            for p, c in render(make_report(catalogue, workers=1)).items()
        }
        engine = app.state.engine
        from sqlmodel import Session

        with Session(engine) as session:
            version = read_version(session)
        create_job(engine, JOB, {}, 1, version)
        finished = dt.datetime.now(dt.UTC)
        finish_job(engine, JOB, files, status="done", done=1, cells=[], finished_at=finished)
        yield client


def address(client: TestClient, example: str) -> str:
    """The example with each ``{list}`` replaced by the id of that OOAPI list's first item."""

    def first(match: re.Match[str]) -> str:
        listing, field = ID_FIELDS[match.group(1)]
        return client.get(f"/ooapi/v6/{listing}").json()["items"][0][field]

    return re.sub(r"\{([a-z]+)\}", first, example)


@pytest.mark.timeout(300)
def test_head_answers_as_get_on_every_get_route(client: TestClient) -> None:
    token = add_client(client.app.state.engine, "auditor", "editor", "UT")
    auditor = {"Authorization": f"Bearer {token}"}  # the audit log is for editors
    routes = get_routes(client.app)
    assert routes == set(EXAMPLES), (
        f"GET routes without an example: {sorted(routes - set(EXAMPLES))}; "
        f"examples of no route: {sorted(set(EXAMPLES) - routes)}"
    )
    for route, example in EXAMPLES.items():
        url = address(client, example)
        get = client.get(url, headers=auditor, follow_redirects=False)
        head = client.head(url, headers=auditor, follow_redirects=False)
        assert get.status_code < 400, (route, get.status_code, get.text[:300])
        assert head.status_code == get.status_code, (route, head.status_code, get.status_code)
        assert head.content == b"", route
        assert sorted(head.headers.multi_items()) == sorted(get.headers.multi_items()), route
        if get.status_code == 200:
            assert int(head.headers["content-length"]) == len(get.content), route


def test_every_answer_carries_the_safety_headers(client: TestClient) -> None:
    """Pages, report files, JSON and errors alike; the policy allows no inline code beyond the
    report's own and the pages' status colours (by hash)."""
    for url in ("/?lang=en", f"/v1/scans/{JOB}/index.html", "/v1/courses", "/v1/nothing-here"):
        response = client.get(url)
        headers = response.headers
        assert headers["x-frame-options"] == "DENY", url
        assert headers["x-content-type-options"] == "nosniff", url
        assert headers["referrer-policy"] == "no-referrer", url
        csp = dict(d.split(" ", 1) for d in headers["content-security-policy"].split("; "))
        assert "unsafe-inline" not in headers["content-security-policy"], url
        assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'"
        assert csp["style-src-attr"].split() == [
            "'unsafe-hashes'",
            *(csp_hash(a) for a in PAGE_STYLE_ATTRIBUTES),
        ]
    page = client.get(f"/v1/scans/{JOB}/index.html")
    csp = page.headers["content-security-policy"]
    inline = re.findall(r"<(style|script)>(.*?)</\1>", page.text, re.DOTALL)
    assert {kind for kind, _ in inline} == {"style", "script"}
    directives = dict(d.split(" ", 1) for d in csp.split("; "))
    for kind, text in inline:
        assert csp_hash(text) in directives[f"{kind}-src"].split(), kind
    assert len(directives["script-src"].split()) == 2  # 'self' and the matrix's sorting script


def test_the_pages_write_no_style_attribute_the_policy_does_not_allow(client: TestClient) -> None:
    """The style attributes of the student and director pages (in a lookup too) are among the
    policy's: the status colours."""
    allowed = set(PAGE_STYLE_ATTRIBUTES)
    for url in (
        "/?lang=en",
        "/directors?lang=en",
        "/directors/row?bachelor=VU-B-AI",
        "/directors/pair?bachelor=VU-B-AI&master=UT-M-CS",
    ):
        text = client.get(url).text
        used = set(re.findall(r'style="([^"]*)"', text))
        assert used <= allowed, (url, used - allowed)
    answer = client.post("/", data={"courses": "VU-PROG 7"}).text
    assert set(re.findall(r'style="([^"]*)"', answer)) <= allowed
