"""The OOAPI v6 endpoints: every object served validates against the pinned specification
(schemas, extensible enumerations, expansion rules), the ids courses link resolve, the spec's
filters and page sizes are honoured, any other query parameter is 400, and errors are RFC 9457
problem+json."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from articulation.curriculum.loader import load_curricula
from articulation.interop.ooapi import EXPANDS, FILTERS, export_ooapi
from articulation.settings import Settings
from tests.conftest import MINI
from tests.ooapi_spec import SINGLE, errors, expand_values, expansion_errors, spec

BASE = "/ooapi/v6"
LISTS = ["courses", "programmes", "learning-outcomes", "organisations", "academic-sessions"]


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    settings = Settings(database_url=database_url, migrate_on_start=False, seed_on_start=False)
    with TestClient(create_app(settings), raise_server_exceptions=True) as test_client:
        yield test_client


def every(client: TestClient, path: str, **params) -> list[dict]:
    """All items of a list, page by page, each page checked against the spec."""
    items, number = [], 1
    while True:
        response = client.get(
            f"{BASE}{path}", params={"pageSize": 10, "pageNumber": number, **params}
        )
        assert response.status_code == 200, response.text
        body = response.json()
        template = path
        if template not in spec()["paths"]:  # /programmes/{id}/courses and the like
            parts = path.split("/")
            template = next(
                t
                for t in spec()["paths"]
                if t.split("/")[1::2] == parts[1::2] and t.count("/") == path.count("/")
            )
        assert not errors(body, template), (path, number)
        assert body["pageSize"] == 10 and len(body["items"]) <= 10
        items += body["items"]
        if not body["hasNextPage"]:
            assert body["totalPages"] == number
            return items
        number += 1


def problem(response, status: int, parameter: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    path = "/courses" if status == 400 else "/courses/{courseId}"
    assert not errors(body, path, status=str(status)), body
    assert body["status"] == status and body["title"] and body["type"] == "about:blank"
    if parameter is not None:
        assert parameter in body["detail"]
        assert ["query", parameter] in [e["loc"] for e in body["errors"]]
    return body


def test_service_metadata(client):
    response = client.get(f"{BASE}/")
    assert response.status_code == 200
    body = response.json()
    assert not errors(body, "/")
    assert "ca188b6738a8a2bbbb7077a82eff08eb5538bbc6" in body["specification"]
    for operation in body["supportedOperations"]:
        assert operation["path"] in spec()["paths"], operation
    for expand in body["supportedExpands"]:
        assert expand["path"] in spec()["paths"]


def test_every_list_and_item_is_valid_and_resolves(client):
    exported = export_ooapi(load_curricula(MINI))
    for kind in LISTS:
        items = every(client, f"/{kind}")
        assert items, kind
        if f"{kind}.json" in exported:
            assert items == exported[f"{kind}.json"]["items"]
        key = SINGLE[kind].split("{")[1].rstrip("}")
        for item in items:
            assert not expansion_errors(item, kind), (kind, item["primaryCode"])
            one = client.get(f"{BASE}/{kind}/{item[key]}")
            assert one.status_code == 200 and one.json() == item
            assert not errors(one.json(), SINGLE[kind])
            assert client.get(f"{BASE}/{kind}/{item['primaryCode']['code']}").json() == item


def test_every_link_resolves(client):
    courses = every(client, "/courses")
    linked = 0
    for course in courses:
        for ident in course.get("learningOutcomeIds", []):
            assert client.get(f"{BASE}/learning-outcomes/{ident}").status_code == 200
            linked += 1
        for ident in course.get("programmeIds", []):
            assert client.get(f"{BASE}/programmes/{ident}").status_code == 200
        assert client.get(f"{BASE}/organisations/{course['organisationId']}").status_code == 200
    assert linked == sum(len(c.teaches) for c in load_curricula(MINI).courses.values())
    for session in every(client, "/academic-sessions"):
        for key in ("parentId", "yearId"):
            if key in session:
                assert client.get(f"{BASE}/academic-sessions/{session[key]}").status_code == 200


def test_courses_of_programmes_and_offerings_of_courses(client):
    catalogue = load_curricula(MINI)
    for programme in every(client, "/programmes"):
        code = programme["primaryCode"]["code"]
        items = every(client, f"/programmes/{programme['programmeId']}/courses")
        codes = [c["primaryCode"]["code"] for c in items]
        own = catalogue.programmes[code]
        if own.kind == "master":
            assert codes == []
        else:
            members = [*own.courses, *(c for t in getattr(own, "tracks", []) for c in t.courses)]
            assert sorted(codes) == sorted(dict.fromkeys(members)), code
    offered = 0
    for course in every(client, "/courses"):
        offerings = every(client, f"/courses/{course['courseId']}/course-offerings")
        periods = catalogue.courses[course["primaryCode"]["code"]].periods
        assert len(offerings) == len(periods)
        for offering in offerings:
            assert offering["courseId"] == course["courseId"]
            assert not expansion_errors(offering, "course-offerings")
            session = client.get(f"{BASE}/academic-sessions/{offering['academicSessionId']}")
            assert session.status_code == 200
            assert session.json()["startDateTime"] == offering["startDateTime"]
        offered += len(offerings)
    assert offered == sum(len(c.periods) for c in catalogue.courses.values())  # see test_ooapi


def test_filters_the_spec_defines(client):
    catalogue = load_curricula(MINI)
    assert [c["primaryCode"]["code"] for c in every(client, "/courses", primaryCode="UT-ADC")] == [
        "UT-ADC"
    ]
    found = {c["primaryCode"]["code"] for c in every(client, "/courses", q="algorithms")}
    assert (
        found
        == {
            code
            for code, c in catalogue.courses.items()
            if "algorithms" in f"{code} {c.title}".lower()
        }
        and found
    )
    english = {c["primaryCode"]["code"] for c in every(client, "/courses", teachingLanguage="en")}
    assert english == {code for code, c in catalogue.courses.items() if c.language == "en"}
    assert every(client, "/courses", teachingLanguage="nl-NL") == [] or all(
        "nl-NL" in c["teachingLanguages"]
        for c in every(client, "/courses", teachingLanguage="nl-NL")
    )
    minors = {p["primaryCode"]["code"] for p in every(client, "/programmes", programmeType="minor")}
    assert minors == {code for code, p in catalogue.programmes.items() if p.kind == "minor"}
    years = every(client, "/academic-sessions", academicSessionType="academic_year")
    assert len(years) == 2
    children = every(client, "/academic-sessions", parent=years[0]["academicSessionId"])
    assert [c["academicSessionId"] for c in children] == years[0]["childIds"]
    assert every(client, "/organisations", organisationType="root")
    assert every(client, "/courses", primaryCode="NOPE") == []


def test_page_size_as_the_spec_allows(client):
    body = client.get(f"{BASE}/courses").json()
    assert body["pageSize"] == 10 and len(body["items"]) == 10 and body["hasNextPage"]
    for size in (10, 20, 50, 100, 250):
        assert client.get(f"{BASE}/courses", params={"pageSize": size}).status_code == 200
    for size in ("0", "7", "1000", "ten"):
        problem(client.get(f"{BASE}/courses", params={"pageSize": size}), 400, "pageSize")
    problem(client.get(f"{BASE}/courses", params={"pageNumber": 0}), 400, "pageNumber")


def test_unknown_and_unsupported_parameters_are_400_problems(client):
    body = problem(
        client.get(f"{BASE}/courses", params={"programmeType": "minor"}), 400, "programmeType"
    )
    assert "primaryCode" in body["detail"]  # says what the list takes
    problem(client.get(f"{BASE}/courses", params={"colour": "red"}), 400, "colour")
    problem(client.get(f"{BASE}/courses", params={"fields": "(name)"}), 400, "fields")
    problem(
        client.get(f"{BASE}/learning-outcomes", params={"primaryCode": "x"}), 400, "primaryCode"
    )
    problem(client.get(f"{BASE}/courses", params={"expand": "programmes"}), 400, "expand")
    problem(
        client.get(f"{BASE}/courses", params={"teachingLanguage": "English"}),
        400,
        "teachingLanguage",
    )
    problem(client.get(f"{BASE}/", params={"q": "x"}), 400, "q")
    problem(client.get(f"{BASE}/courses", params={"q": "x" * 201}), 400, "q")
    problem(client.get(f"{BASE}/courses", params=[("q", "a"), ("q", "b")]), 400, "q")
    for kind, filters in FILTERS.items():
        assert len(set(filters)) == len(filters), kind


def test_expansions_as_the_spec_lists_them(client):
    for kind, values in EXPANDS.items():
        assert set(values) == expand_values(kind), kind
    course = client.get(f"{BASE}/courses/UT-ADC").json()
    assert "programmes" not in course and "learningOutcomes" not in course
    problem(
        client.get(f"{BASE}/courses/UT-ADC", params={"expand": "learningOutcomes"}), 400, "expand"
    )
    for kind in EXPANDS:
        key = SINGLE[kind].split("{")[1].rstrip("}")
        for item in every(client, f"/{kind}")[:3]:
            for value in EXPANDS[kind]:
                response = client.get(f"{BASE}/{kind}/{item[key]}", params={"expand": value})
                assert response.status_code == 200, response.text
                body = response.json()
                assert not errors(body, SINGLE[kind]), (kind, value)
                assert not expansion_errors(body, kind, [value]), (kind, value)
    expanded = client.get(
        f"{BASE}/courses/UT-ADC", params={"expand": "programmes,organisation"}
    ).json()
    assert [p["programmeId"] for p in expanded["programmes"]] == course.get("programmeIds", [])
    assert expanded["organisation"]["primaryCode"]["code"] == "UT"


def test_errors_are_problem_json(client):
    body = problem(client.get(f"{BASE}/courses/UT-ADX"), 404)
    assert "UT-ADC" in body["detail"]  # the nearest code
    assert body["instance"] == f"{BASE}/courses/UT-ADX"
    assert client.get(f"{BASE}/teachers").headers["content-type"] == "application/problem+json"
    bad = client.get(f"{BASE}/courses/{'x' * 200}")
    assert bad.status_code == 400 and bad.headers["content-type"] == "application/problem+json"
    # other routes keep their own error shape
    other = client.get("/v1/courses/UT-ADX")
    assert other.headers["content-type"] == "application/json"
